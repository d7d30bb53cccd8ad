#!/usr/bin/env bash
# Runs the integration tests of the test support, the core and the starter (failsafe *IT, no
# unit tests: those do not depend on the server) on one Kubernetes version of
# verification/apiserver/versions, and checks from the reports that they ran, none skipped, on that
# version. .ci/run calls it for the oldest and the newest supported version; the default one
# is covered by ./mvnw verify.
#
#   verification/apiserver/run-its.sh oldest        # or newest, or a listed version
#
# Builds the binaries first if they are not cached (verification/apiserver/build.sh). The harness
# fails every real-server test when the server reports another version than
# LEADER_ELECTION_EXPECT_KUBERNETES_VERSION; the report check below makes sure they ran at all.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

selector="${1:?usage: verification/apiserver/run-its.sh ROLE|VERSION}"
read -r kubernetes _ _ <<<"$(verification/apiserver/build.sh --resolve "$selector")"
modules=(verification/test-support leader-election-core leader-election-spring-boot-starter)

start=$(date +%s)
bin="$(verification/apiserver/build.sh "$selector")"
built=$(date +%s)
echo "   binaries for $kubernetes: $bin ($(( built - start )) s)"

for m in "${modules[@]}"; do rm -rf "$m/target/failsafe-reports"; done
LEADER_ELECTION_APISERVER=local \
LEADER_ELECTION_APISERVER_BIN="$bin" \
LEADER_ELECTION_EXPECT_KUBERNETES_VERSION="$kubernetes" \
  ./mvnw -pl "$(IFS=,; echo "${modules[*]}")" -am verify \
    -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false

# Every module ran tests, none skipped, and the harness recorded the expected version (and no
# other) in the reports: failsafe lists the test JVM's system properties.
failed=0
for m in "${modules[@]}"; do
  reports=("$m"/target/failsafe-reports/TEST-*.xml)
  if [ ! -e "${reports[0]}" ]; then
    echo "   $m: no failsafe reports" >&2; failed=1; continue
  fi
  read -r tests skipped < <(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)"[^>]*skipped="\([0-9]*\)".*/\1 \2/p' "${reports[@]}" |
    awk '{ t += $1; s += $2 } END { print t + 0, s + 0 }')
  versions=$(grep -ho 'name="leader.election.apiserver.version" value="[^"]*"' "${reports[@]}" |
    sed 's/.*value="\([^"]*\)"/\1/' | sort -u | tr '\n' ' ')
  echo "   $m: $tests tests, $skipped skipped, server version(s) reported: ${versions:-none}"
  if [ "$tests" -eq 0 ] || [ "$skipped" -ne 0 ] || [ "${versions% }" != "$kubernetes" ]; then
    echo "   $m did not run all its integration tests on $kubernetes" >&2; failed=1
  fi
done
echo "   integration tests on $kubernetes: $(( $(date +%s) - built )) s"
exit "$failed"
