#!/usr/bin/python3
"""advect's closed-form Gaussian-mixture velocity against NumPy, side by side.

Run it through bench/run-flow-bench (see bench/README.md). For every d it has
flow_core_bench (bench/flow_core_bench.cc) write one seeded problem as .npy files
(weights K, means K x d, covariances as a (K d) x d stack, points z n x d) in a
temporary directory, then runs, one process per repetition and interleaved
(advect, NumPy forms, advect, ...), one evaluation per t of the linear schedule
(sigma = 1) in each process:
  - advect: flow_core_bench times MixtureVelocity::Evaluate and prints one JSON
    line; its first repetition also writes its outputs v_<i>.npy;
  - NumPy: this file with the hidden argument `_numpy`, under /usr/bin/python3
    with OPENBLAS_NUM_THREADS=2, times each evaluation (everything that depends
    on t, the per-component factorisations included) and compares its output
    with advect's, after the timing.
Each NumPy form is a direct vectorised evaluation of the same formula
(SCIENCE.md b2): Sigma_j = a^2 S_j + b^2 sigma^2 I, log r_j(z) = log w_j
- log det(Sigma_j) / 2 - q_j(z) / 2 with q_j(z) = (z - a c_j)^T Sigma_j^-1
(z - a c_j), and v(z) = sum_j r_j (a' c_j + B_j (z - a c_j)) with
B_j = (a' a S_j + b' b sigma^2 I) Sigma_j^-1, which is a' E[X|z,j] + b' E[Y|z,j].
  - gemm: all components at once, per block of points: q_j(z) = <Sigma_j^-1,
    z z^T> - 2 a c_j^T Sigma_j^-1 z + a^2 c_j^T Sigma_j^-1 c_j, the first term as
    one product (points x d(d+1)/2 upper-triangle products) x (d(d+1)/2 x K); a
    row-wise log-sum-exp; then sum_j r_j B_j as one (points x K) x (K x d^2)
    product applied to each z. Its work is in two dense BLAS products.
  - loop: per block of components, D = z - a c_j for each, one batched product
    D [Sigma_j^-1 | B_j^T], and a streaming log-sum-exp over the blocks.
The table uses the faster form. --peak runs measure dense double products:
flow_core_bench --peak (Eigen, advect's flags) and numpy.matmul on 1 and 2 BLAS
threads; the peak is the best of them.
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
REL_TOL = 1e-8  # Frobenius-norm relative error of advect's output against NumPy's
TARGET = 10.0   # advect evaluations/s over NumPy's (issue 4)
BUDGET = 16e6   # bytes for the largest temporary of a block (both forms)


# ----------------------------------------------------------------------------
# NumPy side: `flow_vs_numpy.py _numpy '<json spec>'` and `_peak '<json spec>'`.
# ----------------------------------------------------------------------------

def load_problem(directory):
    import numpy as np

    w = np.load(os.path.join(directory, "weights.npy"))
    c = np.load(os.path.join(directory, "means.npy"))
    k, d = c.shape
    covs = np.load(os.path.join(directory, "covs.npy")).reshape(k, d, d)
    z = np.load(os.path.join(directory, "z.npy"))
    return w, c, covs, z


def prepare(t, w, c, covs, sigma):
    """The per-t, per-component quantities both forms use (linear schedule)."""
    import numpy as np

    a, b, da, db = 1.0 - t, t, -1.0, 1.0
    eye = np.eye(c.shape[1])
    cov_t = a * a * covs + (b * b * sigma * sigma) * eye
    chol = np.linalg.cholesky(cov_t)
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    prec = np.linalg.inv(cov_t)
    blend = (da * a * covs + (db * b * sigma * sigma) * eye) @ prec  # B_j
    log_w = np.log(w / w.sum()) - 0.5 * log_det
    return a, da, prec, blend, log_w


def velocity_gemm(t, w, c, covs, z, sigma):
    import numpy as np

    a, da, prec, blend, log_w = prepare(t, w, c, covs, sigma)
    n, d = z.shape
    k = c.shape[0]
    prec_c = np.einsum("kij,kj->ki", prec, c)
    const = log_w - 0.5 * a * a * np.einsum("ki,ki->k", c, prec_c)
    iu, ju = np.triu_indices(d)
    quad = (prec[:, iu, ju] * np.where(iu == ju, -0.5, -1.0)).T.copy()  # -q/2 weights
    lin = (a * prec_c).T.copy()
    blend_flat = blend.reshape(k, d * d)
    shift = da * c - a * np.einsum("kij,kj->ki", blend, c)  # a' c_j - a B_j c_j
    out = np.empty((n, d))
    max_r = 0.0
    rows = max(1, int(BUDGET // (8 * max(d * d, k))))
    for lo in range(0, n, rows):
        zb = z[lo:lo + rows]
        log_r = (zb[:, iu] * zb[:, ju]) @ quad
        log_r += zb @ lin
        log_r += const
        log_r -= log_r.max(axis=1, keepdims=True)
        r = np.exp(log_r, out=log_r)
        total = r.sum(axis=1)
        r /= total[:, None]
        max_r += (1.0 / total).sum()
        mixed = (r @ blend_flat).reshape(-1, d, d)  # sum_j r_j B_j per point
        out[lo:lo + rows] = r @ shift + np.einsum("nij,nj->ni", mixed, zb)
    return out, max_r / n


def velocity_loop(t, w, c, covs, z, sigma):
    import numpy as np

    a, da, prec, blend, log_w = prepare(t, w, c, covs, sigma)
    n, d = z.shape
    k = c.shape[0]
    rhs = np.concatenate([prec, blend.transpose(0, 2, 1)], axis=2)  # [Sigma^-1 | B^T]
    top = np.full(n, -np.inf)
    total = np.zeros(n)
    acc = np.zeros((n, d))
    block = max(1, int(BUDGET // (8 * n * 2 * d)))
    for lo in range(0, k, block):
        hi = min(k, lo + block)
        diff = z[None, :, :] - a * c[lo:hi, None, :]  # m x n x d
        wu = diff @ rhs[lo:hi]                          # m x n x 2d
        log_r = log_w[lo:hi, None] - 0.5 * np.einsum("mnd,mnd->mn", diff, wu[..., :d])
        new_top = np.maximum(top, log_r.max(axis=0))
        scale = np.exp(top - new_top)
        e = np.exp(log_r - new_top)
        total = total * scale + e.sum(axis=0)
        acc = (acc * scale[:, None] + np.einsum("mn,mnd->nd", e, wu[..., d:])
               + e.T @ (da * c[lo:hi]))
        top = new_top
    return acc / total[:, None], float(np.mean(1.0 / total))


FORMS = {"gemm": velocity_gemm, "loop": velocity_loop}


def numpy_worker(spec):
    import numpy as np

    w, c, covs, z = load_problem(spec["dir"])
    form = FORMS[spec["form"]]
    seconds, outputs, max_r = [], [], []
    for t in spec["times"]:
        t0 = time.perf_counter()
        v, mr = form(t, w, c, covs, z, spec["sigma"])
        seconds.append(time.perf_counter() - t0)
        outputs.append(v)
        max_r.append(mr)
    rel = []
    for i, v in enumerate(outputs):  # after the timing
        ref = np.load(os.path.join(spec["advect_out"], f"v_{i}.npy"))
        rel.append(float(np.linalg.norm(ref - v) / np.linalg.norm(v)))
    print(json.dumps({"form": spec["form"], "seconds_all": seconds, "rel_error": rel,
                      "mean_max_responsibility": max_r}), flush=True)


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
        prog="bench/run-flow-bench",
        description="advect's closed-form mixture velocity against NumPy, interleaved, one "
                    "process per repetition; prints a markdown table. See bench/README.md.")
    parser.add_argument("--bin", default=os.path.join(REPO, "build", "bench", "flow_core_bench"),
                        help="flow_core_bench executable (default: build/bench/flow_core_bench)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes (n 300, K 25), 1 repetition: the smoke test")
    parser.add_argument("--n", type=int, help="points (default 10000)")
    parser.add_argument("--k", type=int, help="mixture components (default 1000)")
    parser.add_argument("--dims", default="2,64", help="comma-separated dimensions (default 2,64)")
    parser.add_argument("--times", default="0.9,0.5,0.1", help="t values, one evaluation each")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; 1 with --quick)")
    parser.add_argument("--forms", default="gemm,loop", help="NumPy forms to run (gemm,loop)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peak-size", type=int, help="square size of the peak products (2048)")
    parser.add_argument("--raw", help="also write every run's JSON line to this file")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per process")
    args = parser.parse_args()
    q = args.quick
    n = args.n or (300 if q else 10000)
    k = args.k or (25 if q else 1000)
    reps = args.reps or (1 if q else 3)
    peak_size = args.peak_size or (256 if q else 2048)
    dims = [int(x) for x in args.dims.split(",") if x.strip()]
    times = [float(x) for x in args.times.split(",") if x.strip()]
    forms = [f.strip() for f in args.forms.split(",") if f.strip()]
    if not forms or any(f not in FORMS for f in forms):
        parser.error("--forms: choose from " + ",".join(FORMS))
    if not executable_or_hint("run-flow-bench", args.bin, "flow_core_bench"):
        return 2
    args.bin = os.path.abspath(args.bin)
    record = Recorder("run-flow-bench", args.raw)

    # Dense-product peak: Eigen with advect's flags, numpy.matmul on 1 and 2 threads.
    peaks = [record(run_one([args.bin, "--peak", "--size", str(peak_size), "--reps", "3"],
                            args.timeout), run="peak_eigen")]
    for threads in (1, NUMPY_THREADS):
        peaks.append(record(run_one(worker("_peak", {"size": peak_size, "reps": 3}), args.timeout,
                                    threads), run=f"peak_numpy_{threads}"))
    peak = max((p["gflops"] for p in peaks if "error" not in p), default=None)

    rows, details = [], []
    tmp = tempfile.mkdtemp(prefix="flow-bench-")
    try:
        for d in dims:
            prob = os.path.join(tmp, f"d{d}")
            adv_out = os.path.join(prob, "advect")
            os.makedirs(adv_out)
            record(run_one([args.bin, "--write", prob, "--n", str(n), "--k", str(k), "--d", str(d),
                            "--seed", str(args.seed)], args.timeout), run="write", d=d)
            runs = {"advect": [], **{f: [] for f in forms}}
            for rep in range(reps):
                argv = [args.bin, "--dir", prob, "--times", args.times, "--reps", "1"]
                r = record(run_one(argv + (["--out", adv_out] if rep == 0 else []), args.timeout),
                           run="advect", d=d, rep=rep)
                runs["advect"].append(r)
                print(f"  [d={d} rep {rep + 1}/{reps}] advect: "
                      + r.get("error", " ".join(fmt_seconds(s) for s in r["seconds_all"])),
                      file=sys.stderr, flush=True)
                if rep == 0 and "error" in r:
                    break  # no reference output to compare with
                for form in forms:
                    spec = {"dir": prob, "form": form, "times": times, "sigma": 1.0,
                            "advect_out": adv_out}
                    r = record(run_one(worker("_numpy", spec), args.timeout, NUMPY_THREADS),
                               run=form, d=d, rep=rep)
                    runs[form].append(r)
                    print(f"  [d={d} rep {rep + 1}/{reps}] numpy {form}: "
                          + r.get("error", " ".join(fmt_seconds(s) for s in r["seconds_all"])
                                  + f" rel err {max(r['rel_error']):.1e}"),
                          file=sys.stderr, flush=True)
            rows.append(summarise(d, n, k, runs, forms, peak, details))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        record.close()
    failed = record.failed or any(row["disagree"] for row in rows)
    print_tables(n, k, reps, times, forms, peaks, peak, rows, details)
    if failed:
        print(f"\nrun-flow-bench: FAILED: a run failed or advect and NumPy disagree "
              f"(relative error >= {REL_TOL:g})", file=sys.stderr)
        return 1
    return 0


def summarise(d, n, k, runs, forms, peak, details):
    flops = 4.0 * n * k * d * d
    ok = {name: [r for r in rs if "error" not in r] for name, rs in runs.items()}
    med = {name: statistics.median([s for r in rs for s in r["seconds_all"]]) if rs else None
           for name, rs in ok.items()}
    rel = [e for f in forms for r in ok[f] for e in r["rel_error"]]
    complete = all(len(ok[name]) == len(runs["advect"]) and rs for name, rs in runs.items())
    best = min((f for f in forms if med[f] is not None), key=lambda f: med[f], default=None)
    ta, tn = med["advect"], med.get(best)
    for f in forms:
        by_t = [statistics.median(s) for s in zip(*(r["seconds_all"] for r in ok[f]))] if ok[f] else []
        details.append([f"{d}", f"NumPy {f}", fmt_seconds(med[f]),
                        " / ".join(fmt_seconds(s) for s in by_t),
                        fmt_rate(flops / med[f] * 1e-9) if med[f] else "—"])
    by_t = [statistics.median(s) for s in zip(*(r["seconds_all"] for r in ok["advect"]))]
    details.insert(len(details) - len(forms), [f"{d}", "advect", fmt_seconds(ta),
                   " / ".join(fmt_seconds(s) for s in by_t),
                   fmt_rate(flops / ta * 1e-9) if ta else "—"])
    max_r = ok[forms[0]][0]["mean_max_responsibility"] if ok[forms[0]] else []
    disagree = not complete or not rel or max(rel) >= REL_TOL
    ratio = tn / ta if ta and tn else None
    return {"d": d, "ta": ta, "tn": tn, "best": best, "ratio": ratio, "rel": max(rel) if rel else None,
            "disagree": disagree, "gflops": flops / ta * 1e-9 if ta else None, "peak": peak,
            "max_r": max_r}


def print_tables(n, k, reps, times, forms, peaks, peak, rows, details):
    print(f"advect flow_core_bench vs NumPy ({NUMPY_THREADS} BLAS threads); linear schedule, "
          f"sigma 1, t in {{{', '.join(f'{t:g}' for t in times)}}}, {reps} repetition(s) x "
          f"{len(times)} t, medians; {time.strftime('%Y-%m-%d')}, load average "
          f"{os.getloadavg()[0]:.2f} at the end, {os.cpu_count()} CPUs\n")
    for p in peaks:
        if "error" not in p:
            extra = (f", SIMD {p['simd']}" if "simd" in p
                     else f", {', '.join(os.path.basename(b) for b in p['blas'])}")
            print(f"- peak {p['library']}, {p['threads']} thread(s){extra}: "
                  f"{p['gflops']:.1f} GFLOP/s ({p['size']}^3, best of 3)")
    print(f"- flop model: 4 n K d^2 per evaluation; peak used: {fmt_rate(peak)} GFLOP/s\n")
    header = ["n", "K", "d", "advect s/eval", "advect evals/s", "NumPy evals/s (form)",
              "advect/NumPy speed", "target ≥ 10", "advect GFLOP/s", "peak GFLOP/s",
              "fraction of peak", "agreement", "mean max r_j (per t)"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join(["---:"] * 11 + ["---", "---"]) + " |")
    for r in rows:
        ev_a = 1.0 / r["ta"] if r["ta"] else None
        ev_n = 1.0 / r["tn"] if r["tn"] else None
        if r["disagree"]:
            agreement = "**NO**" + (f" (rel {r['rel']:.1e})" if r["rel"] is not None else "")
            target = "n/a"
        else:
            agreement = f"yes (rel {r['rel']:.0e})"
            target = "met" if r["ratio"] >= TARGET else "missed"
        frac = r["gflops"] / r["peak"] if r["gflops"] and r["peak"] else None
        print("| " + " | ".join([
            f"{n:,}", f"{k:,}", str(r["d"]), fmt_seconds(r["ta"]), fmt_rate(ev_a),
            f"{fmt_rate(ev_n)} ({r['best']})", "—" if r["ratio"] is None else f"{r['ratio']:.3g}",
            target, fmt_rate(r["gflops"]), fmt_rate(r["peak"]),
            "—" if frac is None else f"{frac:.3f}", agreement,
            " / ".join(f"{m:.2g}" for m in r["max_r"])]) + " |")
    print(f"\nPer implementation: median s/eval, medians per t ({' / '.join(f'{t:g}' for t in times)}),"
          " GFLOP/s in the model's units\n")
    print("| d | implementation | s/eval | s/eval per t | GFLOP/s (model) |")
    print("| ---: | --- | ---: | ---: | ---: |")
    for row in details:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    sys.exit(main())
