#!/usr/bin/python3
"""End-to-end test of client/python/plot_tour.py: its jobs against a real advectd, its figures
checked as files (PNG opened with PIL and not blank, SVG parsed as XML).

advectd is started once on 127.0.0.1:0 with --progress-interval-ms 0 (every Sinkhorn iteration
streams a progress event, so the convergence curve is a curve) and stopped with SIGTERM
(exit 0 expected). The binary comes from --advectd PATH or $ADVECTD. Run with Debian's
/usr/bin/python3:

    PYTHONPATH=build/python:client/python /usr/bin/python3 tests/python/test_plot_tour.py \
        --advectd build/server/advectd
"""

import contextlib
import io
import os
import re
import sys
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image

import plot_tour
from advectd_process import AdvectdProcess, take_advectd_argument

ADVECTD = os.environ.get("ADVECTD")
FIGURES = ("entropic_ot", "ot_interpolation", "flow_sample", "tokens_sphere",
           "meanfield_neurons")
TOUR_BUDGET = 20.0  # seconds for the whole tour
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"


# --- checks of one written figure -------------------------------------------------------------

def check_png(path):
    """AssertionError unless `path` is a PNG of plausible size with coloured content on it."""
    assert os.path.isfile(path), f"missing: {path}"
    with Image.open(path) as image:
        assert image.format == "PNG", f"{path}: format {image.format}"
        width, height = image.size
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16).reshape(-1, 3)
    assert 400 <= width <= 4000 and 250 <= height <= 4000, f"{path}: size {width} x {height}"
    colours = len(np.unique(pixels, axis=0))
    assert colours > 32, f"{path}: only {colours} distinct colours"
    # Text, frames and ticks are grey; every figure also draws data in colour.
    coloured = np.mean(pixels.max(axis=1) - pixels.min(axis=1) > 40)
    assert coloured > 0.002, f"{path}: {coloured:.2%} coloured pixels (blank plot?)"


def check_svg(path):
    """AssertionError unless `path` parses as XML with an <svg> root and drawn paths."""
    assert os.path.isfile(path), f"missing: {path}"
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as error:
        raise AssertionError(f"{path}: not XML ({error})") from None
    assert root.tag == SVG_ROOT, f"{path}: root <{root.tag}>"
    paths = sum(1 for _ in root.iter("{http://www.w3.org/2000/svg}path"))
    assert paths >= 50, f"{path}: only {paths} <path> elements"


class FigureChecksTest(unittest.TestCase):
    """The checks reject what they should (no server)."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)

    def path(self, name):
        return os.path.join(self.dir.name, name)

    def test_png_checks_reject_missing_blank_and_grey(self):
        with self.assertRaisesRegex(AssertionError, "missing"):
            check_png(self.path("absent.png"))
        Image.new("RGB", (800, 600), "white").save(self.path("blank.png"))
        with self.assertRaisesRegex(AssertionError, "distinct colours"):
            check_png(self.path("blank.png"))
        ramp = (np.arange(800) * 255 // 799).astype(np.uint8)  # 256 greys, no colour
        Image.fromarray(np.tile(ramp[None, :, None], (600, 1, 3))).save(self.path("grey.png"))
        with self.assertRaisesRegex(AssertionError, "coloured pixels"):
            check_png(self.path("grey.png"))
        Image.new("RGB", (40, 30), "red").save(self.path("tiny.png"))
        with self.assertRaisesRegex(AssertionError, "size"):
            check_png(self.path("tiny.png"))

    def test_svg_checks_reject_missing_broken_and_empty(self):
        with self.assertRaisesRegex(AssertionError, "missing"):
            check_svg(self.path("absent.svg"))
        with open(self.path("broken.svg"), "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/>')
        with self.assertRaisesRegex(AssertionError, "not XML"):
            check_svg(self.path("broken.svg"))
        with open(self.path("html.svg"), "w") as f:
            f.write("<html/>")
        with self.assertRaisesRegex(AssertionError, "root"):
            check_svg(self.path("html.svg"))
        with open(self.path("empty.svg"), "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg"/>')
        with self.assertRaisesRegex(AssertionError, "path"):
            check_svg(self.path("empty.svg"))


# --- the tour against advectd -----------------------------------------------------------------

class PlotTourTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not (ADVECTD and os.access(ADVECTD, os.X_OK)):
            raise AssertionError(f"advectd binary not given or not executable: {ADVECTD!r}")
        cls.server = AdvectdProcess(ADVECTD, "--workers", "2", "--progress-interval-ms", "0")

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("advectd did not exit 0 on SIGTERM:\n" + cls.server.output())

    def run_tour(self, fmt):
        """plot_tour.main into a fresh directory; returns (directory, paths, printed lines)."""
        out_dir = tempfile.TemporaryDirectory()
        self.addCleanup(out_dir.cleanup)
        printed = io.StringIO()
        start = time.monotonic()
        with contextlib.redirect_stdout(printed):
            paths = plot_tour.main(["--server", self.server.address, "--out-dir", out_dir.name,
                                    "--format", fmt])
        elapsed = time.monotonic() - start
        self.assertLess(elapsed, TOUR_BUDGET, f"the {fmt} tour took {elapsed:.1f} s")
        return out_dir.name, paths, printed.getvalue().splitlines()

    def check_tour(self, fmt, check):
        out_dir, paths, lines = self.run_tour(fmt)
        expected = [os.path.join(out_dir, f"{name}.{fmt}") for name in FIGURES]
        self.assertEqual(paths, expected)
        self.assertEqual(sorted(os.listdir(out_dir)), sorted(os.path.basename(p) for p in expected))
        self.assertEqual(len(lines), len(FIGURES), lines)  # one printed line per figure
        for path, line in zip(expected, lines):
            with self.subTest(figure=os.path.basename(path)):
                self.assertIn(path, line)
                check(path)
        return lines

    def test_png_figures(self):
        lines = self.check_tour("png", check_png)
        # With --progress-interval-ms 0 the convergence panel has a point per iteration.
        events = int(re.search(r"(\d+) progress events", lines[0]).group(1))
        self.assertGreater(events, 20, lines[0])

    def test_svg_figures(self):
        self.check_tour("svg", check_svg)


if __name__ == "__main__":
    ADVECTD = take_advectd_argument(sys.argv) or ADVECTD
    unittest.main()
