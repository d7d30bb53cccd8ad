#!/usr/bin/env bash
# Builds kube-apiserver and etcd from their Go modules into a cache outside the
# work tree, keyed by version, and prints the directory holding both binaries.
# A cache entry that is present and runs is reused: nothing is rebuilt.
#
#   verification/apiserver/build.sh                 # the default version: build if needed, print the bin dir
#   verification/apiserver/build.sh newest          # a role from verification/apiserver/versions (default, oldest, newest)
#   verification/apiserver/build.sh 1.37.2          # or a Kubernetes version listed there (v optional)
#   LEADER_ELECTION_KUBERNETES_VERSION=oldest build.sh   # the same, for callers that cannot pass arguments
#   verification/apiserver/build.sh --resolve newest  # print "kubernetes etcd go" of that line, build nothing
#   verification/apiserver/build.sh --list          # print the version lines
#   LEADER_ELECTION_CACHE=/x build.sh        # cache root (default ~/.cache/leader-election)
#
# Needs Go (the machine's, or the toolchain a version line names, fetched by the go
# command from the module proxy) and the module proxy. Why a real server and how it is
# started: docs/real-apiserver.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
versions_file="$here/versions"

log() { echo "[apiserver-build] $*" >&2; }

# Version lines without comments: role kubernetes etcd go.
version_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$versions_file"; }

# The line whose role or Kubernetes version (with or without the v) is $1.
resolve() {
  local want="$1" line
  [[ "$want" == v* || ! "$want" =~ ^[0-9] ]] || want="v$want"
  line="$(version_lines | awk -v w="$want" '$1 == w || $2 == w { print $2, $3, $4; exit }')"
  if [ -z "$line" ]; then
    log "no line for '$1' in $versions_file; listed:"
    version_lines >&2
    return 1
  fi
  echo "$line"
}

selector="${LEADER_ELECTION_KUBERNETES_VERSION:-default}"
case "${1:-}" in
  --list) version_lines; exit 0 ;;
  --resolve) resolve "${2:?--resolve needs a role or version}"; exit 0 ;;
  -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
  -*) log "unknown option $1 (see --help)"; exit 2 ;;
  "") ;;
  *) selector="$1" ;;
esac
chosen="$(resolve "$selector")" || exit 1
read -r KUBERNETES_VERSION ETCD_VERSION GO_TOOLCHAIN <<<"$chosen"
[ -n "$GO_TOOLCHAIN" ] || { log "line for '$selector' has no Go toolchain column"; exit 1; }

cache_root="${LEADER_ELECTION_CACHE:-$HOME/.cache/leader-election}"
bin_dir="$cache_root/apiserver/kubernetes-$KUBERNETES_VERSION-etcd-$ETCD_VERSION/bin"

# Captures each --version output before comparing it: `cmd | grep -q` under pipefail fails
# whenever grep exits first and the command dies of SIGPIPE (etcd prints several lines).
reports_version() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  [[ "$out" == *"$2"* ]]
}

binaries_work() {
  [ -x "$bin_dir/kube-apiserver" ] && [ -x "$bin_dir/etcd" ] &&
    reports_version "$bin_dir/kube-apiserver" "$KUBERNETES_VERSION" &&
    reports_version "$bin_dir/etcd" "${ETCD_VERSION#v}"
}

if binaries_work; then
  log "cached: $bin_dir"
  echo "$bin_dir"
  exit 0
fi

command -v go >/dev/null || { log "Go is not installed; install Go >= 1.26 to build the API server"; exit 1; }
# "local": the machine's Go, nothing downloaded. A named toolchain (goX.Y.Z) is fetched by the go
# command from the module proxy, like a module, when the Kubernetes release needs a newer Go.

mkdir -p "$cache_root/apiserver"
# One build at a time per cache (CI and a developer's IDE may start together).
exec 9>"$cache_root/apiserver/.build.lock"
flock 9
if binaries_work; then echo "$bin_dir"; exit 0; fi

export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN="$GO_TOOLCHAIN"
scratch="$(mktemp -d "$cache_root/apiserver/.build.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
out="$scratch/bin"
mkdir -p "$out"
start=$(date +%s)

# --- kube-apiserver -----------------------------------------------------------
log "building kube-apiserver $KUBERNETES_VERSION with etcd $ETCD_VERSION, Go $(go env GOVERSION) (cold: about 7-15 min on 2 cores)"
cp -r "$here/kube-apiserver" "$scratch/kube-apiserver"
cd "$scratch/kube-apiserver"
k8s_mod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" |
  sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
[ -f "$k8s_mod" ] || { log "could not download k8s.io/kubernetes@$KUBERNETES_VERSION"; exit 1; }
# k8s.io/kubernetes requires its staging modules at v0.0.0 and points them at
# ./staging; Go ignores a dependency's replace lines, so pin each to v0.Y.Z here.
staging_version="v0.${KUBERNETES_VERSION#v1.}"
staging=$(sed -n 's/^[[:space:]]*\(k8s\.io\/[^[:space:]]*\) => \.\/staging\/.*/\1/p' "$k8s_mod" | sort -u)
[ -n "$staging" ] || { log "no staging replace lines found in $k8s_mod"; exit 1; }
log "pinning $(echo "$staging" | wc -l) staging modules to $staging_version"
go mod edit -require="k8s.io/kubernetes@$KUBERNETES_VERSION"
for m in $staging; do go mod edit -replace="$m=$m@$staging_version"; done
go mod tidy >&2
major="${KUBERNETES_VERSION#v}"; major="${major%%.*}"
minor="${KUBERNETES_VERSION#v*.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
done
go build -trimpath -ldflags "$ldflags" -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver

# --- etcd ---------------------------------------------------------------------
log "building etcd $ETCD_VERSION"
cp -r "$here/etcd" "$scratch/etcd"
cd "$scratch/etcd"
go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
go mod tidy >&2
go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3

rm -rf "$bin_dir"
mkdir -p "$(dirname "$bin_dir")"
mv "$out" "$bin_dir"
binaries_work || { log "built binaries do not report the expected versions"; exit 1; }
log "built in $(( $(date +%s) - start )) s: $bin_dir"
echo "$bin_dir"
