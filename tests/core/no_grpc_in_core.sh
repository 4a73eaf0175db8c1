#!/bin/sh
# Fails if anything under core/ includes gRPC or protobuf headers (or generated
# *.pb.h files), or if a CMake file under core/ mentions gRPC or protobuf
# outside comments (so it cannot link them).
#
#   no_grpc_in_core.sh CORE_DIR    check CORE_DIR
#   no_grpc_in_core.sh --self-test check that the check catches planted violations
set -u

include_pattern='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](([^>"]*/)?(grpc|grpcpp|grpc\+\+|google/protobuf)/|[^>"]*\.pb\.h[>"])'

# check DIR: prints each violation and returns 1 if there is any.
check() {
  dir=$1
  if [ ! -d "$dir" ]; then
    echo "no_grpc_in_core: $dir is not a directory" >&2
    return 2
  fi
  status=0
  # Each check prints its matches; the final `grep .` succeeds when there is any.
  if find "$dir" -type f \( -name '*.h' -o -name '*.hh' -o -name '*.hpp' -o -name '*.cc' \
      -o -name '*.cpp' -o -name '*.cxx' -o -name '*.inc' -o -name '*.ipp' \) \
      -exec grep -nHE "$include_pattern" {} + | grep .; then
    status=1
  fi
  # CMake files: drop comments, then look for any mention of grpc or protobuf.
  if find "$dir" -type f \( -name 'CMakeLists.txt' -o -name '*.cmake' \) \
      -exec sh -c 'for f; do sed "s/#.*\$//" "$f" | grep -niE "grpc|protobuf" | sed "s|^|$f:|"; done' \
      sh {} + | grep .; then
    status=1
  fi
  return $status
}

self_test() {
  tmp=$(mktemp -d) || exit 2
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/core/solvers"
  printf '#include <Eigen/Core>\n#include "core/observer.h"\n// talks about grpc in a comment\n' \
    >"$tmp/core/solvers/clean.h"
  printf '# No gRPC here\nadd_library(x STATIC a.cc)\ntarget_link_libraries(x PUBLIC Eigen3::Eigen)\n' \
    >"$tmp/core/CMakeLists.txt"
  if ! check "$tmp/core" >/dev/null; then
    echo "self-test: a clean tree was rejected" >&2
    return 1
  fi
  for bad in '#include <grpcpp/grpcpp.h>' '#include "google/protobuf/message.h"' \
             '  #  include "advect/v1/ot.pb.h"' '#include <grpc/grpc.h>'; do
    printf '%s\n' "$bad" >"$tmp/core/solvers/bad.cc"
    if check "$tmp/core" >/dev/null; then
      echo "self-test: missed a violation: $bad" >&2
      return 1
    fi
  done
  rm "$tmp/core/solvers/bad.cc"
  printf 'target_link_libraries(x PUBLIC gRPC::grpc++)\n' >>"$tmp/core/CMakeLists.txt"
  if check "$tmp/core" >/dev/null; then
    echo "self-test: missed gRPC linked in CMake" >&2
    return 1
  fi
  echo "self-test passed"
  return 0
}

if [ $# -ne 1 ]; then
  echo "usage: $0 CORE_DIR | --self-test" >&2
  exit 2
fi
if [ "$1" = "--self-test" ]; then
  self_test
  exit $?
fi
if check "$1"; then
  echo "ok: no gRPC or protobuf in $1"
  exit 0
fi
echo "FAIL: core/ must not include or link gRPC or protobuf (see the lines above)" >&2
exit 1
