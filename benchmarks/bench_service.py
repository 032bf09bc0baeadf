"""Load test of `cqdt serve` on loopback, beside scoring in process: requests/s and p50/p99 latency.

Run from the checkout (figures only, no timed assertions):

    PYTHONPATH=src python benchmarks/bench_service.py            # 400 one-unit and 60 cohort requests
    PYTHONPATH=src python benchmarks/bench_service.py --quick    # a smoke run of a few seconds

The server is started as `cqdt serve` (one worker, egov_2020) on 127.0.0.1 and a free port; the client
is this process, one keep-alive connection, one request at a time (``http.client``), so client and
server share the machine's two cores as they would on a small host. Every case is bounded in count
and in time (``--seconds`` per case) and the server is stopped at the end, whatever happens.

Two cases: SO13 alone (the service guide's example, examples/service/so13.json) and the 220
communes of the bundled 2022 audit. The baseline is the same units scored in process, timed in the
same run: ``cq.score(ruleset, assessments)`` then ``results.to_json()`` on assessments already read,
with the garbage collector set as `cqdt` sets it while a command runs (the server runs under it too).
What the HTTP figure adds is reading the JSON body, the HTTP exchange and writing the response.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import yaml  # noqa: E402

import cqdt_rules as cq  # noqa: E402
from cqdt_rules.cli.main import GC_GEN0_THRESHOLD  # noqa: E402
from cqdt_rules.data.json_body import assessments_from_json  # noqa: E402

SAMPLE = ROOT / "examples" / "gialai" / "egov-2022-audit.yaml"
SO13 = ROOT / "examples" / "service" / "so13.json"
PATH = "/rulesets/egov_2020/score"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    server = subprocess.Popen([sys.executable, "-m", "cqdt_rules", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--ruleset", "egov_2020"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.stderr.read().decode() if server.stderr else ''}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not answer /health within 60 s")


def cohort_body() -> bytes:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    communes = [{"year": data["year"], "source": data["source"], **u} for u in data["units"] if u["tier"] == "xa"]
    assert len(communes) == 220
    return json.dumps({"units": communes}, ensure_ascii=False).encode("utf-8")


def timed(call: Callable[[], Any], count: int, seconds: float) -> list[float]:
    """Seconds per call, at most ``count`` calls and stopping once ``seconds`` have passed (after 5 warm-ups)."""
    for _ in range(5):
        call()
    times: list[float] = []
    stop = time.perf_counter() + seconds
    while len(times) < count and time.perf_counter() < stop:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def post(connection: http.client.HTTPConnection, body: bytes, check: Callable[[dict[str, Any]], None]) -> Callable[[], None]:
    def call() -> None:
        connection.request("POST", PATH, body=body, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        payload = response.read()
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}: {payload[:500]!r}")
        check(json.loads(payload))
    return call


def in_process(ruleset: cq.CheckedRuleset, body: bytes) -> Callable[[], None]:
    """``cq.score`` + ``to_json()``: the server writes its answer with the same writers."""
    assessments = assessments_from_json(body.decode("utf-8"))

    def call() -> None:
        cq.score(ruleset, assessments).to_json()
    return call


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(name: str, http_times: list[float], local_times: list[float]) -> None:
    ms = 1000
    http_p50, local_p50 = statistics.median(http_times), statistics.median(local_times)
    print(f"{name}: HTTP {len(http_times)} requests, {len(http_times) / sum(http_times):,.0f} requests/s, "
          f"p50 {http_p50 * ms:.2f} ms, p99 {percentile(http_times, 0.99) * ms:.2f} ms")
    print(f"{name}: in process (cq.score + to_json) {len(local_times)} calls, p50 {local_p50 * ms:.2f} ms, "
          f"p99 {percentile(local_times, 0.99) * ms:.2f} ms")
    print(f"{name}: HTTP p50 - in-process p50 = {(http_p50 - local_p50) * ms:+.2f} ms; "
          f"ratio HTTP / in process (p50) {http_p50 / local_p50:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few requests per case (smoke run)")
    parser.add_argument("--requests", type=int, default=400, help="one-unit requests (default 400)")
    parser.add_argument("--cohort-requests", type=int, default=60, help="220-commune requests (default 60)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time limit per case and side (default 20)")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.cohort_requests, args.seconds = 30, 5, 5.0
    gc.set_threshold(GC_GEN0_THRESHOLD, *gc.get_threshold()[1:])
    ruleset = cq.load("egov_2020")
    unit_body, cohort = SO13.read_bytes(), cohort_body()
    port = free_port()
    server = start_server(port)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

        def unit_ok(results: dict[str, Any]) -> None:
            unit = results["units"][0]
            if (unit["total"], unit["levels"]["muc_do"]["label"]) != ("118.348", "Mức I"):
                raise SystemExit(f"DISAGREEMENT: SO13 scored {unit['total']} {unit['levels']}")

        def cohort_ok(results: dict[str, Any]) -> None:
            if len(results["units"]) != 220:
                raise SystemExit(f"DISAGREEMENT: {len(results['units'])} communes scored")

        print(f"server: cqdt serve --ruleset egov_2020 on 127.0.0.1:{port}, 1 worker; client: 1 keep-alive "
              f"connection, sequential requests; {os.cpu_count()} cores shared")
        for name, body, ok, count in (("one unit (SO13)", unit_body, unit_ok, args.requests),
                                      ("220-commune cohort", cohort, cohort_ok, args.cohort_requests)):
            report(name, timed(post(connection, body, ok), count, args.seconds),
                   timed(in_process(ruleset, body), count, args.seconds))
        connection.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
