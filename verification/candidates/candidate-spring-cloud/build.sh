#!/usr/bin/env bash
# Builds candidate-spring-cloud with Maven, on its own (it is not a module of ../pom.xml), and
# prints the directory holding its jar and runtime.classpath:
#
#   verification/candidates/candidate-spring-cloud/build.sh            # official-client flavour: target/
#   verification/candidates/candidate-spring-cloud/build.sh fabric8    # fabric8 flavour: target/fabric8/
#
# Further arguments go to Maven (e.g. -o, or -Dspring-cloud-kubernetes-leader.version=...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
flavour=client
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then flavour="$1"; shift; fi
case "$flavour" in
  client) profile=(); out="$here/target" ;;
  fabric8) profile=(-Pfabric8); out="$here/target/fabric8" ;;
  *) echo "usage: build.sh [client|fabric8] [maven args...]" >&2; exit 2 ;;
esac
echo "[spring-cloud-build] $flavour flavour" >&2
# Maven's own output goes to stderr: stdout carries the path only.
"$repo/mvnw" -B -q -f "$here/pom.xml" "${profile[@]}" package "$@" >&2
echo "$out"
