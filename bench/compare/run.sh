#!/usr/bin/env bash
# Side-by-side benchmark, one command on this machine:
#   riskd  vs  nginx returning a fixed JSON (the ceiling)  vs  FastAPI + uvicorn + XGBoost (same predictions),
#   1-row and 64-row predict requests; wrk -t2 -c64 -d15s --latency; resident memory from /proc.
#   Also in the same run: riskd with the prediction log off (the log's cost at its defaults), XGBoost's own
#   in-process predict at batch 64 (xgb_inprocess.py), and loop isolation (isolation.py: /livez p99 while
#   /metrics is scraped and 10,000-outcome POSTs arrive, with 100,000 labelled predictions loaded).
# Writes bench/compare/RESULTS.md. Runtime about 8 minutes (plus the riskd release build).
#
# usage: bench/compare/run.sh [--skip-riskd]
# env:   MODEL (default reference-300x30: generated, 300 trees of depth 6 over 30 features, the issue's
#        reference shape; or a model in models/)  DURATION (15s)  WARMUP (3s)  CONNECTIONS (64)  THREADS (2)
#        COMPONENTS (1; 0 skips the component benchmarks and bench/README.md)
#        PIN (1: each server and xgboost in-process on core 0 with one worker, wrk -t1 on core 1, as issue 13
#        measured; 0: everything shares the cores with THREADS wrk threads and one worker per core)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
skip_riskd=0
for arg in "$@"; do
    case "$arg" in
        --skip-riskd) skip_riskd=1 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done
MODEL="${MODEL:-reference-300x30}"
# Issue 13's method: one core for the server under test, one for wrk (PIN=0 shares both cores instead).
PIN="${PIN:-1}"
COMPONENTS="${COMPONENTS:-1}"
DURATION="${DURATION:-15s}"; WARMUP="${WARMUP:-3s}"
CONNECTIONS="${CONNECTIONS:-64}"; THREADS="${THREADS:-2}"
PORT_RISKD=18080; PORT_NGINX=18081; PORT_FASTAPI=18082; PORT_NOLOG=18083
cores="$(nproc)"
server_cpu=(); client_cpu=(); server_workers="$cores"
if [ "$PIN" = 1 ] && [ "$cores" -ge 2 ]; then
    server_cpu=(taskset -c 0); client_cpu=(taskset -c 1); server_workers=1; THREADS="${THREADS_PINNED:-1}"
fi

for tool in wrk nginx python3 curl; do command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }; done
# Python baselines run from a venv of pinned packages (created once, reused), first on PATH for every script.
venv="$repo/bench/.venv"
if ! "$venv/bin/python" -c "import fastapi, uvicorn, xgboost, treelite" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
export PATH="$venv/bin:$PATH"

work="$(mktemp -d)"
descendants() { local child; for child in $(pgrep -P "$1" || true); do echo "$child"; descendants "$child"; done; }
pids=()
cleanup() {
    # Kill whole trees: the pyenv shim's child python (uvicorn supervisor) and its workers outlive the shim.
    local all=() pid
    for pid in "${pids[@]}"; do all+=("$pid" $(descendants "$pid")); done
    for pid in "${all[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# --- model: the repo's bundled one, or a temporary XGBoost model until it lands
models_dir="$repo/models"
model_note="repo models/$MODEL"
if [ "$MODEL" = reference-300x30 ]; then
    models_dir="$work/models"
    python3 "$here/gen_temp_model.py" "$models_dir/$MODEL/1" 30 300
    model_note="generated XGBoost model, 300 trees of depth 6, 30 features (gen_temp_model.py)"
elif [ ! -d "$models_dir/$MODEL" ]; then
    models_dir="$work/models"
    python3 "$here/gen_temp_model.py" "$models_dir/$MODEL/1"
    model_note="TEMPORARY model from gen_temp_model.py (models/$MODEL not in repo yet)"
fi
python3 "$here/make_bodies.py" "$models_dir" "$MODEL" "$work"

wait_http() { # url, seconds
    local deadline=$((SECONDS + $2))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "timed out waiting for $1" >&2; exit 1; }
        sleep 0.2
    done
}
# Resident memory of a process and all its descendants, in MiB (uvicorn workers, nginx workers).
rss_mib() {
    local total=0 pid
    for pid in $1 $(descendants "$1"); do
        total=$((total + $(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)))
    done
    awk -v kb="$total" 'BEGIN{printf "%.1f", kb/1024}'
}

# --- servers
declare -A url rss
if [ "$skip_riskd" -eq 0 ]; then
    if command -v swiftlock >/dev/null; then (cd "$repo" && swiftlock swift build -c release --product riskd); else (cd "$repo" && swift build -c release --product riskd); fi
    RISKD_HOST=127.0.0.1 RISKD_PORT=$PORT_RISKD RISKD_MODELS_DIR="$models_dir" RISKD_DATA_DIR="$work/riskd-data" \
        RISKD_LOG_LEVEL=error RISKD_MAX_OUTCOMES_PER_REQUEST=10000 RISKD_EVENT_LOOPS="$server_workers" \
        "${server_cpu[@]}" "$repo/.build/release/riskd" serve \
        2>"$work/riskd.log" &
    pids+=($!); riskd_pid=$!
    wait_http "http://127.0.0.1:$PORT_RISKD/readyz" 30
    url[riskd]="http://127.0.0.1:$PORT_RISKD/v1/models/$MODEL/predict"
    # The same binary with the prediction log off: the log's cost at its defaults is riskd / riskd-nolog.
    RISKD_HOST=127.0.0.1 RISKD_PORT=$PORT_NOLOG RISKD_MODELS_DIR="$models_dir" RISKD_DATA_DIR="$work/nolog-data" \
        RISKD_LOG_LEVEL=error RISKD_PREDICTION_LOG_RETENTION=0 RISKD_EVENT_LOOPS="$server_workers" \
        "${server_cpu[@]}" "$repo/.build/release/riskd" serve 2>"$work/nolog.log" &
    pids+=($!)
    wait_http "http://127.0.0.1:$PORT_NOLOG/readyz" 30
    url[riskd-nolog]="http://127.0.0.1:$PORT_NOLOG/v1/models/$MODEL/predict"
fi
# nginx serves the same answer statically: the bytes riskd (or, without riskd, FastAPI) gives each body.
answer_url="http://127.0.0.1:$PORT_RISKD/v1/models/$MODEL/predict"
[ "$skip_riskd" -eq 0 ] || answer_url=""
python3 - "$here/nginx.conf" "$work" "$PORT_NGINX" "$server_workers" "$answer_url" <<'PY'
import json, subprocess, sys
template, work, port, workers, url = sys.argv[1:6]
text = open(template).read().replace("NGINX_PORT", port).replace("worker_processes auto", f"worker_processes {workers}")
for rows in ("1", "64"):
    body = open(f"{work}/body-{rows}.json", "rb").read()
    if url:
        answer = subprocess.run(["curl", "-fsS", "-H", "Content-Type: application/json", "--data-binary", "@-", url],
                                input=body, capture_output=True, check=True).stdout.decode()
    else:  # no riskd in this run: a predict-shaped answer of one prediction per instance
        count = len(json.loads(body)["instances"])
        answer = json.dumps({"model": "m", "version": "1", "predictions": [{"risk": 0.0421}] * count})
    assert "'" not in answer and "$" not in answer and "\\" not in answer, "answer needs nginx escaping"
    open(f"{work}/answer-{rows}.json", "w").write(answer)
    text = text.replace(f"'ANSWER_{rows}'", f"'{answer}'").replace("ANSWER_DIR", work)
open(f"{work}/nginx.conf", "w").write(text)
PY
# nginx's workers run as nobody: the 64-row answer file must be readable by them (mktemp -d is 0700).
chmod 711 "$work"; chmod 644 "$work/answer-64.json"
"${server_cpu[@]}" nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' 2>"$work/nginx.log" &
pids+=($!); nginx_pid=$!
(cd "$here" && RISKD_MODELS_DIR="$models_dir" BENCH_MODEL="$MODEL" \
    exec "${server_cpu[@]}" python3 -m uvicorn fastapi_app:app --host 127.0.0.1 --port $PORT_FASTAPI \
    --workers "$server_workers" \
    --log-level warning --no-access-log 2>"$work/fastapi.log") &
pids+=($!); fastapi_pid=$!
wait_http "http://127.0.0.1:$PORT_NGINX/rows-1" 10
wait_http "http://127.0.0.1:$PORT_FASTAPI/livez" 60
url[fastapi]="http://127.0.0.1:$PORT_FASTAPI/v1/models/$MODEL/predict"

# The same prediction from both model servers (sanity check before timing anything).
curl -fsS -H 'Content-Type: application/json' --data-binary "@$work/body-1.json" "${url[fastapi]}" >"$work/check-fastapi.json"
if [ "$skip_riskd" -eq 0 ]; then
    curl -fsS -H 'Content-Type: application/json' --data-binary "@$work/body-1.json" "${url[riskd]}" >"$work/check-riskd.json"
    python3 - "$work/check-riskd.json" "$work/check-fastapi.json" <<'PY'
import json, sys
# riskd's "risk" is Venn-Abers calibrated; its "score" is the raw model output FastAPI returns.
a = json.load(open(sys.argv[1]))["predictions"][0]["score"]
b = json.load(open(sys.argv[2]))["predictions"][0]["risk"]
print(f"raw score riskd={a:.6f} fastapi={b:.6f}")
if abs(a - b) > 1e-4:
    print("WARNING: riskd and FastAPI disagree on the same row", file=sys.stderr)
PY
fi

# --- runs
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
servers=(nginx fastapi); [ "$skip_riskd" -eq 1 ] || servers=(riskd riskd-nolog nginx fastapi)
# riskd, riskd-nolog and nginx run twice, in alternating order, and each keeps its better run: a burst of
# load from other processes on the shared machine then hurts one run of a pair, not the ratio.
schedule=(nginx fastapi nginx); [ "$skip_riskd" -eq 1 ] || schedule=(riskd riskd-nolog nginx fastapi riskd-nolog riskd nginx)
declare -A rps p50 p99 errs
to_ms() { # wrk latency like 512.00us / 1.23ms / 1.02s -> milliseconds
    awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.3f", n }'
}
for rows in 1 64; do
    url[nginx]="http://127.0.0.1:$PORT_NGINX/rows-$rows"
    for s in "${schedule[@]}"; do
        BODY_FILE="$work/body-$rows.json" "${client_cpu[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" \
            -s "$here/post.lua" "${url[$s]}" >/dev/null
        out="$(BODY_FILE="$work/body-$rows.json" "${client_cpu[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
            -s "$here/post.lua" "${url[$s]}")"
        echo "$out" >>"$work/wrk-$s-$rows.txt"
        run_rps="$(awk '/^Requests\/sec:/{printf "%.0f", $2}' <<<"$out")"
        echo "$s rows=$rows req/s=$run_rps p50=$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")ms" \
            "p99=$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")ms"
        [ "${rps[$s,$rows]:-0}" -lt "$run_rps" ] || continue
        rps[$s,$rows]="$run_rps"
        p50[$s,$rows]="$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")"
        p99[$s,$rows]="$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")"
        errs[$s,$rows]="$(awk '/Non-2xx or 3xx responses:/{print $NF} /Socket errors/{print "sock"}' <<<"$out" | paste -sd' ' -)"
    done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
rss[nginx]="$(rss_mib "$nginx_pid")"
# Measure from the uvicorn supervisor (found by its unique port; the pyenv shim may sit above it).
uvicorn_pid="$(pgrep -o -f "uvicorn fastapi_app:app --host 127.0.0.1 --port $PORT_FASTAPI" || echo "$fastapi_pid")"
echo "fastapi processes: $uvicorn_pid $(descendants "$uvicorn_pid" | paste -sd' ' -)"
rss[fastapi]="$(rss_mib "$uvicorn_pid")"
[ "$skip_riskd" -eq 1 ] || rss[riskd]="$(rss_mib "$riskd_pid")"
version_dir="$(python3 -c "import sys; sys.path.insert(0, '$here'); from model_features import latest_version_dir as v; print(v('$models_dir', '$MODEL'))")"
xgb64="$(cd "$here" && "${server_cpu[@]}" python3 xgb_inprocess.py "$version_dir" "$work/body-64.json" 5)"
echo "xgboost in-process, batch 64: $xgb64 rows/s"
isolation=""
if [ "$skip_riskd" -eq 0 ]; then
    isolation="$(cd "$here" && python3 isolation.py "http://127.0.0.1:$PORT_RISKD" "$MODEL" "$work/body-1.json" 5)"
    echo "$isolation"
fi

# --- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0 == 0) print "n/a"; else printf "%.3g×", a/b }'; }
{
    echo "# bench/compare results"
    echo
    echo "Generated by \`bench/compare/run.sh$( [ "$skip_riskd" -eq 1 ] && echo " --skip-riskd")\` on $(date -u +%Y-%m-%dT%H:%MZ)."
    if [ ${#server_cpu[@]} -gt 0 ]; then
        echo "Machine: $cores cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)); each server pinned to core 0"
        echo "with one worker (riskd: one event loop and all its threads; nginx: one worker; uvicorn: one worker), wrk pinned to core 1."
    else
        echo "Machine: $cores cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)); wrk, servers and client share the cores."
    fi
    echo "Load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency after a $WARMUP warm-up, POST bodies from make_bodies.py;"
    echo "riskd, riskd-nolog and nginx: the better of two runs in alternating order."
    echo "Model: $model_note. nginx answers each body with the bytes riskd answered for it, captured before the runs (the HTTP ceiling)."
    echo "FastAPI: uvicorn --workers $server_workers, XGBoost Booster (nthread=1 per worker)."
    echo "Noise: load average (1, 5, 15 min) $load_before before the runs, $load_after after; the machine is"
    echo "shared, so only ratios between servers measured back to back in this run are meaningful, and a"
    echo "ratio within ±15 % of a goal is within the run-to-run spread."
    echo
    echo "| server | rows | req/s | p50 ms | p99 ms | req/s vs nginx | req/s vs FastAPI | p99 vs FastAPI | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for rows in 1 64; do
        for s in "${servers[@]}"; do
            echo "| $s | $rows | ${rps[$s,$rows]} | ${p50[$s,$rows]} | ${p99[$s,$rows]} |" \
                "$(ratio "${rps[$s,$rows]}" "${rps[nginx,$rows]}") | $(ratio "${rps[$s,$rows]}" "${rps[fastapi,$rows]}") |" \
                "$(ratio "${p99[$s,$rows]}" "${p99[fastapi,$rows]}") | ${errs[$s,$rows]:-none} |"
        done
    done
    echo
    echo "Rows per second (64-row requests): $(for s in "${servers[@]}"; do printf '%s %s; ' "$s" "$((${rps[$s,64]:-0} * 64))"; done)"
    echo "XGBoost's own predictor in process (one thread, inplace_predict, batch 64): $xgb64 rows/s."
    echo
    if [ "$skip_riskd" -eq 0 ]; then
        echo "## Targets (issue 13), as ratios from this run"
        echo
        echo "| target | measured | goal |"
        echo "|---|---:|---|"
        echo "| 1-row req/s, riskd / nginx | $(ratio "${rps[riskd,1]}" "${rps[nginx,1]}") | ≥ 0.6× |"
        echo "| 1-row p99, riskd / nginx | $(ratio "${p99[riskd,1]}" "${p99[nginx,1]}") | ≤ 3× |"
        echo "| 64-row rows/s, riskd / xgboost in process | $(ratio "$((${rps[riskd,64]} * 64))" "$xgb64") | ≥ 1× |"
        echo "| 64-row req/s, riskd / FastAPI | $(ratio "${rps[riskd,64]}" "${rps[fastapi,64]}") | ≥ 4× |"
        echo "| prediction log at defaults, 1-row req/s, on / off | $(ratio "${rps[riskd,1]}" "${rps[riskd-nolog,1]}") | ≥ 0.9× |"
        echo "| prediction log at defaults, 64-row req/s, on / off | $(ratio "${rps[riskd,64]}" "${rps[riskd-nolog,64]}") | ≥ 0.9× |"
        echo
        echo "Loop isolation (isolation.py: scrapes every 100 ms, 10,000-outcome POSTs every 500 ms; goal: each raises"
    echo "/livez p99 by < 1 ms):"
        echo
        echo '```'
        echo "$isolation"
        echo '```'
        echo
    fi
    echo "| server | resident memory after the runs (MiB, process + children) |"
    echo "|---|---:|"
    for s in "${servers[@]}"; do echo "| $s | ${rss[$s]:-not measured} |"; done
} >"$here/RESULTS.md"
echo "wrote $here/RESULTS.md"

# The component benchmarks, in the same run: inference ns/row vs xgboost and treelite, allocations per
# predict request against bench/alloc/thresholds.json, HTTP vs nginx,
# shadow cost, memory per 1,000 entities. Then one page with every table: bench/README.md.
[ "$skip_riskd" -eq 1 ] && exit 0
[ "$COMPONENTS" = 0 ] && exit 0
# Memory is measured on the binary the Dockerfile ships: the Swift runtime linked statically.
build=(swift build); command -v swiftlock >/dev/null && build=(swiftlock swift build)
(cd "$repo" && "${build[@]}" -c release --static-swift-stdlib --product riskd --scratch-path .build-static >/dev/null) \
    || echo "static riskd build failed" >&2
(cd "$repo/bench/inference" && swift build -c release >/dev/null \
    && RISKD_BINARY="$repo/.build-static/release/riskd" python3 run.py) || echo "inference bench failed" >&2
python3 "$repo/bench/alloc/run.py" >/dev/null || echo "allocation limits exceeded: bench/alloc/RESULTS.md" >&2
python3 "$repo/bench/http/run.py" || echo "http bench failed" >&2
bash "$repo/bench/shadow/run.sh" >/dev/null || echo "shadow bench failed" >&2
entities="$(cd "$repo" && python3 bench/entities/run.py 5000 || echo "entities bench failed")"
{
    echo "# riskd benchmarks"
    echo
    echo "Regenerated by \`bench/run.sh\` (one command, about 10 minutes on 2 cores) on $(date -u +%Y-%m-%dT%H:%MZ)."
    echo "Every figure is a ratio against a baseline measured in the same run (the side-by-side servers pin"
    echo "themselves to one core and wrk to the other; the component benchmarks share both cores), so expect"
    echo "±15–30 % between runs."
    for part in compare inference alloc http shadow; do
        echo
        sed -e '1s/^# /## /' -e '2,$s/^## /### /' "$repo/bench/$part/RESULTS.md"
    done
    echo
    echo "## Memory per 1,000 entities (bench/entities/run.py)"
    echo
    echo '```'
    echo "$entities"
    echo '```'
} >"$repo/bench/README.md"
echo "wrote $repo/bench/README.md"
