#!/usr/bin/python3
"""advect's flow-matching training steps against PyTorch on CPU, side by side.

For each configuration, runs build/bench/flow_train_bench (advect) and the same
loop in PyTorch (Debian's python3-torch, 2 threads): an MLP v(x, t) with inputs
d + 1, `depth` hidden layers of `width` units and the same activation, Adam
(lr 1e-3, constant), minibatches of `batch` pairs (x0 ~ N(0, I), x1 from a
cloud of 4096 points, t ~ U(0, 1)), loss mean |v - (x1 - x0)|^2. Prints a
markdown table of steps per second and the ratio advect / PyTorch (issue 4
target: >= 1). Exits 1 if a run fails or a loss does not decrease.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np


def torch_run(d, width, depth, batch, steps, reps, activation, dtype_name="float64"):
    import torch
    torch.set_num_threads(2)
    dtype = getattr(torch, dtype_name)
    rng = np.random.default_rng(42)
    target = 0.3 * rng.standard_normal((4096, d))
    target[0::2, 0] += 2.0
    target[1::2, 0] -= 2.0
    target_t = torch.tensor(target, dtype=dtype)
    act = {"silu": torch.nn.SiLU, "relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}[activation]
    rates = []
    first = last = None
    for rep in range(reps):
        torch.manual_seed(rep)
        layers, width_in = [], d + 1
        for _ in range(depth):
            layers += [torch.nn.Linear(width_in, width), act()]
            width_in = width
        layers.append(torch.nn.Linear(width_in, d))
        model = torch.nn.Sequential(*layers).to(dtype)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        gen = torch.Generator().manual_seed(rep)
        start = time.perf_counter()
        for step in range(steps):
            x0 = torch.randn(batch, d, generator=gen, dtype=dtype)
            idx = torch.randint(0, target_t.shape[0], (batch,), generator=gen)
            x1 = target_t[idx]
            t = torch.rand(batch, 1, generator=gen, dtype=dtype)
            xt = (1 - t) * x0 + t * x1
            v = model(torch.cat([xt, t], dim=1))
            loss = ((v - (x1 - x0)) ** 2).sum(dim=1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if step == 0:
                first = loss.item()
        last = loss.item()
        rates.append(steps / (time.perf_counter() - start))
    return {"impl": "torch", "steps_per_second": statistics.median(rates),
            "first_loss": first, "last_loss": last, "version": torch.__version__}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(here, "..", "build", "bench",
                                                      "flow_train_bench"))
    parser.add_argument("--quick", action="store_true", help="tiny runs: the smoke test")
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    configs = [  # (d, width, depth, batch, activation)
        (2, 64, 2, 256, "silu"),
        (2, 256, 3, 256, "silu"),
        (16, 128, 2, 512, "relu"),
    ]
    steps, reps = args.steps, args.reps
    if args.quick:
        configs, steps, reps = [(2, 16, 2, 32, "silu")], 30, 1
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch is missing: install python3-torch (scripts/install-deps --test)",
              file=sys.stderr)
        return 1
    rows, failed = [], False
    for d, width, depth, batch, act in configs:
        proc = subprocess.run([args.bin, "--d", str(d), "--width", str(width), "--depth",
                               str(depth), "--batch", str(batch), "--steps", str(steps),
                               "--reps", str(reps), "--activation", act],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 1
        ours = json.loads(proc.stdout)
        theirs = torch_run(d, width, depth, batch, steps, reps, act)
        theirs32 = torch_run(d, width, depth, batch, steps, reps, act, "float32")
        for r in (ours, theirs, theirs32):
            if not args.quick and not r["last_loss"] < r["first_loss"]:
                failed = True
                print(f"{r['impl']}: the loss did not decrease ({r['first_loss']} -> "
                      f"{r['last_loss']})", file=sys.stderr)
        rows.append((d, width, depth, batch, act, ours, theirs, theirs32))
    print(f"advect flow_train_bench vs PyTorch {rows[0][6]['version']} on CPU (2 threads); "
          f"{steps} steps x {reps} repetition(s), median steps/s; advect in float64, PyTorch "
          f"in float64 (the target's comparison) and float32\n")
    print("| d | width | depth | batch | activation | advect steps/s | PyTorch f64 steps/s | "
          "advect/PyTorch f64 | target >= 1 | PyTorch f32 steps/s | advect/PyTorch f32 |")
    print("| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: |")
    for d, width, depth, batch, act, ours, theirs, theirs32 in rows:
        ratio = ours["steps_per_second"] / theirs["steps_per_second"]
        ratio32 = ours["steps_per_second"] / theirs32["steps_per_second"]
        print(f"| {d} | {width} | {depth} | {batch} | {act} | {ours['steps_per_second']:.1f} | "
              f"{theirs['steps_per_second']:.1f} | {ratio:.2f} | "
              f"{'met' if ratio >= 1 else 'missed'} | {theirs32['steps_per_second']:.1f} | "
              f"{ratio32:.2f} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
