"""The comparison module, the main job's text and the transition view, on a small hand-made ruleset."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.analysis.compare import compare
from cqdt_rules.analysis.summary import render_summary, tier_paragraph
from cqdt_rules.analysis.transition import transition_csv, transition_table
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import UsageError
from cqdt_rules.model.units import Assessment

RULESET = """
ruleset mini {
  title "Bộ tiêu chí thử"
  status hypothetical
  years 2020..2022
  rounding 3
  on_zero_denominator 0
}
levels muc "Mức độ" {
  I "Mức I" >= 80%
  II "Mức II" >= 50%
  below "Không xếp hạng"
}
ranking khoi "Xếp hạng" by total
tier xa "Xã" max 10 {
  ranking huyen "Trong huyện" by total within district
  criterion A "Tỷ lệ" max 10 {
    input ty_le pair "a / b"
    ratio ty_le
    provenance hypothetical "thử"
  }
}
"""

INDEX = """
ruleset index {
  title "Chỉ số thử"
  status hypothetical
  years 2023..
  rounding 3
}
tier xa "Xã" max 100 {
  output dti "Chỉ số" = total / 100 round 2
  ranking khoi "Xếp hạng" by dti
  criterion A "Điểm" max 100 {
    input diem score "điểm"
    direct diem
    provenance hypothetical "thử"
  }
}
"""


def _unit(code: str, parent: str, year: int, a: int, b: int = 10) -> Assessment:
    return Assessment(code=code, name=f"Xã {code}", tier="xa", year=year, source="audit", parent=parent,
                      values={"ty_le": (a, b)})


@pytest.fixture
def two_years():
    checked = api.load_text(RULESET, "mini.cqdt")
    before = api.score(checked, [_unit("1", "D1", 2021, 9), _unit("2", "D1", 2021, 4), _unit("3", "D2", 2021, 6),
                                 _unit("4", "D2", 2021, 2)])
    after = api.score(checked, [_unit("1", "D1", 2022, 5), _unit("2", "D1", 2022, 9), _unit("3", "D2", 2022, 8),
                                _unit("5", "D2", 2022, 1)])
    return after, before


def test_counts_carry_the_previous_year(two_years):
    after, before = two_years
    [tier] = compare(after, before)
    counts = {row.label: (row.count, row.previous, row.change) for row in tier.counts}
    # 2022: 9 and 8 → I; 5 → II; 1 → below. 2021: 9 → I; 4, 6 → II... 4/10 = 40% → below; 6 → II; 2 → below.
    assert counts == {"Mức I": (2, 1, 1), "Mức II": (1, 1, 0), "Không xếp hạng": (1, 2, -1)}


def test_units_in_one_year_only_are_listed_not_dropped(two_years):
    after, before = two_years
    [tier] = compare(after, before)
    status = {u.code: u.status for u in tier.units}
    assert status == {"1": "both", "2": "both", "3": "both", "4": "previous only", "5": "current only"}


def test_movers_by_rank_and_the_criteria_that_moved_them(two_years):
    after, before = two_years
    [tier] = compare(after, before)
    risers, fallers = tier.movers()
    assert [u.code for u in risers] == ["2"]  # rank 3 → 1
    assert [u.code for u in fallers] == ["1"]  # rank 1 → 3
    assert tier.unit("2").node_changes() == [("A", Decimal("5.000"))]
    assert tier.unit("1").total_change == Decimal("-4.000")


def test_paragraph_in_vietnamese_counts_and_changes(two_years):
    after, before = two_years
    [tier] = compare(after, before)
    text = tier_paragraph(tier, "vi", 2021)
    assert "02 đơn vị đạt Mức I (chiếm tỷ lệ 50,00%; tăng 01 đơn vị so với năm 2021)" in text
    assert "01 đơn vị đạt Mức II (chiếm tỷ lệ 25,00%; không đổi so với năm 2021)" in text
    assert "giảm 01 đơn vị so với năm 2021" in text


def test_paragraph_words_empty_levels_and_units_below_the_lowest_level(two_years):
    after, before = two_years
    checked = after.ruleset
    nobody_below = api.score(checked, [_unit("1", "D1", 2022, 6), _unit("2", "D1", 2022, 7)])
    [tier] = compare(nobody_below, before)
    text = tier_paragraph(tier, "vi", 2021)
    assert text == ("Xã: 2 đơn vị được đánh giá. Không có đơn vị đạt Mức I (giảm 01 đơn vị so với năm 2021); "
                    "02 đơn vị đạt Mức II (chiếm tỷ lệ 100,00%; tăng 01 đơn vị so với năm 2021); "
                    "không có đơn vị dưới Mức II (Không xếp hạng; giảm 02 đơn vị so với năm 2021).")
    [alone] = compare(after, None)
    assert tier_paragraph(alone, "en", None).endswith("; 1 unit below Mức II (Không xếp hạng; 25.00%).")


def test_summary_groups_communes_by_district_and_names_single_year_units(two_years):
    after, before = two_years
    text = render_summary(after, compare(after, before), "vi", 2021)
    assert "\nD1 (D1)\nHạng" in text and "\nD2 (D2)\nHạng" in text  # no district unit in the data: its code names it
    assert "Chỉ có kết quả năm nay: Xã 5." in text
    assert "Không có kết quả năm nay (chỉ có năm 2021): Xã 4." in text
    english = render_summary(after, compare(after, before), "en", 2021)
    assert "2 units at Mức I (50.00%; 1 more than in 2021)" in english


def test_transition_joins_on_code_across_rulesets(two_years):
    after, _ = two_years
    index = api.load_text(INDEX, "index.cqdt")
    later = api.score(index, [
        Assessment(code="1", name="Xã 1", tier="xa", year=2023, source="audit", parent="D1", values={"diem": "70"}),
        Assessment(code="6", name="Xã 6", tier="xa", year=2023, source="audit", parent="D2", values={"diem": "70.4"}),
    ])
    rows = transition_csv(after, later).splitlines()
    by_code = {r.split(",")[1]: r for r in rows[1:]}
    assert by_code["1"] == "xa,1,Xã 1,D1,Mức II,3,5.000,0.70,,1,both"
    assert by_code["6"].endswith(",0.70,,1,current only")  # 70.4 → 0.70 as published: shares rank 1
    assert by_code["5"].endswith(",,,,previous only")
    assert "chỉ có năm 2023" in transition_table(after, later)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_transition_csv_headers_are_ids_in_every_language(two_years, lang):
    """The CSV's columns are named as ``cqdt score --format csv`` names them, never in prose (it mixed English
    with the index's Vietnamese label)."""
    after, _ = two_years
    later = api.score(api.load_text(INDEX, "index.cqdt"), [Assessment(
        code="1", name="Xã 1", tier="xa", year=2023, source="audit", parent="D1", values={"diem": "70"})])
    index = later.ruleset.tiers[0].outputs[0].name
    assert transition_csv(after, later, lang=lang).splitlines()[0] == (
        f"tier,code,name,parent,level_2022,rank_2022,total_2022,{index}_2023,level_2023,rank_2023,status")


def test_transition_table_names_a_total_in_the_runs_language(two_years):
    """A later ruleset with no index: its total is headed in the table's language (it read 'Total' in Vietnamese)."""
    after, before = two_years
    header = transition_table(before, after).splitlines()[2]
    assert "Điểm 2021  Tổng điểm 2022" in header and "Total" not in header
    assert "Total 2021  Total 2022" in transition_table(before, after, lang="en")


def test_changes_across_rulesets_compare_ranks_but_not_levels_or_criteria(two_years):
    after, _ = two_years
    index = api.load_text(INDEX, "index.cqdt")
    later = api.score(index, [Assessment(code=code, name=f"Xã {code}", tier="xa", year=2023, source="audit",
                                         parent="D1", values={"diem": points}) for code, points in (("1", 90), ("2", 40))])
    [tier] = compare(later, after)
    change = tier.unit("1")
    assert change.rank_change == 2  # rank 3 of 4 in 2022 (5 of 10 points), rank 1 in 2023
    assert change.level_change is None  # another scale
    assert change.node_changes() == []  # node A is another criterion in the other ruleset
    assert [row.previous for row in tier.counts] == []  # the index has no level scale


def test_transition_sets_a_rank_within_the_district_beside_one_within_the_district(two_years):
    district_only = api.load_text(RULESET.replace('ranking khoi "Xếp hạng" by total\n', ""), "mini.cqdt")
    before = api.score(district_only, [_unit("1", "D1", 2022, 5), _unit("2", "D1", 2022, 9), _unit("3", "D2", 2022, 1)])
    index = api.load_text(INDEX.replace('by dti\n', 'by dti\n  ranking huyen "Trong huyện" by dti within district\n'),
                          "index.cqdt")
    later = api.score(index, [
        Assessment(code=code, name=f"Xã {code}", tier="xa", year=2023, source="audit", parent=parent,
                   values={"diem": points}) for code, parent, points in (("1", "D1", 90), ("2", "D1", 50), ("3", "D2", 10))])
    by_code = {r.split(",")[1]: r.split(",") for r in transition_csv(before, later).splitlines()[1:]}
    assert (by_code["3"][5], by_code["3"][9]) == ("1", "1")  # first in D2 both years, not 3rd in the province
    assert (by_code["1"][5], by_code["1"][9]) == ("2", "1")
    table = transition_table(before, later)
    assert "Thứ hạng: Trong huyện (2022) và Trong huyện (2023)" in table
    [tier] = compare(later, before)
    assert tier.unit("3").rank_change == 0 and tier.unit("1").rank_change == 1


def _one_index_unit_of_2023() -> Results:
    index = api.load_text(INDEX, "index.cqdt")
    return api.score(index, [Assessment(code="1", name="Xã 1", tier="xa", year=2023, source="audit", parent="D1",
                                        values={"diem": "70"})])


def test_transition_without_records_of_the_source_is_a_usage_error_not_a_traceback(two_years, capsys):
    from cqdt_rules.cli.main import main

    after, _ = two_years
    later = _one_index_unit_of_2023()
    with pytest.raises(UsageError, match=r"the earlier data holds no 'self' assessments \(it holds: audit\)"):
        transition_table(after, later, source="self")
    sample = Path(__file__).parent.parent / "examples" / "gialai"
    code = main(["transition", "egov_2020", str(sample / "egov-2022-self.yaml"), "dti_2023",
                 str(sample / "dti-2023-audit.yaml"), "--lang", "en"])
    assert code == 2
    assert "the earlier data holds no 'audit' assessments (it holds: self)" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["summary", "compare", "report"])
def test_previous_data_not_of_an_earlier_year_is_refused_naming_both_years(command, two_years, tmp_path, capsys):
    from cqdt_rules.analysis.compare import select
    from cqdt_rules.cli.main import main

    after, before = two_years
    with pytest.raises(UsageError, match=r"previous data are of 2022, not of a year before the data's 2021; .*swap"):
        select(before, after, "audit")
    sample = Path(__file__).parent.parent / "examples" / "gialai"
    out = ["--out", str(tmp_path / "out")] if command == "report" else []
    code = main([command, "egov_2020", str(sample / "egov-2022-audit.yaml"), "--previous",
                 str(sample / "egov-2022-audit.yaml"), *out])
    assert code == 2
    assert ("dữ liệu --previous là của năm 2022, không phải của một năm trước năm 2022 của dữ liệu"
            in capsys.readouterr().err)
    assert not (tmp_path / "out").exists()


def test_transition_with_the_later_pair_first_is_refused(two_years, capsys):
    from cqdt_rules.cli.main import main

    after, _ = two_years
    later = _one_index_unit_of_2023()
    with pytest.raises(UsageError, match=r"the earlier data are of 2023, not of a year before the later data's 2022"):
        transition_table(later, after)
    sample = Path(__file__).parent.parent / "examples" / "gialai"
    code = main(["transition", "dti_2023", str(sample / "dti-2023-audit.yaml"), "egov_2020",
                 str(sample / "egov-2022-audit.yaml")])
    assert code == 2
    assert "dữ liệu năm trước là của năm 2023, không phải của một năm trước năm 2022" in capsys.readouterr().err
