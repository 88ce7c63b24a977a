#!/usr/bin/env python3
"""Memory per 1,000 entities in riskd's telemetry store, for docs/scaling.md.

Starts the release riskd on the bundled disk-failure model, posts 31 daily points of the 5 SMART metrics
the model reads for N entities (what a 30-day window holds), and reports resident memory and the store's
own accounting (riskd_entity_store_bytes) before and after, per 1,000 entities. Run from the repo root
after `swift build -c release`:  python3 bench/entities/run.py [N]
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
METRICS = ["smart_1_raw", "smart_5_raw", "smart_9_raw", "smart_194_raw", "smart_197_raw"]


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode()


def post(port, path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def measure(port):
    health = json.loads(get(port, "/healthz"))
    metrics = get(port, "/metrics")
    store = float(re.search(r"^riskd_entity_store_bytes (\S+)", metrics, re.M).group(1))
    return health["resident_memory_bytes"], store


def main():
    data = tempfile.mkdtemp()
    env = dict(os.environ, RISKD_PORT="0", RISKD_HOST="127.0.0.1", RISKD_DATA_DIR=data,
               RISKD_PREDICTION_LOG_RETENTION="0")
    server = subprocess.Popen([".build/release/riskd", "serve"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        while port is None:
            line = server.stderr.readline()
            match = re.search(r'"riskd listening".*"port":(\d+)', line)
            port = int(match.group(1)) if match else None
        time.sleep(0.2)
        rss0, store0 = measure(port)
        start = 1_700_000_000
        for entity in range(N):
            points = [{"metric": m, "timestamp": start + day * 86400, "value": float(day + i)}
                      for i, m in enumerate(METRICS) for day in range(31)]
            post(port, f"/v1/entities/disk-{entity}/telemetry", {"points": points})
        rss1, store1 = measure(port)
        per_k = 1000 / N
        print(f"entities={N} points/entity={31 * len(METRICS)}")
        print(f"resident memory per 1,000 entities: {(rss1 - rss0) * per_k / 2**20:.2f} MiB")
        print(f"store accounting per 1,000 entities: {(store1 - store0) * per_k / 2**20:.2f} MiB")
    finally:
        server.terminate()
        server.wait(timeout=40)


if __name__ == "__main__":
    main()
