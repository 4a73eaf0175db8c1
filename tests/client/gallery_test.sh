#!/bin/bash
# Runs scripts/gallery (the README's gallery, from real jobs) into a temporary
# directory and checks every picture it lists in the README exists and is a
# proper figure (check_figures.py), so the gallery's one command keeps working.
# Usage: gallery_test.sh SOURCE_DIR ADVECTD ADVECT
# Exits 77 (skipped) when advectd is not built or advect has no plotting.
set -u
SRC=${1:?usage: gallery_test.sh SOURCE_DIR ADVECTD ADVECT}
export ADVECTD=${2:?advectd} ADVECT=${3:?advect}
if [[ ! -x "$ADVECTD" ]]; then echo "SKIP: $ADVECTD is not built"; exit 77; fi
if "$ADVECT" plot --from /nonexistent --output x.png 2>&1 | grep -q "built without plotting"; then
  echo "SKIP: advect was built without cairo/giflib"; exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
SECONDS=0
if ! "$SRC/scripts/gallery" --out "$out" > "$out.log" 2>&1; then
  echo "FAIL: scripts/gallery failed:"; cat "$out.log"; rm -f "$out.log"; exit 1
fi
rm -f "$out.log"
echo "scripts/gallery took ${SECONDS} s"
# Every image the README shows must be one the script makes.
mapfile -t shown < <(grep -oE 'docs/gallery/[A-Za-z0-9_-]+\.(png|svg|gif)' "$SRC/README.md" | sort -u)
if (( ${#shown[@]} < 5 )); then echo "FAIL: the README shows ${#shown[@]} gallery images"; exit 1; fi
files=()
for f in "${shown[@]}"; do
  [[ -f "$out/${f#docs/gallery/}" ]] || { echo "FAIL: scripts/gallery does not make $f"; exit 1; }
  [[ -f "$SRC/$f" ]] || { echo "FAIL: $f is not committed"; exit 1; }
  files+=("$out/${f#docs/gallery/}")
done
/usr/bin/python3 "$SRC/tests/client/check_figures.py" "${files[@]}" || exit 1
/usr/bin/python3 "$SRC/tests/client/check_figures.py" --animated "$out"/*.svg || exit 1
echo "gallery: ${#files[@]} pictures made and checked"
