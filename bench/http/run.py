#!/usr/bin/env python3
"""Load benchmark: riskd's HTTPServer (bench target HTTPStaticServer) against nginx in the same run.

Measures, for both servers on 127.0.0.1 with 2 workers each:
  * throughput and p99 latency with wrk (keep-alive, static body), reported as ratios vs nginx;
  * resident memory of our server before and after `wrk -c 256 -d 30s` (should stay flat);
  * GET /livez latency over a fresh keep-alive connection while 1,000 idle connections are open.
Prints a Markdown report on stdout. Needs wrk and nginx (nginx-light); stdlib Python only.
Usage: bench/http/run.py [--duration SECONDS] [--skip-build]
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BODY = "hello from riskd\n"
WORKERS = 2


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def start_ours(port):
    binary = os.path.join(BENCH_DIR, ".build", "release", "HTTPStaticServer")
    process = subprocess.Popen([binary, str(port), str(WORKERS)], stdout=subprocess.DEVNULL)
    wait_for_port(port)
    return process


def start_nginx(port, directory):
    config = os.path.join(directory, "nginx.conf")
    with open(config, "w") as handle:
        handle.write(f"""
worker_processes {WORKERS};
daemon off;
pid {directory}/nginx.pid;
error_log stderr error;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path {directory}/body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{ default_type text/plain; return 200 "{BODY.strip()}\\n"; }}
    }}
}}
""")
    process = subprocess.Popen(["nginx", "-p", directory, "-c", config, "-e", "stderr"])
    wait_for_port(port)
    return process


def wrk(port, connections, duration):
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def livez_latencies(port, idle_count, samples=300):
    """Milliseconds per GET /livez on one keep-alive connection while `idle_count` idle ones are open."""
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(idle_count)]
    try:
        client = socket.create_connection(("127.0.0.1", port))
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request = f"GET /livez HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        timings = []
        for _ in range(samples):
            started = time.perf_counter()
            client.sendall(request)
            received = b""
            while b"\r\n\r\n" not in received:
                received += client.recv(4096)
            head, _, rest = received.partition(b"\r\n\r\n")
            length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))
            while len(rest) < length:
                rest += client.recv(4096)
            timings.append((time.perf_counter() - started) * 1e3)
        client.close()
    finally:
        for sock in idle:
            sock.close()
    timings.sort()
    return timings[len(timings) // 2], timings[int(len(timings) * 0.99) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10, help="seconds per throughput run")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is required")
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "HTTPStaticServer"], cwd=BENCH_DIR,
                       check=True, stdout=subprocess.DEVNULL)
    directory = tempfile.mkdtemp(prefix="riskd-bench-nginx-")
    ours_port, nginx_port = free_port(), free_port()
    ours = start_ours(ours_port)
    rss_start = rss_kib(ours.pid)
    nginx = start_nginx(nginx_port, directory)
    try:
        results = {}
        for name, port in (("riskd", ours_port), ("nginx", nginx_port)):
            wrk(port, 64, 2)  # warm-up
            results[name] = wrk(port, 64, args.duration)
        idle = {name: (livez_latencies(port, 0), livez_latencies(port, 1000))
                for name, port in (("riskd", ours_port), ("nginx", nginx_port))}
        rss_before = rss_kib(ours.pid)
        heavy = wrk(ours_port, 256, 30)
        rss_after = rss_kib(ours.pid)
    finally:
        ours.terminate()
        nginx.terminate()
        ours.wait(timeout=10)
        nginx.wait(timeout=10)
        shutil.rmtree(directory, ignore_errors=True)

    (ours_rate, ours_p99, ours_errors), (nginx_rate, nginx_p99, nginx_errors) = results["riskd"], results["nginx"]
    print(f"## HTTP server vs nginx ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n")
    print(f"wrk -t2 -c64 -d{args.duration}s, keep-alive, static {len(BODY)}-byte body, {WORKERS} workers each, "
          "client and servers on the same machine.\n")
    print("| server | req/s | p99 ms | non-2xx |")
    print("|---|---|---|---|")
    print(f"| riskd HTTPServer | {ours_rate:,.0f} | {ours_p99:.2f} | {ours_errors} |")
    print(f"| nginx | {nginx_rate:,.0f} | {nginx_p99:.2f} | {nginx_errors} |")
    print(f"| **ratio riskd/nginx** | **{ours_rate / nginx_rate:.2f}** | **{ours_p99 / nginx_p99:.2f}** | |\n")
    print("GET /livez over one keep-alive connection, 300 sequential requests (ms):\n")
    print("| server | p50 no idle | p99 no idle | p50 with 1,000 idle | p99 with 1,000 idle |")
    print("|---|---|---|---|---|")
    for name in ("riskd", "nginx"):
        (p50, p99), (idle50, idle99) = idle[name]
        print(f"| {name} | {p50:.3f} | {p99:.3f} | {idle50:.3f} | {idle99:.3f} |")
    print(f"\nRSS of riskd around `wrk -t2 -c256 -d30s` ({heavy[0]:,.0f} req/s, p99 {heavy[1]:.2f} ms, "
          f"non-2xx {heavy[2]}): before {rss_before / 1024:.1f} MiB, after {rss_after / 1024:.1f} MiB "
          f"(ratio {rss_after / max(rss_before, 1):.2f}); {rss_start / 1024:.1f} MiB at start.")


if __name__ == "__main__":
    main()
