#!/usr/bin/env bash
# Property-based API testing: schemathesis generates requests from openapi.yaml against a running riskd
# on the bundled default model and checks every answer against the document (no 5xx, documented
# statuses, content types and schemas).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check "schemathesis==4.32.5" >/dev/null

swift build --product riskd >/dev/null
bin="$(swift build --show-bin-path)"
work="$(mktemp -d)"
port_file="$work/port"
RISKD_PORT=0 RISKD_HOST=127.0.0.1 RISKD_DATA_DIR="$work/data" \
    "$bin/riskd" serve 2>"$work/riskd.log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT

# riskd logs the bound port; wait (bounded) until it is ready.
port=""
for _ in $(seq 1 300); do
    port="$(grep -o '"port":[0-9]*' "$work/riskd.log" | head -1 | cut -d: -f2 || true)"
    if [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
    sleep 0.1
done
[ -n "$port" ] || { cat "$work/riskd.log"; echo "riskd did not start"; exit 1; }

schemathesis run openapi.yaml --url "http://127.0.0.1:$port" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${SCHEMATHESIS_EXAMPLES:-60}" --seed 1 --no-color
kill -0 $pid  # the server survived everything it was sent
