"""The command line as a new user meets it: errors capped in one place, one language per run, a test
script that stops with a clear message."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from cqdt_rules.cli.commands import all_commands
from cqdt_rules.cli.main import build_parser, main
from cqdt_rules.errors import ERRORS_SHOWN_PER_KIND, Diagnostic, Span, render_diagnostics

ROOT = Path(__file__).resolve().parent.parent
CDS_XA = ROOT / "examples" / "api" / "cds_xa.cqdt"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def units_missing_a_value(folder: Path, count: int) -> Path:
    """``count`` communes, each without 'truong_ban': ``count`` errors of one kind in one file."""
    lines = ["year: 2023", "source: self", "tier: xa", "units:"]
    for index in range(count):
        lines += [f'  - code: "{23500 + index}"', f"    name: Xã {index}", '    parent: "622"',
                  "    values: {may_tinh: 1/2, ho_so_truc_tuyen: 1/2}"]
    path = folder / "units.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- errors capped in one place
def test_errors_of_one_kind_are_capped_with_how_many_more(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = units_missing_a_value(tmp_path, 12)
    code, _, err = run(["score", str(CDS_XA), str(data), "--lang", "en"], capsys)
    assert code == 1
    assert err.count("has no value for 'truong_ban'") == ERRORS_SHOWN_PER_KIND
    assert f"… and {12 - ERRORS_SHOWN_PER_KIND} more like this in {data} (--all-errors shows every one)" in err
    assert err.rstrip().endswith("12 errors in data input")
    code, _, err = run(["score", str(CDS_XA), str(data), "--lang", "en", "--all-errors"], capsys)
    assert code == 1 and err.count("has no value for 'truong_ban'") == 12 and "more like this" not in err


def test_the_cap_counts_per_kind_and_file_and_keeps_the_order() -> None:
    def at(path: str, line: int, message: str) -> Diagnostic:
        return Diagnostic(Span(path, line, 1, line, 2), message)

    found = [at("a.yaml", n, f"unit '{n}' has no value for 'x' (X (đơn vị))") for n in range(1, 6)]
    found += [at("a.yaml", 9, "unknown indicator 'y' for tier 'xa'"), at("b.yaml", 1, "unit '1' has no value for 'x' (X)")]
    text = render_diagnostics(found, {}, "en", limit=2)
    assert text.count("a.yaml:") == 3 and "b.yaml:1:1" in text and "unknown indicator" in text
    assert "… and 3 more like this in a.yaml" in text
    assert text.index("a.yaml:2:1") < text.index("and 3 more") < text.index("a.yaml:9:1")
    assert render_diagnostics(found, {}, "en", limit=None).count("has no value") == 6
    vietnamese = render_diagnostics(found, {}, "vi", limit=2)
    assert "… và 3 lỗi tương tự nữa trong a.yaml" in vietnamese


def test_every_command_takes_lang_and_all_errors() -> None:
    parser = build_parser()
    sub = next(a for a in parser._subparsers._group_actions if a.choices)  # type: ignore[union-attr]
    assert set(sub.choices) == {spec.name for spec in all_commands()}  # type: ignore[arg-type]
    for name, child in sub.choices.items():  # type: ignore[union-attr]
        options = child._option_string_actions
        assert "--lang" in options and options["--lang"].choices == ("vi", "en") or \
            list(options["--lang"].choices) == ["vi", "en"], name
        assert "--all-errors" in options, name


# ---------------------------------------------------------------- the language of a run
def test_the_language_is_vietnamese_by_default_or_cqdt_lang_never_the_locale(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = units_missing_a_value(tmp_path, 1)
    monkeypatch.delenv("CQDT_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    _, _, err = run(["score", str(CDS_XA), str(data)], capsys)
    assert "lỗi: đơn vị '23500' không có giá trị cho 'truong_ban'" in err and "1 lỗi trong dữ liệu" in err
    monkeypatch.setenv("CQDT_LANG", "en")
    _, _, err = run(["score", str(CDS_XA), str(data)], capsys)
    assert "error: unit '23500' has no value for 'truong_ban'" in err
    _, _, err = run(["score", str(CDS_XA), str(data), "--lang", "vi"], capsys)
    assert "lỗi: đơn vị '23500'" in err


# ---------------------------------------------------------------- scripts/test.sh
def _test_script(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(ROOT / "scripts" / "test.sh"), *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={**os.environ, **env})


def test_the_test_script_stops_with_a_clear_message_when_the_browser_is_missing(tmp_path: Path) -> None:
    done = _test_script({"CQDT_CHROMIUM": str(tmp_path / "no-chromium"), "CQDT_TEST_VENV": str(tmp_path / "venv")})
    assert done.returncode == 1
    assert done.stderr.startswith("test.sh: CQDT_CHROMIUM is ") and "--quick" in done.stderr
    assert not (tmp_path / "venv").exists(), "it stops before installing anything"


def test_the_test_script_stops_when_the_constraints_are_missing(tmp_path: Path) -> None:
    done = _test_script({"CQDT_CONSTRAINTS": str(tmp_path / "none.txt"), "CQDT_TEST_VENV": str(tmp_path / "venv")},
                        "--quick")
    assert done.returncode == 1 and "test.sh: no constraints file" in done.stderr
