#!/usr/bin/env bash
# Installs candidate-node's dependencies (package-lock.json, exactly) into its node_modules
# and prints the path of the program to run with node. npm ci runs only when node_modules is
# missing or was installed from another package-lock.json (a hash kept beside it tells).
#
#   verification/candidates/candidate-node/build.sh          # install if needed, print .../candidate.js
#   verification/candidates/candidate-node/build.sh --path   # print it only if installed, else fail
#
# Needs Node >= 20 with npm, and the npm registry when an install is due.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
log() { echo "[node-build] $*" >&2; }
command -v node >/dev/null || { log "Node.js is not installed; install Node >= 20 to run this candidate"; exit 1; }
command -v npm >/dev/null || { log "npm is not installed"; exit 1; }

want="$(sha256sum "$here/package-lock.json" | cut -c1-64)"
stamp="$here/node_modules/.installed-from-lock"
if [ "${1:-}" = --path ]; then
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "$here/candidate.js"; exit 0; fi
  log "dependencies not installed: run verification/candidates/candidate-node/build.sh"
  exit 1
fi
cd "$here"
exec 9>"$here/.build.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  log "dependencies up to date"
else
  log "npm ci"
  npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2
  echo "$want" > "$stamp"
fi
echo "$here/candidate.js"
