#!/usr/bin/env bash
# Checks the monitoring files without a Prometheus or Grafana server:
# - the alert rules parse and are valid PromQL (promtool check rules);
# - they behave as their unit tests say (promtool test rules);
# - the dashboard is valid JSON, and each of its queries is valid PromQL: the queries are put
#   into a throw-away rules file, Grafana's variables replaced by sample values, and checked
#   like the rules.
# That every metric and label the files use is one the starter registers is checked by a test
# of the starter (MonitoringFilesTests), which reads the same files: it knows the meters.
#
#   monitoring/check.sh        (needs promtool, from Debian's "prometheus" package, and python3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rules="$here/prometheus/leader-election.rules.yaml"
tests="$here/prometheus/leader-election.rules.test.yaml"
dashboard="$here/grafana/leader-election.dashboard.json"

command -v promtool >/dev/null || { echo "promtool not found (apt-get install prometheus)" >&2; exit 1; }

promtool check rules "$rules"
promtool test rules "$tests"

# promtool runs the cases it is given; this says that every alert has them: at least one
# evaluation where it fires and one where it must not.
python3 - "$rules" "$tests" <<'EOF'
import re, sys
alerts = re.findall(r"^\s*- alert:\s*(\S+)", open(sys.argv[1]).read(), re.M)
fires, quiet, current = set(), set(), None
for line in open(sys.argv[2]):
    m = re.match(r"\s*alertname:\s*(\S+)", line)
    if m:
        current = m.group(1)
    elif current and re.match(r"\s*exp_alerts:", line):
        (quiet if "[]" in line else fires).add(current)
        current = None
missing = [f"{a}: no case where it {what}" for a in alerts
           for what, cases in (("fires", fires), ("must not fire", quiet)) if a not in cases]
if missing:
    sys.exit("Rule tests incomplete:\n  " + "\n  ".join(missing))
print(f"  SUCCESS: each of the {len(alerts)} alerts is tested firing and not firing")
EOF

python3 -m json.tool "$dashboard" >/dev/null
echo "Checking $dashboard"
echo "  SUCCESS: valid JSON"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 - "$dashboard" "$scratch/dashboard-queries.rules.yaml" <<'EOF'
import json, sys

dashboard = json.load(open(sys.argv[1]))
# Grafana's variables become what they stand for, so promtool sees plain PromQL.
values = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h",
          "$namespace": ".*", "$lease": ".*"}
exprs = []
for panel in dashboard["panels"]:
    for target in panel.get("targets", []):
        expr = target["expr"]
        for name, value in values.items():
            expr = expr.replace(name, value)
        if "$" in expr:
            sys.exit(f"panel {panel['title']!r}: unknown variable in {target['expr']!r}")
        exprs.append(expr)
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard-queries\n    rules:\n")
    for i, expr in enumerate(exprs):
        out.write(f"      - record: dashboard:query_{i}\n        expr: {json.dumps(expr)}\n")
print(f"  {len(exprs)} queries")
EOF
promtool check rules "$scratch/dashboard-queries.rules.yaml"
