# Helpers of the end-to-end shell tests (sourced): a temporary directory, a
# real advectd on 127.0.0.1:0 stopped at exit, and checks that count.
#   start_advectd ARGS...   starts "$ADVECTD" ARGS... and sets PORT and SERVER_PID
#   expect, expect_message, expect_error, pycheck (below)   record checks
#   finish                  prints the counts; exits 1 on any failure
PY=/usr/bin/python3
TMP=$(mktemp -d)
SERVER_PID=""
stop_advectd() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 150); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  SERVER_PID=""
}
cleanup() {
  stop_advectd
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

FAILURES=0
CHECKS=0
fail() { echo "FAIL: $*"; FAILURES=$((FAILURES + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }

# run NAME CMD...: runs CMD, keeping stdout in $TMP/NAME.out, stderr in $TMP/NAME.err, code in RC.
run() {
  local name=$1
  shift
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
  RC=$?
}

# expect NAME CODE CMD...: runs CMD and checks its exit code.
expect() {
  local name=$1 code=$2
  shift 2
  run "$name" "$@"
  if [[ $RC -ne $code ]]; then
    fail "$name: exit code $RC, expected $code: $*"
    sed 's/^/  stderr: /' "$TMP/$name.err" | head -5
  else
    pass
  fi
}

# expect_message NAME CODE PATTERN CMD...: exit code CODE and PATTERN in stderr.
expect_message() {
  local name=$1 code=$2 pattern=$3
  shift 3
  expect "$name" "$code" "$@"
  if ! grep -qF -- "$pattern" "$TMP/$name.err"; then
    fail "$name: stderr lacks '$pattern': $(head -3 "$TMP/$name.err")"
  elif ! grep -qE '^(advect|error): ' "$TMP/$name.err"; then
    fail "$name: stderr does not start with 'advect: ' or 'error: '"
  else
    pass
  fi
}

# expect_error NAME CODE PATTERN CMD...: expect_message, and nothing on stdout.
expect_error() {
  expect_message "$@"
  if [[ -s "$TMP/$1.out" ]]; then fail "$1: stdout is not empty"; fi
}

# pycheck NAME PYTHON_CODE ARGS...: runs python code (with json, sys, numpy as np imported).
pycheck() {
  local name=$1 code=$2
  shift 2
  if "$PY" -c "import json, sys
import numpy as np
$code" "$@" 2>"$TMP/$name.pyerr"; then
    pass
  else
    fail "$name: $(tail -3 "$TMP/$name.pyerr")"
  fi
}

# start_advectd ARGS...: a server on 127.0.0.1:0 (stopping the previous one).
start_advectd() {
  stop_advectd
  "$ADVECTD" --listen 127.0.0.1:0 "$@" >"$TMP/advectd.log" 2>&1 &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 200); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$TMP/advectd.log" | head -1)
    [[ -n "$PORT" ]] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "FAIL: advectd exited early:"; cat "$TMP/advectd.log"; exit 1
    fi
    sleep 0.05
  done
  if [[ -z "$PORT" ]]; then echo "FAIL: advectd did not print 'listening on 127.0.0.1:PORT'"; exit 1; fi
  echo "advectd (pid $SERVER_PID) listening on 127.0.0.1:$PORT"
}

finish() {
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then fail "advectd died during the test"; fi
  echo "$CHECKS checks passed, $FAILURES failed"
  [[ $FAILURES -eq 0 ]]
}
