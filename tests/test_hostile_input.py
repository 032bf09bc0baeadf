"""Messy and hostile input is refused with a positioned error, or read right; never a traceback, never a
silently wrong score (issue: hostile and messy input). Security cases are in test_security.py."""

from __future__ import annotations

import decimal
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_many
from cqdt_rules.errors import DataError, Diagnostic, RulesetError, Span, render
from cqdt_rules.model.numbers import NumberError, checked, from_float, read_number
from cqdt_rules.model.units import Assessment

HEADER = 'ruleset t {\n  title "Thử"\n  version "1"\n  status hypothetical\n  years 2022..2022\n  rounding 3\n  on_zero_denominator 0\n}\n'


def ruleset(declaration: str, rule: str, maximum: str = "10", extra: str = "") -> str:
    return (HEADER + f'tier xa "Xã" max {maximum} {{\n  criterion A "Tiêu chí" max {maximum} {{\n    {declaration}\n'
            f'    {rule}\n    {extra}\n    provenance hypothetical "thử"\n  }}\n}}\n')


PAIR = ruleset('input p pair "a / b"', "bands p { >= 50% -> full  else -> 0 }")
RATIO = ruleset('input p pair "a / b"', "ratio p")


def unit(values: dict[str, object], code: str = "X1") -> Assessment:
    return Assessment(code, f"Xã {code}", "xa", 2022, "self", values, {})


def score_one(text: str, values: dict[str, object]) -> Decimal:
    return api.score(api.load_text(text), [unit(values)]).units[0].total


# ---------------------------------------------------------------- numbers read from data
@pytest.mark.parametrize("pair", [["NaN", "NaN"], ["Infinity", "Infinity"], ["1", "1e999999999"], ["0", "1e-999999999"],
                                  ["1", "-Infinity"], ["sNaN", "1"], ["1", "1" + "0" * 5000]])
def test_a_pair_with_a_non_finite_or_huge_part_is_refused(pair: list[str]) -> None:
    with pytest.raises(DataError) as error:
        score_one(PAIR, {"p": pair})
    assert "pair" in str(error.value)


def test_a_pair_part_of_15_digits_is_read_and_one_more_digit_is_refused() -> None:
    assert score_one(RATIO, {"p": ["499999999999999", "999999999999999"]}) == Decimal("5.000")
    with pytest.raises(DataError, match="too large"):
        score_one(RATIO, {"p": ["1", "1000000000000000"]})


@pytest.mark.parametrize("text", ["1_0", "2_022", "١٢", "１２", "0x10", "1e", "--1", "12%", "Infinity", "nan"])
def test_text_python_would_read_as_a_number_but_a_person_would_not_is_refused(text: str) -> None:
    with pytest.raises(NumberError):
        read_number(text)


def test_minus_zero_is_read_as_zero_and_digit_groups_may_be_spaced() -> None:
    assert str(read_number("-0")) == "0"
    assert str(read_number("-0.000")) == "0.000"
    assert read_number("1 000 000") == 1000000
    assert read_number("1.500000000000000000") == Decimal("1.5")  # trailing zeros are not decimals
    with pytest.raises(NumberError, match="decimals"):
        read_number("0.0000000000001")


def test_count_of_1e30_and_fractional_pair_parts_are_refused_unless_a_range_is_declared() -> None:
    counted = ruleset('input n count "Số"', "per_item n each 1")
    with pytest.raises(DataError, match="too large"):
        score_one(counted, {"n": "1e30"})
    with pytest.raises(DataError, match="whole numbers"):
        score_one(RATIO, {"p": ["2.5", "10"]})
    ranged = ruleset('input p pair "a / b" range 0..1000', "ratio p")
    assert score_one(ranged, {"p": ["2.5", "10"]}) == Decimal("2.500")


def test_a_year_written_with_an_underscore_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "units.yaml"
    data.write_text("units:\n  - {code: X1, name: Xã, tier: xa, year: 2_022, source: self, values: {p: [1, 2]}}\n",
                    encoding="utf-8")
    with pytest.raises(DataError, match="year"):
        api.load_assessments(data)


# ---------------------------------------------------------------- the engine's own arithmetic
@pytest.mark.parametrize(("text", "plain"), [("1e3", "1000"), ("2E3", "2000"), ("1.5e2", "150"), ("-4E+1", "-40"),
                                             ("25e-1", "2.5"), ("0e5", "0")])
def test_a_number_written_with_an_exponent_is_read_as_the_plain_number(text: str, plain: str) -> None:
    assert str(read_number(text)) == plain
    spreadsheet = from_float(float(text) * 1e10)  # a spreadsheet's 1E+13 is read plain too
    assert spreadsheet == Decimal(plain) * 10 ** 10 and "E" not in str(spreadsheet)


def test_no_exponent_written_in_csv_data_reaches_an_explanation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_text(RATIO, encoding="utf-8")
    data = tmp_path / "exp.csv"
    data.write_text("code,name,tier,year,source,p.a,p.b\nX1,Xã A,xa,2022,self,1e3,2E3\n", encoding="utf-8")
    assert main(["explain", str(rules), str(data), "--unit", "X1", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "1000/2000" in out and "E+" not in out and "e+" not in out


def test_the_callers_decimal_context_does_not_change_a_result() -> None:
    text = ruleset('input p pair "a / b"', "ratio p", extra="round 12")
    checked = api.load_text(text)
    expected = api.score(checked, [unit({"p": ["1", "3"]})]).units[0].nodes["A"].points
    assert expected == Decimal("3.333333333333")
    with decimal.localcontext(decimal.Context(prec=4, rounding=decimal.ROUND_DOWN)):
        assert api.score(checked, [unit({"p": ["1", "3"]})]).units[0].nodes["A"].points == expected
        assert api.load_text(text).ruleset == checked.ruleset


def test_a_quotient_beyond_28_digits_is_compared_exactly() -> None:
    # 289999999999999 / 10^15 × 100 is 28.9999999999999 %: below 29 %, whatever a 28-digit context would say
    text = ruleset('input p pair "a / b" range 0..999999999999999', "formula if p >= 29% then 1 else 0", maximum="1")
    with decimal.localcontext(decimal.Context(prec=12)):
        assert score_one(text, {"p": ["289999999999999", "999999999999999"]}) == Decimal("0.000")
        assert score_one(text, {"p": ["290000000000000", "999999999999999"]}) == Decimal("1.000")


def test_a_formula_leaving_the_limits_is_a_positioned_error_not_a_traceback() -> None:
    text = ruleset('input x number "x" range 0..100000000000000', "formula x * x * x * x", maximum="10")
    with pytest.raises(DataError) as error:
        score_one(text, {"x": "99999999999999"})
    assert "10^15" in str(error.value) and "A" in str(error.value)


# ---------------------------------------------------------------- numbers in a ruleset
@pytest.mark.parametrize("body, where", [
    ("max " + "9" * 20, "too large"),
    ("max 10.0000000000001", "decimals"),
    pytest.param("max " + "0" * 5000 + "10", "a number of 5,002 characters is longer than any number within the limits",
                 id="5002 characters"),
])
def test_a_ruleset_number_beyond_the_limits_is_a_positioned_error(body: str, where: str) -> None:
    text = HEADER + f'tier xa "Xã" {body} {{\n}}\n'
    with pytest.raises(RulesetError) as error:
        api.load_text(text, "r.cqdt")
    assert where in str(error.value) and "r.cqdt:9:" in str(error.value)


@pytest.mark.parametrize("place", ["rounding", "share", "round"])
def test_a_digit_count_of_5000_digits_is_a_positioned_error(place: str) -> None:
    huge = "9" * 5000
    if place == "rounding":
        text = HEADER.replace("rounding 3", f"rounding {huge}") + 'tier xa "Xã" max 1 {\n}\n'
    elif place == "share":
        text = ruleset('input p yesno "có"', "yes p", extra=f"share {huge}")
    else:
        text = ruleset('input x number "x" range 0..1', f"formula round(x, {huge})")
    with pytest.raises(RulesetError, match="too large"):
        api.load_text(text, "r.cqdt")


def test_unicode_digits_are_not_numbers_in_a_ruleset() -> None:
    with pytest.raises(RulesetError):
        api.load_text(HEADER + 'tier xa "Xã" max １０ {\n}\n')


def test_cli_exits_1_without_traceback_for_a_non_finite_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_text(PAIR, encoding="utf-8")
    data = tmp_path / "u.yaml"
    data.write_text("units:\n  - {code: X1, name: Xã, tier: xa, year: 2022, source: self, values: {p: [Infinity, Infinity]}}\n",
                    encoding="utf-8")
    assert main(["score", str(rules), str(data)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{data}:2:" in err


# ---------------------------------------------------------------- encodings and line ends
def _cp1258(text: str) -> bytes:
    """What Excel's "CSV" writes on a Vietnamese Windows: tones as combining marks after the letter."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            try:
                out += unicodedata.normalize("NFC", parts[:2]).encode("cp1258") + parts[2:].encode("cp1258")
            except UnicodeEncodeError:
                out += parts.encode("cp1258")
    return bytes(out)


CSV_ROWS = "code,name,tier,year,source,p.a,p.b\nX1,Xã Tây Sơn,xa,2022,self,1,2\n"


def test_a_windows_1258_csv_is_named_and_can_be_read_with_a_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_text(RATIO, encoding="utf-8")
    data = tmp_path / "ansi.csv"
    data.write_bytes(_cp1258(CSV_ROWS))
    with pytest.raises(DataError, match="Windows-1258"):
        api.load_assessments(data)
    assert main(["score", str(rules), str(data)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "Windows-1258" in err and "--encoding cp1258" in err and f"{data}:2:" in err
    assert main(["score", str(rules), str(data), "--encoding", "cp1258", "--format", "csv"]) == 0
    assert "Xã Tây Sơn" in capsys.readouterr().out
    assert api.load_assessments(data, encoding="cp1258")[0].name == "Xã Tây Sơn"


@pytest.mark.parametrize("suffix", [".csv", ".yaml"])
def test_utf8_read_as_windows_1258_is_refused_and_a_utf8_bom_always_means_utf8(tmp_path: Path, suffix: str) -> None:
    text = CSV_ROWS if suffix == ".csv" else (
        "units:\n  - {code: X1, name: Xã Tây Sơn, tier: xa, year: 2022, source: self, values: {p: [1, 2]}}\n")
    plain, marked = tmp_path / f"plain{suffix}", tmp_path / f"bom{suffix}"
    plain.write_text(text, encoding="utf-8")
    marked.write_text(text, encoding="utf-8-sig")
    with pytest.raises(DataError) as error:
        api.load_assessments(plain, encoding="cp1258")
    (only,) = error.value.diagnostics
    assert only.message == "the file is UTF-8 text, not Windows-1258 (line 2 is UTF-8)" and only.span.line == 2
    assert api.load_assessments(marked, encoding="cp1258")[0].name == "Xã Tây Sơn"
    assert list(load_many([plain, marked])) and api.load_assessments(tmp_path / f"bom{suffix}")[0].name == "Xã Tây Sơn"


def test_a_ruleset_that_is_not_utf8_is_a_positioned_ruleset_error(tmp_path: Path) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_bytes(_cp1258(RATIO))
    with pytest.raises(RulesetError, match="not UTF-8") as error:
        api.load(rules)
    assert f"{rules}:2:" in error.value.render()


def test_a_ruleset_with_a_bom_and_old_mac_line_ends_reads_with_true_positions(tmp_path: Path) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_bytes(b"\xef\xbb\xbf" + RATIO.replace("\n", "\r").encode("utf-8"))
    assert api.load(rules).ruleset.id == "t"
    rules.write_bytes(b"\xef\xbb\xbf" + RATIO.replace("ratio p", "ratio q").replace("\n", "\r").encode("utf-8"))
    with pytest.raises(RulesetError) as error:
        api.load(rules)
    assert f"{rules}:12:" in error.value.render()


# ---------------------------------------------------------------- unit codes and names
def test_near_duplicate_codes_are_one_unit_and_case_only_differences_are_refused() -> None:
    checked = api.load_text(RATIO)
    for twin in ("SO01 ", "SO01\u200b", "ＳＯ０１", "\ufeffSO01"):
        with pytest.raises(DataError, match="appears twice"):
            api.score(checked, [unit({"p": ["1", "2"]}, "SO01"), unit({"p": ["1", "2"]}, twin)])
    with pytest.raises(DataError, match="only in letter case"):
        api.score(checked, [unit({"p": ["1", "2"]}, "SO01"), unit({"p": ["1", "2"]}, "so01")])
    assert api.score(checked, [unit({"p": ["1", "2"]}, " ＳＯ０１\u200b")]).units[0].code == "SO01"


def test_a_yaml_name_or_code_that_is_a_list_or_mapping_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "u.yaml"
    data.write_text("units:\n  - {code: [X1, X2], name: {a: b}, tier: xa, year: 2022, source: self}\n", encoding="utf-8")
    with pytest.raises(DataError, match="expected one value for 'code', got a list") as error:
        api.load_assessments(data)
    assert "Node" not in error.value.render()


# ---------------------------------------------------------------- exhaustion
@pytest.mark.parametrize("text", ["[" * 100_000, "units:\n" + "  " * 600 + "- x\n", "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))])
def test_yaml_nested_past_the_limit_is_refused_before_the_parser_sees_it(tmp_path: Path, text: str) -> None:
    data = tmp_path / "deep.yaml"
    data.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="deep"):
        api.load_assessments(data)


@pytest.mark.parametrize("shape", ["groups", "formula", "if", "best_of"])
def test_a_ruleset_nested_past_the_limit_is_a_positioned_error_naming_it(shape: str) -> None:
    n = 420
    if shape == "groups":
        body = ("tier xa \"X\" max 1 {\n" + "".join(f'group G{i} "g" max 1 {{\n' for i in range(n))
                + 'criterion C "c" max 1 { input x yesno "x"\n yes x\n provenance hypothetical "t" }\n' + "}\n" * (n + 1))
    else:
        expr = " + ".join(["x"] * 500)
        if shape == "if":
            expr = "x"
            for _ in range(n):
                expr = f"if x > 0 then {expr} else 0"
        rule = f"formula {expr}"
        if shape == "best_of":
            rule = "formula x"
            for _ in range(n):
                rule = f"best_of {{ {rule} formula x }}"
        body = ruleset('input x number "x" range 0..1', rule, maximum="1")[len(HEADER):]
    with pytest.raises(RulesetError, match="more than 100 levels") as error:
        api.load_text(HEADER + body, "deep.cqdt")
    assert error.value.diagnostics[0].span.line > 1


def test_a_ruleset_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from cqdt_rules.engine.loading import MAX_RULESET_BYTES

    big = tmp_path / "big.cqdt"
    big.write_text(RATIO + "#" * (MAX_RULESET_BYTES - len(RATIO.encode("utf-8"))) + "\n", encoding="utf-8")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    assert main(["check", str(big), "--lang", "vi"]) == 1
    err = capsys.readouterr().err
    assert f"{big}: lỗi: tệp có 1.048.577 byte, vượt mức tối đa 1.048.576 byte của một tệp bộ tiêu chí" in err
    assert "Traceback" not in err


def test_running_out_of_memory_is_said_in_the_runs_language(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    def exhausted(*args: object, **options: object) -> None:
        raise MemoryError

    monkeypatch.setattr("cqdt_rules.engine.loading.load", exhausted)
    assert main(["check", "r.cqdt", "--lang", "vi"]) == 1
    assert "quá lớn so với bộ nhớ của máy tính này" in capsys.readouterr().err


def test_a_one_line_ruleset_with_thousands_of_errors_prints_a_bounded_excerpt_per_error() -> None:
    line = " ".join(f'tier t{i} "T" max 1 {{ }}' for i in range(4000)) + " tier t0 \"T\" max 1 { }"
    with pytest.raises(RulesetError) as error:
        api.load_text(HEADER + line, "one.cqdt")
    rendered = error.value.render()
    longest = max(len(text) for text in rendered.split("\n"))
    assert longest < 400 and len(rendered) < 500 * len(error.value.diagnostics)


def test_a_huge_value_in_a_message_is_shown_cut(tmp_path: Path) -> None:
    data = tmp_path / "u.yaml"
    data.write_text("units:\n  - {code: X1, name: Xã, tier: xa, year: 2022, source: self, values: {p: '" + "x" * 100_000 + "'}}\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as error:
        api.score(api.load_text(PAIR), api.load_assessments(data))
    assert len(error.value.render()) < 2000


def test_a_huge_value_cut_in_a_message_says_its_length_in_the_run_language(tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_text(PAIR, encoding="utf-8")
    data = tmp_path / "u.yaml"
    data.write_text("units:\n  - {code: X1, name: Xã, tier: xa, year: 2022, source: self, values: {p: ['1', '0." + "0" * 3000
                    + "']}}\n", encoding="utf-8")
    assert main(["score", str(rules), str(data), "--lang", "vi"]) == 1
    err = capsys.readouterr().err
    assert "characters" not in err and "… (3.004 ký tự)" in err
    assert main(["score", str(rules), str(data), "--lang", "en"]) == 1
    assert "… (3,004 characters)" in capsys.readouterr().err


def test_a_message_cut_at_its_width_says_its_length_in_the_run_language() -> None:
    message = Diagnostic(Span("u.csv", 1, 1, 1, 2), "x" * 1500)
    assert render(message, lang="vi").startswith("u.csv:1:1: lỗi: " + "x" * 1000 + "… (1.500 ký tự)")
    assert "… (1,500 characters)" in render(message, lang="en")


# ---------------------------------------------------------------- the command line
def test_an_empty_input_is_refused_not_scored_as_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_text(RATIO, encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["score", str(rules), str(empty), "--lang", "en"]) == 2  # the wrong folder: a usage error
    assert f"no assessments in {empty}" in capsys.readouterr().err
    (empty / "u.yaml").write_text("units: []\n", encoding="utf-8")
    assert main(["score", str(rules), str(empty / "u.yaml"), "--lang", "en"]) == 1
    assert "no assessments in this file" in capsys.readouterr().err


def test_report_out_naming_an_existing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_text(RATIO, encoding="utf-8")
    data = tmp_path / "u.csv"
    data.write_text(CSV_ROWS, encoding="utf-8")
    taken = tmp_path / "taken.txt"
    taken.write_text("x", encoding="utf-8")
    assert main(["report", str(rules), str(data), "--out", str(taken), "--formats", "md"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert main(["score", str(rules), str(data), "--out", str(taken / "x.csv"), "--format", "csv"]) == 2


# ---------------------------------------------------------------- parents
DISTRICT_RANKED = (HEADER + 'tier huyen "Huyện" max 10 {\n  criterion A "T" max 10 {\n    input p pair "a / b"\n    ratio p\n'
                   '    provenance hypothetical "t"\n  }\n}\n'
                   'tier xa "Xã" max 10 {\n  ranking huyen "Trong huyện" by total descending within district\n'
                   '  criterion A "T" max 10 {\n    input p pair "a / b"\n    ratio p\n    provenance hypothetical "t"\n  }\n}\n'
                   'tier so "Sở" max 10 {\n  criterion A "T" max 10 {\n    input p pair "a / b"\n    ratio p\n'
                   '    provenance hypothetical "t"\n  }\n}\n')


def _unit(code: str, tier: str, parent: str | None = None) -> Assessment:
    return Assessment(code, f"Đơn vị {code}", tier, 2022, "self", {"p": ["1", "2"]}, {}, parent=parent)


ENGINES = ["scalar", "batch"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("parent, message", [("6222", "did you mean '622'"), (" 622x", "is not a unit"),
                                             ("X1", "names itself"), ("X2", "its own tier"), ("SO01", "tier 'so'")])
def test_a_parent_that_names_no_district_is_an_error_with_the_nearest_code(parent: str, message: str, engine: str) -> None:
    checked = api.load_text(DISTRICT_RANKED)
    units = [_unit("622", "huyen"), _unit("623", "huyen"), _unit("SO01", "so"), _unit("X2", "xa", "622"),
             _unit("X3", "xa", "623"), _unit("X1", "xa", parent)]
    with pytest.raises(DataError) as error:
        api.score(checked, units, engine=engine)
    assert message in error.value.render()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_file_of_communes_alone_is_scored_with_a_warning_naming_the_unchecked_parents(engine: str) -> None:
    checked = api.load_text(DISTRICT_RANKED)
    results = api.score(checked, [_unit("X1", "xa", "622"), _unit("X2", "xa", "6222")], engine=engine)
    assert len(results) == 2
    (warning,) = results.warnings
    assert warning.severity == "warning" and "622, 6222" in warning.message
    with pytest.raises(DataError, match="did you mean '622'"):
        api.score(checked, [_unit("X1", "xa", "622"), _unit("X2", "xa", "6222")], unit_list={"622": "huyen", "623": "huyen"},
                  engine=engine)


def test_cli_checks_parents_against_a_unit_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "r.cqdt"
    rules.write_text(DISTRICT_RANKED, encoding="utf-8")
    data = tmp_path / "xa.csv"
    data.write_text("code,name,tier,parent,year,source,p.a,p.b\nX1,Xã Một,xa,622,2022,self,1,2\n"
                    "X2,Xã Hai,xa,6222,2022,self,1,2\n", encoding="utf-8")
    units = tmp_path / "units.csv"
    units.write_text("tier,code,name,parent\nhuyen,622,Huyện,\nxa,X1,Xã Một,622\n", encoding="utf-8")
    assert main(["score", str(rules), str(data), "--lang", "en"]) == 0
    assert "could not be checked: 622, 6222" in capsys.readouterr().err
    assert main(["score", str(rules), str(data), "--lang", "vi"]) == 0
    assert "không kiểm tra được đơn vị cấp trên (parent) của 2 đơn vị: 622, 6222" in capsys.readouterr().err
    assert main(["score", str(rules), str(data), "--units", str(units)]) == 1
    assert f"{data}:3:" in capsys.readouterr().err


# ---------------------------------------------------------------- Excel forms
def _form(tmp_path: Path) -> tuple[Path, api.CheckedRuleset]:
    import openpyxl

    from cqdt_rules.data.workbook import write_template

    text = ruleset('input t percent "Tỷ lệ (%)"', "ratio t")
    checked = api.load_text(text)
    path = write_template(checked.ruleset, "xa", tmp_path / "form.xlsx", year=2022)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["D5"], sheet["D6"] = "X1", "Xã Một"
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(row=r, column=2).value == "t")
    sheet.cell(row=row, column=4, value=0.57).number_format = "0%"  # typed as 57 % in Excel
    book.save(path)
    return path, checked


def test_a_percent_cell_of_an_excel_form_reads_as_the_percentage_it_shows(tmp_path: Path) -> None:
    path, checked = _form(tmp_path)
    (unit,) = api.load_assessments(path)
    assert unit.values["t"] == Decimal("57")
    assert api.score(checked, [unit]).units[0].total == Decimal("5.700")


@pytest.mark.parametrize("damage", ["identity", "indicator", "sheet", "range"])
def test_a_damaged_hidden_sheet_is_a_data_error_not_a_traceback(tmp_path: Path, damage: str) -> None:
    import openpyxl

    from cqdt_rules.data.workbook import META_SHEET

    path, _ = _form(tmp_path)
    book = openpyxl.load_workbook(path)
    meta = book[META_SHEET]
    for row in meta.iter_rows():
        key, value = row[0], row[1]
        if damage == "identity" and key.value == "identity":
            value.value = '{"code": 5, "name": ["x"]}'
        elif damage == "indicator" and key.value == "indicator":
            value.value = '{"name": 1, "kind": "pair", "row": "x"}'
        elif damage == "sheet" and key.value == "sheet":
            value.value = 12
        elif damage == "range" and key.value == "indicator":
            value.value = '{"name": "t", "kind": "percent", "range": [{"a": 1}, "1e999"]}'
    book.save(path)
    with pytest.raises(DataError, match="hidden"):
        api.load_assessments(path)


def test_a_data_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cqdt_rules.data import readers

    data = tmp_path / "big.csv"
    data.write_text(CSV_ROWS + "X2,Xã Hai,xa,2022,self,1,2\n" * 50, encoding="utf-8")
    monkeypatch.setattr(readers, "MAX_DATA_BYTES", 1000)
    with pytest.raises(DataError, match="more than the 1,000 a data file may have"):
        api.load_assessments(data)


def test_a_formula_near_zero_from_below_is_shown_as_zero_not_minus_zero() -> None:
    text = ruleset('input x number "x" range -1..1', "formula x * 0 - x / 10000", maximum="1")
    checked = api.load_text(text)
    for value in ("0", "0.004"):
        result = api.score(checked, [unit({"x": value})]).units[0]
        assert str(result.nodes["A"].points) == "0.000" and str(result.total) == "0.000"


def test_a_csv_whose_first_cell_opens_a_quote_that_spans_records_is_a_positioned_error(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "examples" / "gialai" / "egov-2022-audit-xa.csv"
    data = tmp_path / "q.csv"
    data.write_text('"' + "\n".join(sample.read_text(encoding="utf-8").split("\n")[:5]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        api.load_assessments(data)
    assert all(d.span.line >= 1 for d in error.value.diagnostics)


def test_a_header_ending_with_a_comma_is_one_error_at_the_nameless_column(tmp_path: Path) -> None:
    data = tmp_path / "trailing.csv"
    data.write_text("code,name,tier,year,source,p.a,p.b,\nX1,Xã A,xa,2022,self,1,2,\nX2,Xã B,xa,2022,self,1,2,\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as error:
        api.score(api.load_text(RATIO), api.load_assessments(data))
    (only,) = error.value.diagnostics
    assert (only.span.line, only.span.column) == (1, 36) and only.message == "column 8 of the header has no name"
    assert only.hint and "comma" in only.hint


def test_a_value_given_both_as_a_column_and_as_pair_columns_is_one_error_at_the_header(tmp_path: Path) -> None:
    data = tmp_path / "both.csv"
    data.write_text("code,name,tier,year,source,q,p.a,p.b,q.a,q.b\nX1,Xã A,xa,2022,self,1,1,2,1,2\n"
                    "X2,Xã B,xa,2022,self,1,1,2,1,2\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        api.load_assessments(data)
    (only,) = error.value.diagnostics
    assert (only.span.line, only.span.column) == (1, 38) and "'q' is given both in column 'q'" in only.message


@pytest.mark.parametrize(("written", "message"), [
    (CSV_ROWS.replace(",", ";").encode(), "the header's cells are separated by semicolons, not by commas"),
    (CSV_ROWS.replace(",", "\t").encode(), "the header's cells are separated by tabs, not by commas"),
    (CSV_ROWS.encode("utf-16-le"), "the file looks like UTF-16 text (every other byte is zero)")])
def test_a_csv_header_that_cannot_be_read_says_why_once(tmp_path: Path, written: bytes, message: str) -> None:
    data = tmp_path / "u.csv"
    data.write_bytes(written)
    with pytest.raises(DataError) as error:
        api.load_assessments(data)
    (only,) = error.value.diagnostics
    assert only.message == message and only.hint and "Comma delimited" in only.hint


def test_a_csv_file_of_a_header_alone_gets_a_csv_hint(tmp_path: Path) -> None:
    data = tmp_path / "u.csv"
    data.write_text(CSV_ROWS.split("\n")[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError) as error:
        load_many([data])
    (only,) = error.value.diagnostics
    assert only.message == "no assessments in this file" and only.hint == "expected a header row and at least one row of data under it"


def test_a_hidden_sheet_that_lost_the_code_cell_is_a_data_error(tmp_path: Path) -> None:
    import openpyxl

    from cqdt_rules.data.workbook import META_SHEET

    path, _ = _form(tmp_path)
    book = openpyxl.load_workbook(path)
    for key, value in book[META_SHEET].iter_rows():
        if key.value == "identity":
            value.value = '{"name": "D6", "year": "D9"}'
    book.save(path)
    with pytest.raises(DataError, match="hidden"):
        api.load_assessments(path)


def test_sums_of_unrounded_quotients_keep_sixty_digits_as_the_reference_does() -> None:
    """Found by the long fuzz profile: with the header's rounding removed, a group sums quotients of 60
    digits; the engine keeps 60 (docs/language.md, "Arithmetic"), whatever the caller's 28-digit context."""
    import reference

    root = Path(__file__).resolve().parent.parent
    text = (root / "rulesets/2023_dts/dti.cqdt").read_text(encoding="utf-8").replace("  rounding 3 half_up\n", "", 1)
    checked = api.load_text(text, "unrounded.cqdt")
    units = [u for u in api.load_assessments(root / "examples/gialai/dti-2023-self.yaml") if u.tier == "huyen"][:4]
    expected = reference.reference_scores(checked.ruleset, units)
    for unit in api.score(checked, units):
        assert dict(unit.nodes.items()) and {k: r.points for k, r in unit.nodes.items()} == expected[unit.assessment.key].points
    assert len(api.score(checked, units[:1]).units[0].points("8").as_tuple().digits) > 28


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"\A[0-9]{0,17}\.[0-9]{0,15}\Z") | st.from_regex(r"\A[0-9]{0,3}\.?[0-9]{0,3}\Z"))
def test_a_plain_decimal_is_read_as_the_whole_check_reads_it(text: str) -> None:
    """Digits, a point and digits are read at once when within the limits as written: the same number, written the
    same, as the whole check (``checked``) gives, and refused where it refuses."""
    try:
        expected = str(checked(Decimal(text)))
    except (NumberError, decimal.InvalidOperation):
        expected = "refused"
    try:
        got = str(read_number(text))
    except NumberError:
        got = "refused"
    assert got == expected
