"""docs/service.md's example, run as written against a real `cqdt serve` (two worker processes) on
127.0.0.1 with the real curl; the example's data file is SO13 of the bundled sample; `cqdt serve`
refuses bad options and bad rulesets before it listens."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cqdt_rules as cq
from cqdt_rules.cli.main import main as cqdt
from cqdt_rules.data.json_body import assessments_from_json
from cqdt_rules.model.checking import check_assessments

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "service.md"


def _example() -> tuple[str, str]:
    """The guide's curl command and the output block right after it."""
    text = GUIDE.read_text(encoding="utf-8")
    found = re.search(r"```sh\n(curl .*?)```\n\n```text\n(.*?)```", text, re.S)
    assert found, "docs/service.md has no curl example followed by its output"
    return found.group(1), found.group(2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_it_answers(process: subprocess.Popen[Any], port: int) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            assert time.monotonic() < deadline, "cqdt serve did not answer /health within 120 s"
            time.sleep(0.2)


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "cqdt_rules", "serve", "--port", str(port), "--workers", "2"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_until_it_answers(process, port)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_guide_example_prints_so13_total_and_level(server: int) -> None:
    assert shutil.which("curl"), "curl is needed (scripts/test.sh installs it)"
    command, output = _example()
    assert "http://127.0.0.1:8000/" in command
    done = subprocess.run(["bash", "-c", command.replace("127.0.0.1:8000", f"127.0.0.1:{server}")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == output == "118.348 Mức I\n"


def test_the_example_is_so13_of_the_bundled_sample() -> None:
    ruleset = cq.load("egov_2020").ruleset
    sample = [a for a in cq.load_assessments(ROOT / "examples" / "gialai" / "egov-2022-audit.yaml") if a.code == "SO13"]
    example = assessments_from_json((ROOT / "examples" / "service" / "so13.json").read_text(encoding="utf-8"))
    assert len(sample) == 1 and check_assessments(ruleset, example) == check_assessments(ruleset, sample)


@pytest.mark.parametrize(("argv", "code", "message"), [
    (["serve", "--cohort", "dti_2023"], 2, "--cohort takes RULESET_ID=DATA"),
    (["serve", "--cohort", "egov_2021=x.yaml"], 2, "--cohort names ruleset 'egov_2021', which is not served"),
    (["serve", "--workers", "0"], 2, "--workers, --max-body and --max-ruleset are at least 1"),
])
def test_serve_refuses_what_it_cannot_serve_before_listening(argv: list[str], code: int, message: str,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert cqdt([*argv, "--lang", "en"]) == code
    assert message in capsys.readouterr().err


def test_serve_refuses_a_stored_cohort_its_ruleset_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "cohort.yaml"
    unit = "  - {code: T1, name: Tỉnh, tier: tinh}"
    data.write_text(f"year: 2022\nsource: audit\nunits:\n{unit}\n", encoding="utf-8")
    assert cqdt(["serve", "--ruleset", "egov_2020", "--cohort", f"egov_2020={data}", "--lang", "en"]) == 1
    # data of a tier the ruleset lacks do not fit it: one paragraph saying so, before any value is read
    assert f"{data}: error: these data do not fit ruleset 'egov_2020'" in capsys.readouterr().err


@pytest.mark.parametrize("stop, code", [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 0)], ids=["sigterm", "sigint"])
def test_a_server_stopped_by_a_signal_shuts_down_as_uvicorn_does_without_an_error(stop: signal.Signals,
                                                                                    code: int) -> None:
    """`cqdt serve` stops on its own terms (uvicorn's graceful shutdown), not as the other commands stop."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "cqdt_rules", "serve", "--port", str(port), "--lang", "en"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait_until_it_answers(process, port)
        process.send_signal(stop)
        output, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == code, output
    assert "error" not in output.lower() and "Traceback" not in output, output
