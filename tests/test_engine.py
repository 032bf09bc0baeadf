"""Focused tests of the engine's behaviour, one behaviour per test, and of the `cqdt` command line."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.errors import DataError, RulesetError, UsageError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "tests" / "golden" / "good"
BAD = ROOT / "tests" / "golden" / "bad"
BAD_DATA = ROOT / "tests" / "golden" / "bad_data"


def load(body: str, header: str = "rounding 3 half_up\n  on_zero_denominator 0", path: str = "test.cqdt") -> api.CheckedRuleset:
    """A ruleset made of a standard header (plus ``header`` lines) and ``body``."""
    text = f'ruleset t {{\n  title "Thử"\n  version "1.2"\n  status hypothetical\n  years 2022..2022\n  {header}\n}}\n{body}'
    return api.load_text(text, path)


def unit(code: str, values: dict[str, object], source: str = "self", parent: str | None = None,
         evidence: dict[str, tuple[str, ...]] | None = None, tier: str = "xa") -> Assessment:
    return Assessment(code, f"Xã {code}", tier, 2022, source, values, evidence or {}, parent=parent)


def one_criterion(max_points: str, declaration: str, rule: str, options: str = "") -> str:
    return f'''tier xa "Xã" max {max_points} {{
  criterion A "Tiêu chí" max {max_points} {{
    {declaration}
    {rule}
    {options}
    provenance hypothetical "thử"
  }}
}}
'''


def golden(case: str) -> tuple[api.CheckedRuleset, tuple[Assessment, ...]]:
    folder = GOOD / case
    units = folder / "units.yaml" if (folder / "units.yaml").is_file() else folder / "units.csv"
    return api.load(folder / "ruleset.cqdt"), load_assessments(units)


# ---------------------------------------------------------------- levels and cut-offs
LEVELS = '''tier xa "Xã" max 100 {
  levels muc "Mức" { I "Mức I" >= 80%  II "Mức II" >= 75%  below "Không xếp hạng" }
  criterion A "Điểm" max 100 {
    input diem score "Điểm"
    direct diem
    provenance hypothetical "thử"
  }
}
'''


def test_cutoff_is_inclusive() -> None:
    checked = load(LEVELS)
    results = api.score(checked, [unit("1", {"diem": "80"}), unit("2", {"diem": "79.999"}), unit("3", {"diem": "75"}),
                                  unit("4", {"diem": "74.9995"})], run_at="fixed")
    assert results.unit("1").level.id == "I"  # type: ignore[union-attr]
    assert results.unit("2").level.id == "II"  # type: ignore[union-attr]
    assert results.unit("3").level.id == "II"  # type: ignore[union-attr]
    # 74.9995 is published as 75.000 (rounding 3 half-up): the published value meets 75%
    assert results.unit("4").total == Decimal("75.000")
    assert results.unit("4").level.id == "II"  # type: ignore[union-attr]


def test_prerequisite_keeps_unit_below_a_level_and_says_why() -> None:
    checked, units = golden("levels_prerequisite")
    l2 = api.score(checked, units, run_at="fixed").unit("L2")
    assert l2.total == Decimal("84.000")
    assert l2.levels["muc_do"].id == "II"
    assert l2.levels["muc_do"].unmet == ("Mức I: points(A) < 50%",)
    assert "not higher: Mức I: points(A) < 50%" in l2.explain()


def test_unit_below_the_lowest_level_is_still_ranked() -> None:
    checked, units = golden("levels_prerequisite")
    l4 = api.score(checked, units, run_at="fixed").unit("L4")
    assert l4.levels["muc_do"].id is None and l4.levels["muc_do"].label == "Không xếp hạng"
    assert l4.ranks["khoi"].rank == 5 and l4.ranks["khoi"].of == 5


# ---------------------------------------------------------------- rules
def test_ratio_caps_at_full() -> None:
    checked = load(one_criterion("6", 'input giai_ngan pair "Giải ngân / kế hoạch" a_may_exceed_b', "ratio giai_ngan"))
    results = api.score(checked, [unit("1", {"giai_ngan": [150, 100]}), unit("2", {"giai_ngan": [100, 100]}),
                                  unit("3", {"giai_ngan": [1, 4]})], run_at="fixed")
    assert results.unit("1").points("A") == Decimal("6")
    assert "full points" in results.unit("1").node("A").branch
    assert results.unit("2").points("A") == Decimal("6")
    assert results.unit("3").points("A") == Decimal("1.5")


def test_pair_with_a_above_b_is_a_data_error_unless_allowed() -> None:
    checked = load(one_criterion("6", 'input may_tinh pair "Máy tính / CBCC"', "ratio may_tinh"))
    with pytest.raises(DataError, match="a = 5 is greater than b = 4"):
        api.score(checked, [unit("1", {"may_tinh": [5, 4]})])


@pytest.mark.parametrize(("header", "rule", "expected", "flagged"), [
    ("on_zero_denominator 0", "ratio x", "0", True),
    ("on_zero_denominator full", "ratio x", "4", True),
    ("on_zero_denominator 0", "ratio x on_zero_denominator full", "4", True),
    ("on_zero_denominator full", "ratio x on_zero_denominator 1.5", "1.5", True),
    ("on_zero_denominator full", "bands x { >= 50% -> 2  else -> 0 }", "4", True),
])
def test_ratio_zero_denominator_uses_declared_points(header: str, rule: str, expected: str, flagged: bool) -> None:
    checked = load(one_criterion("4", 'input x pair "a / b"', rule), header="rounding 3\n  " + header)
    result = api.score(checked, [unit("1", {"x": [0, 0]})], run_at="fixed").unit("1").node("A")
    assert result.points == Decimal(expected)
    assert ("b = 0" in result.flags) is flagged
    assert "as the ruleset declares" in result.branch


def test_ratio_without_declared_zero_rule_is_refused() -> None:
    with pytest.raises(RulesetError, match="does not say what b = 0 gives"):
        load(one_criterion("4", 'input x pair "a / b"', "ratio x"), header="rounding 3")


@pytest.mark.parametrize("t", [29, 57, 58])
def test_band_percent_compared_exactly(t: int) -> None:
    """t/100 meets '>= t%': exact arithmetic, where binary floats say t/100 × 100 < t."""
    assert float(t) / 100 * 100 < t  # the trap: 0.29 * 100 == 28.999999999999996
    checked = load(one_criterion("3", 'input x pair "a / b"', f"bands x {{ >= {t}% -> 3  else -> 0 }}"))
    results = api.score(checked, [unit("1", {"x": [t, 100]}), unit("2", {"x": [t * 10 - 1, 1000]})], run_at="fixed")
    assert results.unit("1").points("A") == Decimal(3)
    assert results.unit("2").points("A") == Decimal(0)


def test_band_on_percent_indicator_at_threshold() -> None:
    checked = load(one_criterion("3", 'input x percent "Tỷ lệ"', "bands x { >= 29% -> 3  > 0% -> 1  else -> 0 }"))
    results = api.score(checked, [unit("1", {"x": "29"}), unit("2", {"x": "28.99"}), unit("3", {"x": "0"})], run_at="fixed")
    assert [results.unit(c).points("A") for c in "123"] == [Decimal(3), Decimal(1), Decimal(0)]


def test_count_thresholds_with_equal_bands() -> None:
    checked = load(one_criterion("20", 'input hop count "Số cuộc họp"',
                                 "bands hop { >= 4 -> 20  = 3 -> 15  = 2 -> 10  = 1 -> 5  else -> 0 }"))
    results = api.score(checked, [unit(str(n), {"hop": n}) for n in range(6)], run_at="fixed")
    assert [results.unit(str(n)).points("A") for n in range(6)] == [Decimal(p) for p in (0, 5, 10, 15, 20, 20)]


def test_per_item_is_capped_at_the_maximum() -> None:
    checked = load(one_criterion("5", 'input ung_dung count "Số ứng dụng"', "per_item ung_dung each 1"))
    results = api.score(checked, [unit("1", {"ung_dung": 7}), unit("2", {"ung_dung": 3})], run_at="fixed")
    assert results.unit("1").points("A") == Decimal(5) and "capped" in results.unit("1").node("A").flags
    assert results.unit("2").points("A") == Decimal(3)


def test_half_up_rounding() -> None:
    """3/1600 × 4 = 0.0075 → 0.008 and 1/1600 × 4 = 0.0025 → 0.003: halves go up, as published."""
    checked = load(one_criterion("4", 'input x pair "a / b"', "ratio x"))
    results = api.score(checked, [unit("1", {"x": [3, 1600]}), unit("2", {"x": [1, 1600]})], run_at="fixed")
    assert results.unit("1").points("A") == Decimal("0.008")
    assert results.unit("2").points("A") == Decimal("0.003")


@pytest.mark.parametrize(("mode", "expected"), [("half_up", "0.003"), ("half_even", "0.002"), ("down", "0.002"), ("up", "0.003")])
def test_declared_rounding_mode_is_used(mode: str, expected: str) -> None:
    checked = load(one_criterion("4", 'input x pair "a / b"', "ratio x"), header=f"rounding 3 {mode}\n  on_zero_denominator 0")
    assert api.score(checked, [unit("1", {"x": [1, 1600]})], run_at="fixed").unit("1").points("A") == Decimal(expected)


def test_best_of_takes_the_highest_alternative_and_says_which() -> None:
    checked, units = golden("per_item_best_of")
    result = api.score(checked, units, run_at="fixed").unit("U1").node("P3")
    assert result.points == Decimal(5)
    assert result.branch.startswith("best of 3 alternatives: #3")


def test_normalised_against_an_all_zero_district_gives_zero() -> None:
    checked, units = golden("normalised")
    results = api.score(checked, units, run_at="fixed")
    u4 = results.unit("U4", source="self").node("N2")
    assert u4.points == Decimal(0) and "cohort best is 0" in u4.flags
    assert results.unit("U5", source="self").points("N2") == Decimal(5)  # alone in its district: it is the best


def test_self_and_audit_values_are_separate_cohorts() -> None:
    checked, units = golden("normalised")
    results = api.score(checked, units, run_at="fixed")
    # self cohort: best bang_thong 40 (U3); audit cohort: best 10 (U1 and U3)
    assert results.unit("U1", source="self").points("N1") == Decimal(5)
    assert results.unit("U1", source="audit").points("N1") == Decimal(10)
    assert results.unit("U1", source="self").ranks["huyen"].of == 2
    assert results.unit("U1", source="audit").ranks["huyen"].of == 1


def test_audit_only_value_is_not_assessed_in_self_assessment() -> None:
    checked, units = golden("direct_informational")
    s1 = api.score(checked, units, run_at="fixed").unit("S1", source="self")
    node = s1.node("D1")
    assert node.points == Decimal(0)
    assert "not assessed" in node.flags
    assert "hai_long = (not assessed)" in s1.explain()


def test_audit_only_value_in_a_self_assessment_is_a_data_error() -> None:
    checked, _ = golden("direct_informational")
    with pytest.raises(DataError, match="entered only by the audit team"):
        api.score(checked, [unit("S1", {"hai_long": "5", "do_thi": "yes", "ke_hoach": "yes"})])


@pytest.mark.parametrize(("source", "stage"), [("self", "a self-assessment"), ("district", "the district's verification")])
def test_an_audit_only_value_before_the_audit_is_refused_naming_the_stage(source: str, stage: str) -> None:
    checked, _ = golden("direct_informational")
    with pytest.raises(DataError) as error:
        api.score(checked, [unit("S1", {"hai_long": "5", "do_thi": "yes", "ke_hoach": "yes"}, source=source)])
    (problem,) = error.value.diagnostics
    assert problem.message.endswith(f"not in {stage}") and problem.hint == f"remove the value from {stage}"


def test_direct_score_above_the_maximum_is_a_data_error() -> None:
    checked, _ = golden("direct_informational")
    with pytest.raises(DataError, match="above the criterion's maximum 10"):
        api.score(checked, [unit("S1", {"hai_long": "10.5", "do_thi": "yes", "ke_hoach": "yes"}, source="audit")])


def test_informational_node_scores_zero_and_has_no_share() -> None:
    checked, units = golden("direct_informational")
    results = api.score(checked, units, run_at="fixed")
    node = results.unit("S1", source="audit").node("D2")
    assert node.points == Decimal(0) and node.max == Decimal(0)
    assert node.share is None
    d2 = next(n for n in results.to_dict()["units"][0]["nodes"] if n["id"] == "D2")
    assert d2["share"] is None


def test_percent_reads_as_a_share_in_formulas() -> None:
    checked = load(one_criterion("4", 'input ty_le percent "Tỷ lệ"', "formula if ty_le >= 50% then ty_le * full else 0"))
    results = api.score(checked, [unit("1", {"ty_le": "75"}), unit("2", {"ty_le": "49.9"})], run_at="fixed")
    assert results.unit("1").points("A") == Decimal("3.000")
    assert results.unit("2").points("A") == Decimal(0)


def test_output_reading_a_value_not_assessed_has_no_value() -> None:
    body = '''tier xa "Xã" max 10 {
  output ks2 "Khảo sát × 2" = ks * 2 round 2
  criterion A "Khảo sát" max 10 {
    input ks score "Điểm khảo sát" audit_only
    direct ks
    provenance hypothetical "thử"
  }
}
'''
    results = api.score(load(body), [unit("1", {}), unit("1", {"ks": "4"}, source="audit")], run_at="fixed")
    assert results.unit("1", source="self").outputs["ks2"] is None
    assert results.unit("1", source="audit").outputs["ks2"] == Decimal("8.00")



@pytest.mark.parametrize(("declaration", "named"), [('output o1 "O1" = total / (points(A) - points(A))', "output 'o1'"),
                                                    ('ranking khoi "Hạng" by total / (points(A) - points(A))', "ranking 'khoi'")])
def test_a_division_by_zero_outside_the_criteria_names_the_output_or_ranking(declaration: str, named: str) -> None:
    checked = load(one_criterion("4", 'input co yesno "Có"', "yes co").replace("  criterion", f"  {declaration}\n  criterion"))
    with pytest.raises(DataError) as caught:
        api.score(checked, [unit("1", {"co": "có"})], run_at="fixed")
    assert [d.message for d in caught.value.diagnostics] == \
        [f"unit '1', {named}: division by zero in a formula; guard it with 'if ... then ... else ...'"]


def test_assessment_outside_the_declared_years_is_refused() -> None:
    checked = load(LEVELS)
    with pytest.raises(DataError, match="applies to 2022–2022"):
        api.score(checked, [Assessment("1", "Xã 1", "xa", 2023, "self", {"diem": "1"})])


def test_missing_evidence_zero_is_visible() -> None:
    checked, units = golden("evidence_zero_csv")
    k2 = api.score(checked, units, run_at="fixed").unit("K2")
    node = k2.node("E1")
    assert dict(node.inputs)["ke_hoach"] is True  # the value says yes ...
    assert node.points == Decimal(0)  # ... but the evidence is missing: a declared zero
    assert "missing evidence" in node.flags
    assert "as the ruleset declares" in node.branch
    text = k2.explain()
    assert "flags: missing evidence" in text and "Kế hoạch ứng dụng CNTT năm (số, ngày)" in text


def test_missing_evidence_error_policy_refuses_the_data() -> None:
    body = one_criterion("5", 'input ke_hoach yesno "Kế hoạch" evidence "Văn bản kế hoạch"', "yes ke_hoach")
    checked = load(body, header="rounding 3\n  on_missing_evidence error")
    with pytest.raises(DataError, match="has no evidence for 'ke_hoach'"):
        api.score(checked, [unit("1", {"ke_hoach": "yes"})])
    assert api.score(checked, [unit("1", {"ke_hoach": "yes"}, evidence={"ke_hoach": ("KH 1",)})]).unit("1").total == 5


@pytest.mark.parametrize("policy", ["zero", "error"])
def test_a_no_answer_needs_no_evidence(policy: str) -> None:
    body = one_criterion("5", 'input ke_hoach yesno "Kế hoạch" evidence "Văn bản kế hoạch"', "yes ke_hoach")
    checked = load(body, header=f"rounding 3\n  on_missing_evidence {policy}")
    node = api.score(checked, [unit("1", {"ke_hoach": "no"})]).unit("1").nodes["A"]
    assert (node.points, node.branch, node.flags) == (Decimal("0.000"), "no → 0", ())


def test_a_count_of_zero_still_needs_its_evidence() -> None:
    body = one_criterion("5", 'input so_cuoc_hop count "Số cuộc họp" evidence "Biên bản"',
                         "bands so_cuoc_hop { >= 1 -> 5  else -> 0 }")
    checked = load(body, header="rounding 3\n  on_missing_evidence error")
    with pytest.raises(DataError, match="has no evidence for 'so_cuoc_hop'"):
        api.score(checked, [unit("1", {"so_cuoc_hop": 0})])


# ---------------------------------------------------------------- results
def test_result_records_ruleset_id_version_hash() -> None:
    path = GOOD / "composite_index" / "ruleset.cqdt"
    text = path.read_text(encoding="utf-8")
    checked, units = golden("composite_index")
    data = api.score(checked, units, run_at="2023-06-14T08:00:00+07:00").to_dict()
    assert data["ruleset"]["id"] == "golden_composite_index"
    assert data["ruleset"]["version"] == "1"
    assert data["ruleset"]["status"] == "hypothetical"
    assert data["ruleset"]["content_hash"] == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert data["run_at"] == "2023-06-14T08:00:00+07:00"
    assert {(u["year"], u["source"]) for u in data["units"]} == {(2022, "audit")}


def test_results_json_schema_keys() -> None:
    checked, units = golden("composite_index")
    results = api.score(checked, units, run_at="fixed")
    data = json.loads(results.to_json())
    assert data == results.to_dict()
    assert set(data) == {"schema", "ruleset", "run_at", "units"}
    assert data["schema"] == "cqdt-results/1"
    assert set(data["ruleset"]) == {"id", "title", "version", "status", "content_hash", "path", "amends"}
    assert data["ruleset"]["amends"] == []
    first = data["units"][0]
    assert set(first) == {"code", "name", "tier", "parent", "year", "source", "note", "total", "max", "outputs",
                          "levels", "ranks", "missing_evidence", "nodes"}
    assert set(first["levels"]["xep_loai"]) == {"id", "label", "unmet"}
    assert set(first["ranks"]["chi_so"]) == {"rank", "of", "group", "value"}
    assert set(first["nodes"][0]) == {"id", "title", "points", "max", "share", "inputs", "branch", "flags", "provenance"}
    # numbers are strings with a decimal point, as published (no float rounding on the way)
    assert first["total"] == "272.530" and first["outputs"]["dti"] == "0.9084" and first["nodes"][2]["share"] == "0.8253"


def test_csv_export() -> None:
    checked, units = golden("egov2020_xa")
    results = api.score(checked, units, run_at="fixed")
    rows = list(csv.DictReader(io.StringIO(results.to_csv())))
    assert [r["code"] for r in rows] == ["23557", "23575", "23614", "23617"]
    first = rows[1]
    assert first["ruleset"] == "egov_2020_xa_golden" and first["ruleset_version"] == "2020.1-golden"
    assert first["ruleset_hash"].startswith("sha256:") and first["run_at"] == "fixed"
    assert first["total"] == "84.875" and first["max"] == "100"
    assert first["level_muc_do"] == "Mức I" and first["rank_huyen"] == "1"
    assert first["points_A1.1"] == "3.000" and first["points_B"] == "55.000"
    header = next(csv.reader(io.StringIO(results.to_csv())))
    assert sum(1 for h in header if h.startswith("points_")) == len(checked.ruleset.tier("xa").walk())


def test_explain_names_branch_and_provenance() -> None:
    checked, units = golden("egov2020_xa")
    text = api.score(checked, units, run_at="fixed").unit("23575").explain()
    assert "23575 Phường Tây Sơn (tier xa, 2022, audit), district 622" in text
    assert "total 84.875 / 100; Mức I; rank 1/2 (huyen, district 622)" in text
    assert "A1.1 Tỷ lệ CBCC được trang bị máy tính: 3.000 / 4" in text
    assert "read: may_tinh = 3/4" in text and "why: 3/4 × 4" in text
    assert "provenance (reconstructed): ratio×4" in text
    vietnamese = api.score(checked, units, run_at="fixed").unit("23575").explain("vi")
    assert "23575 Phường Tây Sơn (khối xa, năm 2022, thẩm định), huyện 622" in vietnamese
    assert "tổng điểm 84,875 / 100; Mức I; hạng 1/2 (" in vietnamese and "huyện 622)" in vietnamese
    assert "A1.1 Tỷ lệ CBCC được trang bị máy tính: 3,000 / 4" in vietnamese
    assert "số liệu: may_tinh = 3/4" in vietnamese and "cách tính: 3/4 × 4" in vietnamese
    assert "nguồn (tái dựng): ratio×4" in vietnamese
    assert "why: 8/10 ≥ 80% → 3" in text  # the band taken
    assert "why: 5 × 1; capped at 2" in text  # the cap applied


def test_units_keyed_by_code_not_name() -> None:
    checked, units = golden("egov2020_xa")
    results = api.score(checked, units, run_at="fixed")
    pleiku, an_khe = results.unit("23575"), results.unit("23617")
    assert pleiku.name == an_khe.name == "Phường Tây Sơn"
    assert (pleiku.parent, pleiku.total, pleiku.ranks["huyen"].group) == ("622", Decimal("84.875"), "622")
    assert (an_khe.parent, an_khe.total, an_khe.ranks["huyen"].group) == ("623", Decimal("64.999"), "623")
    assert [u.code for u in results.ranking("xa", "huyen", group="623")] == ["23614", "23617"]


def test_unknown_unit_code_suggests_a_close_one() -> None:
    checked, units = golden("egov2020_xa")
    with pytest.raises(UsageError, match="did you mean '23575'"):
        api.score(checked, units, run_at="fixed").unit("23576")


# ---------------------------------------------------------------- command line
def run_cli(args: list[str], capsys: pytest.CaptureFixture[str], lang: str = "en") -> tuple[int, str, str]:
    """The command in ``lang`` (English: these tests read its messages), its exit code and output."""
    try:
        code = main([args[0], "--lang", lang, *args[1:]] if args else args)
    except SystemExit as exc:  # argparse reports usage errors by exiting
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_check_valid_ruleset_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["check", str(GOOD / "egov2020_xa" / "ruleset.cqdt")], capsys)
    assert code == 0, err
    assert "ruleset 'egov_2020_xa_golden' (reconstructed) is valid" in out and "xa max 100" in out



def test_cli_check_writes_its_counts_in_the_languages_number_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    criteria = "".join(f'  criterion C{i} "c" max 1 {{\n    input x{i} yesno "x"\n    yes x{i}\n'
                       f'    provenance hypothetical "thử"\n  }}\n' for i in range(1000))
    path = tmp_path / "many.cqdt"
    path.write_text(f'ruleset t {{\n  title "Thử"\n  years 2022..\n}}\ntier xa "Xã" max 1000 {{\n{criteria}}}\n',
                    encoding="utf-8")
    code, out, err = run_cli(["check", str(path)], capsys, lang="vi")
    assert code == 0, err
    assert "1 khối (xa tối đa 1.000), 1.000 nút, 0 cảnh báo" in out


def test_cli_score_json_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    folder = GOOD / "egov2020_xa"
    code, out, err = run_cli(["score", str(folder / "ruleset.cqdt"), str(folder / "units.yaml"), "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert {u["code"]: u["total"] for u in data["units"]} == {
        "23557": "70.000", "23575": "84.875", "23614": "80.000", "23617": "64.999"}


def test_cli_score_table_uses_vietnamese_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    folder = GOOD / "egov2020_xa"
    code, out, err = run_cli(["score", str(folder / "ruleset.cqdt"), str(folder / "units.yaml")], capsys, "vi")
    assert code == 0, err
    assert "84,875" in out and "Không xếp hạng" in out


def test_cli_explain_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    folder = GOOD / "evidence_zero_csv"
    code, out, err = run_cli(["explain", str(folder / "ruleset.cqdt"), str(folder / "units.csv"), "--unit", "K2"], capsys)
    assert code == 0, err
    assert "K2 Xã Hai" in out and "missing evidence" in out


def test_cli_invalid_ruleset_exits_1_with_position(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["check", str(BAD / "syntax_error_mid_file.cqdt")], capsys)
    assert code == 1
    assert re.search(r"syntax_error_mid_file\.cqdt:17:30: error: unexpected 'three'", err), err
    assert "1 error in ruleset input" in err
    assert "Traceback" not in out + err


def test_cli_several_ruleset_errors_exit_1_and_are_all_listed(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["check", str(BAD / "several_errors.cqdt")], capsys)
    assert code == 1
    assert "5 errors in ruleset input" in err
    lines = [int(m.group(1)) for m in re.finditer(r"several_errors\.cqdt:(\d+):\d+: ", err)]
    assert lines == sorted(lines) and len(lines) == 6


def test_cli_invalid_data_exits_1_with_position(capsys: pytest.CaptureFixture[str]) -> None:
    folder = BAD_DATA / "csv_bad_cell"
    code, out, err = run_cli(["score", str(folder / "ruleset.cqdt"), str(folder / "units.csv")], capsys)
    assert code == 1
    assert re.search(r"units\.csv:3:54: error: unit '23617', 'cuoc_hop': expected a whole number, got 'bốn'", err), err
    assert "bốn,40,khong" in err  # the offending row is shown
    assert "Traceback" not in out + err


def test_cli_unknown_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["check", "--no-such-option", str(GOOD / "formula" / "ruleset.cqdt")], capsys)
    assert code == 2
    assert "unrecognized arguments: --no-such-option" in err and "Traceback" not in out + err


def test_cli_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["scroe"], capsys)
    assert code == 2 and "invalid choice" in err


@pytest.mark.parametrize("which", ["ruleset", "data"])
def test_cli_missing_file_exits_2(which: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = GOOD / "formula"
    ruleset = str(tmp_path / "khong_co.cqdt") if which == "ruleset" else str(folder / "ruleset.cqdt")
    data = str(tmp_path / "khong_co.yaml") if which == "data" else str(folder / "units.yaml")
    code, out, err = run_cli(["score", ruleset, data], capsys)
    assert code == 2
    assert err.startswith("cqdt: error: ") and "khong_co" in err and "Traceback" not in out + err


def test_cli_explain_unknown_unit_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    folder = GOOD / "formula"
    code, _, err = run_cli(["explain", str(folder / "ruleset.cqdt"), str(folder / "units.yaml"), "--unit", "U9"], capsys)
    assert code == 2 and "no result for unit 'U9'" in err


# ---------------------------------------------------------------- known bugs (these fail until fixed)
@pytest.mark.parametrize("where", ["criterion", "group"])
def test_points_never_exceed_max_after_rounding(where: str) -> None:
    """A maximum finer than the declared rounding: 2.6 is capped at 2.5, which must not round up to 3."""
    if where == "criterion":
        body = one_criterion("2.5", 'input x number "x"', "formula x")
    else:
        body = '''tier xa "Xã" max 2.5 {
  group G "Nhóm" max 2.5 capped {
    provenance hypothetical "thử"
    criterion A "a" max 2 { input x number "x" formula x provenance hypothetical "thử" }
    criterion B "b" max 2 { input y number "y" formula y provenance hypothetical "thử" }
  }
}
'''
    checked = load(body, header="rounding 0")
    result = api.score(checked, [unit("1", {"x": "2", "y": "2"} if where == "group" else {"x": "2.6"})], run_at="fixed").unit("1")
    top = "A" if where == "criterion" else "G"
    assert result.points(top) <= Decimal("2.5"), result.node(top)
    assert result.total <= Decimal("2.5")


def test_large_rounding_digits_fail_cleanly() -> None:
    """`rounding 30` passes the checker, then scoring dies in Decimal.quantize (InvalidOperation)."""
    body = one_criterion("100", 'input x number "x"', "formula x")
    try:
        checked = load(body, header="rounding 30")
    except RulesetError as exc:  # refusing it, with a position, is fine
        assert ":6:" in exc.render()
        return
    assert api.score(checked, [unit("1", {"x": "99.5"})], run_at="fixed").unit("1").points("A") == Decimal("99.5")


@pytest.mark.parametrize("text", [
    'ruleset x {\x0c\x0c title "a"',  # form feeds: whitespace to Lark, line breaks to str.splitlines()
    'ruleset x {\r title "a"',  # a lone carriage return: an old Mac line end, read as one
    'ruleset x {\r\n title "a"',  # a Windows line end
])
def test_error_lines_count_only_line_ends(text: str) -> None:
    """Lines end at '\\n', '\\r\\n' or a lone '\\r' (as an editor counts them), not at a form feed; the
    end-of-file position and the quoted source line must agree."""
    with pytest.raises(RulesetError) as caught:
        api.load_text(text, "f.cqdt")
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.span.line == text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1, diagnostic.span


def test_error_quotes_the_line_the_position_is_on() -> None:
    text = 'ruleset x {\x0c title "a" }\x0ctier ?'
    with pytest.raises(RulesetError) as caught:
        api.load_text(text, "f.cqdt")
    rendered = caught.value.render()
    assert rendered.startswith("f.cqdt:1:")
    assert "tier ?" in rendered.splitlines()[1], rendered


def test_eof_hint_names_only_tokens_valid_there() -> None:
    """At the end of `yes x` inside a criterion, amendment statements ('add', 'change') are not valid."""
    source = (BAD / "unexpected_eof.cqdt").read_text(encoding="utf-8")
    with pytest.raises(RulesetError) as caught:
        api.load_text(source, "unexpected_eof.cqdt")
    hint = caught.value.diagnostics[0].hint or ""
    assert "'provenance'" in hint or "'}'" in hint or "..." in hint
    assert "'add'" not in hint and "'change'" not in hint, hint


def test_unknown_indicator_in_data_points_at_its_name() -> None:
    folder = BAD_DATA / "unknown_indicator_hint"
    checked = api.load(folder / "ruleset.cqdt")
    units_file = folder / "units.yaml"
    with pytest.raises(DataError) as caught:
        api.score(checked, load_assessments(units_file))
    (unknown,) = [d for d in caught.value.diagnostics if "unknown indicator" in d.message]
    line = units_file.read_text(encoding="utf-8").splitlines()[unknown.span.line - 1]
    assert line[unknown.span.column - 1:].startswith("may_tinhh"), (unknown.span, line)


def test_unit_without_a_value_ranks_last_even_ascending() -> None:
    """A unit whose ranked value does not exist must not win an ascending ranking."""
    body = '''tier xa "Xã" max 10 {
  output chi_so "Chỉ số" = if co_de_an then ks else 1 round 2
  ranking thap "Từ thấp lên" by chi_so ascending
  ranking cao "Từ cao xuống" by chi_so descending
  criterion A "Đề án" max 5 { input co_de_an yesno "Có đề án" yes co_de_an provenance hypothetical "thử" }
  criterion B "Khảo sát" max 5 { input ks score "Điểm khảo sát" audit_only direct ks provenance hypothetical "thử" }
}
'''
    results = api.score(load(body), [unit("1", {"co_de_an": "yes"}), unit("2", {"co_de_an": "no"})], run_at="fixed")
    assert results.unit("1").outputs["chi_so"] is None and results.unit("2").outputs["chi_so"] == Decimal("1.00")
    assert results.unit("2").ranks["cao"].rank == 1
    assert results.unit("2").ranks["thap"].rank == 1, "the unit with no value ranked first ascending"


def test_results_kept_in_a_cohort_share_what_units_have_alike_and_keep_no_points() -> None:
    """A cohort's results keep no tuple of points (computed again when read), one empty ``outputs`` and
    ``computed`` for all, one levels' mapping per levels reached; shared mappings refuse changes, and
    ``attrs.evolve`` still gives a unit mappings of its own."""
    import attrs

    results = api.score(api.load("egov_2020"), load_assessments(ROOT / "examples" / "gialai" / "egov-2022-audit-xa.csv"))
    first, *others = results.units
    assert all(u.nodes._points is None for u in results)  # type: ignore[attr-defined]
    assert all(u.outputs is first.outputs and u.computed is first.computed for u in others)
    levels = {id(u.levels) for u in results}
    assert len(levels) == len({u.level for u in results}) < len(results) // 10
    assert first.nodes.points("A1") == first.points("A1")
    with pytest.raises(TypeError):
        first.levels["muc_do"] = others[0].levels["muc_do"]
    with pytest.raises(TypeError):
        first.outputs.update(x=None)
    assert first.levels == dict(first.levels) and type(json.loads(json.dumps(first.levels, default=str))) is dict
    changed = attrs.evolve(first, levels={})
    changed.levels["muc_do"] = first.levels["muc_do"]
    assert changed.levels == first.levels and changed.total == first.total


def test_the_engines_quick_makers_give_what_the_result_classes_make() -> None:
    """The evaluator makes unit and rank results without their frozen ``__init__`` (which costs twice as much):
    what it makes must equal, field by field, what the classes make, and stay frozen."""
    import attrs

    from cqdt_rules.engine.results import RankResult, UnitResult, new_rank_result, new_unit_result

    rank = new_rank_result("huyen", 2, 7, "622", Decimal("81.5"))
    assert rank == RankResult("huyen", 2, 7, "622", Decimal("81.5"))
    unit = api.score(api.load("egov_2020"), load_assessments(ROOT / "examples" / "gialai" / "egov-2022-audit-xa.csv")).units[0]
    made = new_unit_result(unit.assessment, unit.tier, unit.nodes, unit.total, unit.outputs, unit.levels, unit.ranks)
    built = UnitResult(unit.assessment, unit.tier, unit.nodes, unit.total, unit.outputs, unit.levels, unit.ranks)
    for field in attrs.fields(UnitResult):
        assert getattr(made, field.name) == getattr(built, field.name), field.name
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    # an empty computed is one read-only dictionary shared by the units; one given is the unit's own
    again = new_unit_result(*[getattr(made, f.name) for f in attrs.fields(UnitResult)][:7])
    assert made.computed == {} and again.computed is made.computed
    with pytest.raises(TypeError):
        made.computed[m.TotalRef()] = Decimal(1)  # type: ignore[index]
    own: dict[m.Expr, Decimal | None] = {m.TotalRef(): Decimal(1)}
    assert new_unit_result(*[getattr(made, f.name) for f in attrs.fields(UnitResult)][:7], own).computed is own
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.total = Decimal(0)  # type: ignore[misc]
