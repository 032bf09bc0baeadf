"""The HTML report seen in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) loads
the page from the bundled sample with no error, and its charts and Vietnamese text are in the rendered DOM.

These tests fail, never skip, when the browser is missing. `scripts/screenshot_report.sh` makes a PNG for a
person to look at."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cqdt_rules.cli.main import main

pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(os.environ.get("CQDT_SAMPLE_DIR") or ROOT / "examples" / "gialai")
CHROMIUM = os.environ.get("CQDT_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
         # nothing may come from the network: every host name fails to resolve
         "--host-resolver-rules=MAP * ~NOTFOUND"]
# What the browser logs about a page: console messages (a script-free page has none), uncaught script
# errors, blocked or failed loads. Chromium's other start-up lines (no D-Bus, no GPU in a container) are not.
PAGE_SIGNS = ("CONSOLE", "Uncaught", "Failed to load resource", "net::ERR_", "Refused to", "Not allowed to load")


def chromium() -> str:
    path = CHROMIUM if Path(CHROMIUM).is_file() else shutil.which("chromium")
    if not path:
        pytest.fail(f"headless Chromium is required and was not found at {CHROMIUM} or on PATH: "
                    "install Debian's package with `apt-get install -y chromium` (.ci/run does) "
                    "or set CQDT_CHROMIUM to the browser's path", pytrace=False)
    return path


def run_browser(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    command = [chromium(), *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"chromium exited with {done.returncode}:\n{done.stderr[-3000:]}"
    return done


def page_errors(stderr: str) -> list[str]:
    """Console messages, script errors and failed loads the page caused."""
    return [line for line in stderr.splitlines() if any(sign in line for sign in PAGE_SIGNS)]


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of the bundled sample (2022 against 2021), written by the one command a person runs."""
    current, previous = SAMPLE / "egov-2022-audit.yaml", SAMPLE / "egov-2021-audit.yaml"
    for path in (current, previous):
        if not path.is_file():
            pytest.fail(f"the bundled sample {path} is missing: run python examples/gialai/generate.py", pytrace=False)
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "egov_2020", str(current), "--previous", str(previous), "--out", str(out),
                 "--formats", "html"]) == 0
    return out / "report-egov_2020-2022-vi.html"


@pytest.fixture(scope="module")
def dom(report_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    done = run_browser(["--dump-dom", report_file.as_uri()], tmp_path_factory.mktemp("profile"))
    return done.stdout, done.stderr


def test_chromium_is_installed() -> None:
    version = subprocess.run([chromium(), "--version"], capture_output=True, text=True, timeout=60)
    assert version.returncode == 0 and "Chromium" in version.stdout, version.stdout + version.stderr


def test_a_broken_page_would_be_caught(tmp_path: Path) -> None:
    """The check below can fail: a page with a script error and a console message is reported."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html lang="vi"><body><p>Trang lỗi</p>'
                    '<script>console.error("lỗi"); throw new Error("hỏng");</script></body></html>', encoding="utf-8")
    done = run_browser(["--dump-dom", page.as_uri()], tmp_path / "profile")
    errors = page_errors(done.stderr)
    assert any("Uncaught Error: hỏng" in line for line in errors), done.stderr[-2000:]


def test_page_loads_without_errors(dom: tuple[str, str]) -> None:
    html, stderr = dom
    assert html.strip().endswith("</html>"), "the browser rendered the whole page"
    assert page_errors(stderr) == []


def test_rendered_page_has_charts_and_vietnamese_text(dom: tuple[str, str]) -> None:
    html, _ = dom
    assert '<html lang="vi">' in html
    assert html.count('class="chart chart-levels"') == 3, "levels per tier, this year against last"
    assert html.count('class="chart chart-ranks"') == 3, "rank movement per tier"
    assert len(re.findall(r'<rect class="bar bar-current"', html)) == 15  # 5 rows (I..IV, below) × 3 tiers
    for text in ("Đánh giá chung", "Thay đổi so với năm 2021", "Bảng xếp hạng", "Giải trình điểm từng đơn vị",
                 "Sở, ban, ngành", "UBND xã, phường, thị trấn", "tăng 04 đơn vị so với năm 2021",
                 "Sở Thông tin và Truyền thông", "Thành phố Pleiku (622)", "Mục lục", "SYNTHETIC"):
        assert text in html, text
    assert "118,348" in html, "Vietnamese number format"
    assert html.count('<details class="unit"') == 257


def test_screenshot_is_made(report_file: Path, tmp_path: Path) -> None:
    """What scripts/screenshot_report.sh does: a PNG of the top of the page."""
    png = tmp_path / "report.png"
    run_browser(["--window-size=1280,2400", f"--screenshot={png}", report_file.as_uri()], tmp_path / "profile")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, "a real picture, not a blank page"


def test_screenshot_script_runs(report_file: Path, tmp_path: Path) -> None:
    png = tmp_path / "shot.png"
    env = {**os.environ, "CHROMIUM": chromium(), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(["bash", str(ROOT / "scripts" / "screenshot_report.sh"), str(report_file), str(png)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- the ruleset rendered as the appendix table
@pytest.fixture(scope="module")
def appendix_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render") / "phu-luc-egov_2020.html"
    assert main(["render", "egov_2020", "--format", "html", "--out", str(out)]) == 0
    return out


def test_rendered_appendix_loads_without_errors_and_shows_its_rows(appendix_file: Path, tmp_path: Path) -> None:
    done = run_browser(["--dump-dom", appendix_file.as_uri()], tmp_path / "profile")
    assert page_errors(done.stderr) == []
    html = done.stdout
    assert html.count('<tr id="tieu-chi-') == 128, "one row per group and criterion of the three tiers"
    for text in ("Phụ lục: Bộ tiêu chí", "Tỷ lệ CBCC được tập huấn", "≥ 80% → 3 điểm", "Tổng cộng", "Mức I"):
        assert text in html, text


def test_screenshot_of_the_rendered_appendix_shows_a_table(appendix_file: Path, tmp_path: Path) -> None:
    """A screenshot of the top of the rendered table: a real picture with dark text and ruled lines on white,
    not a blank or failed page."""
    from matplotlib.image import imread

    png = tmp_path / "appendix.png"
    run_browser(["--window-size=1200,900", f"--screenshot={png}", appendix_file.as_uri()], tmp_path / "profile")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = imread(str(png))[:, :, :3]
    brightness = pixels.mean(axis=2)
    dark = float((brightness < 0.35).mean())
    white = float((brightness > 0.95).mean())
    assert 0.02 < dark < 0.5, f"text and table lines cover {dark:.1%} of the picture"
    assert white > 0.3, f"a light page: {white:.1%} white"
    rows_with_ink = int(((brightness < 0.35).mean(axis=1) > 0.001).sum())
    assert rows_with_ink > 300, "ink on many lines of the picture: a table of many rows, not one heading"
