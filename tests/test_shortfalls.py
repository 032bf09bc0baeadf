"""Shortcomings (section III): criteria ranked by points lost and by units below full points, per tier and
per district; the units failing a named criterion or yes/no indicator, and the sentences a report writes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cqdt_rules import api
from cqdt_rules.analysis.shortfalls import failing, failing_sentence, most_lost_sentence, shortfalls
from cqdt_rules.cli.main import main
from cqdt_rules.errors import UsageError
from cqdt_rules.model.units import Assessment

RULESET = """
ruleset mini {
  title "Bộ tiêu chí thử"
  status hypothetical
  years 2022..2022
  rounding 3
  on_zero_denominator 0
}
tier xa "Xã" max 20 {
  ranking huyen "Trong huyện" by total within district
  group G "Nhóm" max 20 {
    criterion A "Tỷ lệ" max 10 {
      input ty_le pair "a / b"
      ratio ty_le
      provenance hypothetical "thử"
    }
    criterion K "Kế hoạch" max 6 {
      input ke_hoach yesno "Đã ban hành kế hoạch"
      yes ke_hoach
      provenance hypothetical "thử"
    }
    criterion T "Thông tin" en "Information" max 4 {
      input thong_tin yesno "Có thông tin"
      yes thong_tin
      provenance hypothetical "thử"
    }
  }
}
"""


def _unit(code: str, parent: str, a: int, plan: bool, info: bool) -> Assessment:
    return Assessment(code=code, name=f"Xã {code}", tier="xa", year=2022, source="audit", parent=parent,
                      values={"ty_le": (a, 10), "ke_hoach": plan, "thong_tin": info})


@pytest.fixture
def results():
    checked = api.load_text(RULESET, "mini.cqdt")
    return api.score(checked, [_unit("1", "D1", 10, True, False), _unit("2", "D1", 9, True, False),
                               _unit("3", "D2", 8, False, False), _unit("4", "D2", 10, True, True)])


def test_criteria_ranked_by_points_lost_and_by_units_below_full(results):
    [tier] = shortfalls(results, "xa", "audit")
    # lost: A 0 + 1 + 2 + 0 = 3 (2 units); K 6 (1 unit); T 4 × 3 = 12 (3 units)
    assert [(c.id, c.lost, len(c.below)) for c in tier.criteria] == [
        ("T", Decimal(12), 3), ("K", Decimal(6), 1), ("A", Decimal("3.000"), 2)]
    [by_units] = shortfalls(results, "xa", "audit", order="units")
    assert [c.id for c in by_units.criteria] == ["T", "A", "K"]
    assert tier.criteria[2].below == ("3", "2")  # most points lost first
    assert most_lost_sentence(tier, "vi", 2).startswith(
        "Xã: các tiêu chí mất nhiều điểm nhất là “Thông tin” (T; mất 12,000 điểm, 03/04 đơn vị chưa đạt điểm tối đa)")


def test_per_district(results):
    d1, d2 = shortfalls(results, "xa", "audit", by_district=True, districts={"D1": "Huyện Một"})
    assert (d1.scope, d2.scope) == ("Huyện Một", "D2")
    assert [(c.id, c.lost) for c in d1.criteria] == [("T", 8), ("A", Decimal("1.000"))]
    assert [c.id for c in d2.criteria] == ["K", "T", "A"]


def test_units_failing_a_yes_no_indicator_or_a_criterion_are_named(results):
    plan = failing(results, "xa", "audit", "ke_hoach")
    assert [u.code for u in plan.units] == ["3"]
    assert failing_sentence(plan, "vi", {"D2": "Huyện Hai"}) == (
        "03/04 đơn vị Xã đạt tiêu chí “Kế hoạch”; riêng Xã 3 (Huyện Hai) chưa đạt.")
    ratio = failing(results, "xa", "audit", "A")
    assert [u.code for u in ratio.units] == ["3", "2"]
    info = failing(results, "xa", "audit", "thong_tin", "en")
    assert failing_sentence(info, "en") == "1/4 units of Xã meet “Information”; only Xã 1, Xã 2, Xã 3 do not."
    with pytest.raises(UsageError, match="is a group"):
        failing(results, "xa", "audit", "G")
    with pytest.raises(UsageError, match="neither a criterion nor an indicator"):
        failing(results, "xa", "audit", "Z")


def test_a_tier_without_units_is_named_whatever_the_source(results):
    with pytest.raises(UsageError, match="^no 'self' assessments of tier 'xa' in the data$"):
        shortfalls(results, "xa", "self")
    with pytest.raises(UsageError, match="^no assessments of tier 'xa' in the data$"):  # never "no 'None' ..."
        shortfalls(results.of_year(2019), "xa", None)
    with pytest.raises(UsageError, match="^the ruleset has no tier 'huyen'; its tiers: xa$"):
        shortfalls(results, "huyen", None)


def test_command_on_the_sample(capsys):
    from pathlib import Path

    data = str(Path(__file__).parent.parent / "examples" / "gialai" / "egov-2022-audit.yaml")
    assert main(["shortfalls", "egov_2020", data, "--tier", "huyen", "--criterion", "ke_hoach_cds"]) == 0
    out = capsys.readouterr().out
    assert "đơn vị UBND huyện, thị xã, thành phố đạt tiêu chí" in out and "ke_hoach_cds: không" in out
    assert main(["shortfalls", "egov_2020", data, "--tier", "xa", "--by-district", "--count", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("các tiêu chí mất nhiều điểm nhất") == 17
    assert main(["shortfalls", "egov_2020", data, "--criterion", "A3.1", "--lang", "en"]) == 2
    assert "--criterion needs --tier" in capsys.readouterr().err


def test_units_failing_a_criterion_as_csv_keep_text_from_becoming_a_formula(tmp_path, capsys):
    """--criterion with --format csv writes CSV (it printed the table), each cell from the data neutralised."""
    (tmp_path / "mini.cqdt").write_text(RULESET, encoding="utf-8")
    data = tmp_path / "xa.yaml"
    data.write_text("year: 2022\ntier: xa\nsource: audit\nunits:\n"
                    "- {code: '=1+1', name: '=HYPERLINK(\"http://x\",\"y\")', parent: '@D1',"
                    " values: {ty_le: [5, 10], ke_hoach: false, thong_tin: true}}\n", encoding="utf-8")
    assert main(["shortfalls", str(tmp_path / "mini.cqdt"), str(data), "--tier", "xa", "--criterion", "A",
                 "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "tier,criterion,code,name,district,points,max,values",
        "xa,A,'=1+1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'@D1,5.000,10,ty_le: 5/10"]
