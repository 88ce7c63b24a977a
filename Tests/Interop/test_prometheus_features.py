"""Prometheus as a feature source, end to end with the real tools.

A local exporter serves smartctl_exporter-style series whose values change on every scrape and records
every value it served; Debian's `prometheus` scrapes it once a second; riskd (the real binary, started
with `--prometheus-url`) evaluates the PromQL features its policy declares and pages a fake PagerDuty
(a real local HTTP server). The features riskd reports must equal the same aggregations computed here
in Python over the exporter's samples, and only the failing-looking disk may page.
"""

import http.server
import json
import math
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import pytest

WINDOW = "5m"  # longer than the test, so every scraped sample is inside the window
REALLOCATED = 'smartctl_device_attribute{attribute_id="5",attribute_value_type="raw"}'
TEMPERATURE = 'smartctl_device_temperature{temperature_type="current"}'
FEATURES = {
    "reallocated_max": f"max_over_time({REALLOCATED}[{WINDOW}])",
    "temperature_avg": f"avg_over_time({TEMPERATURE}[{WINDOW}])",
    "temperature_min": f"min_over_time({TEMPERATURE}[{WINDOW}])",
}
COEFFICIENTS = [0.2, 0.01, 0.0]
INTERCEPT = -4.0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Server:
    """A ThreadingHTTPServer on 127.0.0.1:0 in a background thread."""

    def __init__(self, handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.owner = self
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class QuietHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Exporter(Server):
    """smartctl_exporter-style text exposition; values change on every scrape and are recorded."""

    def __init__(self):
        self.lock = threading.Lock()
        self.scrapes = 0
        self.frozen = False
        self.served = {"sda": [], "sdb": []}  # device -> [(reallocated, temperature), ...] in scrape order
        super().__init__(self.Handler)

    def values(self, scrape):
        # sda: sectors being reallocated on every scrape, running hot; sdb: healthy and cool.
        return {
            "sda": (8.0 * scrape, 41.25 + (scrape % 4) * 1.5),
            "sdb": (0.0, 30.5 + (scrape % 3) * 0.75),
        }

    class Handler(QuietHandler):
        def do_GET(self):
            exporter = self.server.owner
            with exporter.lock:
                if exporter.frozen:
                    self.send_error(503, "frozen")
                    return
                exporter.scrapes += 1
                values = exporter.values(exporter.scrapes)
                lines = [
                    "# HELP smartctl_device_attribute Device attributes",
                    "# TYPE smartctl_device_attribute gauge",
                ]
                for device, (reallocated, _) in values.items():
                    lines.append(
                        f'smartctl_device_attribute{{attribute_id="5",attribute_name="Reallocated_Sector_Ct",'
                        f'attribute_value_type="raw",device="{device}"}} {reallocated!r}')
                lines += ["# HELP smartctl_device_temperature Device temperature celsius",
                          "# TYPE smartctl_device_temperature gauge"]
                for device, (_, temperature) in values.items():
                    lines.append(
                        f'smartctl_device_temperature{{device="{device}",temperature_type="current"}} '
                        f'{temperature!r}')
                body = ("\n".join(lines) + "\n").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                for device, pair in values.items():
                    exporter.served[device].append(pair)

    def freeze(self):
        """Stop serving samples (scrapes fail from now on); returns what was served, per device."""
        with self.lock:
            self.frozen = True
            return {device: list(pairs) for device, pairs in self.served.items()}


class FakePagerDuty(Server):
    """Records PagerDuty Events v2 posts and answers 202 like the real API."""

    def __init__(self):
        self.events = []
        self.lock = threading.Lock()
        super().__init__(self.Handler)

    class Handler(QuietHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with self.server.owner.lock:
                self.server.owner.events.append((self.path, json.loads(body)))
            reply = b'{"status":"success","message":"Event processed"}'
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    def snapshot(self):
        with self.lock:
            return list(self.events)


class Prometheus:
    """Debian's prometheus scraping the exporter every second, in a temporary directory."""

    def __init__(self, exporter_port):
        binary = shutil.which("prometheus") or "/usr/bin/prometheus"
        assert os.access(binary, os.X_OK), "prometheus is required (apt-get install prometheus)"
        self.directory = tempfile.mkdtemp(prefix="riskd-prometheus-")
        self.port = free_port()
        with open(os.path.join(self.directory, "prometheus.yml"), "w") as config:
            config.write(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                "scrape_configs:\n  - job_name: smartctl\n    scrape_interval: 1s\n"
                f"    static_configs:\n      - targets: ['127.0.0.1:{exporter_port}']\n")
        self.log = open(os.path.join(self.directory, "prometheus.log"), "wb")
        self.process = subprocess.Popen(
            [binary, f"--config.file={self.directory}/prometheus.yml",
             f"--storage.tsdb.path={self.directory}/data", f"--web.listen-address=127.0.0.1:{self.port}",
             "--log.level=warn"], stdout=self.log, stderr=self.log)
        wait_for(self.ready, 30, "prometheus /-/ready")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def ready(self):
        try:
            with urllib.request.urlopen(self.url + "/-/ready", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def query(self, promql, at=None):
        params = {"query": promql}
        if at is not None:
            params["time"] = at
        with urllib.request.urlopen(self.url + "/api/v1/query?" + urllib.parse.urlencode(params), timeout=5) as r:
            answer = json.load(r)
        assert answer["status"] == "success", answer
        return answer["data"]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=15)
        self.log.close()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def stack():
    exporter = Exporter()
    pagerduty = FakePagerDuty()
    prometheus = Prometheus(exporter.port)
    yield exporter, pagerduty, prometheus
    prometheus.stop()
    pagerduty.stop()
    exporter.stop()


def model_repository(root):
    version = os.path.join(root, "disk-smart", "1")
    os.makedirs(version)
    with open(os.path.join(version, "model.riskd.json"), "w") as artifact:
        json.dump({"format": "riskd-json", "format_version": 1, "model_type": "linear", "task": "binary",
                   "feature_names": list(FEATURES),
                   "linear": {"coefficients": COEFFICIENTS, "intercept": INTERCEPT, "link": "logistic"}},
                  artifact)


def get_json(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def expected_features(pairs):
    """The declared PromQL aggregations, over every sample the exporter served for one device."""
    reallocated = [pair[0] for pair in pairs]
    temperatures = [pair[1] for pair in pairs]
    return {
        "reallocated_max": max(reallocated),
        "temperature_avg": sum(temperatures) / len(temperatures),
        "temperature_min": min(temperatures),
    }


def test_features_from_prometheus_equal_python_aggregations_and_page(stack, start_riskd):
    exporter, pagerduty, prometheus = stack
    workdir = tempfile.mkdtemp(prefix="riskd-promfeat-")
    models = os.path.join(workdir, "models")
    model_repository(models)
    policy = os.path.join(workdir, "policy.json")
    with open(policy, "w") as file:
        json.dump({"suppression": {"cooldown_seconds": 0},
                   "prometheus_sources": [{"model": "disk-smart", "entity_label": "device",
                                           "interval_seconds": 1, "features": FEATURES}]}, file)
    key = os.path.join(workdir, "routing-key")
    with open(key, "w") as file:
        file.write("R0UT1NG-KEY-0123456789abcdef0123\n")

    # A few scrapes in Prometheus before riskd starts asking.
    wait_for(lambda: prometheus.query(f"count_over_time({TEMPERATURE}[{WINDOW}]) >= 3")["result"], 30,
             "three scrapes of the exporter")
    riskd = start_riskd(
        args=["--models-dir", models, "--config", policy, "--prometheus-url", prometheus.url,
              "--prometheus-timeout", "5", "--pagerduty-url", f"http://127.0.0.1:{pagerduty.port}",
              "--pagerduty-routing-key-file", key])

    # The failing-looking disk pages through the incident loop (PagerDuty Events v2).
    def sda_paged():
        return [event for path, event in pagerduty.snapshot()
                if path == "/v2/enqueue" and event.get("dedup_key") == "riskd/disk-smart/sda"]
    page = wait_for(sda_paged, 30, "a page for sda")[0]
    assert page["event_action"] == "trigger"
    assert page["routing_key"] == "R0UT1NG-KEY-0123456789abcdef0123"
    assert page["payload"]["source"] == "sda"
    assert page["payload"]["custom_details"]["model"] == "disk-smart"

    # Some more scrapes, so the aggregations run over a handful of changing values.
    wait_for(lambda: exporter.scrapes >= 8, 30, "eight scrapes")
    # Stop the exporter's samples (scrapes fail from now on), then take an evaluation made after the last
    # sample landed, so riskd and the checks below see the same, final set of samples.
    served = exporter.freeze()
    frozen_at = time.time()
    time.sleep(2.5)  # a scrape in flight at the freeze has finished

    def risk_after_freeze(device):
        status, body = get_json(riskd.port, f"/v1/entities/{device}/risk")
        assert status == 200, body
        entry = body["risks"][0]
        return entry if entry["as_of"] > frozen_at + 2.5 else None
    sda = wait_for(lambda: risk_after_freeze("sda"), 30, "an evaluation after the freeze")
    sdb = wait_for(lambda: risk_after_freeze("sdb"), 30, "an evaluation of sdb after the freeze")

    def held(metric, device, at):
        """The samples Prometheus holds for one device's series at `at`: [(timestamp, value), ...]."""
        selector = metric[:-1] + f',device="{device}"}}[{WINDOW}]'
        result = prometheus.query(selector, at=f"{at:.3f}")["result"]
        assert len(result) == 1, result
        return [(timestamp, float(value)) for timestamp, value in result[0]["values"]]

    # sda's reallocated count is 8 × the scrape number: it names the exporter scrape behind each timestamp.
    scrape_at = {timestamp: round(value / 8) for timestamp, value in held(REALLOCATED, "sda", sda["as_of"])}
    for device, entry in (("sda", sda), ("sdb", sdb)):
        reallocated = held(REALLOCATED, device, entry["as_of"])
        temperatures = held(TEMPERATURE, device, entry["as_of"])
        assert [t for t, _ in reallocated] == [t for t, _ in temperatures] == sorted(scrape_at)
        # Each sample Prometheus holds is what the exporter recorded serving in that scrape ...
        pairs = [served[device][scrape_at[t] - 1] for t, _ in reallocated]
        assert [(r, t) for (_, r), (_, t) in zip(reallocated, temperatures)] == pairs
        # ... and at most one scrape (in flight when a scrape timed out under load) is not held.
        assert len(pairs) >= len(served[device]) - 1 >= 7
        assert len({pair[1] for pair in pairs}) > 1, "temperatures must change over time"
        expected = expected_features(pairs)
        assert entry["feature_source"] == "prometheus"
        assert entry["model"] == "disk-smart" and entry["version"] == "1"
        assert set(entry["features"]) == set(expected)
        assert entry["features"]["reallocated_max"] == expected["reallocated_max"]
        assert entry["features"]["temperature_min"] == expected["temperature_min"]
        # Prometheus averages incrementally, Python sums then divides: equal to the last bits or so.
        assert math.isclose(entry["features"]["temperature_avg"], expected["temperature_avg"], rel_tol=1e-12)
        score = INTERCEPT + sum(w * expected[name] for w, name in zip(COEFFICIENTS, FEATURES))
        assert math.isclose(entry["prediction"]["risk"], 1 / (1 + math.exp(-score)), rel_tol=1e-9)

    assert sda["prediction"]["tier"] == "L1"
    assert sdb["prediction"]["tier"] == "none"
    # Only sda ever paged; riskd's own metrics saw the evaluations succeed.
    keys = {event.get("dedup_key") for _, event in pagerduty.snapshot()}
    assert keys == {"riskd/disk-smart/sda"}
    with urllib.request.urlopen(f"http://127.0.0.1:{riskd.port}/metrics", timeout=5) as response:
        metrics = response.read().decode()
    assert 'riskd_prometheus_series_returned{model="disk-smart"} 6' in metrics
    last_success = [line for line in metrics.splitlines()
                    if line.startswith('riskd_prometheus_last_success_timestamp_seconds{model="disk-smart"}')]
    assert float(last_success[0].split()[-1]) >= sda["as_of"]
    shutil.rmtree(workdir, ignore_errors=True)
