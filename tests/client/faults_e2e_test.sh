#!/bin/bash
# Faults end to end, against a real advectd process: a Run client killed with
# SIGKILL mid-stream (its job is cancelled, the server goes on), and SIGTERM
# while jobs run and wait (every job reaches a terminal state, streams end with
# that state, advectd exits 0 within its grace).
# Usage: faults_e2e_test.sh ADVECTD ADVECT
# Exits 77 (skipped) when advectd is not built.
set -u

ADVECTD=${1:?usage: faults_e2e_test.sh ADVECTD ADVECT}
ADVECT=${2:?advect binary}
if [[ ! -x "$ADVECTD" ]]; then echo "SKIP: $ADVECTD is not built"; exit 77; fi

# shellcheck source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
unset ADVECT_SERVER ADVECT_TOKEN

# A job that runs until it is stopped: tiny epsilon, tolerance 0, no iteration cap.
"$PY" -c '
import numpy as np, sys
rng = np.random.default_rng(5)
np.save(sys.argv[1] + "/lx.npy", rng.random((1000, 2)))
np.save(sys.argv[1] + "/ly.npy", rng.random((1000, 2)))' "$TMP"
LONG=(ot sinkhorn --x "$TMP/lx.npy" --y "$TMP/ly.npy" --epsilon 1e-4 --tol 0 --normalize-cost
      --max-iter 2000000000)

# job_state ID: the job's state name from jobs get --json (empty if unknown).
job_state() {
  "$ADVECT" --json jobs get "$1" 2>/dev/null | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["state"])' 2>/dev/null
}
# wait_state ID STATE SECONDS: polls until the job is in STATE.
wait_state() {
  local s
  for _ in $(seq $(( $3 * 20 ))); do
    s=$(job_state "$1")
    [[ "$s" == "$2" ]] && return 0
    sleep 0.05
  done
  echo "job $1 is '$s', not $2 after $3 s" >&2
  return 1
}

# ---------------------------------------------------------------- a Run client killed mid-stream
start_advectd --workers 2
export ADVECT_SERVER=127.0.0.1:$PORT
"$ADVECT" "${LONG[@]}" > "$TMP/killed.out" 2> "$TMP/killed.err" &
CLIENT=$!
ID=""
for _ in $(seq 200); do
  ID=$("$ADVECT" --json jobs list --state running 2>/dev/null |
       "$PY" -c 'import json, sys; j = json.load(sys.stdin).get("jobs", []); print(j[0]["job_id"] if j else "")')
  [[ -n "$ID" ]] && break
  sleep 0.05
done
if [[ -z "$ID" ]]; then fail "the streamed job never ran"; else pass; fi
kill -KILL "$CLIENT"
wait "$CLIENT" 2>/dev/null
if wait_state "$ID" JOB_STATE_CANCELLED 5; then pass; else fail "killed client: job not cancelled"; fi
expect killed_get 0 "$ADVECT" --json jobs get "$ID"
pycheck killed_reason 'j = json.load(open(sys.argv[1])); assert "the Run client went away" in j["error"]["message"], j' \
  "$TMP/killed_get.out"
expect after_kill 0 "$ADVECT" --json ot sinkhorn --x "$TMP/lx.npy" --y "$TMP/ly.npy" --epsilon 0.5
expect running_after_kill 0 "$ADVECT" --json jobs list --state running
pycheck none_running 'assert not json.load(open(sys.argv[1])).get("jobs"), "a job still runs"' \
  "$TMP/running_after_kill.out"

# ---------------------------------------------------------------- SIGTERM during jobs
start_advectd --workers 2 --queue-capacity 8 --shutdown-grace-seconds 1
export ADVECT_SERVER=127.0.0.1:$PORT
IDS=()
for i in 1 2 3 4; do  # two run, two wait
  expect "submit_$i" 0 "$ADVECT" "${LONG[@]}" --detach
  IDS+=("$(tr -d '[:space:]' < "$TMP/submit_$i.out")")
done
"$ADVECT" --json "${LONG[@]}" > "$TMP/streamed.out" 2> "$TMP/streamed.err" &  # waits too
STREAMED=$!
wait_state "${IDS[0]}" JOB_STATE_RUNNING 10 && wait_state "${IDS[1]}" JOB_STATE_RUNNING 10 ||
  fail "the first two jobs did not start"
# Wait until the streamed job is queued too (five jobs), so SIGTERM finds it.
for _ in $(seq 200); do
  N=$("$ADVECT" --json jobs list 2>/dev/null | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin).get("jobs", [])))')
  [[ "$N" == 5 ]] && break
  sleep 0.05
done
[[ "$N" == 5 ]] || fail "expected 5 jobs before SIGTERM, found $N"
T0=$(date +%s%N)
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
CODE=$?
ELAPSED_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
SERVER_PID=""
if [[ $CODE -eq 0 ]]; then pass; else fail "advectd exited $CODE after SIGTERM"; fi
# Grace 1 s, then up to 5 s for cancelled jobs to stop and 2 s for streams: 8 s at most.
if (( ELAPSED_MS < 8000 )); then pass; else fail "advectd took $ELAPSED_MS ms to stop"; fi
wait "$STREAMED"
SCODE=$?
if [[ $SCODE -eq 5 ]]; then pass; else fail "the streaming client exited $SCODE, expected 5: $(cat "$TMP/streamed.err")"; fi
grep -q "the server is shutting down" "$TMP/streamed.err" ||
  fail "the streaming client was not told why: $(cat "$TMP/streamed.err")"
# Every job, run or queued, detached or streamed, logged a terminal state.
for id in "${IDS[@]}"; do
  grep -qE "job $id \\(entropic_ot\\) JOB_STATE_CANCELLED" "$TMP/advectd.log" ||
    fail "job $id has no terminal state in the log"
done
ENDED=$(grep -cE "job [0-9a-f]+ \\(entropic_ot\\) JOB_STATE_(CANCELLED|SUCCEEDED|FAILED)" "$TMP/advectd.log")
if [[ $ENDED -eq 5 ]]; then pass; else fail "$ENDED jobs logged a terminal state, expected 5"; fi
grep -q "advectd stopped" "$TMP/advectd.log" || fail "no 'advectd stopped' line"
echo "SIGTERM to exit: $ELAPSED_MS ms"

# finish checks the server is alive: restart one for it.
start_advectd
finish
