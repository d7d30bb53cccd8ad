#!/usr/bin/env bash
# Runs the leader-election benchmarks (see docs/benchmarks.md):
#
#   verification/benchmarks/run.sh              # everything (both profiles, 20 trials: many hours); docs/benchmarks.md
#                                  # names the command of its run (about 90 min); rewrites docs/benchmarks.md + .png
#   verification/benchmarks/run.sh --smoke      # 2 handover trials per implementation, about a minute;
#                                  # exits non-zero when a trial fails
#   verification/benchmarks/run.sh --help       # all options
#
# Builds what it needs (the Java candidate programs and the runner, and the other candidates
# named by --impls: client-go, node, spring-cloud, spring-cloud-fabric8) unless
# BENCHMARKS_SKIP_BUILD=1, gets the API server binaries from verification/apiserver/build.sh
# (cached) unless LEADER_ELECTION_APISERVER_BIN is set, then starts the runner.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

# The implementations named by --impls (the runner's default: all seven); the
# programs outside the Maven build are built only when named.
impls="ours,client-java,fabric8,client-go,node,spring-cloud,spring-cloud-fabric8"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --impls) impls="${args[i + 1]:-}" ;;
  esac
done
selected() { [[ ",$impls," == *",$1,"* ]]; }

if [ "${BENCHMARKS_SKIP_BUILD:-0}" != 1 ]; then
  echo "== Building the candidates and the runner" >&2
  ./mvnw -B -q install -DskipTests \
    -pl verification/candidates/candidate-ours,verification/candidates/candidate-client-java,verification/candidates/candidate-fabric8,verification/benchmarks -am
  if selected client-go; then verification/candidates/candidate-client-go/build.sh >/dev/null; fi
  if selected node; then verification/candidates/candidate-node/build.sh >/dev/null; fi
  # Standalone Maven builds (not modules of the root: see verification/candidates/candidate-spring-cloud/README.md).
  if selected spring-cloud; then verification/candidates/candidate-spring-cloud/build.sh >/dev/null; fi
  if selected spring-cloud-fabric8; then verification/candidates/candidate-spring-cloud/build.sh fabric8 >/dev/null; fi
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
  io.github.leaderelection.benchmarks.BenchmarkRunner "$@"
