#!/usr/bin/env python3
"""Allocation guardrail: counts the heap allocations the real riskd server makes per predict request (1 row and
64 rows) and fails when a count exceeds its limit in thresholds.json, as SwiftNIO's allocation-counter tests do.

The counter is malloc_counter.c, built here and LD_PRELOADed into `riskd serve` (release build, the repository's
bundled model, one event loop); it counts every malloc/calloc/realloc/memalign-family call of the whole process
into a shared mapped file that this script reads between batches of requests. Requests go over one keep-alive
connection to 127.0.0.1. After a warm-up, per request = (allocations from just before N requests until 0.5 s
after the last answer - the idle allocation rate measured before any request x that time) / N. Run from the repository root after
`swift build -c release --product riskd`:

    python3 bench/alloc/run.py            # exit status 1 when a limit is exceeded

Writes bench/alloc/RESULTS.md. Allocation counts do not depend on the machine's speed, so unlike the timing
benchmarks this one is a strict gate.
"""
import http.client
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(HERE, "..", "compare"))
from model_features import feature_names, latest_version_dir  # noqa: E402

MODEL = "disk-failure"
WARMUP = 300
REQUESTS = 2_000
PORT = 18_947
IDLE_SECONDS = 2.0
SETTLE_SECONDS = 0.5


def allocations(path):
    with open(path, "rb") as handle:
        return struct.unpack("<Q", handle.read(8))[0]


def body(names, rows, rng):
    return json.dumps({"instances": [
        {"features": {n: (None if rng.random() < 0.1 else round(rng.uniform(0, 100), 3)) for n in names}}
        for _ in range(rows)]}, separators=(",", ":")).encode()


def post(connection, payload):
    connection.request("POST", f"/v1/models/{MODEL}/predict", body=payload,
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise SystemExit(f"predict answered {response.status}: {data[:300]!r}")


def main():
    binary = os.path.join(REPO, ".build", "release", "riskd")
    if not os.path.exists(binary):
        raise SystemExit("build riskd first: swift build -c release --product riskd")
    with open(os.path.join(HERE, "thresholds.json")) as handle:
        limits = json.load(handle)
    work = tempfile.mkdtemp(prefix="riskd-alloc-")
    library = os.path.join(work, "malloc_counter.so")
    subprocess.run(["cc", "-O2", "-Wall", "-shared", "-fPIC", "-o", library, os.path.join(HERE, "malloc_counter.c")],
                   check=True)
    counter_file = os.path.join(work, "counts")
    models = os.path.join(REPO, "models")
    names = feature_names(latest_version_dir(models, MODEL))
    env = dict(os.environ, LD_PRELOAD=library, ALLOC_COUNTER_FILE=counter_file, RISKD_HOST="127.0.0.1",
               RISKD_PORT=str(PORT), RISKD_MODELS_DIR=models, RISKD_DATA_DIR=os.path.join(work, "data"),
               RISKD_LOG_LEVEL="error", RISKD_EVENT_LOOPS="1")
    server = subprocess.Popen([binary, "serve"], env=env, stderr=open(os.path.join(work, "riskd.log"), "w"))
    measured = {}
    try:
        deadline = time.time() + 30
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                connection.request("GET", "/readyz")
                if connection.getresponse().read() is not None:
                    break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("riskd did not start; see " + os.path.join(work, "riskd.log"))
                time.sleep(0.1)
        # Background allocations (timers, flushers) per second while nothing is asked of the server.
        idle_start = allocations(counter_file)
        time.sleep(IDLE_SECONDS)
        idle_rate = (allocations(counter_file) - idle_start) / IDLE_SECONDS
        rng = random.Random(42)
        for key, rows in (("predict_1_row", 1), ("predict_64_rows", 64)):
            payloads = [body(names, rows, rng) for _ in range(16)]
            for index in range(WARMUP):
                post(connection, payloads[index % len(payloads)])
            before = allocations(counter_file)
            start = time.monotonic()
            for index in range(REQUESTS):
                post(connection, payloads[index % len(payloads)])
            elapsed = time.monotonic() - start
            time.sleep(SETTLE_SECONDS)  # work the requests left behind (log flushes) counts too
            background = idle_rate * (elapsed + SETTLE_SECONDS)
            measured[key] = {"allocations": (allocations(counter_file) - before - background) / REQUESTS,
                             "background": background}
    finally:
        server.terminate()
        server.wait(timeout=10)

    failures = []
    lines = ["# Allocation guardrail", "",
             f"Generated by `bench/alloc/run.py` on {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime())}: heap "
             f"allocations of the whole riskd process (release build, one event loop, model `{MODEL}`) per predict "
             f"request over one keep-alive connection, mean of {REQUESTS:,} requests after {WARMUP} warm-up ones, "
             f"counted until {SETTLE_SECONDS} s after the last answer, minus the background allocations an idle "
             f"server makes in that time (idle rate measured first, {IDLE_SECONDS:.0f} s). Limits: "
             "bench/alloc/thresholds.json.",
             "", "| request | allocations / request | limit | background allocations subtracted | verdict |",
             "|---|---:|---:|---:|---|"]
    for key, figures in measured.items():
        limit = limits[key]
        verdict = "ok" if figures["allocations"] <= limit else "EXCEEDED"
        if verdict != "ok":
            failures.append(f"{key}: {figures['allocations']:.1f} allocations per request > limit {limit}")
        lines.append(f"| {key} | {figures['allocations']:.1f} | {limit} | {figures['background']:.0f} | {verdict} |")
    lines += ["", "How to use: `python3 bench/alloc/run.py` (after `swift build -c release --product riskd`) exits 1 "
              "when a request allocates more than its limit; `bench/run.sh` runs it with the other benchmarks. "
              "When a change makes the predict path allocate less, lower the numbers in "
              "`bench/alloc/thresholds.json` (one file, one limit per request kind) to the new figure plus a few "
              "percent, so the saving cannot silently regress. The counter (`malloc_counter.c`, LD_PRELOAD) counts "
              "the whole process, so background work shows up too; counts do not depend on the machine's speed "
              "or load.", ""]
    with open(os.path.join(HERE, "RESULTS.md"), "w") as handle:
        handle.write("\n".join(lines))
    print("\n".join(lines))
    if failures:
        raise SystemExit("allocation limit exceeded: " + "; ".join(failures))


if __name__ == "__main__":
    main()
