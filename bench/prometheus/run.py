"""Memory and time of Prometheus feature sources per entity, as ratios within one run.

A fake Prometheus (a local http.server answering /api/v1/query with N series per feature query) feeds a
riskd started with --prometheus-url; for each N the script waits for an evaluation that scored N
entities and reads riskd's resident memory (/proc/<pid>/status) and the evaluation duration histogram.
Memory per entity is the slope between the smallest and the largest N, so process baseline cancels out.

usage: python3 bench/prometheus/run.py <riskd binary>   (127.0.0.1 only; ~1 minute)
"""

import http.server
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

FEATURES = ["f0", "f1", "f2"]
SIZES = [1_000, 10_000, 50_000]
current = {"n": 0}


class FakePrometheus(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        rng = random.Random(7)
        series = [{"metric": {"instance": f"host-{i:07d}.example.internal:9100", "job": "node"},
                   "value": [0, repr(rng.uniform(0, 100))]} for i in range(current["n"])]
        body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": series}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(name + "{") or line.startswith(name + " "):
                return float(line.split()[-1])
    return 0.0


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def main():
    binary = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakePrometheus)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    work = tempfile.mkdtemp(prefix="riskd-prom-bench-")
    version = os.path.join(work, "models", "m", "1")
    os.makedirs(version)
    with open(os.path.join(version, "model.riskd.json"), "w") as artifact:
        json.dump({"format": "riskd-json", "format_version": 1, "model_type": "linear", "task": "binary",
                   "feature_names": FEATURES,
                   "linear": {"coefficients": [0.01, 0.01, 0.01], "intercept": -4, "link": "logistic"}}, artifact)
    with open(os.path.join(work, "policy.json"), "w") as policy:
        json.dump({"prometheus_sources": [{"model": "m", "entity_label": "instance", "interval_seconds": 2,
                                           "features": {name: f"avg_over_time({name}[5m])" for name in FEATURES}}]},
                  policy)
    log = open(os.path.join(work, "riskd.log"), "wb")
    riskd = subprocess.Popen(
        [binary, "serve", "--host", "127.0.0.1", "--port", "0", "--models-dir", work + "/models",
         "--data-dir", work + "/data", "--config", work + "/policy.json", "--prediction-log-retention", "0",
         "--prometheus-url", f"http://127.0.0.1:{server.server_address[1]}", "--prometheus-max-series", "100000",
         "--prometheus-timeout", "30"], stderr=log)
    port = None
    while port is None:
        time.sleep(0.2)
        for line in open(os.path.join(work, "riskd.log")):
            try:
                port = json.loads(line).get("port") or port
            except ValueError:
                pass
    results = []
    for n in SIZES:
        current["n"] = n
        deadline = time.time() + 120
        while metric(port, "riskd_prometheus_entities_scored") != n and time.time() < deadline:
            time.sleep(0.5)
        count0 = metric(port, "riskd_prometheus_evaluation_duration_seconds_count")
        sum0 = metric(port, "riskd_prometheus_evaluation_duration_seconds_sum")
        while metric(port, "riskd_prometheus_evaluation_duration_seconds_count") < count0 + 3:
            time.sleep(0.5)
        count1 = metric(port, "riskd_prometheus_evaluation_duration_seconds_count")
        sum1 = metric(port, "riskd_prometheus_evaluation_duration_seconds_sum")
        results.append((n, rss_bytes(riskd.pid), (sum1 - sum0) / (count1 - count0)))
    riskd.terminate()
    riskd.wait(timeout=30)
    (n0, rss0, t0), (n1, rss1, t1) = results[0], results[-1]
    for n, rss, seconds in results:
        print(f"entities {n:>7}: RSS {rss / 2**20:8.1f} MiB, evaluation {seconds * 1000:8.1f} ms "
              f"({seconds / n * 1e6:.1f} µs per entity)")
    print(f"memory per entity (slope {n0}..{n1}): {(rss1 - rss0) / (n1 - n0):.0f} bytes")
    print(f"evaluation time ratio {n1} vs {n0} entities: {t1 / t0:.1f}x for {n1 / n0:.0f}x entities")


if __name__ == "__main__":
    main()
