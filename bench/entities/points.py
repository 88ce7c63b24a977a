#!/usr/bin/env python3
"""Bytes per telemetry point at the worst case the store allows, for docs/scaling.md (--max-telemetry-bytes).

Starts riskd on the bundled disk-failure model (30-day windows, so nothing is pruned by retention),
fills N entities with 3 metrics x 2,048 points each (the per-series cap), and reports resident memory
and the store's own accounting (riskd_entity_store_bytes) per point, plus where the byte budget refuses
ingest (507). Run from the repo root after building:  python3 bench/entities/points.py [N] [riskd binary]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100
BINARY = sys.argv[2] if len(sys.argv) > 2 else ".build/release/riskd"
# The metrics the model keeps 30 days, so every point of a full series stays held.
METRICS = ["smart_5_raw", "smart_194_raw", "smart_197_raw"]
POINTS = 2048


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.read().decode()


def post(port, path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def measure(port):
    health = json.loads(get(port, "/healthz"))
    metrics = get(port, "/metrics")
    store = float(re.search(r"^riskd_entity_store_bytes (\S+)", metrics, re.M).group(1))
    points = float(re.search(r"^riskd_entity_points (\S+)", metrics, re.M).group(1))
    return health["resident_memory_bytes"], store, points


def start(env_extra):
    data = tempfile.mkdtemp()
    env = dict(os.environ, RISKD_PORT="0", RISKD_HOST="127.0.0.1", RISKD_DATA_DIR=data,
               RISKD_PREDICTION_LOG_RETENTION="0", **env_extra)
    server = subprocess.Popen([BINARY, "serve"], env=env, stderr=subprocess.PIPE, text=True)
    port = None
    while port is None:
        line = server.stderr.readline()
        match = re.search(r'"riskd listening".*"port":(\d+)', line)
        port = int(match.group(1)) if match else None
    time.sleep(0.2)
    return server, port


def batches(entity):
    now = int(time.time()) - 3 * 86400
    # One point every 10 minutes: 2,048 points span about 14 days, inside the model's 30-day windows.
    for metric in METRICS:
        yield {"points": [{"metric": metric, "timestamp": now - (POINTS - k) * 600, "value": float(k)}
                          for k in range(POINTS)]}


def main():
    server, port = start({"RISKD_MAX_TELEMETRY_BYTES": str(1 << 40)})
    try:
        rss0, store0, _ = measure(port)
        for entity in range(N):
            for body in batches(entity):
                assert post(port, f"/v1/entities/disk-{entity}/telemetry", body) == 200
        rss1, store1, points = measure(port)
        print(f"entities={N} points={int(points)} ({len(METRICS)} metrics x {POINTS})")
        print(f"resident bytes per point: {(rss1 - rss0) / points:.1f}")
        print(f"store accounting bytes per point: {(store1 - store0) / points:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=40)
    budget = 8 << 20
    server, port = start({"RISKD_MAX_TELEMETRY_BYTES": str(budget)})
    try:
        accepted = 0
        status = 200
        for entity in range(N):
            for body in batches(entity):
                status = post(port, f"/v1/entities/disk-{entity}/telemetry", body)
                if status != 200:
                    break
                accepted += len(body["points"])
            if status != 200:
                break
        _, store, _ = measure(port)
        print(f"budget {budget} bytes: refused with {status} after {accepted} points; store at {int(store)} bytes")
    finally:
        server.terminate()
        server.wait(timeout=40)


if __name__ == "__main__":
    main()
