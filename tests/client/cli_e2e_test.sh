#!/bin/bash
# End-to-end test of the advect CLI against a real advectd.
# Usage: cli_e2e_test.sh ADVECTD ADVECT EXAMPLES_DIR
# Starts advectd on 127.0.0.1:0, runs the CLI on the example data and checks
# outputs, files and exit codes. Exits 77 (skipped) when advectd is not built.
set -u

ADVECTD=${1:?usage: cli_e2e_test.sh ADVECTD ADVECT EXAMPLES_DIR}
ADVECT=${2:?advect binary}
EX=${3:?examples directory}

if [[ ! -x "$ADVECTD" ]]; then
  echo "SKIP: $ADVECTD is not built"
  exit 77
fi

# shellcheck source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
unset ADVECT_SERVER ADVECT_TOKEN
start_advectd
export ADVECT_SERVER=127.0.0.1:$PORT
A=("$ADVECT")

# ---------------------------------------------------------------- help
for cmd in "" "ot" "jobs" "particles" "particles flow" "particles mmd" "particles svgd" "particles jko" "tokens" "tokens evolve" "meanfield" "meanfield train" "flow langevin" "ot sinkhorn" "ot exact" "ot 1d" "ot sliced" "ot gaussian" "ot unbalanced" "ot divergence" "ot interpolate" "ot barycenter" "jobs list" "jobs get" "jobs watch" "jobs cancel" "health"; do
  # shellcheck disable=SC2086
  expect "help_${cmd// /_}" 0 "${A[@]}" $cmd --help
  grep -q "^Usage: advect" "$TMP/help_${cmd// /_}.out" || fail "help '$cmd': no Usage line"
  grep -q "Exit codes" "$TMP/help_${cmd// /_}.out" || fail "help '$cmd': no exit codes"
done

# ---------------------------------------------------------------- health
expect health 0 "${A[@]}" health
[[ "$(cat "$TMP/health.out")" == "SERVING" ]] || fail "health: printed '$(cat "$TMP/health.out")'"
expect health_json 0 "${A[@]}" --json health --timeout 2
pycheck health_json 'assert json.load(open(sys.argv[1])) == {"status": "SERVING"}' "$TMP/health_json.out"
expect_error health_down 4 "error: UNAVAILABLE: " "${A[@]}" --server 127.0.0.1:1 health --timeout 2
expect_error health_timeout 2 "--timeout: must be in (0, 3600]" "${A[@]}" health --timeout 0
expect_error health_extra 2 "unexpected argument 'now'" "${A[@]}" health now

# ---------------------------------------------------------------- ot sinkhorn, human output
expect quick 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05
for field in "transport cost" "dual objective" "iterations" "marginal error" "converged" \
             "epsilon" "job id" "elapsed"; do
  grep -q "^$field " "$TMP/quick.out" || fail "quick: summary lacks '$field'"
done
[[ -s "$TMP/quick.err" ]] && fail "quick: stderr is not empty (not a terminal): $(cat "$TMP/quick.err")"

# ---------------------------------------------------------------- --json
expect json 0 "${A[@]}" --json ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05
pycheck json '
r = json.load(open(sys.argv[1]))
assert isinstance(r["transport_cost"], float) and r["transport_cost"] > 0, r["transport_cost"]
assert isinstance(r["iterations"], int) and r["iterations"] > 0, r["iterations"]
assert len(r["f"]) == 8 and len(r["g"]) == 10
assert r["converged"] is True and r["marginal_error"] <= 1e-9
for k in ("dual_objective", "marginal_error", "epsilon", "cost_scale"): assert k in r, k
assert "plan" not in r
' "$TMP/json.out"
COST=$("$PY" -c 'import json,sys; print(repr(json.load(open(sys.argv[1]))["transport_cost"]))' "$TMP/json.out")

# --method and --precision: the same problem in the log domain and on a float32 kernel
expect method_log 0 "${A[@]}" --json ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 \
  --method log
pycheck method_log '
r = json.load(open(sys.argv[1]))
assert r["converged"] is True and r["log_domain_iterations"] == r["iterations"], r
assert abs(r["transport_cost"] - float(sys.argv[2])) <= 1e-9 * abs(r["transport_cost"]), r
' "$TMP/method_log.out" "$COST"
expect method_online 0 "${A[@]}" --json ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" \
  --epsilon 0.05 --method online
pycheck method_online '
r = json.load(open(sys.argv[1]))
assert r["converged"] is True and r["log_domain_iterations"] == r["iterations"], r
assert r.get("kernel_builds", 0) == 0, r
assert abs(r["transport_cost"] - float(sys.argv[2])) <= 1e-9 * abs(r["transport_cost"]), r
' "$TMP/method_online.out" "$COST"
expect precision_f32 0 "${A[@]}" --json ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" \
  --epsilon 0.05 --precision float32
pycheck precision_f32 '
r = json.load(open(sys.argv[1]))
assert r["tolerance"] == 1e-5 and r["converged"] is True and r["marginal_error"] <= 1e-5, r
assert r["kernel_builds"] >= 1 and r.get("log_domain_iterations", 0) == 0, r
assert abs(r["transport_cost"] - float(sys.argv[2])) <= 1e-4 * abs(r["transport_cost"]), r
' "$TMP/precision_f32.out" "$COST"
expect_error bad_method 2 "--method must be auto, log or online" "${A[@]}" ot sinkhorn \
  --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 --method fast
expect_error f32_log 4 "precision: KERNEL_PRECISION_FLOAT32 needs method" \
  "${A[@]}" ot sinkhorn \
  --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 --method log --precision float32

# global flags after the command, --flag=value
expect json_late 0 "${A[@]}" ot sinkhorn --x="$EX/x.npy" --y "$EX/y.npy" --epsilon=0.05 --json \
  --server "127.0.0.1:$PORT"
pycheck json_late 'json.load(open(sys.argv[1]))' "$TMP/json_late.out"

# ---------------------------------------------------------------- --out, --plan
expect out 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 --plan \
  --out "$TMP/res/nested"
pycheck out '
d = sys.argv[1]
f, g, p = np.load(d + "/f.npy"), np.load(d + "/g.npy"), np.load(d + "/plan.npy")
assert f.shape == (8,) and g.shape == (10,) and p.shape == (8, 10), (f.shape, g.shape, p.shape)
assert f.dtype == np.float64 and p.dtype == np.float64
assert abs(p.sum() - 1) < 1e-6 and np.allclose(p.sum(axis=1), 1 / 8, atol=1e-6)
' "$TMP/res/nested"
grep -q "^wrote " "$TMP/out.out" || fail "out: the summary does not list the files written"
expect out_noplan 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 \
  --out "$TMP/res2"
[[ -f "$TMP/res2/f.npy" && -f "$TMP/res2/g.npy" && ! -e "$TMP/res2/plan.npy" ]] ||
  fail "out_noplan: expected f.npy and g.npy only"

# ---------------------------------------------------------------- CSV, weights, 1-D, float32, cost file
expect csv 0 "${A[@]}" --json ot sinkhorn --x "$EX/x.csv" --y "$EX/y.npy" --epsilon 0.05
pycheck csv '
r = json.load(open(sys.argv[1]))
assert abs(r["transport_cost"] - float(sys.argv[2])) < 1e-9, (r["transport_cost"], sys.argv[2])
' "$TMP/csv.out" "$COST"

"$PY" - "$TMP" "$EX" <<'EOF'
import sys
import numpy as np
tmp, ex = sys.argv[1], sys.argv[2]
x, y = np.load(ex + "/x.npy"), np.load(ex + "/y.npy")
np.save(tmp + "/a.npy", np.arange(1.0, 9.0))
np.savetxt(tmp + "/b.csv", np.ones((10, 1)), delimiter=",")
np.save(tmp + "/a_wrong.npy", np.ones(7))
np.save(tmp + "/a_2d.npy", np.ones((8, 2)))
np.save(tmp + "/x1d.npy", np.linspace(0, 1, 5).astype(np.float32))
np.save(tmp + "/y1d.npy", np.linspace(0.5, 2, 4).astype(np.float32))
np.save(tmp + "/x3d.npy", np.ones((8, 3)))
np.save(tmp + "/cost.npy", ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1))
np.save(tmp + "/arr3d.npy", np.ones((2, 2, 2)))
rng = np.random.default_rng(1)
np.save(tmp + "/big_x.npy", rng.standard_normal((1500, 2)))
np.save(tmp + "/big_y.npy", rng.standard_normal((1500, 2)) + 1)
open(tmp + "/garbage.npy", "w").write("this is not a numpy file\n")
EOF

expect weights 0 "${A[@]}" --json ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --a "$TMP/a.npy" \
  --b "$TMP/b.csv" --epsilon 0.05
pycheck weights 'r = json.load(open(sys.argv[1])); assert r["converged"], r' "$TMP/weights.out"

expect one_d 0 "${A[@]}" --json ot sinkhorn --x "$TMP/x1d.npy" --y "$TMP/y1d.npy" --epsilon 0.1 \
  --cost euclidean --plan
pycheck one_d '
r = json.load(open(sys.argv[1]))
assert len(r["f"]) == 5 and len(r["g"]) == 4 and r["plan"]["rows"] == 5 and r["plan"]["cols"] == 4
' "$TMP/one_d.out"

expect power 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 \
  --cost power:1.5 --normalize-cost --epsilon-scaling --epsilon-decay 0.5 --tol 1e-8 \
  --max-iter 5000 --frame-every 10 --max-frames 5 --timeout 30

expect cost_file 0 "${A[@]}" --json ot sinkhorn --cost "$TMP/cost.npy" --epsilon 0.05
expect_error online_cost 4 "method: SINKHORN_METHOD_ONLINE computes the costs from the points" \
  "${A[@]}" ot sinkhorn --cost "$TMP/cost.npy" --epsilon 0.05 --method online
pycheck cost_file '
r = json.load(open(sys.argv[1]))
assert abs(r["transport_cost"] - float(sys.argv[2])) < 1e-9, (r["transport_cost"], sys.argv[2])
' "$TMP/cost_file.out" "$COST"

# ---------------------------------------------------------------- ot exact, 1d, sliced, gaussian
"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
rng = np.random.default_rng(7)
np.save(tmp + "/ex_x.npy", rng.random((30, 2)))
np.save(tmp + "/ex_y.npy", rng.random((25, 2)))
np.save(tmp + "/l_x.npy", rng.random(300))
np.save(tmp + "/l_y.npy", rng.random(200) ** 2)
np.save(tmp + "/s_x.npy", rng.random((300, 4)))
np.save(tmp + "/s_y.npy", rng.random((200, 4)) + 0.5)
d = rng.standard_normal((4, 6)); np.save(tmp + "/dirs.npy", d / np.linalg.norm(d, axis=0))
np.save(tmp + "/m1.npy", np.array([0.0, 1.0])); np.save(tmp + "/c1.npy", np.diag([4.0, 1.0]))
np.save(tmp + "/m2.npy", np.array([3.0, 1.0])); np.save(tmp + "/c2.npy", np.diag([1.0, 9.0]))
EOF
expect exact 0 "${A[@]}" --json ot exact --x "$TMP/ex_x.npy" --y "$TMP/ex_y.npy" --out "$TMP/exact"
pycheck exact '
import ot
r = json.load(open(sys.argv[1]))
x, y = np.load(sys.argv[2] + "/ex_x.npy"), np.load(sys.argv[2] + "/ex_y.npy")
ref = ot.emd2(np.ones(30) / 30, np.ones(25) / 25, ot.dist(x, y), numItermax=10**7)
assert abs(r["transport_cost"] - ref) < 1e-12, (r["transport_cost"], ref)
assert r["status"] == "EXACT_OT_STATUS_OPTIMAL", r["status"]
plan = np.load(sys.argv[3] + "/plan.npy")
assert plan.shape[1] == 3 and plan.shape[0] <= 30 + 25 - 1, plan.shape
assert abs(plan[:, 2].sum() - 1) < 1e-12
assert np.load(sys.argv[3] + "/f.npy").shape == (30,)
' "$TMP/exact.out" "$TMP" "$TMP/exact"
expect exact_text 0 "${A[@]}" ot exact --x "$TMP/ex_x.npy" --y "$TMP/ex_y.npy" --max-iter 2
grep -q "^status  *iteration limit" "$TMP/exact_text.out" ||
  fail "exact_text: a stopped solve does not say so: $(cat "$TMP/exact_text.out")"
expect_error exact_bad_iter 2 "--max-iter" "${A[@]}" ot exact \
  --x "$TMP/ex_x.npy" --y "$TMP/ex_y.npy" --max-iter -1

expect one_d_ot 0 "${A[@]}" --json ot 1d --x "$TMP/l_x.npy" --y "$TMP/l_y.npy" --p 1
pycheck one_d_ot '
import ot
r = json.load(open(sys.argv[1]))
ref = ot.wasserstein_1d(np.load(sys.argv[2] + "/l_x.npy"), np.load(sys.argv[2] + "/l_y.npy"), p=1)
assert abs(r["transport_cost"] - ref) < 1e-12, (r["transport_cost"], ref)
' "$TMP/one_d_ot.out" "$TMP"
expect_error one_d_2d 3 "ot 1d needs points on the line" "${A[@]}" ot 1d --x "$TMP/ex_x.npy" \
  --y "$TMP/l_y.npy"
expect_error one_d_p 4 "spec.ot_1d.p" "${A[@]}" ot 1d --x "$TMP/l_x.npy" --y "$TMP/l_y.npy" --p -2

expect sliced 0 "${A[@]}" --json ot sliced --x "$TMP/s_x.npy" --y "$TMP/s_y.npy" \
  --directions "$TMP/dirs.npy" --out "$TMP/sliced"
pycheck sliced '
import ot
r = json.load(open(sys.argv[1]))
x, y, d = (np.load(sys.argv[2] + f) for f in ("/s_x.npy", "/s_y.npy", "/dirs.npy"))
ref = np.mean([ot.wasserstein_1d(x @ d[:, k], y @ d[:, k], p=2) for k in range(6)])
assert abs(r["transport_cost"] - ref) < 1e-12 * max(1, ref), (r["transport_cost"], ref)
assert np.load(sys.argv[3] + "/directions.npy").shape == (4, 6)
assert np.load(sys.argv[3] + "/per_direction.npy").shape == (6,)
' "$TMP/sliced.out" "$TMP" "$TMP/sliced"
expect sliced_seed1 0 "${A[@]}" --json ot sliced --x "$TMP/s_x.npy" --y "$TMP/s_y.npy" \
  --num-directions 7 --seed 3
expect sliced_seed2 0 "${A[@]}" --json ot sliced --x "$TMP/s_x.npy" --y "$TMP/s_y.npy" \
  --num-directions 7 --seed 3
cmp -s "$TMP/sliced_seed1.out" "$TMP/sliced_seed2.out" || fail "sliced: same seed, other result"
expect_error sliced_both 2 "--directions" "${A[@]}" ot sliced --x "$TMP/s_x.npy" \
  --y "$TMP/s_y.npy" --directions "$TMP/dirs.npy" --seed 1

expect gaussian 0 "${A[@]}" --json ot gaussian --mean1 "$TMP/m1.npy" --cov1 "$TMP/c1.npy" \
  --mean2 "$TMP/m2.npy" --cov2 "$TMP/c2.npy" --interpolate 0.5 --out "$TMP/gauss"
pycheck gaussian '
r = json.load(open(sys.argv[1]))
assert abs(r["transport_cost"] - 14.0) < 1e-12, r["transport_cost"]
A = np.load(sys.argv[2] + "/map_matrix.npy")
assert np.allclose(A, np.diag([0.5, 3.0]), atol=1e-12), A
assert len(r["interpolation"]) == 1
' "$TMP/gaussian.out" "$TMP/gauss"
expect gaussian_clouds 0 "${A[@]}" ot gaussian --x "$TMP/s_x.npy" --y "$TMP/s_y.npy" --reg 1e-6
grep -q "^transport cost " "$TMP/gaussian_clouds.out" || fail "gaussian_clouds: no transport cost"
expect_error gaussian_mixed 2 "not both" "${A[@]}" ot gaussian --x "$TMP/s_x.npy" \
  --mean1 "$TMP/m1.npy"
expect_error gaussian_cov 3 "--cov2" "${A[@]}" ot gaussian --mean1 "$TMP/m1.npy" \
  --cov1 "$TMP/c1.npy" --mean2 "$TMP/m2.npy" --cov2 "$TMP/ex_x.npy"

expect unbalanced 0 "${A[@]}" --json ot unbalanced --x "$TMP/ex_x.npy" --y "$TMP/ex_y.npy" \
  --epsilon 0.05 --rho 1 --max-iter 100000 --plan --out "$TMP/unb"
pycheck unbalanced '
r = json.load(open(sys.argv[1]))
assert r["converged"] is True, r
assert 0 < r["plan_mass"] <= 1 + 1e-12, r["plan_mass"]
P = np.load(sys.argv[2] + "/plan.npy")
assert P.shape == (30, 25) and abs(P.sum() - r["plan_mass"]) < 1e-12
' "$TMP/unbalanced.out" "$TMP/unb"
expect_error unbalanced_rho 2 "--rho" "${A[@]}" ot unbalanced --x "$TMP/ex_x.npy" \
  --y "$TMP/ex_y.npy" --epsilon 0.05
expect divergence 0 "${A[@]}" --json ot divergence --x "$TMP/ex_x.npy" --y "$TMP/ex_y.npy" \
  --epsilon 0.05
pycheck divergence '
r = json.load(open(sys.argv[1]))
assert r["divergence"] > 0 and r["converged"] is True, r
assert abs(r["divergence"] - (r["ot_xy"] - (r["ot_xx"] + r["ot_yy"]) / 2)) < 1e-12
assert r["transport_cost"] > 0
' "$TMP/divergence.out"
expect divergence_self 0 "${A[@]}" --json ot divergence --x "$TMP/ex_x.npy" --y "$TMP/ex_x.npy" \
  --epsilon 0.05
pycheck divergence_self '
r = json.load(open(sys.argv[1]))
assert abs(r["divergence"]) < 1e-9, r["divergence"]
' "$TMP/divergence_self.out"

expect interpolate 0 "${A[@]}" --json ot interpolate --x "$TMP/ex_x.npy" --y "$TMP/ex_y.npy" \
  --frames 4 --out "$TMP/interp"
pycheck interpolate '
r = json.load(open(sys.argv[1]))
t = np.load(sys.argv[2] + "/trajectory.npy")
w = np.load(sys.argv[2] + "/particle_weights.npy")
x, y = np.load(sys.argv[3] + "/ex_x.npy"), np.load(sys.argv[3] + "/ex_y.npy")
assert t.shape == (4, len(w), 2), t.shape
assert abs(w.sum() - 1) < 1e-12
# The mass-weighted mean moves linearly from mean(x) to mean(y).
for k, tk in enumerate(r["times"]):
    assert np.allclose(w @ t[k], (1 - tk) * x.mean(0) + tk * y.mean(0), atol=1e-12), k
' "$TMP/interpolate.out" "$TMP/interp" "$TMP"
"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
bins = np.linspace(0, 1, 40)[:, None]
h = np.zeros((2, 40)); h[0, 5:10] = 1; h[1, 28:34] = 1
np.save(tmp + "/bins.npy", bins); np.save(tmp + "/hists.npy", h / h.sum(1, keepdims=True))
np.save(tmp + "/bw.npy", np.array([0.3, 0.7]))
EOF
expect barycenter 0 "${A[@]}" --json ot barycenter --support "$TMP/bins.npy" \
  --hists "$TMP/hists.npy" --weights "$TMP/bw.npy" --epsilon 0.002 --tol 1e-10 --max-iter 100000 \
  --out "$TMP/bary"
pycheck barycenter '
import ot
r = json.load(open(sys.argv[1]))
b = np.load(sys.argv[2] + "/barycenter.npy")
bins, h = np.load(sys.argv[3] + "/bins.npy"), np.load(sys.argv[3] + "/hists.npy")
M = ot.dist(bins, bins)
ref = ot.bregman.barycenter(h.T, M, 0.002, weights=np.array([0.3, 0.7]), method="sinkhorn_log",
                            stopThr=1e-12, numItermax=100000)
assert r["converged"] is True
assert np.abs(b - ref).sum() < 1e-6, np.abs(b - ref).sum()
' "$TMP/barycenter.out" "$TMP/bary" "$TMP"
expect free_bary 0 "${A[@]}" --json ot barycenter --clouds "$TMP/ex_x.npy,$TMP/ex_y.npy" \
  --init "$TMP/ex_x.npy" --out "$TMP/fbary"
pycheck free_bary '
r = json.load(open(sys.argv[1]))
s = np.load(sys.argv[2] + "/support.npy")
assert s.shape == (30, 2) and r["transport_cost"] > 0 and r["converged"] is True, r
' "$TMP/free_bary.out" "$TMP/fbary"
expect_error bary_mixed 2 "not both" "${A[@]}" ot barycenter --support "$TMP/bins.npy" \
  --clouds "$TMP/ex_x.npy" --init "$TMP/ex_x.npy"

# ---------------------------------------------------------------- flow sample, flow langevin
"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
np.save(tmp + "/gmm_w.npy", np.array([0.5, 0.5]))
np.save(tmp + "/gmm_m.npy", np.array([[-2.0, 0.0], [2.0, 1.0]]))
np.save(tmp + "/gmm_c.npy", np.array([[[0.3, 0.1], [0.1, 0.2]], [[0.2, 0.0], [0.0, 0.4]]]))
np.save(tmp + "/gmm_c_bad.npy", np.zeros((3, 2, 2)))
np.save(tmp + "/gmm_c_bad2.npy", np.array([[[1.0, 2.0], [2.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]]]))
np.save(tmp + "/cloud.npy", np.random.default_rng(3).random((25, 2)))
EOF
G=(--gmm-weights "$TMP/gmm_w.npy" --gmm-means "$TMP/gmm_m.npy" --gmm-covs "$TMP/gmm_c.npy")
expect flow_gmm 0 "${A[@]}" --json flow sample "${G[@]}" --sampler rk4 --steps 40 \
  --num-samples 300 --seed 5 --frame-every 10 --out "$TMP/flow_gmm"
pycheck flow_gmm '
r = json.load(open(sys.argv[1] + "/flow_gmm.out"))
assert r["field_evaluations"] == "160", r["field_evaluations"]  # int64 as a JSON string
d = r["diagnostics"]
assert d["divergence_samples"] == 300 and d["divergence_converged"] is True, d
s = np.load(sys.argv[1] + "/flow_gmm/samples.npy")
t = np.load(sys.argv[1] + "/flow_gmm/trajectory.npy")
assert s.shape == (300, 2) and t.shape == (5, 300, 2), (s.shape, t.shape)
assert np.array_equal(t[-1], s)
# Two equal components at x = -2 and x = 2: about half the samples each side.
left = (s[:, 0] < 0).mean()
assert 0.4 < left < 0.6, left
' "$TMP"
expect flow_cloud 0 "${A[@]}" --json flow sample --target "$TMP/cloud.npy" --sampler sde \
  --schedule vp --steps 300 --num-samples 50 --out "$TMP/flow_cloud"
pycheck flow_cloud '
r = json.load(open(sys.argv[1] + "/flow_cloud.out"))
d = r["diagnostics"]
assert d["memorised_fraction"] >= 0.9 and len(d["nearest_training_distance"]) == 50, d
dist = np.load(sys.argv[1] + "/flow_cloud/nearest_training_distance.npy")
assert dist.shape == (50,) and np.median(dist) <= 1e-9, dist
' "$TMP"
expect flow_human 0 "${A[@]}" flow sample "${G[@]}" --steps 10 --num-samples 20
grep -q "sinkhorn divergence" "$TMP/flow_human.out" || fail "flow_human: no divergence line"
expect langevin 0 "${A[@]}" --json flow langevin "${G[@]}" --step-size 0.02 --steps 300 \
  --num-samples 200 --seed 2 --no-diagnostics --out "$TMP/langevin"
pycheck langevin '
r = json.load(open(sys.argv[1] + "/langevin.out"))
assert "diagnostics" not in r and r["field_evaluations"] == "300", r.keys()
s = np.load(sys.argv[1] + "/langevin/samples.npy")
assert s.shape == (200, 2) and 0.3 < (s[:, 0] < 0).mean() < 0.7
' "$TMP"
expect_error flow_no_target 2 "missing the target" "${A[@]}" flow sample --steps 10
expect_error flow_both 2 "not both" "${A[@]}" flow sample "${G[@]}" --target "$TMP/cloud.npy"
expect_error flow_bad_sampler 2 "--sampler: expected one of euler, heun, rk4, sde" \
  "${A[@]}" flow sample "${G[@]}" --sampler midpoint
expect_error flow_covs_shape 3 "--gmm-covs" "${A[@]}" flow sample --gmm-weights "$TMP/gmm_w.npy" \
  --gmm-means "$TMP/gmm_m.npy" --gmm-covs "$TMP/gmm_c_bad.npy"
expect_error flow_not_pd 4 "gmm_covs[0]: not positive definite" "${A[@]}" flow sample \
  --gmm-weights "$TMP/gmm_w.npy" --gmm-means "$TMP/gmm_m.npy" --gmm-covs "$TMP/gmm_c_bad2.npy"
expect_error langevin_bad_step 2 "--step-size" "${A[@]}" flow langevin "${G[@]}" --step-size 0

"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
np.save(tmp + "/fm_m1.npy", np.zeros(2))
np.save(tmp + "/fm_s1.npy", np.array([[3.0, 0.0], [0.0, 0.3]]))
np.save(tmp + "/fm_m2.npy", np.array([2.0, 1.0]))
np.save(tmp + "/fm_s2.npy", np.array([[1.0, 0.9], [0.9, 1.0]]))
EOF
expect flow_map 0 "${A[@]}" --json flow map --mean1 "$TMP/fm_m1.npy" --cov1 "$TMP/fm_s1.npy" \
  --mean2 "$TMP/fm_m2.npy" --cov2 "$TMP/fm_s2.npy" --points "$TMP/cloud.npy" --out "$TMP/fm"
pycheck flow_map '
r = json.load(open(sys.argv[1] + "/flow_map.out"))
assert r["rotation_angle"] > 1e-2 and r["flow_cost"] > r["w2_squared"], r
m = np.load(sys.argv[1] + "/fm/flow_matrix.npy")
a = np.load(sys.argv[1] + "/fm/brenier_matrix.npy")
s0 = np.array([[3.0, 0.0], [0.0, 0.3]]); s1 = np.array([[1.0, 0.9], [0.9, 1.0]])
assert np.allclose(m @ s0 @ m.T, s1, atol=1e-9) and np.allclose(a @ s0 @ a.T, s1, atol=1e-9)
assert not np.allclose(m, m.T, atol=1e-3) and np.allclose(a, a.T)
p = np.load(sys.argv[1] + "/fm/flow_points.npy")
x = np.load(sys.argv[1] + "/cloud.npy")
assert np.allclose(p, x @ m.T + np.array(r["flow_offset"]), atol=1e-12)
' "$TMP"
expect_error flow_map_missing 2 "missing the measures" "${A[@]}" flow map --steps 10

expect flow_train 0 "${A[@]}" --json flow train --source-gaussian --target "$TMP/flow_gmm/samples.npy" \
  --coupling ot --width 32 --steps 200 --batch-size 64 --lr 0.003 --seed 1 --out "$TMP/ft"
pycheck flow_train '
r = json.load(open(sys.argv[1] + "/flow_train.out"))
assert r["model_id"] and r["final_loss"] < r["losses"][0], (r["final_loss"], r["losses"][:3])
assert len(r["model"]["layers"]) == 3 and r["model"]["dimension"] == 2, r["model"].keys()
assert r["straightness"] >= 0 and r["few_step_error"] >= 0
assert np.load(sys.argv[1] + "/ft/losses.npy").shape == (200,)
open(sys.argv[1] + "/model_id", "w").write(r["model_id"])
' "$TMP"
expect flow_model 0 "${A[@]}" --json flow sample --model "$(cat "$TMP/model_id")" --steps 20 \
  --num-samples 100 --out "$TMP/fm_samples"
pycheck flow_model '
s = np.load(sys.argv[1] + "/fm_samples/samples.npy")
assert s.shape == (100, 2) and np.isfinite(s).all()
' "$TMP"
expect_error flow_model_unknown 4 "NOT_FOUND" "${A[@]}" flow sample --model nope
expect_error flow_train_no_source 2 "missing the source" "${A[@]}" flow train --target "$TMP/cloud.npy"
expect_error flow_train_coupling 2 "--coupling: expected one of independent, ot, entropic" \
  "${A[@]}" flow train --source-gaussian --target "$TMP/cloud.npy" --coupling sinkhorn

# ---------------------------------------------------------------- particles flow
"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
np.save(tmp + "/pf_x.npy", np.random.default_rng(4).uniform(-2.0, 2.0, (60, 2)))
np.save(tmp + "/pf_c.npy", np.array([1.0, -1.0]))
np.save(tmp + "/pf_h.npy", np.array([[2.0, 0.5], [0.5, 1.0]]))
EOF
expect particles_dw 0 "${A[@]}" --json particles flow --x "$TMP/pf_x.npy" \
  --potential double-well --interaction gaussian --strength 0.05 --kernel-width 0.5 \
  --steps 500 --step-size 0.02 --frame-every 100 --out "$TMP/particles_dw"
pycheck particles_dw '
r = json.load(open(sys.argv[1] + "/particles_dw.out"))
assert r["final_energy"] < r["initial_energy"], (r["initial_energy"], r["final_energy"])
e = np.load(sys.argv[1] + "/particles_dw/energy.npy")
assert e.shape == (501,) and np.all(np.diff(e) <= 1e-14), e[:5]
p = np.load(sys.argv[1] + "/particles_dw/positions.npy")
t = np.load(sys.argv[1] + "/particles_dw/trajectory.npy")
assert p.shape == (60, 2) and t.shape == (6, 60, 2), (p.shape, t.shape)
assert np.array_equal(t[-1], p)
# Every particle sits in a well: x = (+-1, 0) up to the weak repulsion.
assert np.all(np.abs(np.abs(p[:, 0]) - 1.0) < 0.1) and np.all(np.abs(p[:, 1]) < 0.15), p
' "$TMP"
expect particles_ou 0 "${A[@]}" --json particles flow --x "$TMP/pf_x.npy" \
  --potential quadratic --center "$TMP/pf_c.npy" --hessian "$TMP/pf_h.npy" --noise 0.3 \
  --steps 300 --seed 3
expect particles_ou2 0 "${A[@]}" --json particles flow --x "$TMP/pf_x.npy" \
  --potential quadratic --center "$TMP/pf_c.npy" --hessian "$TMP/pf_h.npy" --noise 0.3 \
  --steps 300 --seed 3
cmp -s "$TMP/particles_ou.out" "$TMP/particles_ou2.out" || fail "particles_ou: same seed, other bits"
expect particles_ar 0 "${A[@]}" particles flow --x "$TMP/pf_x.npy" \
  --interaction attraction-repulsion --p 2 --q 1 --steps 200
grep -q "final energy" "$TMP/particles_ar.out" || fail "particles_ar: no final energy line"
expect_error particles_no_x 2 "missing required flag --x" "${A[@]}" particles flow
expect_error particles_stray 2 "--strength is only for --interaction gaussian" \
  "${A[@]}" particles flow --x "$TMP/pf_x.npy" --strength 2
expect_error particles_bad_potential 2 "--potential: expected one of" \
  "${A[@]}" particles flow --x "$TMP/pf_x.npy" --potential bowl
expect_error particles_bad_q 4 "repulsion_power" "${A[@]}" particles flow --x "$TMP/pf_x.npy" \
  --interaction attraction-repulsion --p 1 --q 3
expect_error particles_diverge 5 "spec.particle_flow.step_size: the field is not finite" "${A[@]}" particles flow --x "$TMP/pf_x.npy" \
  --potential double-well --step-size 50 --steps 100

"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
rng = np.random.default_rng(5)
np.save(tmp + "/mmd_y.npy", rng.uniform(0.0, 1.0, (50, 2)) + np.array([2.0, 0.0]))
np.save(tmp + "/mmd_x.npy", rng.uniform(0.0, 1.0, (60, 2)))
EOF
expect particles_mmd 0 "${A[@]}" --json particles mmd --x "$TMP/mmd_x.npy" \
  --target "$TMP/mmd_y.npy" --kernel-width 2 --step-size 1 --steps 300 --out "$TMP/particles_mmd"
pycheck particles_mmd '
r = json.load(open(sys.argv[1] + "/particles_mmd.out"))
assert r["final_mmd_squared"] < 0.02 * r["initial_mmd_squared"], r["final_mmd_squared"]
m = np.load(sys.argv[1] + "/particles_mmd/mmd_squared.npy")
assert m.shape == (301,) and np.all(np.diff(m) <= 1e-12), m[:5]
p = np.load(sys.argv[1] + "/particles_mmd/positions.npy")
assert p.shape == (60, 2) and abs(p[:, 0].mean() - 2.5) < 0.2, p.mean(axis=0)
' "$TMP"
expect particles_svgd 0 "${A[@]}" --json particles svgd "${G[@]}" --num-particles 120 \
  --seed 4 --step-size 0.05 --steps 600 --frame-every 200 --out "$TMP/particles_svgd"
pycheck particles_svgd '
r = json.load(open(sys.argv[1] + "/particles_svgd.out"))
assert 0 <= r["final_ksd_squared"] < r["initial_ksd_squared"], r
p = np.load(sys.argv[1] + "/particles_svgd/positions.npy")
t = np.load(sys.argv[1] + "/particles_svgd/trajectory.npy")
assert p.shape == (120, 2) and t.shape == (4, 120, 2) and np.array_equal(t[-1], p)
# Two equal components at x = -2 and x = 2: particles on both sides.
left = (p[:, 0] < 0).mean()
assert 0.2 < left < 0.8, left
' "$TMP"
expect_error particles_mmd_no_target 2 "missing required flag --target" \
  "${A[@]}" particles mmd --x "$TMP/mmd_x.npy"
expect_error particles_svgd_both 2 "give --x or --num-particles, not both" \
  "${A[@]}" particles svgd "${G[@]}" --x "$TMP/mmd_x.npy" --num-particles 5
expect_error particles_svgd_no_gmm 2 "missing --gmm-weights" "${A[@]}" particles svgd

"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
x = np.linspace(-4.0, 5.0, 201)
np.save(tmp + "/jko_d.npy", np.exp(-(x + 1.0) ** 2 / (2 * 0.09)))
np.save(tmp + "/jko_c.npy", np.array([1.0]))
g0, g1 = np.meshgrid(np.linspace(-2, 2, 41), np.linspace(-2, 2, 31), indexing="ij")
np.save(tmp + "/jko_d2.npy", np.exp(-(g0 ** 2 + g1 ** 2) / 0.5))
EOF
expect particles_jko 0 "${A[@]}" --json particles jko --grid 201 --lo -4 --hi 5 \
  --density "$TMP/jko_d.npy" --potential quadratic --center "$TMP/jko_c.npy" --noise 0.7071 \
  --step-size 0.05 --steps 20 --epsilon 0.004 --frame-every 10 --out "$TMP/particles_jko"
pycheck particles_jko '
import math
r = json.load(open(sys.argv[1] + "/particles_jko.out"))
assert r["final_energy"] < r["initial_energy"] and r["converged"] is True, r["final_energy"]
assert abs(r["mean"][0] - (1 - 2 / math.e)) < 0.04, r["mean"]
d = np.load(sys.argv[1] + "/particles_jko/density.npy")
t = np.load(sys.argv[1] + "/particles_jko/trajectory.npy")
assert d.shape == (201, 1) and t.shape == (3, 201, 1), (d.shape, t.shape)
assert abs(d.sum() - np.load(sys.argv[1] + "/jko_d.npy").sum()) < 1e-9  # mass kept
' "$TMP"
expect particles_jko2 0 "${A[@]}" --json particles jko --grid 41,31 --lo -2,-2 --hi 2,2 \
  --density "$TMP/jko_d2.npy" --potential double-well --noise 0.5 --steps 5 --out "$TMP/jko2"
pycheck particles_jko2 '
d = np.load(sys.argv[1] + "/jko2/density.npy")
assert d.shape == (41, 31), d.shape
' "$TMP"
expect_error particles_jko_axes 2 "--grid, --lo and --hi need the same number" \
  "${A[@]}" particles jko --grid 41,31 --lo -2 --hi 2 --density "$TMP/jko_d2.npy"
expect_error particles_jko_shape 4 "spec.jko.density: must be 41 x 1" \
  "${A[@]}" particles jko --grid 41 --lo -2 --hi 2 --density "$TMP/jko_d.npy"

# ---------------------------------------------------------------- tokens evolve
"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
rng = np.random.default_rng(6)
np.save(tmp + "/tok.npy", rng.normal(size=(24, 3)))
np.save(tmp + "/tok_v.npy", -np.eye(3))
np.save(tmp + "/tok_q2.npy", np.eye(2))
EOF
expect tokens_sphere 0 "${A[@]}" --json tokens evolve --tokens "$TMP/tok.npy" --sphere \
  --beta 1 --steps 600 --step-size 0.1 --frame-every 200 --out "$TMP/tokens_sphere"
pycheck tokens_sphere '
r = json.load(open(sys.argv[1] + "/tokens_sphere.out"))
assert r["num_clusters"] == "1" and r["mean_pairwise_cosine"] > 0.999, r["num_clusters"]
assert len(r["cluster_counts"]) == 601 and r["cluster_counts"][0] == "24"
p = np.load(sys.argv[1] + "/tokens_sphere/positions.npy")
t = np.load(sys.argv[1] + "/tokens_sphere/trajectory.npy")
c = np.load(sys.argv[1] + "/tokens_sphere/cluster_counts.npy")
assert p.shape == (24, 3) and t.shape == (4, 24, 3) and c[0] == 24 and c[-1] == 1
assert np.allclose(np.linalg.norm(t, axis=2), 1.0, atol=1e-12)
' "$TMP"
expect tokens_sinkformer 0 "${A[@]}" tokens evolve --tokens "$TMP/tok.npy" \
  --attention sinkhorn --sinkhorn-iters 5 --v "$TMP/tok_v.npy" --steps 50
grep -q "num clusters" "$TMP/tokens_sinkformer.out" || fail "tokens_sinkformer: no clusters line"
expect_error tokens_no_tokens 2 "missing required flag --tokens" "${A[@]}" tokens evolve
expect_error tokens_iters 2 "--sinkhorn-iters is only for --attention sinkhorn" \
  "${A[@]}" tokens evolve --tokens "$TMP/tok.npy" --sinkhorn-iters 3
expect_error tokens_bad_q 4 "spec.tokens_evolve.q: must be 3 x 3" \
  "${A[@]}" tokens evolve --tokens "$TMP/tok.npy" --q "$TMP/tok_q2.npy"

# ---------------------------------------------------------------- meanfield train
expect meanfield_teacher 0 "${A[@]}" --json meanfield train --neurons 40 --teacher-neurons 2 \
  --dim 3 --num-samples 300 --activation relu --step-size 0.5 --steps 600 --seed 5 \
  --frame-every 200 --out "$TMP/meanfield"
pycheck meanfield_teacher '
r = json.load(open(sys.argv[1] + "/meanfield_teacher.out"))
assert r["final_risk"] < 0.05 * r["initial_risk"], (r["initial_risk"], r["final_risk"])
assert r["final_alignment"] > r["initial_alignment"] + 0.1, r["final_alignment"]
p = np.load(sys.argv[1] + "/meanfield/positions.npy")
t = np.load(sys.argv[1] + "/meanfield/trajectory.npy")
k = np.load(sys.argv[1] + "/meanfield/teacher.npy")
assert p.shape == (40, 4) and t.shape == (4, 40, 4) and k.shape == (2, 4), (p.shape, t.shape)
' "$TMP"
"$PY" - "$TMP" <<'EOF'
import sys
import numpy as np
tmp = sys.argv[1]
z = np.random.default_rng(8).uniform(-1.0, 1.0, (100, 2))
np.save(tmp + "/mf_z.npy", z)
np.save(tmp + "/mf_y.npy", np.sin(3.0 * z[:, 0]))
EOF
expect meanfield_data 0 "${A[@]}" meanfield train --data "$TMP/mf_z.npy" \
  --labels "$TMP/mf_y.npy" --neurons 50 --activation tanh --steps 300
grep -q "final risk" "$TMP/meanfield_data.out" || fail "meanfield_data: no final risk line"
expect_error meanfield_labels 2 "--data and --labels go together" \
  "${A[@]}" meanfield train --data "$TMP/mf_z.npy"
expect_error meanfield_teacher_flag 2 "--dim is for the teacher" "${A[@]}" meanfield train \
  --data "$TMP/mf_z.npy" --labels "$TMP/mf_y.npy" --dim 4

# ---------------------------------------------------------------- --detach and jobs
expect detach 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 --detach
JOB=$(cat "$TMP/detach.out")
[[ "$JOB" =~ ^[A-Za-z0-9_.-]+$ ]] || fail "detach: stdout is not a job id: '$JOB'"

expect watch 0 "${A[@]}" jobs watch "$JOB"
tail -1 "$TMP/watch.out" | grep -q "state succeeded" || fail "watch: last line is not 'state succeeded'"
expect watch_json 0 "${A[@]}" --json jobs watch "$JOB"
pycheck watch_json '
events = [json.loads(line) for line in open(sys.argv[1])]
assert events[0]["sequence"] == "1" and events[0]["state_change"]["state"] == "JOB_STATE_QUEUED"
assert events[-1]["state_change"]["state"] == "JOB_STATE_SUCCEEDED", events[-1]
assert any("result" in e for e in events)
assert all(e["job_id"] == sys.argv[2] for e in events)
' "$TMP/watch_json.out" "$JOB"
LAST=$("$PY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["sequence"])' "$TMP/watch_json.out")
expect watch_after 0 "${A[@]}" --json jobs watch "$JOB" --after $((LAST - 1))
[[ $(wc -l <"$TMP/watch_after.out") -eq 1 ]] || fail "watch --after: expected one event"

expect get 0 "${A[@]}" jobs get "$JOB" --json
pycheck get '
j = json.load(open(sys.argv[1]))
assert j["job_id"] == sys.argv[2] and j["state"] == "JOB_STATE_SUCCEEDED" and j["kind"] == "entropic_ot"
assert len(j["result"]["entropic_ot"]["f"]) == 8
' "$TMP/get.out" "$JOB"
expect get_human 0 "${A[@]}" jobs get "$JOB" --out "$TMP/got"
grep -q "^state  *succeeded" "$TMP/get_human.out" || fail "get: no 'state succeeded' line"
[[ -f "$TMP/got/f.npy" && -f "$TMP/got/g.npy" ]] || fail "get --out: f.npy/g.npy missing"

expect list 0 "${A[@]}" jobs list --state succeeded --json
pycheck list '
r = json.load(open(sys.argv[1]))
assert any(j["job_id"] == sys.argv[2] for j in r["jobs"]), r
assert all(j["state"] == "JOB_STATE_SUCCEEDED" for j in r["jobs"])
' "$TMP/list.out" "$JOB"
expect list_human 0 "${A[@]}" jobs list --page-size 2
grep -q "^JOB ID" "$TMP/list_human.out" || fail "list: no header"
grep -q -- "--page-token" "$TMP/list_human.out" || fail "list --page-size 2: no next page hint"

expect cancel_done 0 "${A[@]}" --json jobs cancel "$JOB"
pycheck cancel_done 'assert json.load(open(sys.argv[1]))["state"] == "JOB_STATE_SUCCEEDED"' \
  "$TMP/cancel_done.out"

# A long job: cancel it while it runs, then watch it end (exit 5).
BIG=(ot sinkhorn --x "$TMP/big_x.npy" --y "$TMP/big_y.npy" --epsilon 1e-4 --tol 1e-15
     --max-iter 100000000)
expect big_detach 0 "${A[@]}" "${BIG[@]}" --detach
BIGJOB=$(cat "$TMP/big_detach.out")
sleep 0.3
expect cancel 0 "${A[@]}" --json jobs cancel "$BIGJOB"
pycheck cancel 'j = json.load(open(sys.argv[1])); assert j["state"] in ("JOB_STATE_RUNNING", "JOB_STATE_QUEUED", "JOB_STATE_CANCELLED"), j' \
  "$TMP/cancel.out"
expect_message watch_cancelled 5 "was cancelled" "${A[@]}" jobs watch "$BIGJOB"
expect cancelled_list 0 "${A[@]}" jobs list --state cancelled --json
grep -qF "$BIGJOB" "$TMP/cancelled_list.out" || fail "list --state cancelled: $BIGJOB missing"

# Run with a deadline: the call ends DEADLINE_EXCEEDED (4), or, when the server's
# copy of the deadline stops the job first (a loaded machine), the job fails with
# it (5). A detached job with a time limit fails (5).
run run_deadline "${A[@]}" "${BIG[@]}" --timeout 0.5
if [[ $RC -eq 4 ]] && grep -q "^error: DEADLINE_EXCEEDED" "$TMP/run_deadline.err"; then pass
elif [[ $RC -eq 5 ]] && grep -q "DEADLINE_EXCEEDED: the job's deadline passed" "$TMP/run_deadline.err"; then pass
else fail "run_deadline: exit $RC: $(head -3 "$TMP/run_deadline.err")"; fi
expect timed 0 "${A[@]}" "${BIG[@]}" --detach --timeout 0.5
expect_message watch_failed 5 "DEADLINE_EXCEEDED" "${A[@]}" jobs watch "$(cat "$TMP/timed.out")"

# ---------------------------------------------------------------- bad cases
expect_error missing_file 3 "--x: $TMP/nope.npy" "${A[@]}" ot sinkhorn --x "$TMP/nope.npy" \
  --y "$EX/y.npy" --epsilon 0.05
expect_error garbage 3 "garbage.npy" "${A[@]}" ot sinkhorn --x "$TMP/garbage.npy" \
  --y "$EX/y.npy" --epsilon 0.05
expect_error three_d 3 "arr3d.npy" "${A[@]}" ot sinkhorn --x "$TMP/arr3d.npy" --y "$EX/y.npy" \
  --epsilon 0.05
expect_error dims 3 "dimension" "${A[@]}" ot sinkhorn --x "$TMP/x3d.npy" --y "$EX/y.npy" \
  --epsilon 0.05
expect_error weights_count 3 "--a" "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" \
  --a "$TMP/a_wrong.npy" --epsilon 0.05
expect_error weights_shape 3 "1-D" "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" \
  --a "$TMP/a_2d.npy" --epsilon 0.05
expect_error unknown_flag 2 "--frobnicate" "${A[@]}" ot sinkhorn --x "$EX/x.npy" \
  --y "$EX/y.npy" --epsilon 0.05 --frobnicate
expect_error unknown_command 2 "frobnicate" "${A[@]}" frobnicate
expect_error no_epsilon 2 "--epsilon" "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy"
expect_error bad_number 2 "--epsilon" "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" \
  --epsilon abc
expect_error bad_int 2 "--max-iter" "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" \
  --epsilon 0.05 --max-iter 1.5
expect_error no_y 2 "--y" "${A[@]}" ot sinkhorn --x "$EX/x.npy" --epsilon 0.05
expect_error cost_and_x 2 "--cost" "${A[@]}" ot sinkhorn --cost "$TMP/cost.npy" \
  --x "$EX/x.npy" --epsilon 0.05
expect_error bad_state 2 "--state" "${A[@]}" jobs list --state done
expect_error get_no_id 2 "ID" "${A[@]}" jobs get
expect_error invalid_eps 4 "error: INVALID_ARGUMENT: " "${A[@]}" ot sinkhorn --x "$EX/x.npy" \
  --y "$EX/y.npy" --epsilon -1
grep -q "epsilon" "$TMP/invalid_eps.err" || fail "invalid_eps: the message does not name epsilon"
expect_error unknown_job 4 "error: NOT_FOUND: " "${A[@]}" jobs get no-such-job
expect_error unreachable 4 "error: UNAVAILABLE: " "${A[@]}" --server 127.0.0.1:1 ot sinkhorn \
  --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05
expect_error unreachable_env 4 "error: UNAVAILABLE: " env ADVECT_SERVER=127.0.0.1:1 \
  "$ADVECT" jobs list
expect_error out_not_dir 3 "--out" "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" \
  --epsilon 0.05 --out "$EX/x.npy/sub"

# ---------------------------------------------------------------- JSON logs and /metrics
start_advectd --log-format json --metrics-listen 127.0.0.1:0
export ADVECT_SERVER=127.0.0.1:$PORT
expect obs_job 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 --json
expect_error obs_refused 4 "error: INVALID_ARGUMENT: " "${A[@]}" ot sinkhorn --x "$EX/x.npy" \
  --y "$EX/y.npy" --epsilon -1
pycheck json_logs '
import re, urllib.request
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert all({"time", "level", "thread", "msg"} <= set(l) for l in lines), lines
assert json.load(open(sys.argv[2]))["converged"]
done = [l for l in lines if l.get("job_id") and "JOB_STATE_SUCCEEDED" in l["msg"]]
assert len(done) == 1 and done[0]["msg"].startswith("job " + done[0]["job_id"]), lines
url = [re.search(r"http://\S+/metrics", l["msg"]) for l in lines]
url = [u.group(0) for u in url if u][0]
text = urllib.request.urlopen(url, timeout=10).read().decode()
def sample(series):
    return [float(l.split()[-1]) for l in text.splitlines() if l.startswith(series + " ")]
assert sample("advect_jobs_finished_total{kind=\"entropic_ot\",state=\"succeeded\"}") == [1.0], text
assert sample("advect_requests_rejected_total{code=\"INVALID_ARGUMENT\",method=\"Run\"}") == [1.0], text
assert sample("advect_jobs_queued") == [0.0] and sample("advect_active_streams") == [0.0], text
' "$TMP/advectd.log" "$TMP/obs_job.out"
expect bad_log_format 2 "$ADVECTD" --log-format xml
grep -qF "advectd: --log-format: expected text or json" "$TMP/bad_log_format.err" ||
  fail "bad_log_format: $(cat "$TMP/bad_log_format.err")"

# ---------------------------------------------------------------- done
finish
