#!/usr/bin/env bash
# Runs the leader-election benchmarks (see docs/benchmarks.md):
#
#   benchmarks/run.sh              # the full run (about 2 h), rewrites docs/benchmarks.md + .png
#   benchmarks/run.sh --smoke      # 2 handover trials per implementation, about a minute;
#                                  # exits non-zero when a trial fails
#   benchmarks/run.sh --help       # all options
#
# Builds what it needs (the three candidate programs and the runner) unless
# BENCHMARKS_SKIP_BUILD=1, gets the API server binaries from tools/apiserver/build.sh
# (cached) unless LEADER_ELECTION_APISERVER_BIN is set, then starts the runner.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

if [ "${BENCHMARKS_SKIP_BUILD:-0}" != 1 ]; then
  echo "== Building the candidates and the runner" >&2
  ./mvnw -B -q install -DskipTests \
    -pl candidates/candidate-ours,candidates/candidate-client-java,candidates/candidate-fabric8,benchmarks -am
fi
if [ -z "${LEADER_ELECTION_APISERVER_BIN:-}" ]; then
  LEADER_ELECTION_APISERVER_BIN="$(tools/apiserver/build.sh)"
fi
export LEADER_ELECTION_APISERVER_BIN

cp_file="benchmarks/target/runtime.classpath"
jar="$(ls benchmarks/target/benchmarks-*.jar 2>/dev/null | head -n1 || true)"
if [ ! -f "$cp_file" ] || [ -z "$jar" ]; then
  echo "benchmarks is not built: run ./mvnw -B -q install -DskipTests" >&2
  exit 1
fi
exec java -Xmx256m -Djava.awt.headless=true -cp "$jar:$(cat "$cp_file")" \
  io.github.leaderelection.benchmarks.BenchmarkRunner "$@"
