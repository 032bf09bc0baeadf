"""What it would take: points missing to the next level, criteria in the order a unit would work on them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.analysis.gaps import (
    COST_AUDIT,
    COST_CATEGORY,
    COST_COUNT,
    COST_EVIDENCE,
    COST_ITEMS,
    COST_RATIO,
    COST_SHARE,
    COST_YES,
    find_unit,
    gaps,
    gaps_csv,
    gaps_table,
    unit_gaps_text,
)
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.model.units import Pair

RULESET = """
ruleset mini_gaps {
  title "Thử điều kiện lên mức"
  status hypothetical
  years 2022..2022
  rounding 3 half_up
  on_zero_denominator 0
  on_missing_evidence zero
}
tier huyen "UBND huyện" max 30 {
  levels muc_do "Mức độ" {
    I "Mức I" >= 80% requires points(A) >= 100%
    II "Mức II" >= 60%
    below "Không xếp hạng"
  }
  ranking khoi "Xếp hạng" by total descending
  group A "Điều kiện" max 6 capped {
    provenance hypothetical "thử"
    criterion A1 "Kế hoạch" max 4 {
      input ke_hoach yesno "Đã ban hành kế hoạch"
      yes ke_hoach
      provenance hypothetical "thử"
    }
    criterion A2 "Công chức CNTT" max 4 {
      input cong_chuc category(chuyen_trach "Chuyên trách", kiem_nhiem "Kiêm nhiệm", khong "Không có") "Công chức CNTT"
      category cong_chuc { chuyen_trach -> 4  kiem_nhiem -> 2  khong -> 0 }
      provenance hypothetical "thử"
    }
  }
  group B "Kết quả" max 24 {
    provenance hypothetical "thử"
    criterion B1 "Quy chế" max 4 {
      input quy_che yesno "Đã ban hành quy chế" evidence "Quyết định ban hành quy chế"
      yes quy_che
      provenance hypothetical "thử"
    }
    criterion B2 "Máy tính" max 4 {
      input may_tinh pair "Số CBCC có máy tính / tổng số CBCC" unit "người"
      ratio may_tinh
      provenance hypothetical "thử"
    }
    criterion B3 "Ký số" max 4 {
      input ky_so pair "Văn bản ký số / văn bản đi" unit "văn bản"
      bands ky_so { >= 100% -> 4  >= 50% -> 2  else -> 0 }
      provenance hypothetical "thử"
    }
    criterion B4 "Văn bản chỉ đạo" max 4 {
      input van_ban count "Số văn bản chỉ đạo" unit "văn bản" range 0..10
      bands van_ban { >= 3 -> 4  >= 1 -> 2  else -> 0 }
      provenance hypothetical "thử"
    }
    criterion B5 "Phần mềm" max 4 {
      input phan_mem count "Số phần mềm chuyên ngành" unit "phần mềm" range 0..10
      per_item phan_mem each 1
      provenance hypothetical "thử"
    }
    criterion B6 "Hài lòng" max 4 {
      input hai_long score "Điểm hài lòng" audit_only
      direct hai_long
      provenance hypothetical "thử"
    }
  }
}
tier so "Sở" max 10 {
  output chi_so "Chỉ số" = total / 10 round 4
  levels xep_loai "Xếp loại" on chi_so {
    tot "Tốt" >= 0.8
    kha "Khá" >= 0.5
    below "Yếu"
  }
  criterion S1 "Kế hoạch" max 5 {
    input ke_hoach yesno "Đã ban hành kế hoạch"
    yes ke_hoach
    provenance hypothetical "thử"
  }
  criterion S2 "Máy tính" max 5 {
    input may_tinh pair "Số CBCC có máy tính / tổng số CBCC" unit "người"
    ratio may_tinh
    provenance hypothetical "thử"
  }
}
"""

DATA = """
year: 2022
source: self
units:
  - code: "634"
    name: "Huyện Đăk Pơ"
    tier: huyen
    values: {ke_hoach: no, cong_chuc: kiem_nhiem, quy_che: yes, may_tinh: [5, 10], ky_so: [6, 10], van_ban: 1, phan_mem: 2}
  - code: "622"
    name: "Thành phố Pleiku"
    tier: huyen
    values: {ke_hoach: yes, cong_chuc: chuyen_trach, quy_che: yes, may_tinh: [10, 10], ky_so: [10, 10], van_ban: 3, phan_mem: 4}
    evidence: {quy_che: ["QĐ 187/QĐ-UBND"]}
  - code: "631"
    name: "Huyện Đức Cơ"
    tier: huyen
    values: {ke_hoach: no, cong_chuc: chuyen_trach, quy_che: yes, may_tinh: [10, 10], ky_so: [10, 10], van_ban: 3, phan_mem: 4}
    evidence: {quy_che: ["QĐ 469/QĐ-UBND"]}
  - code: "SO13"
    name: "Sở Thông tin và Truyền thông"
    tier: so
    values: {ke_hoach: yes, may_tinh: [2, 10]}
"""


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"ruleset": tmp_path / "mini.cqdt", "data": tmp_path / "data.yaml"}
    paths["ruleset"].write_text(RULESET, encoding="utf-8")
    paths["data"].write_text(DATA, encoding="utf-8")
    return paths


def _gaps(files: dict[str, Path]):  # type: ignore[no-untyped-def]
    checked = api.load(files["ruleset"])
    found, source = gaps(checked, load_assessments(files["data"]))
    return checked, found, source


def test_points_missing_to_the_next_level(files: dict[str, Path]) -> None:
    _, found, source = _gaps(files)
    assert source == "self"  # no audited record in the data
    dak_po = find_unit(found, "634")
    assert dak_po.unit.total == Decimal("10.000")
    gap = dak_po.level
    assert gap is not None
    assert (gap.current_label, gap.next_label) == ("Không xếp hạng", "Mức II")
    assert gap.points_missing == Decimal(8)  # 60% of 30 = 18


def test_top_level_and_an_unmet_condition(files: dict[str, Path]) -> None:
    _, found, _ = _gaps(files)
    pleiku = find_unit(found, "622").level
    assert pleiku is not None and pleiku.next_id is None and pleiku.points_missing == 0
    duc_co = find_unit(found, "631").level  # 24/30 = 80% but group A is 4/6
    assert duc_co is not None and (duc_co.current_label, duc_co.next_label) == ("Mức II", "Mức I")
    assert duc_co.points_missing == 0
    assert duc_co.unmet == (("points(A) ≥ 100%", Decimal(2)),)


def test_criteria_ordered_by_points_available_then_cheapest(files: dict[str, Path]) -> None:
    _, found, _ = _gaps(files)
    dak_po = find_unit(found, "634")
    order = [(o.node_id, o.available, o.cost) for o in dak_po.opportunities]
    assert order == [
        ("B1", 4, COST_EVIDENCE),  # scored 0 only for want of the regulation: add the document
        ("A1", 4, COST_YES),
        ("A2", 2, COST_CATEGORY),
        ("B5", 2, COST_ITEMS),
        ("B4", 2, COST_COUNT),
        ("B3", 2, COST_SHARE),
        ("B2", 2, COST_RATIO),
        ("B6", 4, COST_AUDIT),  # entered by the audit team: after everything the unit can do itself
    ]


def test_plan_respects_the_cap_of_a_group(files: dict[str, Path]) -> None:
    _, found, _ = _gaps(files)
    plan = {o.node_id: (gain, running) for o, gain, running in find_unit(found, "634").plan()}
    assert plan["A1"] == (Decimal(4), Decimal(8))
    assert plan["A2"][0] == 0  # group A is capped at 6: after A1 nothing is left for A2
    assert plan["B2"][1] == Decimal(16)


def test_next_steps_are_computed_by_re_evaluating_the_criterion(files: dict[str, Path]) -> None:
    _, found, _ = _gaps(files)
    steps = {o.node_id: o for o in find_unit(found, "634").opportunities}
    assert steps["B1"].next_step is not None and steps["B1"].next_step.kind == "evidence"
    assert steps["B1"].next_step.gain == 4 and "Quyết định ban hành quy chế" in steps["B1"].next_step.target
    assert (steps["A1"].next_step.kind, steps["A1"].next_step.target) == ("yes", True)  # type: ignore[union-attr]
    assert steps["A2"].next_step.target == "chuyen_trach"  # type: ignore[union-attr]
    assert steps["B3"].next_step.target == Pair(Decimal(10), Decimal(10))  # type: ignore[union-attr]
    assert steps["B4"].next_step.target == Decimal(3)  # type: ignore[union-attr]
    b5 = steps["B5"]
    assert (b5.next_step.target, b5.next_step.gain) == (Decimal(3), Decimal(1))  # type: ignore[union-attr]
    assert (b5.full_step.target, b5.full_step.gain) == (Decimal(4), Decimal(2))  # type: ignore[union-attr]
    assert steps["B2"].next_step.target == Pair(Decimal(10), Decimal(10))  # type: ignore[union-attr]
    assert steps["B2"].full_step is None  # a ratio: the step to full points is the one shown
    assert steps["B6"].next_step is None and "not assessed" in steps["B6"].flags


def test_a_no_answer_without_evidence_is_a_yes_to_prove_not_missing_evidence(files: dict[str, Path]) -> None:
    files["data"].write_text(DATA.replace("values: {ke_hoach: no, cong_chuc: kiem_nhiem, quy_che: yes",
                                          "values: {ke_hoach: no, cong_chuc: kiem_nhiem, quy_che: no"), encoding="utf-8")
    _, found, _ = _gaps(files)
    b1 = next(o for o in find_unit(found, "634").opportunities if o.node_id == "B1")
    assert "missing evidence" not in b1.flags
    assert b1.next_step is not None and (b1.next_step.kind, b1.next_step.target, b1.next_step.gain) == ("yes", True, 4)


def test_a_level_on_an_output_is_turned_into_points(files: dict[str, Path]) -> None:
    _, found, _ = _gaps(files)
    gap = find_unit(found, "SO13").level
    assert gap is not None and (gap.current_label, gap.next_label) == ("Khá", "Tốt")  # 6/10 = 0.6
    assert gap.value_missing == Decimal("0.2") and gap.points_missing == Decimal("2")


def test_unit_text_marks_where_the_next_level_is_reached(files: dict[str, Path]) -> None:
    checked, found, source = _gaps(files)
    text = unit_gaps_text(find_unit(found, "634"), checked.ruleset, source)
    assert "Tổng 10,000/30 điểm, Không xếp hạng." in text
    assert "Để đạt Mức II: cần thêm 8,000 điểm." in text
    lines = text.splitlines()
    reach = [line for line in lines if "← đủ 8,000 điểm để đạt Mức II" in line]
    assert len(reach) == 1 and "A1 Kế hoạch" in reach[0] and "ke_hoach: đạt (Có): +4,000" in reach[0]
    assert any("bổ sung tài liệu kiểm chứng (quy_che: Quyết định ban hành quy chế): +4,000" in line for line in lines)
    assert any("phan_mem: từ 2 lên 3: +1,000; phan_mem: từ 2 lên 4: +2,000 (tối đa)" in line for line in lines)
    assert any("A2 Công chức CNTT" in line and "không thêm điểm: nhóm A đã đạt tối đa" in line for line in lines)
    assert any("chưa đánh giá (Đoàn kiểm tra nhập)" in line for line in lines)
    english = unit_gaps_text(find_unit(found, "631"), checked.ruleset, source, "en")
    assert "Conditions of Mức I not yet met: points(A) ≥ 100% (+2.000)." in english


def test_overview_table_and_csv(files: dict[str, Path]) -> None:
    checked, found, source = _gaps(files)
    text = gaps_table(found, checked.ruleset, source)
    assert "634  Huyện Đăk Pơ         10,000  Không xếp hạng  Mức II" in text
    assert "B1 +4,000; A1 +4,000; B5 +2,000" in text  # A2 adds nothing after A1 (group A is capped)
    assert "B6" not in text  # scored by the audit team: not a step for the unit
    assert "đã ở mức cao nhất" in text and "đủ điểm, còn điều kiện" in text
    rows = gaps_csv(found).splitlines()
    assert rows[0].startswith("tier,year,source,code,name,parent,total,level,next_level,points_missing,order,criterion")
    assert any(row.startswith("huyen,2022,self,634,Huyện Đăk Pơ,,10.000,Không xếp hạng,Mức II,8.000,1,B1,") for row in rows)


def test_cli_gaps(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    base = ["gaps", str(files["ruleset"]), str(files["data"])]
    assert main(base) == 0
    assert "Điều kiện để lên mức tiếp theo" in capsys.readouterr().out
    assert main(base + ["--unit", "634", "--top", "2", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "To reach Mức II: 8.000 more points." in out and " 3  " not in out.split("What to do")[1]
    assert main(base + ["--unit", "999"]) == 2
    assert main(base + ["--source", "audit", "--lang", "en"]) == 2
    assert "no 'audit' assessments" in capsys.readouterr().err
    assert main(base + ["--top", "0"]) == 2


SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gialai" / "egov-2022-audit.yaml"


def test_gialai_sample_gaps_for_every_unit() -> None:
    checked = api.load("egov_2020")
    found, source = gaps(checked, load_assessments(SAMPLE))
    assert source == "audit" and len(found) == 257
    for g in found:
        gap = g.level
        assert gap is not None
        if gap.next_id is not None:
            assert gap.points_missing is not None and gap.points_missing > 0
        for opportunity in g.opportunities:
            assert 0 < opportunity.available <= opportunity.max - opportunity.points
