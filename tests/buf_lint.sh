#!/usr/bin/env bash
# Lints proto/ with buf (rules STANDARD + COMMENTS, proto/buf.yaml). Fails, never
# skips, when buf is missing: scripts/install-deps --test installs it.
set -euo pipefail
root="$1"
buf="$root/.tools/node_modules/.bin/buf"
if [[ ! -x "$buf" ]]; then
  buf="$(command -v buf || true)"
fi
if [[ -z "$buf" ]]; then
  echo "buf not found: run scripts/install-deps --test" >&2
  exit 1
fi
cd "$root/proto"
"$buf" lint .
echo "buf lint: clean"
