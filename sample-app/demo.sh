#!/usr/bin/env bash
# Shows real leader election with no cluster: starts a local kube-apiserver + etcd (built from
# Go modules, cached), runs three sample-app replicas against it, prints who leads, stops the
# leader gracefully and then kills the next one, printing each takeover and its timing, and
# stops everything it started. The logs (build, API server, each replica) are kept and their
# folder is printed at the end, also when the demo fails, which is when they are needed.
#
#   sample-app/demo.sh [--remove-logs]
#
#   --remove-logs   delete the logs' folder on exit instead
#
# Timings are shortened for the demo (lease 6 s, renew deadline 4 s, retry 1 s); see
# application.yaml for the defaults.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
remove_logs=false
for arg in "$@"; do
  case "$arg" in
    --remove-logs) remove_logs=true ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (try --help)" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d "${TMPDIR:-/tmp}/leader-election-demo.XXXXXX")"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$remove_logs" = true ]; then
    rm -rf "$work"
  else
    echo
    echo "Logs are in $work (build.log, apiserver.log, replica-1.log ... replica-3.log)."
  fi
}
# Ctrl-C or kill ends the script; the EXIT trap then cleans up, once.
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m%s\033[0m\n' "$*"; }
now_ms() { date +%s%3N; }

say "1/5 API server binaries (built once from Go modules, then cached)"
bin_dir="$(verification/apiserver/build.sh)"

say "2/5 Building the sample application"
./mvnw -q -B -DskipTests -pl sample-app,verification/test-support -am install >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
jar="$(ls sample-app/target/sample-app-*.jar | grep -v original | head -1)"
cp_file="$work/test-support.classpath"
./mvnw -q -B -pl verification/test-support dependency:build-classpath \
  -Dmdep.outputFile="$cp_file" >"$work/cp.log" 2>&1 || { cat "$work/cp.log"; exit 1; }

say "3/5 Starting etcd and kube-apiserver on loopback"
java -cp "verification/test-support/target/classes:$(cat "$cp_file")" \
  io.github.leaderelection.testsupport.LocalApiServerMain \
  --bin "$bin_dir" --kubeconfig "$work/kubeconfig" --user restricted >"$work/apiserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  [ -s "$work/kubeconfig" ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$work/apiserver.log"; exit 1; }
  sleep 0.5
done
[ -s "$work/kubeconfig" ] || { echo "API server did not start"; cat "$work/apiserver.log"; exit 1; }
echo "   ready; the replicas use a service-account-like user bound only to a Role for leases"

say "4/5 Starting three replicas"
declare -A port_of pid_of
for i in 1 2 3; do
  port=$((18080 + i))
  KUBECONFIG="$work/kubeconfig" java -jar "$jar" \
    --server.port="$port" \
    --leader.election.mode=kubernetes \
    --leader.election.namespace=default \
    --leader.election.identity="replica-$i" \
    --leader.election.lease-duration=6s \
    --leader.election.renew-deadline=4s \
    --leader.election.retry-period=1s \
    --sample.cleanup.interval=1s \
    >"$work/replica-$i.log" 2>&1 &
  pid_of[$i]=$!
  disown "$!" # no "Killed" notice from the shell when the demo kills it
  port_of[$i]=$port
  pids+=($!)
done

leader_json() { curl -fsS --max-time 1 "http://127.0.0.1:$1/leader" 2>/dev/null || true; }

# Prints the number of the replica that says it leads, or nothing.
current_leader() {
  for i in "$@"; do
    if leader_json "${port_of[$i]}" | grep -q '"leader":true'; then echo "$i"; return; fi
  done
}

wait_for_leader() {
  local deadline=$(( $(now_ms) + $1 )); shift
  while [ "$(now_ms)" -lt "$deadline" ]; do
    l="$(current_leader "$@")"
    [ -n "$l" ] && { echo "$l"; return; }
    sleep 0.05
  done
}

first="$(wait_for_leader 90000 1 2 3)"
[ -n "$first" ] || { echo "no leader elected"; tail -20 "$work"/replica-*.log; exit 1; }
echo "   replica-$first leads: $(leader_json "${port_of[$first]}")"
sleep 3
for i in 1 2 3; do
  echo "   replica-$i: $(grep -c 'Purging expired orders' "$work/replica-$i.log" || true) job runs so far"
done

say "5/5 Failover"
rest=(); for i in 1 2 3; do [ "$i" != "$first" ] && rest+=("$i"); done
t0="$(now_ms)"
kill -TERM "${pid_of[$first]}"   # graceful: leader work stops, lost event, lease released
second="$(wait_for_leader 30000 "${rest[@]}")"
t1="$(now_ms)"
[ -n "$second" ] || { echo "no takeover"; exit 1; }
echo "   graceful stop of replica-$first -> replica-$second leads after $((t1 - t0)) ms (released lease, taken on the watch event)"

last=(); for i in "${rest[@]}"; do [ "$i" != "$second" ] && last+=("$i"); done
t0="$(now_ms)"
kill -KILL "${pid_of[$second]}"  # crash: no release, the lease must expire (6 s)
third="$(wait_for_leader 30000 "${last[@]}")"
t1="$(now_ms)"
[ -n "$third" ] || { echo "no takeover after the crash"; exit 1; }
echo "   crash of replica-$second -> replica-$third leads after $((t1 - t0)) ms (no release: the lease expired"
echo "   6000 ms after the last renewal replica-$third saw, which came up to 1000 ms before the kill)"
echo
echo "Done."
