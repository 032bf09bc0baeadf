"""Audit against self-assessment: claimed and verified points, differences, evidence, units not audited."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.analysis.audit import (
    AUDIT_ONLY,
    AUDITED,
    NOT_AUDITED,
    audit,
    audit_csv,
    audit_table,
    unit_audit_text,
)
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.errors import DataError

RULESET = """
ruleset mini {
  title "Bộ tiêu chí thử"
  version "t1"
  status hypothetical
  years 2021..2023
  rounding 3 half_up
  on_zero_denominator 0
  on_missing_evidence zero
}
levels muc_do "Mức độ" {
  I "Mức I" >= 80%
  II "Mức II" >= 60%
  below "Không xếp hạng"
}
ranking khoi "Xếp hạng" by total descending ties shared

tier huyen "UBND huyện" max 20 {
  group A "Điều kiện" max 10 {
    provenance hypothetical "thử"
    criterion A1 "Kế hoạch" max 4 {
      input ke_hoach yesno "Đã ban hành kế hoạch" evidence "Kế hoạch năm"
      yes ke_hoach
      provenance hypothetical "thử"
    }
    criterion A2 "Tỷ lệ xã có điểm cầu" max 6 {
      input xa_diem_cau pair "Số xã có điểm cầu / tổng số xã" unit "xã"
      ratio xa_diem_cau
      provenance hypothetical "thử"
    }
  }
  group B "Kết quả" max 10 {
    provenance hypothetical "thử"
    criterion B1 "Công chức CNTT" max 4 {
      input cong_chuc category(chuyen_trach "Chuyên trách, có trình độ", kiem_nhiem "Kiêm nhiệm", khong "Không có") "Công chức phụ trách CNTT" evidence "Quyết định phân công"
      category cong_chuc { chuyen_trach -> 4  kiem_nhiem -> 2  khong -> 0 }
      provenance hypothetical "thử"
    }
    criterion B2 "Văn bản chỉ đạo" max 3 {
      input van_ban count "Số văn bản chỉ đạo" unit "văn bản" range 0..50
      bands van_ban { >= 3 -> 3  >= 1 -> 1  else -> 0 }
      provenance hypothetical "thử"
    }
    criterion B3 "Hài lòng" max 3 {
      input hai_long score "Điểm hài lòng (đoàn kiểm tra nhập)" audit_only
      direct hai_long
      provenance hypothetical "thử"
    }
  }
}
"""

SELF = """
year: 2022
source: self
units:
  - code: "622"
    name: "Thành phố Pleiku"
    tier: huyen
    values: {ke_hoach: yes, xa_diem_cau: [22, 22], cong_chuc: chuyen_trach, van_ban: 4}
    evidence: {ke_hoach: ["KH 284/KH-UBND"], cong_chuc: ["QĐ 790/QĐ-UBND"]}
  - code: "631"
    name: "Huyện Đức Cơ"
    tier: huyen
    values: {ke_hoach: yes, xa_diem_cau: [10, 10], cong_chuc: kiem_nhiem, van_ban: 2}
    evidence: {cong_chuc: ["QĐ 618/QĐ-UBND"]}
  - code: "634"
    name: "Huyện Đăk Pơ"
    tier: huyen
    values: {ke_hoach: no, xa_diem_cau: [5, 8], cong_chuc: khong, van_ban: 0}
"""

AUDIT = """
year: 2022
source: audit
units:
  - code: "622"
    name: "Thành phố Pleiku"
    tier: huyen
    values: {ke_hoach: yes, xa_diem_cau: [18, 22], cong_chuc: chuyen_trach, van_ban: 2, hai_long: 2.5}
    evidence: {ke_hoach: ["KH 284/KH-UBND"], cong_chuc: ["QĐ 790/QĐ-UBND"]}
  - code: "631"
    name: "Huyện Đức Cơ"
    tier: huyen
    values: {xa_diem_cau: [9, 10], hai_long: 1.5}
    evidence: {ke_hoach: ["KH 512/KH-UBND (bổ sung)"]}
  - code: "640"
    name: "Huyện Mới"
    tier: huyen
    values: {ke_hoach: yes, xa_diem_cau: [1, 2], cong_chuc: kiem_nhiem, van_ban: 1, hai_long: 1}
    evidence: {ke_hoach: ["KH 1/KH-UBND"], cong_chuc: []}
"""


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"ruleset": tmp_path / "mini.cqdt", "self": tmp_path / "self.yaml", "audit": tmp_path / "audit.yaml"}
    paths["ruleset"].write_text(RULESET, encoding="utf-8")
    paths["self"].write_text(SELF, encoding="utf-8")
    paths["audit"].write_text(AUDIT, encoding="utf-8")
    return paths


def _report(files: dict[str, Path]):  # type: ignore[no-untyped-def]
    checked = api.load(files["ruleset"])
    return audit(checked, load_assessments(files["self"]) + load_assessments(files["audit"]))


def test_claimed_and_verified_points_per_criterion(files: dict[str, Path]) -> None:
    unit = _report(files).unit("622")
    assert unit.status == AUDITED
    rows = {c.node_id: c for c in unit.criteria}
    assert [c.node_id for c in unit.criteria] == ["A1", "A2", "B1", "B2", "B3"]  # criteria only, in order
    a2 = rows["A2"]
    assert (a2.claimed, a2.verified) == (Decimal("6.000"), Decimal("4.909"))
    assert a2.difference == Decimal("-1.091")
    assert a2.changed_values[0][0] == "xa_diem_cau"
    assert rows["B2"].difference == Decimal("-2.000")
    assert rows["B3"].claimed == 0 and "not assessed" in rows["B3"].claimed_flags  # audit-only, not in the self record
    assert unit.claimed_total == Decimal("17.000") and unit.verified_total == Decimal("16.409")
    assert unit.difference == unit.verified_total - unit.claimed_total
    assert {c.node_id for c in unit.adjusted} == {"A2", "B2", "B3"}


def test_audited_values_win_and_values_left_out_keep_the_self_assessment_flagged(files: dict[str, Path]) -> None:
    unit = _report(files).unit("631")
    rows = {c.node_id: c for c in unit.criteria}
    assert rows["A2"].verified_values == (("xa_diem_cau", unit.verified.assessment.values["xa_diem_cau"]),)  # type: ignore[union-attr]
    assert rows["A2"].verified == Decimal("5.400")  # 9/10 from the audit, not 10/10
    assert rows["B1"].not_rechecked == ("cong_chuc",)  # the audit record did not give it
    assert rows["B1"].verified == rows["B1"].claimed == Decimal("2.000")
    assert set(unit.not_rechecked) == {"ke_hoach", "cong_chuc", "van_ban"}


def test_evidence_required_missing_and_added(files: dict[str, Path]) -> None:
    report = _report(files)
    duc_co = {c.node_id: c for c in report.unit("631").criteria}
    a1 = duc_co["A1"]
    assert a1.evidence_required == (("ke_hoach", "Kế hoạch năm"),)
    assert a1.claimed == 0 and "missing evidence" in a1.claimed_flags  # self-assessed without the plan
    assert a1.verified == 4 and a1.missing_evidence == ()
    assert a1.evidence_added == (("ke_hoach", ("KH 512/KH-UBND (bổ sung)",)),)
    new = {c.node_id: c for c in report.unit("640").criteria}
    assert new["B1"].missing_evidence == (("cong_chuc", "Quyết định phân công"),)  # an empty list gives none
    assert new["B1"].verified == 0


def test_a_unit_without_an_audited_record_is_reported_never_passed(files: dict[str, Path]) -> None:
    report = _report(files)
    dak_po = report.unit("634")
    assert dak_po.status == NOT_AUDITED
    assert dak_po.verified is None and dak_po.verified_total is None and dak_po.difference is None
    assert all(c.verified is None for c in dak_po.criteria)
    assert report.not_audited == (dak_po,)
    text = audit_table(report)
    assert "CHƯA THẨM ĐỊNH" in text
    assert "01 đơn vị chưa có kết quả thẩm định (không được coi là đạt" in text and "634 Huyện Đăk Pơ" in text
    assert report.unit("640").status == AUDIT_ONLY


def test_unit_text_shows_points_differences_and_evidence(files: dict[str, Path]) -> None:
    report = _report(files)
    text = unit_audit_text(report, report.unit("631"))
    assert "Tự chấm 9,000 điểm (Không xếp hạng) → thẩm định 13,900 điểm (Mức II); chênh lệch +4,900." in text
    assert "giữ số liệu tự đánh giá: ke_hoach; bổ sung kiểm chứng: ke_hoach" in text
    assert "xa_diem_cau: 10/10 → 9/10" in text
    assert "giữ số liệu tự đánh giá: cong_chuc" in text
    assert "A1 ke_hoach: yêu cầu «Kế hoạch năm»; đã có: KH 512/KH-UBND (bổ sung) (bổ sung khi thẩm định: KH 512/KH-UBND (bổ sung))" in text
    english = unit_audit_text(report, report.unit("640"), "en", show_all=True)
    assert "No self-assessment: verified" in english and "B1 cong_chuc: requires “Quyết định phân công”; MISSING" in english


def test_csv_has_one_row_per_unit_and_criterion(files: dict[str, Path]) -> None:
    lines = audit_csv(_report(files)).splitlines()
    assert lines[0].startswith("ruleset,tier,year,code,name,parent,status,criterion,max,claimed,verified,difference")
    assert len(lines) == 1 + 4 * 5
    assert any(line.startswith("mini,huyen,2022,634,Huyện Đăk Pơ,,not_audited,A1,4,0.000,,,") for line in lines)


def test_cli_audit_overview_unit_and_exit_codes(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    args = ["audit", str(files["ruleset"]), str(files["self"]), str(files["audit"])]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Đối chiếu kết quả tự đánh giá và kết quả thẩm định" in out and "16,409" in out
    assert main(args + ["--require-audit"]) == 1  # Đăk Pơ has no audited record
    capsys.readouterr()
    assert main(args + ["--unit", "622", "--lang", "en"]) == 0
    assert "Claimed 17.000 points (Mức I) → verified 16.409 points (Mức I); difference -0.591." in capsys.readouterr().out
    assert main(args + ["--unit", "999", "--lang", "en"]) == 2
    assert "no unit '999'" in capsys.readouterr().err


def test_cli_audit_refuses_bad_data_with_positions(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    files["audit"].write_text(AUDIT.replace("xa_diem_cau: [9, 10]", "xa_diem_cau: [12, 10]"), encoding="utf-8")
    assert main(["audit", "--lang", "en", str(files["ruleset"]), str(files["self"]), str(files["audit"])]) == 1
    err = capsys.readouterr().err
    assert f"{files['audit']}:" in err and "a = 12 is greater than b = 10" in err and "Traceback" not in err


def test_a_duplicate_record_is_refused(files: dict[str, Path]) -> None:
    checked = api.load(files["ruleset"])
    records = load_assessments(files["self"])
    with pytest.raises(DataError, match="appears twice"):
        audit(checked, records + records[:1] + load_assessments(files["audit"]))


SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gialai"


@pytest.mark.slow
def test_gialai_sample_every_unit_is_compared() -> None:
    checked = api.load("egov_2020")
    report = audit(checked, load_assessments(SAMPLE / "egov-2022-self.yaml") + load_assessments(SAMPLE / "egov-2022-audit.yaml"))
    assert len(report.units) == 257
    assert all(u.status == AUDITED for u in report.units)
    assert sum(1 for u in report.units if u.difference) > 0
