#!/usr/bin/python3
"""Checks figure files written by `advect plot`: each PNG opens, has the
expected size and is not blank; each SVG is well-formed XML with an <svg> root
and drawn content; each GIF has two or more frames that differ.

Usage: check_figures.py [--size WxH] [--animated] FILE...
       check_figures.py --self-test
Exits 1 naming the first file that fails and why.
"""

import argparse
import io
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

from PIL import Image

SVG = "{http://www.w3.org/2000/svg}"


def drawn(image):
    """Distinct colours and the fraction of pixels that are not white."""
    rgb = image.convert("RGB")
    small = rgb.resize((max(1, rgb.width // 2), max(1, rgb.height // 2)), Image.NEAREST)
    pixels = list(small.getdata())
    colours = len(set(pixels))
    inked = sum(1 for p in pixels if p != (255, 255, 255)) / len(pixels)
    return colours, inked


def check_png(path, size):
    with Image.open(path) as image:
        if image.format != "PNG":
            return f"not a PNG ({image.format})"
        if size and image.size != size:
            return f"size {image.size[0]}x{image.size[1]}, expected {size[0]}x{size[1]}"
        if image.width < 100 or image.height < 75:
            return f"too small: {image.size}"
        colours, inked = drawn(image)
    if colours < 16:
        return f"blank: {colours} distinct colours"
    if inked < 0.02:
        return f"blank: only {100 * inked:.2f}% of the pixels are drawn"
    return None


def check_svg(path, animated):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        return f"not well-formed XML: {e}"
    if root.tag != SVG + "svg":
        return f"root element is {root.tag}, not svg"
    if not root.get("viewBox") or not root.get("width"):
        return "the <svg> has no viewBox or width"
    shapes = sum(1 for e in root.iter() if e.tag in (SVG + "path", SVG + "circle", SVG + "image",
                                                       SVG + "rect", SVG + "use"))
    if shapes < 20:
        return f"blank: {shapes} drawn elements"
    animations = sum(1 for e in root.iter() if e.tag == SVG + "animate")
    if animated and animations < 4:
        return f"not animated: {animations} <animate> elements"
    return None


def check_gif(path, size):
    with Image.open(path) as image:
        if image.format != "GIF":
            return f"not a GIF ({image.format})"
        if size and image.size != size:
            return f"size {image.size[0]}x{image.size[1]}, expected {size[0]}x{size[1]}"
        frames = getattr(image, "n_frames", 1)
        if frames < 2:
            return f"{frames} frame(s): not an animation"
        image.seek(0)
        first = image.convert("RGB").tobytes()
        image.seek(frames - 1)
        last_image = image.convert("RGB")
        last = last_image.tobytes()
        colours, inked = drawn(last_image)
    if first == last:
        return "the first and last frames are the same"
    if colours < 8 or inked < 0.02:
        return "the last frame is blank"
    return None


def check(path, size=None, animated=False):
    if not os.path.isfile(path) or os.path.getsize(path) == 0:
        return "missing or empty"
    ext = os.path.splitext(path)[1].lower()
    if ext == ".png":
        return check_png(path, size)
    if ext == ".svg":
        return check_svg(path, animated)
    if ext == ".gif":
        return check_gif(path, size)
    return f"unknown extension {ext}"


def self_test():
    """The checks reject what they should: blank, tiny, wrong format, bad XML, still GIF."""
    with tempfile.TemporaryDirectory() as d:
        def write(name, data):
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(data)
            return p

        def png(image):
            buf = io.BytesIO()
            image.save(buf, "PNG")
            return buf.getvalue()

        blank = write("blank.png", png(Image.new("RGB", (400, 300), "white")))
        tiny = write("tiny.png", png(Image.new("RGB", (20, 20), "black")))
        fake = write("fake.png", b"GIF89a not really")
        bad_xml = write("bad.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")
        empty_svg = write("empty.svg", b"<svg xmlns='http://www.w3.org/2000/svg' width='1' "
                                       b"viewBox='0 0 1 1'></svg>")
        html = write("page.svg", b"<html><body/></html>")
        frame = Image.new("RGB", (200, 150), "white")
        buf = io.BytesIO()
        frame.save(buf, "GIF")
        still = write("still.gif", buf.getvalue())
        cases = [(blank, "blank"), (tiny, "too small"), (fake, "cannot identify"),
                 (bad_xml, "well-formed"), (empty_svg, "blank"), (html, "root element"),
                 (still, "not an animation"), (os.path.join(d, "none.png"), "missing")]
        for path, why in cases:
            try:
                error = check(path)
            except Exception as e:  # PIL's own refusal counts as a rejection
                error = str(e)
            if error is None or why not in error:
                print(f"self-test: {os.path.basename(path)} gave {error!r}, expected {why!r}")
                return 1
    print(f"self-test: {len(cases)} bad files rejected")
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", help="expected raster size WxH")
    parser.add_argument("--animated", action="store_true", help="SVGs must hold <animate>")
    parser.add_argument("--self-test", action="store_true")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    if args.self_test:
        return self_test()
    size = tuple(int(v) for v in args.size.split("x")) if args.size else None
    if not args.files:
        print("check_figures: no files")
        return 1
    for path in args.files:
        error = check(path, size, args.animated)
        if error:
            print(f"check_figures: {path}: {error}")
            return 1
    print(f"check_figures: {len(args.files)} figure(s) ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
