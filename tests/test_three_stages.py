"""Three stages for communes, end to end: forms filled at each stage (self, district, audit), `cqdt audit`
showing the differences at each step, and the report scoring each tier from the latest stage every unit
of it has, saying which."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl  # the xlsx extra is part of the dev install: a missing one fails loudly
import pytest
from test_workbook import SHEET, fill_form, sample_values

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_many
from cqdt_rules.data.workbook import write_template
from cqdt_rules.formatting import format_number
from cqdt_rules.model.units import latest_stage

COMMUNES = (("23575", "Xã Thử Một"), ("23578", "Xã Thử Hai"))


def _form(tmp_path: Path, ruleset: Any, source: str, code: str, name: str, values: dict[str, Any],
          evidence: dict[str, list[str]]) -> Path:
    form = write_template(ruleset, "xa", tmp_path / f"{code}-{source}.xlsx", source=source, year=2022)
    fill_form(form, ruleset.tier("xa"), code, name, values, evidence, parent="622")
    return form


@pytest.fixture()
def stages(tmp_path: Path) -> dict[str, Path]:
    """Commune 23575: the district rejects its plan (ke_hoach_cds, −5), the audit finds a one-stop-shop
    process and e-forms the commune had not claimed (xu_ly_noi_bo_mot_cua, su_dung_bieu_mau, +9);
    commune 23578 is unchanged at every step."""
    ruleset = api.load("egov_2020").ruleset
    tier = ruleset.tier("xa")
    claimed, evidence = sample_values(tier, "self")
    claimed.update(ke_hoach_cds=True, xu_ly_noi_bo_mot_cua=False, su_dung_bieu_mau=False)
    evidence["ke_hoach_cds"] = ["KH 12/KH-UBND"]
    audited, audit_evidence = sample_values(tier, "audit")
    audited.update({k: v for k, v in claimed.items()})
    forms: dict[str, Path] = {}
    for code, name in COMMUNES:
        changed = code == "23575"
        forms[f"{code}-self"] = _form(tmp_path, ruleset, "self", code, name, claimed, evidence)
        district = dict(claimed, ke_hoach_cds=not changed)
        forms[f"{code}-district"] = _form(tmp_path, ruleset, "district", code, name, district, evidence)
        final = dict(audited, ke_hoach_cds=not changed, xu_ly_noi_bo_mot_cua=changed, su_dung_bieu_mau=changed)
        forms[f"{code}-audit"] = _form(tmp_path, ruleset, "audit", code, name, final, dict(audit_evidence, **evidence))
    return forms


def test_the_form_names_the_stage_and_reads_back_as_district(stages: dict[str, Path]) -> None:
    sheet = openpyxl.load_workbook(stages["23575-district"])[SHEET]
    assert "PHIẾU THẨM TRA CỦA CẤP HUYỆN" in sheet["A2"].value and sheet["D10"].value == "Huyện thẩm tra"
    [record] = load_many([stages["23575-district"]])
    assert record.source == "district" and record.values["ke_hoach_cds"] in ("Không", False, "không")


def test_audit_shows_the_difference_at_each_step(stages: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(next(iter(stages.values())).parent)
    assert main(["audit", "egov_2020", folder, "--unit", "23575"]) == 0
    out = capsys.readouterr().out
    step = next(line for line in out.splitlines() if line.startswith("Qua từng bước:"))
    totals = [part.rsplit(" ", 1)[1] for part in step.removeprefix("Qua từng bước: ").rstrip(".").split(" → ")]
    assert len(totals) == 3 and len(set(totals)) == 3  # self, district, audit: the points change at each step
    assert "A3.1" in out and "B3.3" in out  # the criteria the district and the audit changed
    assert main(["audit", "egov_2020", folder]) == 0
    table = capsys.readouterr().out
    assert "Huyện thẩm tra" in table and "± huyện" in table and "± thẩm định" in table


def test_report_scores_the_latest_stage_every_commune_has(stages: dict[str, Path], tmp_path: Path) -> None:
    folder = next(iter(stages.values())).parent
    checked = api.load("egov_2020")
    totals = {(u.code, u.assessment.source): u.total for u in api.score(checked, load_many([folder]))}
    assert totals[("23575", "self")] != totals[("23575", "district")] != totals[("23575", "audit")]

    out = tmp_path / "all-audited"
    assert main(["report", "egov_2020", str(folder), "--out", str(out), "--formats", "md"]) == 0
    text = (out / "report-egov_2020-2022-vi.md").read_text(encoding="utf-8")
    assert "Số liệu được chấm: kết quả thẩm định của Đoàn kiểm tra." in text
    assert "theo giai đoạn mới nhất" in text

    stages["23578-audit"].unlink()  # one commune not yet audited: the whole tier falls back to the district stage
    out = tmp_path / "one-not-audited"
    assert main(["report", "egov_2020", str(folder), "--out", str(out), "--formats", "md"]) == 0
    text = (out / "report-egov_2020-2022-vi.md").read_text(encoding="utf-8")
    assert "Số liệu được chấm: kết quả thẩm tra của cấp huyện." in text
    assert f"| {format_number(totals[('23575', 'district')], 'vi', 3)} |" in text


def test_latest_stage_is_chosen_per_cohort() -> None:
    assert latest_stage([{"self", "district", "audit"}, {"self", "district", "audit"}]) == "audit"
    assert latest_stage([{"self", "district", "audit"}, {"self", "district"}]) == "district"
    assert latest_stage([{"self", "audit"}, {"self", "district"}]) == "self"
    assert latest_stage([{"audit"}, {"district"}]) is None
