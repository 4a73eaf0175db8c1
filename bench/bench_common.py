"""Helpers shared by the side-by-side benchmark drivers (flow_vs_numpy.py,
particles_vs_numpy.py): running one measured process, NumPy's dense-product
peak, and formatting seconds and rates for the tables."""

import json
import os
import subprocess
import sys
import time


def blas_libraries():
    """The BLAS shared libraries this process has loaded (NumPy's, once imported)."""
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            base = os.path.basename(parts[-1]) if len(parts) >= 6 else ""
            if "blas" in base or "mkl" in base or "blis" in base:
                libs.add(os.path.realpath(parts[-1]))
    return sorted(libs)


def peak_worker(spec):
    """Prints one JSON line: the best of spec["reps"] numpy.matmul products of square
    double matrices of spec["size"], on the BLAS threads the environment sets."""
    import numpy as np

    size = spec["size"]
    rng = np.random.default_rng(7)
    x, y = rng.random((size, size)), rng.random((size, size))
    np.matmul(x, y)  # warm-up
    best = float("inf")
    for _ in range(spec["reps"]):
        t0 = time.perf_counter()
        np.matmul(x, y)
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"library": f"numpy {np.__version__} matmul", "blas": blas_libraries(),
                      "threads": int(os.environ.get("OPENBLAS_NUM_THREADS", "0")),
                      "size": size, "seconds_best": best,
                      "gflops": 2.0 * size ** 3 / best * 1e-9}), flush=True)


def run_one(argv, timeout, threads=None):
    """Runs argv (with `threads` BLAS threads when given) and returns its last stdout line
    parsed as JSON, or {"error": why}."""
    env = dict(os.environ)
    if threads is not None:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-500:]}"}
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": "no JSON line in output: " + proc.stdout[-300:]}


def fmt_seconds(s):
    if s is None:
        return "—"
    if s >= 100:
        return f"{s:.0f} s"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def fmt_rate(x):
    return "—" if x is None else (f"{x:.3g}" if x < 1000 else f"{x:,.0f}")


class Recorder:
    """Keeps every run's JSON result: labels it, appends it to the --raw file when one is
    given, and reports an error on stderr under the program's name (then `failed` is set)."""

    def __init__(self, prog, raw_path):
        self.prog = prog
        self.raw = open(raw_path, "w") if raw_path else None
        self.failed = False

    def __call__(self, result, **labels):
        result.update(labels)
        if self.raw:
            self.raw.write(json.dumps(result) + "\n")
            self.raw.flush()
        if "error" in result:
            self.failed = True
            print(f"{self.prog}: {labels}: {result['error']}", file=sys.stderr)
        return result

    def close(self):
        if self.raw:
            self.raw.close()


def executable_or_hint(prog, path, target):
    """True if `path` is an executable file, else prints how to build `target` and False."""
    if os.path.isfile(path) and os.access(path, os.X_OK):
        return True
    print(f"{prog}: {path} not found or not executable. Build it first:\n"
          f"  ninja -C build {target}\nor pass --bin PATH.", file=sys.stderr)
    return False
