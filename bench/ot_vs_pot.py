#!/usr/bin/python3
"""Side-by-side benchmark of advect's OT solvers against POT 0.8.2.

Run it through bench/run-ot-bench (see bench/README.md). For every case it
generates the inputs with numpy (uniform clouds in [0,1]^d, fixed seeds) as .npy
files in a temporary directory, then runs, one process per repetition and
interleaved (advect, POT, advect, POT, ...):
  - advect: the C++ program ot_core_bench (bench/ot_core_bench.cc), which reads
    the .npy files, times only the solver call and prints one JSON line;
  - POT: this same file with the hidden first argument `_pot`, under
    /usr/bin/python3, which times only the POT call and prints one JSON line.
Every process reports its peak RSS (getrusage ru_maxrss). The two results are
compared at a per-case tolerance; any disagreement or failed run is flagged in
the table and makes the command exit 1.
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Sinkhorn stopping rules (see bench/README.md, "Sinkhorn tolerances"): advect
# stops when the L1 marginal error |P1 - a|_1 + |P^T 1 - b|_1 <= SINKHORN_L1_TOL;
# POT when the L2 norm of the column-marginal error, checked every 10th
# iteration, is < SINKHORN_L1_TOL / sqrt(m). Both leave the row marginals exact
# when they test, and |e|_1 <= sqrt(m) |e|_2, so POT stops no earlier than at
# the same L1 accuracy. Both final L1 errors are measured and reported.
SINKHORN_L1_TOL = 1e-6
SINKHORN_MAX_ITER = 10000


# ----------------------------------------------------------------------------
# POT worker: `ot_vs_pot.py _pot '<json spec>'`, one timed POT call.
# ----------------------------------------------------------------------------

def pot_worker(spec):
    import resource

    import numpy as np
    import ot

    kind = spec["kind"]
    out = {"solver": spec["label"], "iterations": 0}
    if kind == "emd":
        x, y = np.load(spec["x"]), np.load(spec["y"])
        M = ot.dist(x, y)  # squared Euclidean, before the timer
        a = np.full(x.shape[0], 1.0 / x.shape[0])
        b = np.full(y.shape[0], 1.0 / y.shape[0])
        t0 = time.perf_counter()
        G, log = ot.emd(a, b, M, numItermax=10**8, log=True)
        out["seconds"] = time.perf_counter() - t0
        out["value"] = float(np.sum(G * M))
        out["optimal"] = log["result_code"] == 1
        out["warning"] = log["warning"]
    elif kind == "sinkhorn":
        x, y = np.load(spec["x"]), np.load(spec["y"])
        M = ot.dist(x, y)
        M /= M.max()  # normalised before the timer, as advect's NormalizeCost
        a = np.full(x.shape[0], 1.0 / x.shape[0])
        b = np.full(y.shape[0], 1.0 / y.shape[0])
        t0 = time.perf_counter()
        P, log = ot.sinkhorn(a, b, M, spec["epsilon"], method=spec["method"],
                             stopThr=spec["stop_thr"], numItermax=spec["max_iter"],
                             log=True, warn=False)
        out["seconds"] = time.perf_counter() - t0
        out["iterations"] = int(log["niter"]) + 1
        out["value"] = float(np.sum(P * M))
        out["marginal_error_l1"] = float(np.abs(P.sum(1) - a).sum() + np.abs(P.sum(0) - b).sum())
        out["converged"] = out["iterations"] < spec["max_iter"]
        out["seconds_per_iteration"] = out["seconds"] / out["iterations"]
    elif kind == "sliced":
        x, y = np.load(spec["x"]), np.load(spec["y"])
        dirs = np.load(spec["directions"])  # d x k unit columns, the same advect gets
        t0 = time.perf_counter()
        sw = ot.sliced_wasserstein_distance(x, y, projections=dirs, p=2)
        out["seconds"] = time.perf_counter() - t0
        out["value"] = float(sw) ** 2  # POT returns (mean W_2^2)^(1/2); advect the mean
        out["iterations"] = dirs.shape[1]
    elif kind in ("wasserstein_1d", "emd2_1d"):
        x, y = np.load(spec["x"]), np.load(spec["y"])
        a = np.load(spec["a"]) if spec.get("a") else np.full(x.shape[0], 1.0 / x.shape[0])
        b = np.load(spec["b"]) if spec.get("b") else np.full(y.shape[0], 1.0 / y.shape[0])
        t0 = time.perf_counter()
        if kind == "wasserstein_1d":
            v = ot.wasserstein_1d(x, y, a, b, p=2)
        else:
            v = ot.emd2_1d(x, y, a, b, metric="sqeuclidean")
        out["seconds"] = time.perf_counter() - t0
        out["value"] = float(v)
    else:
        raise SystemExit("unknown POT kind " + kind)
    out["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(out), flush=True)


def blas_info():
    """Which BLAS library numpy (hence POT) has loaded, from /proc/self/maps."""
    import numpy as np

    np.dot(np.ones((64, 64)), np.ones((64, 64)))
    libs = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            base = os.path.basename(path)
            if "blas" in base or "mkl" in base or "blis" in base:
                libs.add(os.path.realpath(path))
    import ot
    print(json.dumps({"numpy": np.__version__, "pot": ot.__version__, "blas": sorted(libs)}))


# ----------------------------------------------------------------------------
# Driver.
# ----------------------------------------------------------------------------

class Inputs:
    """Generates and caches the .npy inputs in a temporary directory."""

    def __init__(self, directory):
        import numpy as np

        self.np = np
        self.dir = directory
        self.cache = {}

    def _save(self, name, array):
        path = os.path.join(self.dir, name + ".npy")
        self.np.save(path, array)
        return path

    def clouds(self, n, d, seed):
        key = ("clouds", n, d, seed)
        if key not in self.cache:
            rng = self.np.random.default_rng(seed)
            x = rng.random((n, d))
            y = rng.random((n, d))
            self.cache[key] = (self._save(f"x_{n}_{d}_{seed}", x), self._save(f"y_{n}_{d}_{seed}", y))
        return self.cache[key]

    def directions(self, d, k, seed):
        key = ("dirs", d, k, seed)
        if key not in self.cache:
            rng = self.np.random.default_rng(seed)
            dirs = rng.standard_normal((d, k))
            dirs /= self.np.linalg.norm(dirs, axis=0, keepdims=True)
            self.cache[key] = self._save(f"dirs_{d}_{k}_{seed}", dirs)
        return self.cache[key]

    def line(self, n, weighted, seed):
        key = ("line", n, weighted, seed)
        if key not in self.cache:
            rng = self.np.random.default_rng(seed)
            x = rng.random(n)
            y = rng.random(n)
            paths = {"x": self._save(f"lx_{n}_{seed}", x), "y": self._save(f"ly_{n}_{seed}", y)}
            if weighted:
                a = rng.random(n)
                b = rng.random(n)
                paths["a"] = self._save(f"la_{n}_{seed}", a / a.sum())
                paths["b"] = self._save(f"lb_{n}_{seed}", b / b.sum())
            self.cache[key] = paths
        return self.cache[key]


class Case:
    """One problem: advect runs and POT runs (interleaved per repetition) and the
    rows of the table, each an (advect run, POT run) pair with its target."""

    def __init__(self, group, name, n, d, rtol, make_runs, rows, note=""):
        self.group, self.name, self.n, self.d, self.rtol = group, name, n, d, rtol
        self.make_runs = make_runs  # inputs -> list of (label, "advect"|"pot", argv or spec)
        self.rows = rows  # list of (advect label, pot label, target ratio or None, row name)
        self.note = note


def build_cases(args):
    q = args.quick
    cases = []
    bench = args.bin

    # Exact OT, uniform weights, dense cost built before the timer on both sides.
    if "exact" in args.only:
        sizes = [200] if q else [1000, 2000, 4000]
        for d in (2, 10):
            for n in sizes:
                def runs(inp, n=n, d=d):
                    x, y = inp.clouds(n, d, seed=1000 + d)
                    return [("advect", "advect", [bench, "--solver", "exact", "--x", x, "--y", y]),
                            ("pot", "pot", {"kind": "emd", "label": "ot.emd", "x": x, "y": y})]
                target = 0.5 if n == 4000 else None
                cases.append(Case("exact", "exact (ot.emd)", n, d, 1e-9, runs,
                                  [("advect", "pot", target, "exact: SolveExactOt vs ot.emd")]))
        if args.large and not q:
            def runs(inp):
                x, y = inp.clouds(10000, 2, seed=1002)
                return [("advect", "advect", [bench, "--solver", "exact_points", "--x", x, "--y", y]),
                        ("pot", "pot", {"kind": "emd", "label": "ot.emd", "x": x, "y": y})]
            cases.append(Case("exact", "exact", 10000, 2, 1e-9, runs,
                              [("advect", "pot", None,
                                "exact: SolveExactOtFromPoints vs ot.emd")]))

    # Sinkhorn on the cost normalised by its maximum, epsilon in those units.
    if "sinkhorn" in args.only:
        sizes = [300] if q else [4000, 8000]
        dims = (2,) if q else (2, 10)
        epsilons = (0.05,) if q else (0.05, 0.01)
        for n in sizes:
            for d in dims:
                for eps in epsilons:
                    def runs(inp, n=n, d=d, eps=eps):
                        x, y = inp.clouds(n, d, seed=2000 + d)
                        common = {"kind": "sinkhorn", "x": x, "y": y, "epsilon": eps,
                                  "stop_thr": SINKHORN_L1_TOL / math.sqrt(n),
                                  "max_iter": SINKHORN_MAX_ITER}
                        # advect on both cores (POT's BLAS has both too); float64 is
                        # the like-for-like row, float32 at its own floor (1e-5).
                        base = [bench, "--solver", "sinkhorn", "--x", x, "--y", y,
                                "--epsilon", repr(eps), "--threads", "2",
                                "--max-iterations", str(SINKHORN_MAX_ITER)]
                        out = [("advect", "advect",
                                base + ["--tolerance", repr(SINKHORN_L1_TOL)]),
                               ("advect_f32", "advect",
                                base + ["--tolerance", "1e-5", "--precision", "float32"]),
                               ("sinkhorn", "pot", dict(common, method="sinkhorn",
                                                        label="ot.sinkhorn(method='sinkhorn')"))]
                        if not args.no_sinkhorn_log:
                            out.append(("sinkhorn_log", "pot",
                                        dict(common, method="sinkhorn_log",
                                             label="ot.sinkhorn(method='sinkhorn_log')")))
                        return out
                    rows = [("advect", "sinkhorn", 1 / 3, f"sinkhorn eps={eps}: vs method='sinkhorn'"),
                            ("advect_f32", "sinkhorn", None,
                             f"sinkhorn eps={eps} float32 (tol 1e-5): vs method='sinkhorn'")]
                    if not args.no_sinkhorn_log:
                        rows.append(("advect", "sinkhorn_log", 1 / 10,
                                     f"sinkhorn eps={eps}: vs method='sinkhorn_log'"))
                    cases.append(Case("sinkhorn", f"sinkhorn eps={eps}", n, d, 1e-4, runs, rows))

    # Sliced Wasserstein, p = 2, the same 50 directions on both sides.
    if "sliced" in args.only:
        n, d, k = (2000, 10, 50) if q else (100000, 10, 50)

        def runs(inp, n=n, d=d, k=k):
            x, y = inp.clouds(n, d, seed=3000 + d)
            dirs = inp.directions(d, k, seed=3100)
            base = ["--solver", "sliced", "--x", x, "--y", y, "--directions", dirs]
            return [("advect1", "advect", [bench, *base, "--threads", "1"]),
                    ("pot", "pot", {"kind": "sliced", "label": "ot.sliced_wasserstein_distance",
                                    "x": x, "y": y, "directions": dirs}),
                    ("advect2", "advect", [bench, *base, "--threads", "2"])]
        cases.append(Case("sliced", "sliced k=50", n, d, 1e-9, runs,
                          [("advect1", "pot", 0.1, "sliced (k=50), 1 thread"),
                           ("advect2", "pot", 0.1, "sliced (k=50), 2 threads")]))

    # 1-D, p = 2, uniform and random weights.
    if "1d" in args.only:
        n = 10000 if q else 1000000
        for weighted in (False, True):
            def runs(inp, n=n, weighted=weighted):
                p = inp.line(n, weighted, seed=4000 + int(weighted))
                wa = ["--a", p["a"], "--b", p["b"]] if weighted else []
                spec = {"x": p["x"], "y": p["y"], "a": p.get("a"), "b": p.get("b")}
                return [("advect", "advect", [bench, "--solver", "1d", "--x", p["x"], "--y", p["y"], *wa]),
                        ("w1d", "pot", dict(spec, kind="wasserstein_1d", label="ot.wasserstein_1d")),
                        ("emd2", "pot", dict(spec, kind="emd2_1d", label="ot.emd2_1d"))]
            w = "random weights" if weighted else "uniform weights"
            cases.append(Case("1d", f"1-D {w}", n, 1, 1e-9, runs,
                              [("advect", "w1d", 1 / 3, f"1-D {w}: vs ot.wasserstein_1d"),
                               ("advect", "emd2", 1 / 3, f"1-D {w}: vs ot.emd2_1d")]))
    return cases


def run_one(kind, argv_or_spec, timeout):
    if kind == "advect":
        argv = argv_or_spec
    else:
        argv = [PYTHON, os.path.abspath(__file__), "_pot", json.dumps(argv_or_spec)]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
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


def fmt_mb(kb):
    return "—" if kb is None else f"{kb / 1024:.0f} MB"


def median_of(results, key):
    vals = [r[key] for r in results if key in r and r[key] is not None]
    return statistics.median(vals) if vals else None


def agree(va, vp, rtol):
    if va is None or vp is None:
        return False
    return abs(va - vp) <= rtol * max(abs(va), abs(vp), 1e-300)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "_pot":
        pot_worker(json.loads(sys.argv[2]))
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "_blas":
        blas_info()
        return 0

    parser = argparse.ArgumentParser(
        prog="bench/run-ot-bench",
        description="advect's OT solvers against POT 0.8.2, interleaved, one process per "
                    "repetition; prints a markdown table. See bench/README.md.")
    parser.add_argument("--bin", default=os.path.join(REPO, "build", "bench", "ot_core_bench"),
                        help="path of the ot_core_bench executable (default: build/bench/ot_core_bench)")
    parser.add_argument("--quick", action="store_true", help="1 repetition, tiny sizes (the smoke test)")
    parser.add_argument("--only", default="exact,sinkhorn,sliced,1d",
                        help="comma-separated subset of exact,sinkhorn,sliced,1d")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 3; 1 with --quick)")
    parser.add_argument("--large", action="store_true",
                        help="also exact OT at n = 10,000, d = 2 (POT needs ~30 s and ~4 GB)")
    parser.add_argument("--no-sinkhorn-log", action="store_true",
                        help="skip POT's method='sinkhorn_log' (the slowest runs)")
    parser.add_argument("--raw", help="also write every run's JSON line to this file")
    parser.add_argument("--n", type=lambda v: {int(x) for x in v.split(",")},
                        help="only the cases with these n (comma-separated)")
    parser.add_argument("--table-from", nargs="+", metavar="RAW",
                        help="run nothing: print the table of runs saved with --raw")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per process")
    args = parser.parse_args()
    args.only = set(s.strip() for s in args.only.split(",") if s.strip())
    unknown = args.only - {"exact", "sinkhorn", "sliced", "1d"}
    if unknown:
        parser.error("--only: unknown " + ",".join(sorted(unknown)))
    reps = args.reps if args.reps is not None else (1 if args.quick else 3)
    if reps < 1:
        parser.error("--reps must be >= 1")

    if not args.table_from and not (os.path.isfile(args.bin) and os.access(args.bin, os.X_OK)):
        print(f"run-ot-bench: {args.bin} not found or not executable. Build it first:\n"
              "  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release && "
              "ninja -C build ot_core_bench\n"
              "or pass --bin PATH.", file=sys.stderr)
        return 2
    args.bin = os.path.abspath(args.bin)
    probe = subprocess.run([PYTHON, os.path.abspath(__file__), "_blas"], capture_output=True, text=True)
    if probe.returncode != 0:
        print("run-ot-bench: POT is not importable by /usr/bin/python3 "
              f"({probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else 'unknown error'}).\n"
              "Install it with scripts/install-deps --test (Debian package python3-pot).",
              file=sys.stderr)
        return 2
    info = json.loads(probe.stdout)
    if info["pot"] != "0.8.2":
        print(f"run-ot-bench: warning: POT {info['pot']} found, the reference is 0.8.2", file=sys.stderr)

    if args.table_from:  # every case the data may hold, filtered below
        args.large = True
        cases = build_cases(args)
        args.quick = True
        cases += build_cases(args)
    else:
        cases = build_cases(args)
    if args.n:
        cases = [c for c in cases if c.n in args.n]
    results_by_case = {}
    if args.table_from:
        for path in args.table_from:
            with open(path) as f:
                for line in f:
                    if line.strip():
                        r = json.loads(line)
                        key = (r["case"], r["n"], r["d"])
                        results_by_case.setdefault(key, {}).setdefault(r["run"], []).append(r)
        cases = [c for c in cases if (c.name, c.n, c.d) in results_by_case]
        reps_seen = sorted({len(v) for res in results_by_case.values() for v in res.values()})
        reps_text = "/".join(map(str, reps_seen))
    else:
        reps_text = str(reps)
        tmp = tempfile.mkdtemp(prefix="ot-bench-")
        raw = open(args.raw, "w") if args.raw else None
        try:
            inputs = Inputs(tmp)
            for case in cases:
                runs = case.make_runs(inputs)
                results = results_by_case.setdefault((case.name, case.n, case.d),
                                                     {label: [] for label, _, _ in runs})
                for rep in range(reps):
                    for label, kind, what in runs:
                        r = run_one(kind, what, args.timeout)
                        r["case"], r["n"], r["d"], r["rep"], r["run"] = case.name, case.n, case.d, rep, label
                        if raw:
                            raw.write(json.dumps(r) + "\n")
                            raw.flush()
                        if "error" in r:
                            print(f"run-ot-bench: {case.name} n={case.n} d={case.d} {label}: {r['error']}",
                                  file=sys.stderr)
                        results[label].append(r)
                        print(f"  [{case.name} n={case.n} d={case.d} rep {rep + 1}/{reps}] {label}: "
                              + (r["error"] if "error" in r else
                                 f"{fmt_seconds(r['seconds'])} value={r['value']:.12g}"),
                              file=sys.stderr, flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            if raw:
                raw.close()

    failed = False
    out_rows = []
    sinkhorn_rows = []
    for case in cases:
        results = results_by_case[(case.name, case.n, case.d)]
        for r in (r for rs in results.values() for r in rs):
            if "error" not in r and (r.get("optimal") is False or r.get("converged") is False):
                r["error"] = "did not reach optimality / convergence"
                print(f"run-ot-bench: {case.name} n={case.n} d={case.d} {r['run']}: {r['error']}",
                      file=sys.stderr)
        for a_label, p_label, target, row_name in case.rows:
            ra, rp = results.get(a_label, []), results.get(p_label, [])
            ok_runs = bool(ra) and bool(rp) and all("error" not in r for r in ra + rp)
            ta, tp = median_of(ra, "seconds"), median_of(rp, "seconds")
            va, vp = median_of(ra, "value"), median_of(rp, "value")
            # Every repetition gives the same value (deterministic solvers); check them all.
            agrees = ok_runs and all(agree(x["value"], y["value"], case.rtol) for x in ra for y in rp)
            if not agrees:
                failed = True
            ratio = ta / tp if ta is not None and tp else None
            rel = abs(va - vp) / max(abs(va), abs(vp), 1e-300) if va is not None and vp is not None else None
            if not ok_runs:
                agreement = "FAILED RUN"
            elif agrees:
                agreement = f"yes (rel {rel:.0e})"
            else:
                agreement = f"**NO** (rel {rel:.1e} > {case.rtol:g})"
            if target is None:
                target_str = "—"
            elif not agrees or ratio is None:
                target_str = "n/a (results differ)"
            else:
                target_str = ("met" if ratio <= target else "missed") + f" (≤ {target:.2g})"
            out_rows.append([row_name, f"{case.n:,}", str(case.d), str(min(len(ra), len(rp))), fmt_seconds(ta), fmt_seconds(tp),
                             "—" if ratio is None else f"{ratio:.3g}",
                             fmt_mb(median_of(ra, "peak_rss_kb")), fmt_mb(median_of(rp, "peak_rss_kb")),
                             agreement, target_str])
            if case.group == "sinkhorn":
                sinkhorn_rows.append([row_name, f"{case.n:,}", str(case.d),
                                      f"{median_of(ra, 'iterations') or 0:.0f}",
                                      f"{median_of(rp, 'iterations') or 0:.0f}",
                                      fmt_seconds(median_of(ra, "seconds_per_iteration")),
                                      fmt_seconds(median_of(rp, "seconds_per_iteration")),
                                      f"{median_of(ra, 'marginal_error_l1') or float('nan'):.1e}",
                                      f"{median_of(rp, 'marginal_error_l1') or float('nan'):.1e}"])

    blas = ", ".join(info["blas"]) or "none found in /proc/self/maps"
    load = "" if args.table_from else f", load average {os.getloadavg()[0]:.2f} at the end"
    print(f"advect ot_core_bench vs POT {info['pot']} (numpy {info['numpy']}, BLAS used by numpy/POT: {blas}); "
          f"{reps_text} repetition(s), medians; {time.strftime('%Y-%m-%d')}{load}, {os.cpu_count()} CPUs\n")
    header = ["case", "n", "d", "reps", "advect median", "POT median", "advect/POT", "advect peak RSS",
              "POT peak RSS", "agreement", "target"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---"]) + " |")
    for row in out_rows:
        print("| " + " | ".join(row) + " |")
    if sinkhorn_rows:
        print("\nSinkhorn details (medians): iterations, time per iteration (advect: between its first "
              "and last iteration; POT: total / iterations), final L1 marginal error "
              "|P1-a|_1 + |P^T1-b|_1\n")
        h = ["case", "n", "d", "advect iters", "POT iters", "advect s/iter", "POT s/iter",
             "advect L1 err", "POT L1 err"]
        print("| " + " | ".join(h) + " |")
        print("| " + " | ".join(["---"] + ["---:"] * (len(h) - 1)) + " |")
        for row in sinkhorn_rows:
            print("| " + " | ".join(row) + " |")
    if failed:
        print("\nrun-ot-bench: FAILED: a run failed or advect and POT disagree (see the agreement column)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
