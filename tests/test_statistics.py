"""Statistics declared in the ruleset (section II): sum(E) and mean(E) over every unit of the tiers named,
checked, printed canonically, evaluated exactly, and shown by `cqdt summary` and `cqdt report`."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.analysis.summary import statistic_lines
from cqdt_rules.cli.main import main
from cqdt_rules.engine.statistics import evaluate_statistics
from cqdt_rules.errors import RulesetError
from cqdt_rules.language.formatter import format_ruleset
from cqdt_rules.model.units import Assessment

BASE = """
ruleset mini {
  title "Bộ tiêu chí thử"
  status hypothetical
  years 2022..2022
  rounding 3
  on_zero_denominator 0
}
tier so "Sở" max 10 {
  criterion A "Đúng hạn" max 6 {
    input dung_han pair "đúng hạn / đã giải quyết"
    ratio dung_han
    provenance hypothetical "thử"
  }
  criterion K "Kế hoạch" max 4 {
    input ke_hoach yesno "Đã ban hành kế hoạch"
    yes ke_hoach
    provenance hypothetical "thử"
  }
}
tier xa "Xã" max 6 {
  criterion A "Đúng hạn" max 6 {
    input dung_han pair "đúng hạn / đã giải quyết"
    ratio dung_han
    provenance hypothetical "thử"
  }
}
"""
STATISTICS = """
statistic dung_han "Tỷ lệ đúng hạn" = sum(dung_han.a) / sum(dung_han.b) percent round 2 heading "Giao dịch" text "hồ sơ đúng hạn đạt {value}"
statistic tiep_nhan "Hồ sơ" = sum(dung_han.b) unit "hồ sơ"
statistic ke_hoach "Đã ban hành kế hoạch" = mean(ke_hoach) over so percent round 2 text "Năm {year}, {value} sở đã ban hành kế hoạch"
"""


def _unit(code: str, tier: str, a: int, b: int, plan: bool | None = None) -> Assessment:
    values: dict[str, object] = {"dung_han": (a, b)}
    if plan is not None:
        values["ke_hoach"] = plan
    return Assessment(code=code, name=f"Đơn vị {code}", tier=tier, year=2022, source="audit", values=values)


@pytest.fixture
def checked() -> api.CheckedRuleset:
    return api.load_text(BASE + STATISTICS, "mini.cqdt")


def test_sums_and_means_over_the_units_of_the_tiers_named(checked: api.CheckedRuleset) -> None:
    results = api.score(checked, [_unit("S1", "so", 981, 1000, True), _unit("S2", "so", 1000, 1000, False),
                                  _unit("S3", "so", 0, 0, True), _unit("X1", "xa", 426_000, 426_998)])
    found = {v.statistic.name: v for v in evaluate_statistics(results)}
    assert found["dung_han"].value == (Decimal(981 + 1000 + 0 + 426_000) * 100 / (1000 + 1000 + 0 + 426_998)).quantize(
        Decimal("0.01"))
    assert found["tiep_nhan"].value == 428_998 and found["tiep_nhan"].units == 4
    assert found["ke_hoach"].value == Decimal("66.67") and found["ke_hoach"].units == 3  # over so only
    lines = statistic_lines(results, "vi")
    assert lines[0] == ("Giao dịch", "Hồ sơ đúng hạn đạt 99,76%.")
    assert lines[1] == (None, "Hồ sơ: 428.998 hồ sơ.")
    assert lines[2] == (None, "Năm 2022, 66,67% sở đã ban hành kế hoạch.")
    assert statistic_lines(results, "en")[1] == (None, "Hồ sơ: 428,998 hồ sơ.")


def test_a_share_of_nothing_is_no_data_not_zero(checked: api.CheckedRuleset) -> None:
    results = api.score(checked, [_unit("S1", "so", 0, 0, True)])
    found = {v.statistic.name: v.value for v in evaluate_statistics(results)}
    assert found["dung_han"] is None and found["tiep_nhan"] == 0
    assert (("Giao dịch", "Hồ sơ đúng hạn đạt không có số liệu (chưa gồm khối Xã: không có đơn vị nào được đánh giá).")
            in statistic_lines(results, "vi"))


def test_a_statistic_over_a_tier_without_units_says_the_tier_is_not_included(checked: api.CheckedRuleset) -> None:
    results = api.score(checked, [_unit("S1", "so", 5, 5, True)])
    english = statistic_lines(results, "en")
    assert (None, "Hồ sơ: 5 hồ sơ (Xã not included: no unit assessed).") in english
    assert (None, "Đã ban hành kế hoạch: 100%.") in english  # declared over the sở alone, which have units


def test_a_whole_share_is_written_without_decimals(checked: api.CheckedRuleset) -> None:
    results = api.score(checked, [_unit("S1", "so", 5, 5, True), _unit("S2", "so", 5, 5, True)])
    assert (None, "Năm 2022, 100% sở đã ban hành kế hoạch.") in statistic_lines(results, "vi")


def test_canonical_text_round_trips(checked: api.CheckedRuleset) -> None:
    text = format_ruleset(checked.ruleset)
    assert 'statistic ke_hoach "Đã ban hành kế hoạch" = mean(ke_hoach) over so percent round 2 half_up text' in text
    assert api.load_text(text, "again.cqdt").ruleset == checked.ruleset


@pytest.mark.parametrize("line, message", [
    ('statistic s "x" = dung_han.a + sum(dung_han.b)', "reads a unit's value outside sum(...) or mean(...)"),
    ('statistic s "x" = 1 + 2', "reads no unit's value"),
    ('statistic s "x" = sum(ke_hoach)', "statistic 's', tier 'xa': unknown indicator 'ke_hoach'"),
    ('statistic s "x" = sum(dung_han.a) over huyen', "over tier 'huyen', which the ruleset does not define"),
    ('statistic s "x" = sum(dung_han.a) text "{tong}"', "has a field other than {value} and {year}"),
])
def test_mistakes_are_refused_with_their_position(line: str, message: str) -> None:
    with pytest.raises(RulesetError) as error:
        api.load_text(BASE + line + "\n", "bad.cqdt")
    assert message in str(error.value)
    assert "bad.cqdt:" in str(error.value)


def test_summary_and_report_print_section_two_on_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = Path(__file__).parent.parent / "examples" / "gialai" / "egov-2022-audit.yaml"
    results = api.score(api.load("egov_2020"), api.load_assessments(data))
    units = [u for u in results.units if u.assessment.source == "audit"]
    on_time = sum(u.assessment.values["ho_so_dung_han"].a for u in units)
    settled = sum(u.assessment.values["ho_so_dung_han"].b for u in units)
    share = (on_time * 100 / settled).quantize(Decimal("0.01"))
    received = sum(u.assessment.values["ho_so_truc_tuyen"].b for u in units)
    assert main(["summary", "egov_2020", str(data), "--no-rankings"]) == 0
    out = capsys.readouterr().out
    shown = f"{share}".replace(".", ",")
    assert "II. Thực trạng qua công tác đánh giá" in out
    assert f"- Hồ sơ giải quyết đúng hạn đạt {shown}% trên tổng số hồ sơ đã giải quyết." in out
    assert f"các đơn vị đã tiếp nhận {received:,} hồ sơ TTHC".replace(",", ".") in out
    assert main(["report", "egov_2020", str(data), "--out", str(tmp_path), "--formats", "md"]) == 0
    text = (tmp_path / "report-egov_2020-2022-vi.md").read_text(encoding="utf-8")
    section = text[text.index("## II. Thực trạng"):text.index("## III.")]
    assert "### Mức độ giao dịch" in section and f"đạt {shown}%" in section


def test_a_statistic_of_totals_and_points_reads_each_unit_as_published() -> None:
    # normalised against the best unit: recomputing a unit's points alone would give every unit full marks
    text = """
ruleset norm {
  title "Thử"
  status hypothetical
  years 2022..2022
  rounding 3
  on_zero_denominator 0
}
tier xa "Xã" max 10 {
  criterion A "Số hồ sơ" max 10 {
    input n count "Số hồ sơ"
    normalised n within tier
    provenance hypothetical "thử"
  }
}
statistic tong "Tổng điểm" = sum(total) over xa
statistic diem "Điểm A" = mean(points(A)) over xa
"""
    ruleset = api.load_text(text)
    units = [Assessment(f"X{i}", f"Xã {i}", "xa", 2022, "self", {"n": str(n)}) for i, n in enumerate((2, 5, 10))]
    results = api.score(ruleset, units)
    totals = [u.total for u in results.units]
    assert totals == [Decimal(2), Decimal(5), Decimal(10)]
    found = {s.statistic.name: s.value for s in evaluate_statistics(results)}
    assert found == {"tong": Decimal(17), "diem": Decimal(17) / 3}
