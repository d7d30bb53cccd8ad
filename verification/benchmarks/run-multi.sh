#!/usr/bin/env bash
# The multi-lease benchmark (docs/benchmarks-multi.md): L = 1, 10, 50 elections on each of 5
# candidate processes; ours (shared watch, with and without balancing) against client-java and
# fabric8 run as one elector per lease. About 35 min with the defaults.
#
#   verification/benchmarks/run-multi.sh               # rewrites docs/benchmarks-multi.md + .png
#   verification/benchmarks/run-multi.sh --help        # options
#   verification/benchmarks/run-multi.sh --render DIR  # redraw the docs from DIR/results.tsv
#
# Builds the three Java candidates and the runner unless BENCHMARKS_SKIP_BUILD=1; API server
# binaries from verification/apiserver/build.sh unless LEADER_ELECTION_APISERVER_BIN is set.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"
if [ "${BENCHMARKS_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -q install -DskipTests \
    -pl verification/candidates/candidate-ours,verification/candidates/candidate-client-java,verification/candidates/candidate-fabric8,verification/benchmarks -am
fi
if [ -z "${LEADER_ELECTION_APISERVER_BIN:-}" ]; then
  LEADER_ELECTION_APISERVER_BIN="$(verification/apiserver/build.sh)"
fi
export LEADER_ELECTION_APISERVER_BIN
cp_file="verification/benchmarks/target/runtime.classpath"
jar="$(ls verification/benchmarks/target/benchmarks-*.jar 2>/dev/null | head -n1 || true)"
if [ ! -f "$cp_file" ] || [ -z "$jar" ]; then
  echo "benchmarks is not built: run ./mvnw -B -q install -DskipTests" >&2
  exit 1
fi
exec java -Xmx256m -Djava.awt.headless=true -cp "$jar:$(cat "$cp_file")" \
  io.github.leaderelection.benchmarks.MultiLeaseBenchmark "$@"
