#!/usr/bin/env bash
# Predict throughput with the state store against riskd without it, in one run: `riskd` built from
# this tree (predictions journaled for the outcome join, SQLite store) and a baseline riskd built from
# BASE (default: the commit before the state store, 98ff5b4), served alternately on the same port and
# loaded with wrk -t2 -c32 -d10s, 1-row bodies from bench/compare/make_bodies.py; 3 rounds, best each.
# Usage: [BASE_RISKD=<binary>] bench/state/predict.sh [BASE]   (appends its table to bench/state/RESULTS.md)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
base="${1:-98ff5b4}"
model=disk-failure
work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

(cd "$repo" && swift build -c release --product riskd >/dev/null)
# BASE_RISKD: an already built baseline binary (skips the second release build).
base_riskd="${BASE_RISKD:-$work/base/.build/release/riskd}"
if [ -z "${BASE_RISKD:-}" ]; then
    mkdir -p "$work/base"
    git -C "$repo" archive "$base" | tar -x -C "$work/base"
    (cd "$work/base" && swift build -c release --product riskd >/dev/null)
fi
python3 "$repo/bench/compare/make_bodies.py" "$repo/models" "$model" "$work" >/dev/null

run() { # binary -> req/s
    local data="$work/data-$RANDOM"
    RISKD_HOST=127.0.0.1 RISKD_PORT=18091 RISKD_MODELS_DIR="$repo/models" RISKD_DATA_DIR="$data" \
        RISKD_LOG_LEVEL=error "$1" serve 2>"$work/riskd.log" &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do curl -fsS -o /dev/null http://127.0.0.1:18091/readyz 2>/dev/null && break; sleep 0.1; done
    local url=http://127.0.0.1:18091/v1/models/$model/predict
    BODY_FILE="$work/body-1.json" wrk -t2 -c32 -d3s -s "$repo/bench/compare/post.lua" "$url" >/dev/null
    BODY_FILE="$work/body-1.json" wrk -t2 -c32 -d10s -s "$repo/bench/compare/post.lua" "$url" \
        | awk '/Requests\/sec/{print $2}'
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

best_new=0
best_base=0
for round in 1 2 3; do
    new="$(run "$repo/.build/release/riskd")"
    old="$(run "$base_riskd")"
    echo "round $round: with store $new req/s, baseline $old req/s"
    best_new="$(awk -v a="$best_new" -v b="$new" 'BEGIN{print (b > a ? b : a)}')"
    best_base="$(awk -v a="$best_base" -v b="$old" 'BEGIN{print (b > a ? b : a)}')"
done
ratio="$(awk -v a="$best_new" -v b="$best_base" 'BEGIN{printf "%.3f", a / b}')"
echo "predict_requests_per_second with_store=$best_new baseline=$best_base ratio=$ratio"
{
    echo
    echo "## Predict throughput (bench/state/predict.sh, $(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "1-row POST /v1/models/$model/predict, wrk -t2 -c32 -d10s, best of 3 alternating rounds; baseline $base."
    echo
    echo "| riskd | req/s |"
    echo "|---|---:|"
    echo "| with the state store (predictions journaled) | $best_new |"
    echo "| baseline ($base, no store) | $best_base |"
    echo "| ratio | ${ratio}× |"
} >>"$here/RESULTS.md"
