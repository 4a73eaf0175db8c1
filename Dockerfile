# advect's container image: advectd (the gRPC server) and advect (the CLI) on
# debian:bookworm-slim. Two stages: `build` compiles the two programs from this
# repository with Debian's toolchain and libraries (no tests, no benchmarks);
# the runtime stage holds only their shared libraries, runs as a non-root user
# and checks itself through the gRPC health service (`advect health`).
#
#   docker build -t localhost/advect:dev .   (or scripts/container-smoke, which also tests it)
#   docker run --rm -p 50051:50051 --stop-timeout 30 localhost/advect:dev
#   advect --server 127.0.0.1:50051 health
#
# The image's advect is built without plotting (no cairo: a smaller image for a
# server); `advect plot` runs on the client's machine.
#
# advectd's flags go after the image name (advectd --help lists them; every flag
# also reads its ADVECT_* variable). The image listens on 0.0.0.0:50051.
ARG DEBIAN_IMAGE=debian:bookworm-slim

FROM ${DEBIAN_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake ninja-build pkg-config ccache \
      libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc grpc-proto \
      libabsl-dev libeigen3-dev libspdlog-dev libfmt-dev libopenblas-dev prometheus-cpp-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY proto/ proto/
COPY core/ core/
COPY server/ server/
COPY client/ client/
# ccache keeps objects between builds on the same machine (never in the image):
# in a cache mount by default, or in a directory the builder mounts and names in
# CCACHE_DIR (scripts/container-smoke lends the host's, so the image reuses the
# host's Release objects: same Debian compiler, same paths relative to build/, and
# the host's LANG, which ccache hashes).
ARG CCACHE_DIR=/root/.cache/ccache
ARG HOST_LANG=
RUN --mount=type=cache,target=/root/.cache/ccache \
    export CCACHE_DIR="${CCACHE_DIR}" CCACHE_BASEDIR=/src \
 && if [ -n "${HOST_LANG}" ]; then export LANG="${HOST_LANG}"; fi \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DADVECT_BUILD_TESTS=OFF -DADVECT_BUILD_BENCH=OFF > /dev/null \
 && ninja -C build advectd advect \
 && strip build/server/advectd build/client/advect

FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 libabsl20220623 libspdlog1.10 libfmt9 libopenblas0-pthread \
      libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin advect
COPY --from=build /src/build/server/advectd /src/build/client/advect /usr/local/bin/
USER 10001:10001
ENV ADVECT_LISTEN=0.0.0.0:50051
EXPOSE 50051
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["advect", "--server", "127.0.0.1:50051", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["advectd"]
