#!/bin/bash
# End-to-end test of advectd's TLS, mutual TLS and bearer tokens with the advect
# CLI, on certificates made at test time by openssl (a CA, a server certificate
# for 127.0.0.1, a client certificate, and a second CA nobody trusts).
# Usage: security_e2e_test.sh ADVECTD ADVECT EXAMPLES_DIR
# Exits 77 (skipped) when advectd is not built or openssl is missing.
set -u

ADVECTD=${1:?usage: security_e2e_test.sh ADVECTD ADVECT EXAMPLES_DIR}
ADVECT=${2:?advect binary}
EX=${3:?examples directory}

if [[ ! -x "$ADVECTD" ]]; then echo "SKIP: $ADVECTD is not built"; exit 77; fi
if ! command -v openssl > /dev/null; then echo "SKIP: openssl is not installed"; exit 77; fi

# shellcheck source=e2e_lib.sh
. "$(dirname "$0")/e2e_lib.sh"
unset ADVECT_SERVER ADVECT_TOKEN

# ---------------------------------------------------------------- certificates
K=$TMP/pki
mkdir -p "$K"
newkey=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
# make_ca NAME
make_ca() {
  openssl req -x509 "${newkey[@]}" -keyout "$K/$1.key" -out "$K/$1.pem" -days 2 \
    -subj "/CN=advect test $1" 2>>"$K/openssl.log"
}
# make_cert NAME CA EXTENSIONS
make_cert() {
  openssl req "${newkey[@]}" -keyout "$K/$1.key" -out "$K/$1.csr" -subj "/CN=$1" \
    2>>"$K/openssl.log" &&
    openssl x509 -req -in "$K/$1.csr" -CA "$K/$2.pem" -CAkey "$K/$2.key" -CAcreateserial \
      -days 2 -out "$K/$1.pem" -extfile <(printf '%b' "$3") 2>>"$K/openssl.log"
}
make_ca ca && make_ca rogue &&
  make_cert server ca 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth' &&
  make_cert client ca 'extendedKeyUsage=clientAuth' &&
  make_cert intruder rogue 'extendedKeyUsage=clientAuth' ||
  { echo "FAIL: openssl could not make the test certificates:"; cat "$K/openssl.log"; exit 1; }
printf '# tokens of the test\n\n  first-token-0123456789  \nsecond-token\n' > "$K/tokens"

OT=(ot sinkhorn --x "$EX/x.npy" --y "$EX/y.npy" --epsilon 0.05)
TLS=(--tls-ca "$K/ca.pem")
check_result() {  # check_result NAME: the --json result of OT in $TMP/NAME.out
  pycheck "$1" 'r = json.load(open(sys.argv[1])); assert r["converged"] and r["transport_cost"] > 0, r' \
    "$TMP/$1.out"
}

# ---------------------------------------------------------------- TLS + bearer tokens
start_advectd --tls-cert "$K/server.pem" --tls-key "$K/server.key" --auth-tokens "$K/tokens" \
  --health-listen 127.0.0.1:0
HEALTH=$(sed -n 's/.*health checks also on \(127\.0\.0\.1:[0-9]*\).*/\1/p' "$TMP/advectd.log" | head -1)
grep -q "TLS, bearer tokens" "$TMP/advectd.log" || fail "the start line does not say TLS, bearer tokens"
S=(--server "127.0.0.1:$PORT")

expect tls_health 0 "$ADVECT" "${S[@]}" "${TLS[@]}" health
[[ "$(cat "$TMP/tls_health.out")" == SERVING ]] || fail "tls_health: $(cat "$TMP/tls_health.out")"
# The plaintext health-only port (for probes that cannot speak TLS): health, nothing else.
expect plain_health_port 0 "$ADVECT" --server "$HEALTH" health
expect_error plain_port_no_api 4 "error: UNIMPLEMENTED" "$ADVECT" --server "$HEALTH" \
  --token second-token jobs list
expect_error plaintext_to_tls 4 "error: UNAVAILABLE: " "$ADVECT" "${S[@]}" health --timeout 3
expect_error untrusted_server 4 "error: UNAVAILABLE: " "$ADVECT" "${S[@]}" --tls-ca "$K/rogue.pem" \
  health --timeout 3
expect_error system_roots 4 "error: UNAVAILABLE: " "$ADVECT" "${S[@]}" --tls health --timeout 3
expect_error no_token 4 "error: UNAUTHENTICATED: missing bearer token" \
  "$ADVECT" "${S[@]}" "${TLS[@]}" "${OT[@]}"
expect_error wrong_token 4 "error: UNAUTHENTICATED: invalid bearer token" \
  "$ADVECT" "${S[@]}" "${TLS[@]}" --token first-token-012345678 "${OT[@]}"
expect_error longer_token 4 "error: UNAUTHENTICATED: invalid bearer token" \
  "$ADVECT" "${S[@]}" "${TLS[@]}" --token first-token-01234567890 "${OT[@]}"
expect_error no_token_list 4 "error: UNAUTHENTICATED: " "$ADVECT" "${S[@]}" "${TLS[@]}" jobs list
expect_error no_token_get 4 "error: UNAUTHENTICATED: " "$ADVECT" "${S[@]}" "${TLS[@]}" jobs get x
expect token_flag 0 "$ADVECT" "${S[@]}" "${TLS[@]}" --token first-token-0123456789 --json "${OT[@]}"
check_result token_flag
expect token_env 0 env ADVECT_TOKEN=second-token "$ADVECT" "${S[@]}" "${TLS[@]}" --json "${OT[@]}"
check_result token_env
expect token_wins 0 env ADVECT_TOKEN=wrong "$ADVECT" "${S[@]}" "${TLS[@]}" --token second-token \
  --json "${OT[@]}"
export ADVECT_TOKEN=second-token
expect detached 0 "$ADVECT" "${S[@]}" "${TLS[@]}" "${OT[@]}" --detach
JOB=$(tr -d '[:space:]' < "$TMP/detached.out")
expect watch 0 "$ADVECT" "${S[@]}" "${TLS[@]}" jobs watch "$JOB"
expect get 0 "$ADVECT" "${S[@]}" "${TLS[@]}" --json jobs get "$JOB"
pycheck get 'assert json.load(open(sys.argv[1]))["state"] == "JOB_STATE_SUCCEEDED"' "$TMP/get.out"
expect list 0 "$ADVECT" "${S[@]}" "${TLS[@]}" jobs list
unset ADVECT_TOKEN

# ---------------------------------------------------------------- mutual TLS
start_advectd --tls-cert "$K/server.pem" --tls-key "$K/server.key" --tls-client-ca "$K/ca.pem"
grep -q "mutual TLS" "$TMP/advectd.log" || fail "the start line does not say mutual TLS"
S=(--server "127.0.0.1:$PORT")
MTLS=("${TLS[@]}" --tls-cert "$K/client.pem" --tls-key "$K/client.key")
expect_error mtls_no_cert 4 "error: UNAVAILABLE: " "$ADVECT" "${S[@]}" "${TLS[@]}" health --timeout 3
expect_error mtls_rogue_cert 4 "error: UNAVAILABLE: " "$ADVECT" "${S[@]}" "${TLS[@]}" \
  --tls-cert "$K/intruder.pem" --tls-key "$K/intruder.key" health --timeout 3
expect mtls_health 0 "$ADVECT" "${S[@]}" "${MTLS[@]}" health
expect mtls_job 0 "$ADVECT" "${S[@]}" "${MTLS[@]}" --json "${OT[@]}"
check_result mtls_job

# ---------------------------------------------------------------- plaintext + bearer tokens
start_advectd --auth-tokens "$K/tokens"
grep -q "bearer tokens travel in plaintext" "$TMP/advectd.log" || fail "no plaintext-token warning"
S=(--server "127.0.0.1:$PORT")
expect plain_health 0 "$ADVECT" "${S[@]}" health
expect_error plain_no_token 4 "error: UNAUTHENTICATED: " "$ADVECT" "${S[@]}" "${OT[@]}"
expect plain_token 0 "$ADVECT" "${S[@]}" --token second-token --json "${OT[@]}"
check_result plain_token

# ---------------------------------------------------------------- bad settings
# refused NAME PATTERN ARGS...: advectd ARGS exits 2 at once with "advectd: ...PATTERN".
refused() {
  local name=$1 pattern=$2
  shift 2
  expect "$name" 2 timeout 10 "$ADVECTD" --listen 127.0.0.1:0 "$@"
  grep -qF -- "advectd: " "$TMP/$name.err" && grep -qF -- "$pattern" "$TMP/$name.err" ||
    fail "$name: stderr lacks 'advectd: ...$pattern': $(head -3 "$TMP/$name.err")"
}
refused cert_no_key "--tls-cert: needs --tls-key too" --tls-cert "$K/server.pem"
refused ca_no_cert "--tls-client-ca: mutual TLS needs --tls-cert" --tls-client-ca "$K/ca.pem"
refused cert_missing "--tls-cert: cannot read" --tls-cert "$K/none.pem" --tls-key "$K/server.key"
refused key_not_pem "--tls-key: \"$K/tokens\" holds no PEM PRIVATE KEY block" \
  --tls-cert "$K/server.pem" --tls-key "$K/tokens"
: > "$K/empty"
refused tokens_empty "no token" --auth-tokens "$K/empty"
refused tokens_missing "--auth-tokens: cannot read" --auth-tokens "$K/none"
printf 'two words\n' > "$K/spaced"
refused tokens_spaced "line 1: a token must be visible ASCII" --auth-tokens "$K/spaced"
expect_error cli_cert_no_key 2 "--tls-cert: needs --tls-key too" "$ADVECT" "${S[@]}" \
  --tls-cert "$K/client.pem" health
expect_error cli_ca_missing 3 "--tls-ca: cannot read" "$ADVECT" "${S[@]}" --tls-ca "$K/none" health
expect_error cli_empty_token 2 "--token: empty" "$ADVECT" "${S[@]}" --token "" health
expect_error cli_spaced_token 3 "--token: must be visible ASCII" "$ADVECT" "${S[@]}" \
  --token "a b" health

finish
