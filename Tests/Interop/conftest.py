"""Fixtures for interoperability tests: start the real riskd binary on 127.0.0.1, port 0.

The binary is the one `swift build --product riskd` left in the build directory (`.ci/interop.sh`
builds it and passes its path in RISKD_BIN).
"""

import json
import os
import signal
import subprocess
import tempfile
import time
import urllib.request

import pytest


class RunningRiskd:
    """A riskd process started for one test; `port` is the port it logged once bound."""

    def __init__(self, args, env):
        self.directory = tempfile.mkdtemp(prefix="riskd-interop-")
        self.log_path = os.path.join(self.directory, "riskd.log")
        full_env = dict(os.environ)
        full_env.update({"RISKD_PORT": "0", "RISKD_HOST": "127.0.0.1",
                         "RISKD_DATA_DIR": os.path.join(self.directory, "data")})
        full_env.update(env)
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([os.environ["RISKD_BIN"], "serve", *args],
                                        stderr=self.log, env=full_env)
        self.port = self._wait_for_port()

    def _wait_for_port(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.process.poll() is None:
            with open(self.log_path, "rb") as log:
                for line in log:
                    try:
                        port = json.loads(line).get("port")
                    except ValueError:
                        continue
                    if port and self._ready(port):
                        return port
            time.sleep(0.1)
        raise RuntimeError("riskd did not start: " + open(self.log_path).read())

    @staticmethod
    def _ready(port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    @property
    def url(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        # A test that ends with riskd dead (not by our SIGTERM) failed, whatever it asserted.
        assert self.process.returncode == 0, open(self.log_path).read()


@pytest.fixture
def start_riskd():
    """Factory: `start_riskd(args=[...], env={...})` returns a RunningRiskd, stopped after the test."""
    started = []

    def start(args=(), env=None):
        riskd = RunningRiskd(list(args), env or {})
        started.append(riskd)
        return riskd

    yield start
    for riskd in started:
        riskd.stop()
