# The testplanet command and its scenario files, for sweeps on Kubernetes (deploy/kubernetes/).
#   docker build -t testplanet:latest .
#   docker run --rm -v "$PWD/results:/results" testplanet:latest \
#     sweep /scenarios/examples/satellite_unreachable.textproto --seeds 1..200 --out /results/sweep
# Stage 1 builds the command on Debian 12 with the same ci/deps.sh as CI; stage 2 holds only
# the binary, the shared libraries it loads and the scenarios.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN bash ci/deps.sh --build-only \
 && cmake -S . -B build/image -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DTESTPLANET_BUILD_TESTS=OFF -DTESTPLANET_BUILD_BENCHMARKS=OFF \
 && cmake --build build/image --target testplanet

FROM debian:12-slim
# The shared libraries build/image/bin/testplanet loads (ldd), from Debian 12.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      libprotobuf32 libsodium23 libzstd1 librocksdb7.8 libspdlog1.10 libjemalloc2 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/image/bin/testplanet /usr/local/bin/testplanet
COPY scenarios/examples/ /scenarios/examples/
COPY scenarios/swarm/ /scenarios/swarm/
COPY scenarios/bench/ /scenarios/bench/
RUN useradd --create-home --uid 10001 testplanet && mkdir /results && chown testplanet /results
USER testplanet
WORKDIR /results
VOLUME /results
ENTRYPOINT ["testplanet"]
CMD ["--help"]
