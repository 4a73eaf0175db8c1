#!/usr/bin/python3
"""advect's all-pairs interaction flow against NumPy, side by side.

Run it through bench/run-particles-bench (see bench/README.md). For every d it
has particles_core_bench (bench/particles_core_bench.cc) write one seeded cloud
x (n x d, standard normal) as x.npy in a temporary directory, then runs, one
process per repetition and interleaved (advect, NumPy forms, advect, ...),
--steps explicit Euler steps of the particle gradient flow with the Gaussian
interaction alone (SCIENCE.md c1) in each process:
    x_i <- x_i - h (1/n) sum_j grad W(x_i - x_j),
    W(x) = a exp(-|x|^2 / (2 w^2)),  grad W(x) = -(a / w^2) exp(...) x,
with a = 1, w = sqrt(d), h = 0.1; each step is timed whole.
  - advect: particles_core_bench times Interaction::Accumulate and the update;
    its first repetition also writes the field at the initial points and the
    points after the steps;
  - NumPy: this file with the hidden argument `_numpy`, under /usr/bin/python3
    with OPENBLAS_NUM_THREADS=2, times each step and compares its field and its
    final points with advect's, after the timing.
The NumPy forms evaluate the same double sum over all n^2 ordered pairs, per
block of rows (a block's largest temporary stays under 16 MB):
  - gram: on centred points, |x_i - x_j|^2 = |x_i|^2 + |x_j|^2 - 2 x_i.x_j
    with the cross terms as one product X_b X^T, in-place np.exp, then
    sum_j K_ij (x_i - x_j) = x_i sum_j K_ij - (K X)_i as a second product:
    4 n^2 d flops in two dense BLAS products, the flop model of the table;
  - pairs: the differences x_i - x_j as a broadcast (b x n x d) array, their
    squared norms and the weighted sums by np.einsum.
The table uses the faster form. --peak runs measure dense double products:
particles_core_bench --peak (advect's Gemm, OpenBLAS, 2 threads) and
numpy.matmul on 1 and 2 BLAS threads; the peak is the best of them.
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time

from bench_common import (Recorder, executable_or_hint, fmt_rate, fmt_seconds, peak_worker,
                          run_one)

PYTHON = "/usr/bin/python3"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
NUMPY_THREADS = 2
REL_TOL = 1e-8  # Frobenius-norm relative error of advect's field and final points against NumPy's
TARGET = 10.0   # advect steps/s over NumPy's (issue 5)
BUDGET = 16e6   # bytes for the largest temporary of a block (both forms)
STRENGTH = 1.0
STEP_SIZE = 0.1


# ----------------------------------------------------------------------------
# NumPy side: `particles_vs_numpy.py _numpy '<json spec>'` and `_peak '<json spec>'`.
# ----------------------------------------------------------------------------

def field_gram(x, width):
    import numpy as np

    n, d = x.shape
    c = x - x.mean(axis=0)
    norms = np.einsum("ij,ij->i", c, c)
    scale = -0.5 / (width * width)
    gain = -STRENGTH / (width * width) / n
    out = np.empty((n, d))
    rows = max(1, int(BUDGET // (8 * n)))
    for lo in range(0, n, rows):
        cb = c[lo:lo + rows]
        k = cb @ c.T
        k *= -2.0
        k += norms
        k += norms[lo:lo + rows, None]
        np.maximum(k, 0.0, out=k)
        k *= scale
        np.exp(k, out=k)
        out[lo:lo + rows] = gain * (cb * k.sum(axis=1)[:, None] - k @ c)
    if STRENGTH != 1.0:
        out *= STRENGTH
    return out


def field_pairs(x, width):
    import numpy as np

    n, d = x.shape
    scale = -0.5 / (width * width)
    gain = -STRENGTH / (width * width) / n
    out = np.empty((n, d))
    rows = max(1, int(BUDGET // (8 * n * d)))
    for lo in range(0, n, rows):
        diff = x[lo:lo + rows, None, :] - x[None, :, :]
        k = np.einsum("bnd,bnd->bn", diff, diff)
        k *= scale
        np.exp(k, out=k)
        out[lo:lo + rows] = gain * np.einsum("bn,bnd->bd", k, diff)
    return out


FORMS = {"gram": field_gram, "pairs": field_pairs}


def numpy_worker(spec):
    import numpy as np

    x = np.load(os.path.join(spec["dir"], "x.npy"))
    width = float(np.sqrt(x.shape[1]))
    form = FORMS[spec["form"]]
    seconds, first = [], None
    for _ in range(spec["steps"]):
        t0 = time.perf_counter()
        field = form(x, width)
        x -= STEP_SIZE * field
        seconds.append(time.perf_counter() - t0)
        if first is None:
            first = field
    rel = []
    for name, mine in (("field.npy", first), ("x_final.npy", x)):  # after the timing
        ref = np.load(os.path.join(spec["advect_out"], name))
        rel.append(float(np.linalg.norm(ref - mine) / np.linalg.norm(mine)))
    print(json.dumps({"form": spec["form"], "seconds_all": seconds, "rel_error": rel}),
          flush=True)


# ----------------------------------------------------------------------------
# Driver.
# ----------------------------------------------------------------------------

def worker(kind, spec):
    return [PYTHON, os.path.abspath(__file__), kind, json.dumps(spec)]


def main():
    if len(sys.argv) >= 3 and sys.argv[1] in ("_numpy", "_peak"):
        (numpy_worker if sys.argv[1] == "_numpy" else peak_worker)(json.loads(sys.argv[2]))
        return 0

    parser = argparse.ArgumentParser(
        prog="bench/run-particles-bench",
        description="advect's all-pairs Gaussian interaction flow against NumPy, interleaved, "
                    "one process per repetition; prints a markdown table. See bench/README.md.")
    parser.add_argument("--bin",
                        default=os.path.join(REPO, "build", "bench", "particles_core_bench"),
                        help="particles_core_bench executable "
                             "(default: build/bench/particles_core_bench)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes (n 500), 1 repetition: the smoke test")
    parser.add_argument("--n", type=int, help="particles (default 10000)")
    parser.add_argument("--dims", default="2,64", help="comma-separated dimensions (default 2,64)")
    parser.add_argument("--steps", type=int, default=3, help="steps per process (default 3)")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; 1 with --quick)")
    parser.add_argument("--forms", default="gram,pairs", help="NumPy forms to run (gram,pairs)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peak-size", type=int, help="square size of the peak products (2048)")
    parser.add_argument("--raw", help="also write every run's JSON line to this file")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per process")
    args = parser.parse_args()
    q = args.quick
    n = args.n or (500 if q else 10000)
    reps = args.reps or (1 if q else 3)
    peak_size = args.peak_size or (256 if q else 2048)
    dims = [int(x) for x in args.dims.split(",") if x.strip()]
    forms = [f.strip() for f in args.forms.split(",") if f.strip()]
    if not forms or any(f not in FORMS for f in forms):
        parser.error("--forms: choose from " + ",".join(FORMS))
    if args.steps < 1 or reps < 1 or n < 2 or not dims or min(dims) < 1:
        parser.error("--steps, --reps, --dims must be positive and --n at least 2")
    if not executable_or_hint("run-particles-bench", args.bin, "particles_core_bench"):
        return 2
    args.bin = os.path.abspath(args.bin)
    record = Recorder("run-particles-bench", args.raw)

    # Dense-product peak: advect's Gemm on 2 threads, numpy.matmul on 1 and 2 threads.
    peaks = [record(run_one([args.bin, "--peak", "--size", str(peak_size), "--reps", "3",
                             "--threads", "2"], args.timeout), run="peak_advect")]
    for threads in (1, NUMPY_THREADS):
        peaks.append(record(run_one(worker("_peak", {"size": peak_size, "reps": 3}), args.timeout,
                                    threads), run=f"peak_numpy_{threads}"))
    peak = max((p["gflops"] for p in peaks if "error" not in p), default=None)

    rows, details = [], []
    tmp = tempfile.mkdtemp(prefix="particles-bench-")
    try:
        for d in dims:
            prob = os.path.join(tmp, f"d{d}")
            adv_out = os.path.join(prob, "advect")
            os.makedirs(adv_out)
            record(run_one([args.bin, "--write", prob, "--n", str(n), "--d", str(d),
                            "--seed", str(args.seed)], args.timeout), run="write", d=d)
            runs = {"advect": [], **{f: [] for f in forms}}
            for rep in range(reps):
                argv = [args.bin, "--dir", prob, "--steps", str(args.steps),
                        "--step-size", str(STEP_SIZE), "--strength", str(STRENGTH)]
                r = record(run_one(argv + (["--out", adv_out] if rep == 0 else []), args.timeout),
                           run="advect", d=d, rep=rep)
                runs["advect"].append(r)
                print(f"  [d={d} rep {rep + 1}/{reps}] advect: "
                      + r.get("error", " ".join(fmt_seconds(s) for s in r["seconds_all"])),
                      file=sys.stderr, flush=True)
                if rep == 0 and "error" in r:
                    break  # no reference output to compare with
                for form in forms:
                    spec = {"dir": prob, "form": form, "steps": args.steps, "advect_out": adv_out}
                    r = record(run_one(worker("_numpy", spec), args.timeout, NUMPY_THREADS),
                               run=form, d=d, rep=rep)
                    runs[form].append(r)
                    print(f"  [d={d} rep {rep + 1}/{reps}] numpy {form}: "
                          + r.get("error", " ".join(fmt_seconds(s) for s in r["seconds_all"])
                                  + f" rel err {max(r['rel_error']):.1e}"),
                          file=sys.stderr, flush=True)
            rows.append(summarise(d, n, runs, forms, peak, details))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        record.close()
    failed = record.failed or any(row["disagree"] for row in rows)
    print_tables(n, reps, args.steps, forms, peaks, peak, rows, details)
    if failed:
        print(f"\nrun-particles-bench: FAILED: a run failed or advect and NumPy disagree "
              f"(relative error >= {REL_TOL:g})", file=sys.stderr)
        return 1
    return 0


def summarise(d, n, runs, forms, peak, details):
    flops = 4.0 * n * n * d
    ok = {name: [r for r in rs if "error" not in r] for name, rs in runs.items()}
    med = {name: statistics.median([s for r in rs for s in r["seconds_all"]]) if rs else None
           for name, rs in ok.items()}
    rel = [e for f in forms for r in ok[f] for e in r["rel_error"]]
    complete = all(len(ok[name]) == len(runs["advect"]) and rs for name, rs in runs.items())
    best = min((f for f in forms if med[f] is not None), key=lambda f: med[f], default=None)
    ta, tn = med["advect"], med.get(best)
    route = ok["advect"][0]["route"] if ok["advect"] else "—"
    isa = ok["advect"][0]["isa"] if ok["advect"] else "—"
    for name in ["advect"] + forms:
        label = f"advect ({route}, {isa})" if name == "advect" else f"NumPy {name}"
        t = med[name]
        details.append([str(d), label, fmt_seconds(t), fmt_rate(1.0 / t) if t else "—",
                        fmt_rate(flops / t * 1e-9) if t else "—",
                        f"{ta and t / ta:.3g}" if t and ta and name != "advect" else "—"])
    disagree = not complete or not rel or max(rel) >= REL_TOL
    ratio = tn / ta if ta and tn else None
    return {"d": d, "ta": ta, "tn": tn, "best": best, "ratio": ratio, "rel": max(rel) if rel else None,
            "disagree": disagree, "gflops": flops / ta * 1e-9 if ta else None,
            "np_gflops": flops / tn * 1e-9 if tn else None, "peak": peak}


def print_tables(n, reps, steps, forms, peaks, peak, rows, details):
    print(f"advect particles_core_bench vs NumPy ({NUMPY_THREADS} BLAS threads); Gaussian W, "
          f"strength {STRENGTH:g}, width sqrt(d), step {STEP_SIZE:g}, {reps} repetition(s) x "
          f"{steps} steps, medians; {time.strftime('%Y-%m-%d')}, load average "
          f"{os.getloadavg()[0]:.2f} at the end, {os.cpu_count()} CPUs\n")
    for p in peaks:
        if "error" not in p:
            extra = "" if "blas" not in p else f", {', '.join(os.path.basename(b) for b in p['blas'])}"
            print(f"- peak {p['library']}, {p['threads']} thread(s){extra}: "
                  f"{p['gflops']:.1f} GFLOP/s ({p['size']}^3, best of 3)")
    print(f"- flop model: 4 n^2 d per step (the Gram form's two products); peak used: "
          f"{fmt_rate(peak)} GFLOP/s\n")
    header = ["n", "d", "advect s/step", "advect steps/s", "NumPy steps/s (form)",
              "advect/NumPy speed", "target ≥ 10", "advect GFLOP/s", "NumPy GFLOP/s",
              "peak GFLOP/s", "advect fraction of peak", "agreement"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join(["---:"] * 11 + ["---"]) + " |")
    for r in rows:
        st_a = 1.0 / r["ta"] if r["ta"] else None
        st_n = 1.0 / r["tn"] if r["tn"] else None
        if r["disagree"]:
            agreement = "**NO**" + (f" (rel {r['rel']:.1e})" if r["rel"] is not None else "")
            target = "n/a"
        else:
            agreement = f"yes (rel {r['rel']:.0e})"
            target = "met" if r["ratio"] >= TARGET else "missed"
        frac = r["gflops"] / r["peak"] if r["gflops"] and r["peak"] else None
        print("| " + " | ".join([
            f"{n:,}", str(r["d"]), fmt_seconds(r["ta"]), fmt_rate(st_a),
            f"{fmt_rate(st_n)} ({r['best']})", "—" if r["ratio"] is None else f"{r['ratio']:.3g}",
            target, fmt_rate(r["gflops"]), fmt_rate(r["np_gflops"]), fmt_rate(r["peak"]),
            "—" if frac is None else f"{frac:.3f}", agreement]) + " |")
    print("\nPer implementation: median s/step, steps/s, GFLOP/s in the model's units, and "
          "advect's speed over it\n")
    print("| d | implementation | s/step | steps/s | GFLOP/s (model) | advect/it |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for row in details:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
