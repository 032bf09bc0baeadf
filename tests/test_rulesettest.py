"""Ruleset tests (*.tests.yaml): reading, running, coverage, `cqdt test` and the pytest plugin."""

from __future__ import annotations

import subprocess
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from pytest_run import run_pytest

from cqdt_rules import api
from cqdt_rules.authoring.rulesettest import (
    TestFileError,
    default_test_path,
    format_coverage,
    format_report,
    load_tests_text,
    measure_coverage,
    ruleset_for,
    run_case,
    run_file,
    run_tests,
)
from cqdt_rules.cli.main import main

ROOT = Path(__file__).resolve().parent.parent

MINI = textwrap.dedent("""\
    ruleset mini {
      title "Mini"
      version "1"
      status hypothetical
      years 2020..2030
      rounding 3 half_up
      on_zero_denominator 0
      on_missing_evidence zero
    }
    levels muc "Mức" {
      I "Mức I" >= 80% requires points(B) >= 100%
      II "Mức II" >= 50%
      below "Không xếp hạng"
    }
    ranking khoi "Khối" by total
    tier xa "Xã" max 10 {
      group A "A" max 6 {
        provenance hypothetical "x"
        criterion A1 "Có" max 2 {
          input co yesno "Có"
          yes co
          provenance hypothetical "x"
        }
        criterion A2 "Tỷ lệ" max 4 {
          input tl pair "Tỷ lệ" evidence "Danh sách"
          bands tl { >= 80% -> 4  >= 50% -> 2  else -> 0 }
          provenance hypothetical "x"
        }
      }
      criterion B "Loại" max 4 {
        input loai category(tot, kha, kem) "Loại"
        input diem number "Điểm" range 0..4
        best_of {
          category loai { tot -> full  kha -> 2  else -> 0 }
          formula diem
        }
        provenance hypothetical "x"
      }
    }
    """)

BASES = textwrap.dedent("""\
    year: 2024
    bases:
      full:
        tier: xa
        values: {co: có, tl: 8/10, loai: tot, diem: 0}
    """)


@pytest.fixture(scope="module")
def mini() -> api.CheckedRuleset:
    return api.load_text(MINI, "mini.cqdt")


def _tests(checked: api.CheckedRuleset, cases: str, head: str = BASES):
    return load_tests_text(head + "cases:\n" + textwrap.indent(textwrap.dedent(cases), "  "), checked, "mini.tests.yaml")


def _run(checked: api.CheckedRuleset, cases: str, head: str = BASES):
    return run_tests(checked, _tests(checked, cases, head))


# ---------------------------------------------------------------- the shipped rulesets
@pytest.mark.parametrize("ruleset", ["rulesets/2020/egov.cqdt", "rulesets/2023_dts/dti.cqdt",
                                     "tests/rulesets/dti_922_direct.cqdt"])
def test_shipped_ruleset_tests_pass_and_exercise_everything(ruleset: str) -> None:
    report = run_file(ROOT / ruleset)
    assert [c.case.name for c in report.failed] == []
    assert report.coverage.missed == ()
    assert report.coverage.percent == Decimal(100)
    assert report.ok


def test_the_published_2020_facts_are_ruleset_tests() -> None:
    """118,348 → I; 100,32 → III; 154,603 → II; 135,815 → IV; 64,999 of 100 → not ranked."""
    checked = api.load(ROOT / "rulesets/2020/egov.cqdt")
    tests = run_file(ROOT / "rulesets/2020/egov.cqdt").tests
    found = {(case.tier, u.expected.total[0], u.expected.levels[0][1])
             for case in tests.cases for u in case.units if u.expected.total and u.expected.levels}
    assert {("so", Decimal("118.348"), "I"), ("so", Decimal("100.32"), "III"), ("huyen", Decimal("154.603"), "II"),
            ("huyen", Decimal("135.815"), "IV"), ("xa", Decimal("64.999"), None)} <= found
    assert checked.ruleset.id == "egov_2020"


def test_da_nang_2022_reproduces_the_published_dti() -> None:
    report = run_file(ROOT / "tests/rulesets/dti_922_direct.cqdt")
    case = next(c for c in report.cases if c.case.name.startswith("Đà Nẵng"))
    assert case.passed
    unit = case.results.units[0]
    assert unit.total == Decimal("800.175")
    assert unit.outputs["dti"] == Decimal("0.8002")


def test_every_rule_kind_of_the_dti_is_exercised() -> None:
    report = run_file(ROOT / "rulesets/2023_dts/dti.cqdt")
    kinds = {type(n.rule).__name__ for t in report.checked.ruleset.tiers for n in t.walk() if n.rule is not None}
    assert kinds == {"BandsRule", "RatioRule", "YesRule", "CategoryRule", "InformationalRule", "DirectRule",
                     "NormalisedRule"}
    assert report.coverage.percent == 100


# ---------------------------------------------------------------- running cases
def test_a_passing_case(mini) -> None:
    report = _run(mini, """\
        - name: all full
          tier: xa
          unit: {base: full}
          expect: {points: {A1: 2, A2: 4, A: 6, B: 4}, total: 10, level: I, rank: 1}
        """)
    assert report.ok and not report.failed


def test_a_wrong_expectation_is_reported_with_its_position(mini) -> None:
    report = _run(mini, """\
        - name: wrong
          tier: xa
          unit: {base: full, values: {tl: 5/10}}
          expect:
            points: {A2: 4}
            total: 10
            level: I
        """)
    (outcome,) = report.failed
    text = outcome.describe()
    # A2 5/10 = 50 % → 2; total 2 + 2 + 4 = 8 ≥ 80 % but B = 4 is full, so Mức I holds
    assert "mini.tests.yaml:11:20: points of A2: expected 4, got 2.000 (5/10 ≥ 50% → 2)" in text
    assert "mini.tests.yaml:12:14: total: expected 10, got 8.000" in text
    assert "level" not in text
    assert not report.ok
    vietnamese = outcome.describe("vi")  # as `cqdt test` prints it in Vietnamese: words and numbers
    assert "mini.tests.yaml:11:20: điểm của A2: cần 4, nhận được 2,000 (5/10 ≥ 50% → 2)" in vietnamese
    assert "mini.tests.yaml:12:14: tổng điểm: cần 10, nhận được 8,000" in vietnamese
    printed = format_report(report, lang="vi")
    assert "  KHÔNG ĐẠT  wrong  (" in printed and "\n             mini.tests.yaml:12:14: tổng điểm" in printed
    assert "  FAIL  wrong  (" in format_report(report, lang="en")


def test_comparison_is_exact_unless_a_tolerance_is_declared(mini) -> None:
    cases = """\
        - name: ratio
          tier: xa
          {tol}
          unit: {{base: full, values: {{diem: 3.9995, loai: kem}}}}
          expect: {{points: {{B: 3.999}}}}
        """
    assert _run(mini, cases.format(tol="")).failed
    assert not _run(mini, cases.format(tol="tolerance: 0.001")).failed
    assert not _run(mini, cases.format(tol=""), head=BASES + "tolerance: 0.001\n").failed


def test_a_vietnamese_decimal_comma_is_read_as_a_decimal_point(mini) -> None:
    report = _run(mini, """\
        - name: comma
          tier: xa
          unit: {base: full, values: {diem: "3,5", loai: kem}}
          expect: {points: {B: "3,5"}, total: "9,5"}
        """)
    assert report.failed  # the value '3,5' is data: the data files take a decimal point only
    report = _run(mini, """\
        - name: comma
          tier: xa
          unit: {base: full, values: {diem: 3.5, loai: kem}}
          expect:
            points: {B: "3,5"}
            total: 9,5
        """)
    assert not report.failed


def test_an_expected_error_passes_only_when_the_data_is_refused_with_that_text(mini) -> None:
    report = _run(mini, """\
        - name: refused
          tier: xa
          unit: {base: full, values: {tl: 11/10}}
          error: "greater than b"
        - name: refused with another message
          tier: xa
          unit: {base: full, values: {tl: 11/10}}
          error: "no such message"
        - name: not refused
          tier: xa
          unit: {base: full}
          error: "greater than b"
        - name: refused, the message as a Vietnamese run shows it
          tier: xa
          unit: {base: full, values: {tl: 11/10}}
          error: "a = 11 lớn hơn b = 10"
        - name: refused with another Vietnamese message
          tier: xa
          unit: {base: full, values: {tl: 11/10}}
          error: "a = 11 nhỏ hơn b = 10"
        """)
    assert [c.case.name for c in report.failed] == ["refused with another message", "not refused",
                                                     "refused with another Vietnamese message"]


def test_refused_data_fails_the_case_and_points_into_the_test_file(mini) -> None:
    report = _run(mini, """\
        - name: bad data
          tier: xa
          unit: {base: full, values: {tl: 11/10}}
          expect: {total: 10}
        """)
    (outcome,) = report.failed
    assert "the data was refused" in outcome.describe()
    assert "mini.tests.yaml:9:37: error: unit 'UNIT', 'tl': a = 11 is greater than b = 10" in outcome.describe()
    vietnamese = outcome.describe("vi")  # the data's errors too, in the language of the run
    assert vietnamese.startswith("dữ liệu bị từ chối:\nmini.tests.yaml:9:37: lỗi: đơn vị 'UNIT', 'tl': a = 11 ")
    assert "error" not in vietnamese and "greater" not in vietnamese


def test_a_cohort_checks_ranks_and_each_unit(mini) -> None:
    report = _run(mini, """\
        - name: cohort
          tier: xa
          cohort:
            - {code: X1, base: full, expect: {total: 10, rank: 1}}
            - {code: X2, base: full, values: {co: không}, expect: {total: 8, rank: 2}}
            - {code: X3, base: full, values: {co: không}, expect: {total: 8, rank: 3}}
        """)
    (outcome,) = report.failed
    assert "unit X3: rank (khoi): expected 3, got 2 of 3" in outcome.describe()
    assert "đơn vị X3: hạng (khoi): cần 3, nhận được 2 trên 3 (giá trị 8,000)" in outcome.describe("vi")


def test_missing_evidence_and_flags(mini) -> None:
    report = _run(mini, """\
        - name: no list
          tier: xa
          unit: {base: full, missing_evidence: [tl]}
          expect: {points: {A2: 0}, flags: {A2: [missing evidence]}, total: 6}
        """)
    assert not report.failed


def test_null_leaves_a_value_out(mini) -> None:
    report = _run(mini, """\
        - name: no value
          tier: xa
          unit: {base: full, values: {co: ~}}
          error: "has no value for 'co'"
        """)
    assert not report.failed


# ---------------------------------------------------------------- invalid test files
def test_an_invalid_test_file_lists_every_problem_with_its_position(mini) -> None:
    with pytest.raises(TestFileError) as caught:
        _tests(mini, """\
            - name: one
              tier: xa
              unit: {base: ful}
              expect: {pionts: {A1: 2}}
            - name: two
              tier: huyn
              unit: {base: full}
              expect: {total: 10}
            - tier: xa
              unit: {base: full}
              expect: {total: ten, level: III, points: {A9: 1}, rank: 0}
            """)
    text = caught.value.render()
    for expected in (
        "mini.tests.yaml:9:18: error: no base named 'ful'", "hint: did you mean 'full'?",
        "mini.tests.yaml:10:14: error: unknown key 'pionts' in 'expect'", "hint: did you mean 'points'?",
        "mini.tests.yaml:12:11: error: ruleset 'mini' has no tier 'huyn'", "hint: tiers: xa",
        "mini.tests.yaml:15:5: error: a case has no 'name'",
    ):
        assert expected in text, expected
    assert len(caught.value.diagnostics) >= 4
    positions = [(d.span.line, d.span.column) for d in caught.value.diagnostics]
    assert positions == sorted(positions)


def test_expectations_are_checked_against_the_ruleset(mini) -> None:
    with pytest.raises(TestFileError) as caught:
        _tests(mini, """\
            - name: one
              tier: xa
              unit: {base: full}
              expect: {total: ten, level: III, points: {A9: 1}, rank: 0, outputs: {dti: 1}}
            """)
    text = caught.value.render()
    assert "expected a number for 'total', got 'ten'" in text
    assert "scale 'muc' has no level 'III'" in text
    assert "tier 'xa' has no node 'A9'" in text
    assert "expected a rank position (1, 2, ...)" in text
    assert "tier 'xa' has no output 'dti'" in text


def test_a_base_built_on_itself_is_an_error(mini) -> None:
    head = "bases:\n  a: {base: b, tier: xa}\n  b: {base: a}\n"
    with pytest.raises(TestFileError, match=r"base 'a' is based on itself \(a → b → a\)"):
        _tests(mini, "- {name: x, tier: xa, unit: {base: a}, expect: {total: 0}}\n", head=head)


def test_yaml_that_does_not_parse_is_reported_with_its_position(mini) -> None:
    with pytest.raises(TestFileError) as caught:
        load_tests_text("cases:\n  - name: [unclosed\n", mini, "bad.tests.yaml")
    assert caught.value.diagnostics[0].span.path == "bad.tests.yaml"
    assert "not valid YAML" in caught.value.render()


@pytest.mark.parametrize(("text", "where", "message", "hint"), [
    ('year: 2024\ncases:\n  - name: "x\n    tier: xa\n', (3, 11),
     "một văn bản mở dấu nháy ở đây nhưng thiếu dấu nháy đóng", "kết thúc văn bản bằng chính dấu nháy"),
    ("year: 2024\ncases:\n  - name: x\n\ttier: xa\n", (4, 1),
     "ký tự tab ở chỗ YAML chỉ cho phép dấu cách", "thụt lề bằng dấu cách"),
    ("cases:\n  - name: x: y\n", (2, 12), "có ': ' bên trong một giá trị không đặt trong dấu nháy", "dấu nháy"),
    ("cases:\n  - name: x\n   tier: xa\n", (3, 4), "dòng này không thụt lề khớp với các dòng phía trên", "cùng số dấu cách"),
])
def test_a_yaml_mistake_is_named_where_it_is_made_with_a_hint(
        mini, text: str, where: tuple[int, int], message: str, hint: str) -> None:
    """Not libyaml's words at the end of the file ('found unexpected end of stream'), but the quote left open."""
    with pytest.raises(TestFileError) as caught:
        load_tests_text(text, mini, "bad.tests.yaml")
    (found,) = caught.value.diagnostics
    assert (found.span.line, found.span.column) == where
    shown = caught.value.render("vi")
    assert f"bad.tests.yaml:{where[0]}:{where[1]}: lỗi: {message}" in shown and hint in shown and "found" not in shown


# ---------------------------------------------------------------- coverage
def test_coverage_names_what_no_case_exercised_with_its_source_line(mini) -> None:
    report = _run(mini, """\
        - name: only A1, yes
          tier: xa
          unit: {base: full}
          expect: {points: {A1: 2}}
        """)
    missed = [str(item) for item in report.coverage.missed]
    assert "mini.cqdt:21:7: tier xa, A1: 'co' = no" in missed
    assert "mini.cqdt:26:31: tier xa, A2: band '>= 50% -> 2'" in missed
    assert "mini.cqdt:24:5: tier xa, A2: criterion A2 (bands)" in missed
    assert any(m.startswith("mini.cqdt:11:3: tier xa: level 'Mức I' (muc)") for m in missed)
    assert any("below every level: 'Không xếp hạng'" in m for m in missed)
    assert "tier xa, A1: 'co' = yes" not in " ".join(missed)
    assert report.coverage.by_kind()["answer"] == (1, 2)
    vietnamese = "\n".join(format_coverage(report.coverage, lang="vi"))  # in a Vietnamese run, in Vietnamese
    assert "mini.cqdt:21:7: khối xa, A1: 'co' = không" in vietnamese
    assert "mini.cqdt:26:31: khối xa, A2: bậc '>= 50% -> 2'" in vietnamese
    assert "khối xa: dưới mọi mức: 'Không xếp hạng' (muc)" in vietnamese
    assert not [word for word in ("tier ", "below", "criterion", "band '", "level '", "= no", "refused")
                if word in vietnamese]


def test_a_criterion_counts_only_when_a_case_states_its_points(mini) -> None:
    report = _run(mini, """\
        - name: total only
          tier: xa
          unit: {base: full}
          expect: {total: 10}
        """)
    assert report.coverage.by_kind()["criterion"] == (0, 3)
    assert report.coverage.by_kind()["band"] == (0, 3)


def test_best_of_coverage_records_the_winning_alternative_and_its_arm(mini) -> None:
    report = _run(mini, """\
        - name: the formula wins
          tier: xa
          unit: {base: full, values: {loai: kha, diem: 3}}
          expect: {points: {B: 3}}
        - name: a tie goes to the first alternative
          tier: xa
          unit: {base: full, values: {loai: tot, diem: 4}}
          expect: {points: {B: 4}}
        """)
    hit = report.coverage.hit
    assert ("xa", "B", "alt", 1) in hit
    assert ("xa", "B", "alt", 0) in hit
    assert ("xa", "B", "alt", 0, "arm", "tot") in hit
    assert ("xa", "B", "alt", 0, "arm", "kha") not in hit  # lost to the formula: not the branch taken
    missed = {item.label for item in report.coverage.missed if item.node_id == "B"}
    assert missed == {"alternative 1: 'loai' = kha -> 2", "alternative 1: 'loai': else -> 0"}


def test_a_level_refused_for_a_prerequisite_is_a_coverage_item(mini) -> None:
    report = _run(mini, """\
        - name: 8 of 10 but B below its maximum
          tier: xa
          unit: {base: full, values: {loai: kha}}
          expect: {level: II, total: 8}
        """)
    assert not report.failed
    # A = 6, B = 2 (kha): 8 ≥ 80 % of 10, but Mức I requires B at 100 %: refused, Mức II
    assert ("xa", None, "requires", "muc", "I") in report.coverage.hit
    assert ("xa", None, "level", "muc", "II") in report.coverage.hit


def test_missing_evidence_reaches_no_band(mini) -> None:
    checked = mini
    tests = _tests(checked, """\
        - name: no list
          tier: xa
          unit: {base: full, missing_evidence: [tl]}
          expect: {points: {A2: 0}}
        """)
    coverage = measure_coverage(checked, [run_case(checked, c) for c in tests.cases])
    assert ("xa", "A2", "criterion") in coverage.hit
    assert not [k for k in coverage.hit if k[1] == "A2" and k[2] in ("band", "else")]


# ---------------------------------------------------------------- finding the files
def test_the_test_file_sits_beside_the_ruleset(tmp_path: Path) -> None:
    assert default_test_path("rulesets/2020/egov.cqdt") == Path("rulesets/2020/egov.tests.yaml")
    (tmp_path / "a.cqdt").write_text(MINI, encoding="utf-8")
    (tmp_path / "a.tests.yaml").write_text("cases: []\n", encoding="utf-8")
    assert ruleset_for(tmp_path / "a.tests.yaml") == tmp_path / "a.cqdt"
    (tmp_path / "other.tests.yaml").write_text("ruleset: a.cqdt\ncases: []\n", encoding="utf-8")
    assert ruleset_for(tmp_path / "other.tests.yaml").resolve() == (tmp_path / "a.cqdt").resolve()
    (tmp_path / "shipped.tests.yaml").write_text("ruleset: egov_2020\ncases: []\n", encoding="utf-8")
    assert ruleset_for(tmp_path / "shipped.tests.yaml").name == "egov.cqdt"


# ---------------------------------------------------------------- `cqdt test`
def _project(tmp_path: Path, cases: str, head: str = BASES) -> Path:
    (tmp_path / "mini.cqdt").write_text(MINI, encoding="utf-8")
    (tmp_path / "mini.tests.yaml").write_text(head + "cases:\n" + textwrap.indent(textwrap.dedent(cases), "  "),
                                              encoding="utf-8")
    return tmp_path / "mini.cqdt"


def test_cli_exits_0_when_every_case_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ruleset = _project(tmp_path, """\
        - name: all full
          tier: xa
          unit: {base: full}
          expect: {points: {A1: 2}, total: 10}
        """)
    assert main(["test", "--lang", "en", str(ruleset)]) == 0
    out = capsys.readouterr().out
    assert "  ok    all full" in out
    assert "1 passed, 0 failed" in out
    assert "coverage: " in out and "not exercised (" in out
    assert "mini.cqdt:26:31: tier xa, A2: band '>= 50% -> 2'" in out


def test_cli_exits_1_and_shows_the_differences_when_a_case_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ruleset = _project(tmp_path, """\
        - name: wrong
          tier: xa
          unit: {base: full}
          expect: {total: 9}
        """)
    assert main(["test", "--lang", "en", str(ruleset)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  wrong" in out
    assert "total: expected 9, got 10.000" in out
    assert "0 passed, 1 failed" in out


def test_cli_exits_1_with_positioned_errors_for_an_invalid_test_file(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    ruleset = _project(tmp_path, """\
        - name: bad
          tier: xa
          unit: {base: full}
          expect: {totl: 9}
        """)
    assert main(["test", "--lang", "en", str(ruleset)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'mini.tests.yaml'}:10:14: error: unknown key 'totl' in 'expect'" in err
    assert "      expect: {totl: 9}" in err  # the source line, then an underline
    assert "hint: did you mean 'total'?" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("raw", "where", "guess"), [
    (b"\xff\xfey\x00e\x00a\x00r\x00", "1:1", "UTF-16"),
    ("year: 2024\ncases:\n  - name: \"S\u01a1\u0309\"\n".encode("cp1258"), "3:13", "Windows-1258"),  # Sở
])
def test_a_test_file_that_is_not_utf8_is_named_with_the_place_and_the_encoding_it_seems_in(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes, where: str, guess: str) -> None:
    """As a ruleset in that state is: the file, the line and column, a guess at its encoding, and a hint."""
    ruleset = _project(tmp_path, "- {name: x, tier: xa, unit: {base: full}, expect: {total: 9}}\n")
    test_file = tmp_path / "mini.tests.yaml"
    test_file.write_bytes(raw)
    assert main(["test", str(ruleset)]) == 1
    err = capsys.readouterr().err
    assert f"{test_file}:{where}: lỗi: tệp không phải văn bản UTF-8" in err and guess in err
    assert "gợi ý: hãy lưu tệp kiểm thử dưới dạng UTF-8" in err and "Traceback" not in err


def test_cli_exits_2_when_there_is_no_test_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mini.cqdt").write_text(MINI, encoding="utf-8")
    assert main(["test", str(tmp_path / "mini.cqdt"), "--lang", "en"]) == 2
    assert "no test file" in capsys.readouterr().err


def test_cli_takes_a_test_file_and_a_coverage_floor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ruleset = _project(tmp_path, """\
        - name: all full
          tier: xa
          unit: {base: full}
          expect: {total: 10}
        """)
    other = tmp_path / "elsewhere.yaml"
    other.write_text((tmp_path / "mini.tests.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["test", "--lang", "en", str(ruleset), str(other), "-q"]) == 0
    assert main(["test", "--lang", "en", str(ruleset), str(other), "--fail-under", "50"]) == 1
    out = capsys.readouterr().out
    assert "is below the required 50%" in out
    assert "ok    all full" in out  # not in the -q run, but in the second


def test_cli_on_the_shipped_rulesets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--lang", "en", str(ROOT / "rulesets/2020/egov.cqdt"), "-q"]) == 0
    assert "coverage: 100.0%" in capsys.readouterr().out
    assert main(["test", "--lang", "en", "dti_2023", "-q"]) == 0
    assert "coverage: 100.0%" in capsys.readouterr().out


# ---------------------------------------------------------------- the pytest plugin
def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_pytest("--rootdir", str(cwd), *args, cwd=cwd)


@pytest.mark.slow  # a whole pytest run in a subprocess each
def test_pytest_collects_each_case_and_shows_the_differences(tmp_path: Path) -> None:
    _project(tmp_path, """\
        - name: passes
          tier: xa
          unit: {base: full}
          expect: {total: 10}
        - name: fails
          tier: xa
          unit: {base: full}
          expect: {total: 9}
        """, head=BASES + "min_coverage: 100\n")
    run = _pytest("-v", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "mini.tests.yaml::passes PASSED" in run.stdout
    assert "mini.tests.yaml::fails FAILED" in run.stdout
    assert "total: expected 9, got 10.000" in run.stdout
    assert "mini.tests.yaml::coverage FAILED" in run.stdout
    assert "not exercised (" in run.stdout


@pytest.mark.slow  # a whole pytest run in a subprocess each
def test_pytest_reports_an_invalid_test_file_as_a_collection_error(tmp_path: Path) -> None:
    _project(tmp_path, """\
        - name: bad
          tier: xa
          unit: {base: full}
          expect: {totl: 9}
        """)
    run = _pytest(str(tmp_path), cwd=tmp_path)
    assert run.returncode != 0
    assert "mini.tests.yaml:10:14: error: unknown key 'totl' in 'expect'" in run.stdout


@pytest.mark.slow  # a whole pytest run in a subprocess each
def test_pytest_runs_the_shipped_ruleset_tests() -> None:
    run = _pytest("-q", str(ROOT / "rulesets"), str(ROOT / "tests/rulesets"), cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "69 passed" in run.stdout


@pytest.mark.slow  # a whole pytest run in a subprocess each
def test_the_hook_collects_a_file_once_even_when_registered_twice(tmp_path: Path) -> None:
    _project(tmp_path, """\
        - name: passes
          tier: xa
          unit: {base: full}
          expect: {total: 10}
        """)
    (tmp_path / "conftest.py").write_text("from cqdt_rules.authoring.pytest_plugin import pytest_collect_file  # noqa: F401\n",
                                          encoding="utf-8")
    run = _pytest("-q", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
