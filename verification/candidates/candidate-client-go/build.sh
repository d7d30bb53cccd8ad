#!/usr/bin/env bash
# Builds candidate-client-go into a cache outside the work tree and prints the binary's path.
# The cache entry is keyed by a hash of go.mod, go.sum and the Go sources, so a changed
# dependency or program gets a new binary and an unchanged one is reused as it is.
#
#   verification/candidates/candidate-client-go/build.sh          # build if needed, print the path
#   verification/candidates/candidate-client-go/build.sh --path   # print the path only if built, else fail
#   LEADER_ELECTION_CACHE=/x build.sh                # cache root (default ~/.cache/leader-election)
#
# Needs Go (the version of go.mod, no toolchain download) and the Go module proxy when the
# module cache lacks a dependency. Cold: several minutes on 2 cores (client-go is large).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache_root="${LEADER_ELECTION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leader-election}"
log() { echo "[client-go-build] $*" >&2; }

key="$(cd "$here" && cat go.mod go.sum $(ls *.go | sort) | sha256sum | cut -c1-16)"
dir="$cache_root/candidates/client-go-$key"
bin="$dir/candidate-client-go"

if [ -x "$bin" ]; then
  [ "${1:-}" = --path ] || log "cached: $bin"
  echo "$bin"
  exit 0
fi
if [ "${1:-}" = --path ]; then
  log "not built ($bin): run verification/candidates/candidate-client-go/build.sh"
  exit 1
fi

command -v go >/dev/null || { log "Go is not installed; install Go >= 1.26 to build this candidate"; exit 1; }
mkdir -p "$dir"
# One build at a time per entry (the benchmark and a developer may start together).
exec 9>"$dir/.build.lock"
flock 9
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi

export GOWORK=off GOFLAGS=-mod=readonly CGO_ENABLED=0 GOTOOLCHAIN=local
log "building into $dir"
start=$(date +%s)
# Built beside the target and renamed: a reader never sees a half-written binary.
(cd "$here" && go build -trimpath -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
log "built in $(( $(date +%s) - start )) s"
echo "$bin"
