#!/usr/bin/env bash
# Prometheus rules and Grafana dashboard: the committed files must be exactly what the generator writes
# (pinned venv from PyPI), and promtool must accept the rules and pass every alert's unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c "import ensurepip" 2>/dev/null || { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; }
venv=.venv-monitoring
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r deploy/prometheus/requirements.txt
"$venv/bin/python" deploy/prometheus/generate.py --check
promtool check rules deploy/prometheus/rules.yaml
promtool test rules deploy/prometheus/tests/*.yaml
# Every alert links a runbook that exists in docs/runbooks.
missing=0
for alert in $(grep -E '^  - alert: ' deploy/prometheus/rules.yaml | awk '{print $3}'); do
    [ -f "docs/runbooks/$alert.md" ] || { echo "missing runbook docs/runbooks/$alert.md" >&2; missing=1; }
done
exit "$missing"
