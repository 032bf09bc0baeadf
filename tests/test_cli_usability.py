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


SAMPLE = ROOT / "examples" / "gialai"


# ---------------------------------------------------------------- 1. data made for another ruleset
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_ruleset_data_mismatch_is_one_short_paragraph_first_saying_what_is_wrong(
        lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["score", "dti_2023", str(SAMPLE / "egov-2022-audit.yaml"), "--lang", lang], capsys)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) <= 30
    first = {"en": "egov-2022-audit.yaml: error: these data do not fit ruleset 'dti_2023'",
             "vi": "egov-2022-audit.yaml: lỗi: dữ liệu này không khớp với bộ tiêu chí 'dti_2023'"}[lang]
    assert lines[0].endswith(first)
    assert "'egov_2020'" in err and "2022" in err and "has no value" not in err and "không có giá trị" not in err


def test_forgetting_previous_ruleset_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["summary", "dti_2023", str(SAMPLE / "dti-2023-audit.yaml"), "--previous",
                        str(SAMPLE / "egov-2022-audit.yaml"), "--lang", "en"], capsys)
    assert code == 1 and len(err.splitlines()) <= 30
    assert "did you mean 'egov_2020'?" in err and "--previous-ruleset" in err


def test_years_are_checked_before_values_with_a_hint_the_command_line_can_follow(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = units_missing_a_value(tmp_path, 5)
    data.write_text(data.read_text(encoding="utf-8").replace("year: 2023", "year: 2021"), encoding="utf-8")
    code, _, err = run(["score", str(CDS_XA), str(data), "--lang", "en"], capsys)
    assert code == 1 and "is assessed for 2021, but ruleset 'cds_xa_vidu' applies to 2023 onwards" in err
    assert "has no value" not in err, "the year is what is wrong, not the values"
    assert "--any-year" not in err
    code, _, err = run(["score", str(CDS_XA), str(data), "--lang", "vi"], capsys)
    assert code == 1 and "được đánh giá năm 2021, nhưng bộ tiêu chí 'cds_xa_vidu' áp dụng cho các năm từ 2023" in err
    assert "onwards" not in err


# ---------------------------------------------------------------- 3. communes ranked within their district
def test_the_commune_table_goes_district_by_district(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["score", "egov_2020", str(SAMPLE / "egov-2022-audit.yaml"), "--lang", "en"], capsys)
    assert code == 0
    communes = out[out.index("Commune people's committees"):]
    header = communes.splitlines()[1].split()
    assert header[:5] == ["Rank", "in", "district", "District", "Code"]
    rows = [line.split() for line in communes.splitlines()[3:] if line.strip()]
    districts = [row[1] for row in rows]
    assert districts == sorted(districts), "grouped by district"
    firsts = [row for row in rows if row[0] == "1"]
    assert len(firsts) == len(set(districts)) == 17 and len({row[1] for row in firsts}) == 17


# ---------------------------------------------------------------- 4. a source the data do not hold
def test_audit_without_self_assessments_says_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["audit", "egov_2020", str(SAMPLE / "egov-2022-audit.yaml"), "--lang", "en"], capsys)
    assert code == 2 and out == ""
    assert "no self-assessment (source: self)" in err and "egov-2022-self.yaml" in err


def test_crosscheck_names_the_source_the_data_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["crosscheck", "egov_2020", str(SAMPLE / "egov-2022-audit.yaml"), "--lang", "en"], capsys)
    assert code == 2 and "give --source audit" in err


# ---------------------------------------------------------------- 6. extras checked before any work
def test_a_report_format_without_its_extra_stops_before_writing_anything(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "docx", None)
    out = tmp_path / "report"
    code, _, err = run(["report", "egov_2020", str(SAMPLE / "egov-2022-audit.yaml"), "--out", str(out),
                        "--formats", "html,md,xlsx,docx", "--lang", "en"], capsys)
    assert code == 2 and "needs the 'docx' extra: pip install 'cqdt-rules[docx]'" in err
    assert not out.exists() or not any(out.iterdir()), "nothing is written"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## Command line"):readme.index("## Python API")]
    assert "`xlsx` extra" in table and "`docx` extra" in table


# ---------------------------------------------------------------- 7. folders and files
def test_a_folder_without_data_and_an_empty_folder_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for folder in (ROOT / "examples", tmp_path):
        code, out, err = run(["score", "egov_2020", str(folder), "--lang", "en"], capsys)
        assert code == 2 and out == "" and f"no assessments in {folder}" in err and "sub-folders" in err


def test_a_unit_list_in_a_folder_is_skipped_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "units.csv").write_text((SAMPLE / "units.csv").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "egov-2022-audit.yaml").write_text((SAMPLE / "egov-2022-audit.yaml").read_text(encoding="utf-8"),
                                                 encoding="utf-8")
    code, out, err = run(["score", "egov_2020", str(folder), "--lang", "en", "--format", "csv"], capsys)
    assert code == 0, err
    assert err == f"note: skipped {folder / 'units.csv'}: a unit list (code, name, tier, parent), not assessments\n"
    assert len(out.splitlines()) == 1 + 257
    code, _, err = run(["score", "egov_2020", str(folder / "units.csv"), "--lang", "en"], capsys)
    assert code == 1, "a file named itself is read, and its problems reported"


@pytest.mark.parametrize("misspelt", ["Units:", "unit:"])
def test_a_misspelt_data_file_in_a_folder_is_read_and_its_errors_shown(
        misspelt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    data = (SAMPLE / "egov-2022-self.yaml").read_text(encoding="utf-8")
    assert "\nunits:" in data
    (folder / "a.yaml").write_text(data, encoding="utf-8")
    (folder / "b.yaml").write_text(data.replace("\nunits:", "\n" + misspelt), encoding="utf-8")
    for command in ("score", "summary"):
        code, _, err = run([command, "egov_2020", str(folder), "--lang", "en"], capsys)
        assert code == 1 and "skipped" not in err
        assert f"{folder / 'b.yaml'}:" in err and f"unknown top-level field '{misspelt[:-1]}'" in err


def test_a_ruleset_test_file_and_a_mapping_in_a_folder_are_skipped(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for path in (ROOT / "rulesets" / "2020" / "crosscheck.yaml", ROOT / "rulesets" / "2020" / "egov.tests.yaml",
                 SAMPLE / "egov-2022-self.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    code, _, err = run(["score", "egov_2020", str(folder), "--lang", "en"], capsys)
    assert code == 0, err
    assert err.count("note: skipped") == 2 and "crosscheck.yaml" in err and "egov.tests.yaml" in err


def test_check_shows_a_shipped_ruleset_by_its_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "egov_2020", "--lang", "en"], capsys)
    assert code == 0 and out.startswith("egov_2020: ruleset 'egov_2020'") and "site-packages" not in out


def test_diff_exit_code_says_whether_rulesets_differ(capsys: pytest.CaptureFixture[str]) -> None:
    amended = str(ROOT / "examples" / "amendment" / "egov-2022-hypothetical.cqdt")
    assert run(["diff", "egov_2020", amended, "--exit-code"], capsys)[0] == 1
    assert run(["diff", "egov_2020", "egov_2020", "--exit-code"], capsys)[0] == 0
    assert run(["diff", "egov_2020", amended], capsys)[0] == 0


@pytest.mark.parametrize("bad", ["101", "-1", "abc"])
def test_fail_under_must_be_a_percentage(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["test", "egov_2020", "--fail-under", bad], capsys)
    assert code == 2 and "--fail-under" in err


# ---------------------------------------------------------------- argparse's own errors in the chosen language
MISTAKES = [(["score"], "thiếu các đối số bắt buộc: ruleset, data", "the following arguments are required: ruleset, data"),
            (["score", "egov_2020", "x.csv", "--format", "pdf"], "đối số --format: lựa chọn không hợp lệ: 'pdf'",
             "argument --format: invalid choice: 'pdf'"),
            (["score", "egov_2020", "x.csv", "--bogus"], "không nhận ra các đối số: --bogus", "unrecognized arguments: --bogus"),
            (["test", "x.cqdt", "--fail-under", "abc"], "đối số --fail-under: cần một tỷ lệ phần trăm 0..100",
             "argument --fail-under: expected a percentage 0..100")]


@pytest.mark.parametrize("words, vietnamese, english", MISTAKES, ids=lambda v: v[0] if isinstance(v, list) else None)
def test_a_command_line_argparse_refuses_is_told_in_the_chosen_language(
        words: list[str], vietnamese: str, english: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CQDT_LANG", raising=False)
    with pytest.raises(SystemExit) as exit_vi:
        main(words)
    err = capsys.readouterr().err
    assert exit_vi.value.code == 2 and "cách dùng: cqdt" in err and f"cqdt: lỗi: {vietnamese}" in err
    assert "usage:" not in err and english not in err
    for flag in (["--lang", "en"], ["--lang=en"]):
        with pytest.raises(SystemExit) as exit_en:
            main(words + flag)
        err = capsys.readouterr().err
        assert exit_en.value.code == 2 and "usage: cqdt" in err and f"cqdt: error: {english}" in err
