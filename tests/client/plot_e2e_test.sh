#!/bin/bash
# End-to-end test of `advect plot` against a real advectd: every figure kind
# drawn from real jobs (from --out directories and by job id) to PNG and SVG
# (and GIF for animations), each file checked by check_figures.py (size, not
# blank, well-formed XML); then the errors a user meets.
# Usage: plot_e2e_test.sh ADVECTD ADVECT EXAMPLES_DIR
# Exits 77 (skipped) when advectd is not built or advect has no plotting.
set -u

ADVECTD=${1:?usage: plot_e2e_test.sh ADVECTD ADVECT EXAMPLES_DIR}
ADVECT=${2:?advect binary}
EX=${3:?examples directory}
CHECK="$(dirname "$0")/check_figures.py"

if [[ ! -x "$ADVECTD" ]]; then echo "SKIP: $ADVECTD is not built"; exit 77; fi
if "$ADVECT" plot --from /nonexistent --output x.png 2>&1 | grep -q "built without plotting"; then
  echo "SKIP: advect was built without cairo/giflib"; exit 77
fi

# shellcheck source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
unset ADVECT_SERVER ADVECT_TOKEN
# Every progress report is sent (no rate limit), so that short jobs still give curves.
start_advectd --progress-interval-ms 0
export ADVECT_SERVER=127.0.0.1:$PORT
A=("$ADVECT")

# figures NAME ARGS... FILE...: check_figures.py on the files.
figures() {
  local name=$1
  shift
  if "$PY" "$CHECK" "$@" > "$TMP/$name.check" 2>&1; then pass; else fail "$name: $(cat "$TMP/$name.check")"; fi
}

"$PY" - "$TMP" <<'PYEOF'
import sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(1)
a = np.pi / 2 + 2 * np.pi * np.arange(3) / 3
np.save(f"{d}/gw.npy", np.array([0.5, 0.3, 0.2]))
np.save(f"{d}/gm.npy", 2.5 * np.column_stack([np.cos(a), np.sin(a)]))
np.save(f"{d}/gc.npy", np.stack([0.1 * np.eye(2)] * 3))
x = rng.normal(size=(24, 3))
np.save(f"{d}/tokens.npy", x / np.linalg.norm(x, axis=1, keepdims=True))
np.save(f"{d}/p5.npy", rng.normal(size=(40, 5)))
np.save(f"{d}/t5.npy", rng.normal(size=(30, 5)) + 2.0)
g = np.linspace(-2, 2, 24)
X, Y = np.meshgrid(g, g, indexing="ij")
rho = np.exp(-((X - 0.5) ** 2 + Y ** 2) / 0.2)
np.save(f"{d}/rho.npy", rho / rho.sum())
PYEOF

# ------------------------------------------------ coupling (entropic and exact), curves
expect ot_run 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 --plan \
  --frame-every 5 --out "$TMP/ot"
for f in job.json progress.npy frame_times.npy inputs/x.npy inputs/y.npy plan.npy trajectory.npy; do
  [[ -s "$TMP/ot/$f" ]] && pass || fail "ot --out: no $f"
done
expect ot_dir 0 "${A[@]}" plot --from "$TMP/ot" --output-dir "$TMP/ot_fig"
for f in coupling curves paths cloud animation; do
  grep -q "$TMP/ot_fig/$f.png" "$TMP/ot_dir.out" || fail "ot --output-dir: $f.png not listed"
done
figures ot_dir_files --size 1440x1080 "$TMP"/ot_fig/*.png
figures ot_dir_svg "$TMP"/ot_fig/*.svg
figures ot_dir_gif "$TMP"/ot_fig/animation.gif
figures ot_dir_anim --animated "$TMP"/ot_fig/animation.svg
pycheck ot_progress "p = np.load(sys.argv[1]); assert p.shape[1] == 3 and p.shape[0] >= 5, p.shape
assert np.all(np.diff(p[:, 0]) > 0) and p[-1, 1] < p[0, 1]" "$TMP/ot/progress.npy"

expect exact_run 0 "${A[@]}" ot exact --x "$EX/x.npy" --y "$EX/y.npy" --out "$TMP/exact"
expect exact_png 0 "${A[@]}" plot --from "$TMP/exact" --output "$TMP/exact.png" --width 500 --height 400 --scale 1
expect exact_svg 0 "${A[@]}" plot --from "$TMP/exact" --figure coupling --output "$TMP/exact.svg"
figures exact_files --size 500x400 "$TMP/exact.png"
figures exact_svg_file "$TMP/exact.svg"

# By job id: the server keeps no inputs, so a coupling needs --x and --y.
expect ot_detach 0 "${A[@]}" ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05 --plan --detach
ID=$(tr -d '[:space:]' < "$TMP/ot_detach.out")
expect ot_wait 0 "${A[@]}" jobs watch "$ID"
expect_error id_coupling_needs_x 2 "pass --x and --y" "${A[@]}" plot "$ID" --figure coupling --output "$TMP/id.png"
expect id_coupling 0 "${A[@]}" plot "$ID" --x "$EX/x.npy" --y "$EX/y.npy" --output "$TMP/id_coupling.svg"
figures id_coupling_file "$TMP/id_coupling.svg"
expect id_default 0 "${A[@]}" plot "$ID" --output "$TMP/id_curves.png"
figures id_default_file "$TMP/id_curves.png"
expect_error id_wrong_x 2 "the plan is" "${A[@]}" plot "$ID" --x "$TMP/p5.npy" --y "$EX/y.npy" --figure coupling --output "$TMP/w.png"

# ------------------------------------------------ paths (diffusion sampling), by id and from --out
expect flow_run 0 "${A[@]}" flow sample --gmm-weights "$TMP/gw.npy" --gmm-means "$TMP/gm.npy" \
  --gmm-covs "$TMP/gc.npy" --num-samples 80 --steps 20 --frame-every 1 --out "$TMP/flow"
FLOW_ID=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['job_id'])" "$TMP/flow/job.json")
expect flow_paths 0 "${A[@]}" plot --from "$TMP/flow" --output "$TMP/flow_paths.png"
expect flow_paths_id 0 "${A[@]}" plot "$FLOW_ID" --figure paths --output "$TMP/flow_paths_id.svg"
figures flow_files "$TMP/flow_paths.png" "$TMP/flow_paths_id.svg"

# ------------------------------------------------ animation (tokens on the sphere, d = 3: PCA)
expect tokens_run 0 "${A[@]}" tokens evolve --tokens "$TMP/tokens.npy" --sphere --beta 9 --steps 60 \
  --frame-every 5 --out "$TMP/tokens"
for ext in svg gif png; do
  expect "tokens_anim_$ext" 0 "${A[@]}" plot --from "$TMP/tokens" --figure animation --seconds 3 \
    --output "$TMP/tokens.$ext"
done
figures tokens_anim_files --animated "$TMP/tokens.svg"
figures tokens_anim_raster "$TMP/tokens.gif" "$TMP/tokens.png"
pycheck tokens_frames "
import re
s = open(sys.argv[1]).read()
values = re.findall(r'attributeName=\"cx\" values=\"([^\"]*)\"', s)
assert len(values) == 24, len(values)
assert all(len(v.split(';')) == 13 for v in values), set(len(v.split(';')) for v in values)
assert len(set(values)) > 1" "$TMP/tokens.svg"
expect tokens_curves 0 "${A[@]}" plot --from "$TMP/tokens" --figure curves --output "$TMP/tokens_curves.png"
figures tokens_curves_file "$TMP/tokens_curves.png"
# The same job from the server and from the directory draws the same picture
# (curves use no inputs, which only the directory has).
TOKENS_ID=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['job_id'])" "$TMP/tokens/job.json")
expect tokens_curves_id 0 "${A[@]}" plot "$TOKENS_ID" --figure curves --output "$TMP/tokens_curves_id.png"
cmp -s "$TMP/tokens_curves.png" "$TMP/tokens_curves_id.png" && pass || fail "curves by id and from --out differ"

# ------------------------------------------------ cloud (MMD flow in d = 5), heat map (JKO), curves (mean field)
expect mmd_run 0 "${A[@]}" particles mmd --x "$TMP/p5.npy" --target "$TMP/t5.npy" --steps 50 --out "$TMP/mmd"
expect mmd_cloud 0 "${A[@]}" plot --from "$TMP/mmd" --figure cloud --output "$TMP/mmd_cloud.png"
expect mmd_cloud_svg 0 "${A[@]}" plot --from "$TMP/mmd" --figure cloud --output "$TMP/mmd_cloud.svg"
figures mmd_files "$TMP/mmd_cloud.png" "$TMP/mmd_cloud.svg"
expect_error mmd_no_frames 2 "--frame-every" "${A[@]}" plot --from "$TMP/mmd" --figure paths --output "$TMP/x.png"

expect jko_run 0 "${A[@]}" particles jko --grid 24,24 --lo=-2,-2 --hi 2,2 --density "$TMP/rho.npy" \
  --potential quadratic --noise 0.3 --steps 5 --frame-every 1 --out "$TMP/jko"
expect jko_default 0 "${A[@]}" plot --from "$TMP/jko" --output "$TMP/jko.png"
expect jko_svg 0 "${A[@]}" plot --from "$TMP/jko" --figure heatmap --output "$TMP/jko.svg"
figures jko_files "$TMP/jko.png" "$TMP/jko.svg"
expect_error jko_paths 2 "densities" "${A[@]}" plot --from "$TMP/jko" --figure paths --output "$TMP/x.png"

expect mf_run 0 "${A[@]}" meanfield train --neurons 20 --dim 2 --num-samples 100 --steps 200 \
  --frame-every 20 --out "$TMP/mf"
expect mf_dir 0 "${A[@]}" --json plot --from "$TMP/mf" --output-dir "$TMP/mf_fig"
pycheck mf_written "w = json.loads(open(sys.argv[1]).read())['written']
names = sorted(p.rsplit('/', 1)[1] for p in w)
assert names == sorted(['paths.png', 'paths.svg', 'cloud.png', 'cloud.svg', 'animation.png',
  'animation.svg', 'animation.gif', 'curves.png', 'curves.svg']), names" "$TMP/mf_dir.out"
figures mf_files "$TMP"/mf_fig/*.png "$TMP"/mf_fig/*.svg "$TMP"/mf_fig/*.gif

# ------------------------------------------------ errors
expect help_plot 0 "${A[@]}" plot --help
grep -q "^Usage: advect \[GLOBAL FLAGS\] plot ID" "$TMP/help_plot.out" && pass || fail "plot --help: no usage"
expect_error no_source 2 "give a job ID or --from" "${A[@]}" plot --output "$TMP/x.png"
expect_error both_sources 2 "not both" "${A[@]}" plot "$ID" --from "$TMP/ot" --output "$TMP/x.png"
expect_error no_output 2 "--output FILE" "${A[@]}" plot --from "$TMP/ot"
expect_error bad_figure 2 "--figure: 'pie' is not one of" "${A[@]}" plot --from "$TMP/ot" --figure pie --output "$TMP/x.png"
expect_error bad_ext 2 "must end in .png or .svg" "${A[@]}" plot --from "$TMP/ot" --figure coupling --output "$TMP/x.jpg"
expect_error gif_still 2 "must end in .png or .svg" "${A[@]}" plot --from "$TMP/ot" --figure coupling --output "$TMP/x.gif"
expect_error no_heatmap 2 "heat map" "${A[@]}" plot --from "$TMP/ot" --figure heatmap --output "$TMP/x.png"
expect_error bad_width 2 "--width" "${A[@]}" plot --from "$TMP/ot" --width 10 --output "$TMP/x.png"
expect_error not_a_dir 3 "has no job.json" "${A[@]}" plot --from "$TMP/nowhere" --output "$TMP/x.png"
expect_error unwritable 3 "cannot write" "${A[@]}" plot --from "$TMP/ot" --output "$TMP/no/such/dir/x.png"
expect_error unknown_job 4 "NOT_FOUND" "${A[@]}" plot 0123456789abcdef --output "$TMP/x.png"
expect_error missing_x_file 3 "--x" "${A[@]}" plot "$ID" --x "$TMP/missing.npy" --output "$TMP/x.png"
# A job still running has nothing to plot yet.
expect slow_detach 0 "${A[@]}" particles flow --x "$TMP/p5.npy" --interaction gaussian --steps 1000000 --detach
SLOW=$(tr -d '[:space:]' < "$TMP/slow_detach.out")
expect_error running_job 4 "plot it once it has succeeded" "${A[@]}" plot "$SLOW" --output "$TMP/x.png"
expect slow_cancel 0 "${A[@]}" jobs cancel "$SLOW"
expect slow_wait 5 "${A[@]}" jobs watch "$SLOW"
expect_error cancelled_job 5 "no result to plot" "${A[@]}" plot "$SLOW" --output "$TMP/x.png"
[[ ! -e "$TMP/x.png" ]] && pass || fail "a failed plot left $TMP/x.png behind"

finish
