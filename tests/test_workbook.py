"""Excel data-entry forms: the template, reading filled forms back, and every bad cell named."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl  # the xlsx extra is part of the dev install: a missing one fails loudly
import pytest

from cqdt_rules import api  # noqa: E402
from cqdt_rules.cli.main import main  # noqa: E402
from cqdt_rules.data.readers import load_assessments, load_many  # noqa: E402
from cqdt_rules.data.workbook import (  # noqa: E402
    COL_A,
    COL_B,
    COL_EVIDENCE,
    COL_KEY,
    META_SHEET,
    load_workbook_assessments,
    write_template,
)
from cqdt_rules.errors import DataError  # noqa: E402
from cqdt_rules.model import ruleset as m  # noqa: E402
from cqdt_rules.model.checking import direct_limits  # noqa: E402

SHEET = "Phiếu đánh giá"
QUOTED = "'Phiếu đánh giá'"


@pytest.fixture(scope="module")
def egov() -> api.CheckedRuleset:
    return api.load("egov_2020")


# ---------------------------------------------------------------- helpers: the same values as YAML and as a form
def sample_values(tier: m.Tier, source: str = "self") -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A value of the right kind for every indicator (varied), and evidence for all but one that requires it."""
    limits = direct_limits(tier)
    values: dict[str, Any] = {}
    evidence: dict[str, list[str]] = {}
    skipped_evidence = False
    for index, ind in enumerate(tier.indicators):
        if ind.audit_only and source == "self":
            continue
        if ind.kind == "yesno":
            values[ind.name] = index % 3 != 0
        elif ind.kind == "category":
            values[ind.name] = ind.categories[index % len(ind.categories)].name
        elif ind.kind == "pair":
            values[ind.name] = (12, 10) if ind.a_may_exceed_b else (7 + index % 4, 10)
        elif ind.kind == "count":
            high = ind.range[1] if ind.range else Decimal(20)
            values[ind.name] = int(min(high, 1 + index % 5))
        elif ind.kind == "percent":
            values[ind.name] = Decimal("85.5")
        elif ind.kind == "score":
            high = limits.get(ind.name) or (ind.range[1] if ind.range else Decimal(10))
            values[ind.name] = high / 2
        else:
            values[ind.name] = Decimal("7.4")
        if ind.evidence_required:
            if not skipped_evidence and ind.needs_evidence(values[ind.name]):  # a "no" needs none to leave out
                skipped_evidence = True
            else:
                evidence[ind.name] = [f"KH {index}/KH-UBND ngày 5/6/2022", f"QĐ {index}/QĐ-UBND"]
    return values, evidence


def yaml_text(code: str, name: str, tier: str, year: int, source: str, values: dict[str, Any],
              evidence: dict[str, list[str]], parent: str | None = None) -> str:
    lines = [f"year: {year}", f"source: {source}", "units:", f'  - code: "{code}"', f'    name: "{name}"', f"    tier: {tier}"]
    if parent:
        lines.append(f'    parent: "{parent}"')
    lines.append("    values:")
    for key, value in values.items():
        if isinstance(value, bool):
            text = "yes" if value else "no"
        elif isinstance(value, tuple):
            text = f"[{value[0]}, {value[1]}]"
        else:
            text = str(value)
        lines.append(f"      {key}: {text}")
    if evidence:
        lines.append("    evidence:")
        for key, refs in evidence.items():
            lines.append(f"      {key}: [" + ", ".join(f'"{r}"' for r in refs) + "]")
    return "\n".join(lines) + "\n"


def rows_by_key(sheet: Any) -> dict[str, int]:
    found = {}
    for row in range(1, sheet.max_row + 1):
        key = sheet.cell(row=row, column=COL_KEY).value
        if isinstance(key, str) and key and row > 12:
            found[key] = row
    return found


def fill_form(path: Path, tier: m.Tier, code: str, name: str, values: dict[str, Any],
              evidence: dict[str, list[str]], parent: str | None = None) -> None:
    """What a unit does in Excel: type the identity, the values and the evidence references."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET]
    sheet["D5"] = code
    sheet["D6"] = name
    if parent:
        sheet["D8"] = parent
    rows = rows_by_key(sheet)
    labels = {ind.name: {c.name: c.label or c.name for c in ind.categories} for ind in tier.indicators}
    for key, value in values.items():
        row = rows[key]
        if isinstance(value, bool):
            sheet.cell(row=row, column=COL_A, value="Có" if value else "Không")
        elif isinstance(value, tuple):
            sheet.cell(row=row, column=COL_A, value=value[0])
            sheet.cell(row=row, column=COL_B, value=value[1])
        elif key in labels and labels[key]:
            sheet.cell(row=row, column=COL_A, value=labels[key][value])
        elif isinstance(value, Decimal):
            sheet.cell(row=row, column=COL_A, value=float(value))
        else:
            sheet.cell(row=row, column=COL_A, value=value)
    for key, refs in evidence.items():
        sheet.cell(row=rows[key], column=COL_EVIDENCE, value="; ".join(refs))
    workbook.save(path)


def set_cell(path: Path, key: str, value: Any, column: int = COL_A) -> int:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET]
    row = rows_by_key(sheet)[key]
    sheet.cell(row=row, column=column).value = value  # cell(value=None) would leave the old value
    workbook.save(path)
    return row




@pytest.fixture()
def filled(tmp_path: Path, egov: api.CheckedRuleset) -> tuple[Path, Path]:
    """A filled district form and the equivalent YAML file."""
    tier = egov.ruleset.tier("huyen")
    values, evidence = sample_values(tier)
    form = write_template(egov.ruleset, "huyen", tmp_path / "631.xlsx", year=2022)
    fill_form(form, tier, "631", "Huyện Đức Cơ", values, evidence)
    data = tmp_path / "631.yaml"
    data.write_text(yaml_text("631", "Huyện Đức Cơ", "huyen", 2022, "self", values, evidence), encoding="utf-8")
    return form, data


# ---------------------------------------------------------------- the round trip
def test_filled_form_scores_like_the_equivalent_yaml(filled: tuple[Path, Path], egov: api.CheckedRuleset) -> None:
    form, data = filled
    from_form = api.score(egov, load_workbook_assessments(form), run_at="t")
    from_yaml = api.score(egov, load_assessments(data), run_at="t")
    assert from_form.to_dict() == from_yaml.to_dict()
    assert from_form.to_csv() == from_yaml.to_csv()
    unit = from_form.unit("631")
    assert unit.total > 0
    assert any("missing evidence" in n.flags for n in unit.nodes.values())  # one required document left out


def test_form_reads_identity_values_and_evidence(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    (assessment,) = load_workbook_assessments(form)
    assert (assessment.code, assessment.name, assessment.tier, assessment.year, assessment.source) == \
        ("631", "Huyện Đức Cơ", "huyen", 2022, "self")
    evidence = {k: v for k, v in assessment.evidence.items()}
    assert any(len(refs) == 2 for refs in evidence.values())
    span = assessment.value_spans["may_tinh"]
    assert span.path == str(form) and span.column == COL_A and span.line > 13


def test_cli_score_reads_a_form_like_yaml(filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    form, data = filled
    import re

    def without_run_time(csv_text: str) -> str:
        return re.sub(r",\d{4}-\d\d-\d\dT[\d:]+[+-]\d\d:\d\d,", ",<run_at>,", csv_text)

    assert main(["score", "egov_2020", str(form), "--format", "csv"]) == 0
    from_form = without_run_time(capsys.readouterr().out)
    assert "<run_at>" in from_form
    assert main(["score", "egov_2020", str(data), "--format", "csv"]) == 0
    assert without_run_time(capsys.readouterr().out) == from_form


def test_a_folder_of_forms_is_read_together(tmp_path: Path, egov: api.CheckedRuleset) -> None:
    tier = egov.ruleset.tier("huyen")
    values, evidence = sample_values(tier)
    folder = tmp_path / "forms"
    for code, name in (("622", "Thành phố Pleiku"), ("631", "Huyện Đức Cơ")):
        form = write_template(egov.ruleset, "huyen", folder / f"{code}.xlsx", year=2022)
        fill_form(form, tier, code, name, values, evidence)
    results = api.score(egov, load_many([folder]))
    assert sorted(u.code for u in results) == ["622", "631"]
    assert {u.ranks["khoi"].rank for u in results} == {1}  # equal values share the rank


# ---------------------------------------------------------------- bad cells are refused, naming the cell
def _refused(form: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        load_workbook_assessments(form)
    return caught.value


def test_text_in_a_count_cell_is_refused_naming_the_cell(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    row = set_cell(form, "van_ban_chi_dao", "ba văn bản")
    error = _refused(form)
    (diagnostic,) = error.diagnostics
    assert diagnostic.span.path == str(form)
    assert (diagnostic.span.line, diagnostic.span.column) == (row, COL_A)
    assert f"{QUOTED}!D{row}:" in diagnostic.message
    assert "ba văn bản" in diagnostic.message
    assert error.render().startswith(f"{form}:{row}:4: error: {QUOTED}!D{row}:")


def test_a_greater_than_b_is_refused_naming_the_cell(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    row = set_cell(form, "may_tinh", 250)  # b is 10; computers with staff cannot exceed staff
    (diagnostic,) = _refused(form).diagnostics
    assert f"{QUOTED}!D{row}" in diagnostic.message and "greater than b" in diagnostic.message


def test_a_greater_than_b_is_allowed_where_the_ruleset_says_so(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    set_cell(form, "giai_ngan_cntt", 250)  # disbursement may exceed the plan
    (assessment,) = load_workbook_assessments(form)
    assert assessment.values["giai_ngan_cntt"].a == 250


def test_unknown_category_is_refused_naming_the_cell(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    row = set_cell(form, "cong_chuc_cntt", "Hợp đồng thuê ngoài")
    (diagnostic,) = _refused(form).diagnostics
    assert f"{QUOTED}!D{row}" in diagnostic.message and "not an allowed category" in diagnostic.message
    assert diagnostic.hint and "Chuyên trách" in diagnostic.hint


def test_category_key_or_label_in_any_case_is_accepted(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    set_cell(form, "cong_chuc_cntt", "kiem_nhiem_khong_trinh_do")
    assert load_workbook_assessments(form)[0].values["cong_chuc_cntt"] == "kiem_nhiem_khong_trinh_do"
    set_cell(form, "cong_chuc_cntt", "  chuyên trách, CÓ trình độ CNTT ")
    assert load_workbook_assessments(form)[0].values["cong_chuc_cntt"] == "chuyen_trach_co_trinh_do"


def test_out_of_range_and_wrong_yes_no_are_refused(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    device_row = set_cell(form, "thiet_bi_mot_cua", 7)  # range 0..5
    yes_row = set_cell(form, "ket_noi_wan", "chưa rõ")
    messages = [d.message for d in _refused(form).diagnostics]
    assert any(f"{QUOTED}!D{device_row}" in msg and "outside the declared range 0..5" in msg for msg in messages)
    assert any(f"{QUOTED}!D{yes_row}" in msg and "expected yes or no" in msg for msg in messages)


def test_blank_cells_are_refused_each_by_its_cell(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    blank_row = set_cell(form, "ke_hoach_cds", None)
    half_row = set_cell(form, "xa_hoi_nghi_truyen_hinh", None, column=COL_B)
    diagnostics = _refused(form).diagnostics
    refs = {d.message.split(":")[0] for d in diagnostics}
    assert refs == {f"{QUOTED}!D{blank_row}", f"{QUOTED}!E{half_row}"}
    assert any("denominator b is empty" in d.message for d in diagnostics)


def test_missing_identity_is_refused_naming_the_cell(tmp_path: Path, egov: api.CheckedRuleset) -> None:
    form = write_template(egov.ruleset, "so", tmp_path / "blank.xlsx")
    messages = [d.message for d in _refused(form).diagnostics]
    assert any(msg.startswith(f"{QUOTED}!D5: the form has no unit code") for msg in messages)
    assert any(msg.startswith(f"{QUOTED}!D9: the form has no assessment year") for msg in messages)


def test_cli_refuses_a_bad_form_with_exit_1_naming_file_sheet_and_cell(
        filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    form, _ = filled
    row = set_cell(form, "phan_mem_chuyen_nganh", "nhiều")
    assert main(["score", "--lang", "en", "egov_2020", str(form)]) == 1
    err = capsys.readouterr().err
    assert f"{form}:{row}:4: error: {QUOTED}!D{row}:" in err
    assert "Traceback" not in err


def test_errors_of_several_forms_in_a_folder_are_listed_together(
        tmp_path: Path, egov: api.CheckedRuleset, capsys: pytest.CaptureFixture[str]) -> None:
    tier = egov.ruleset.tier("huyen")
    values, evidence = sample_values(tier)
    folder = tmp_path / "forms"
    for code in ("622", "631"):
        form = write_template(egov.ruleset, "huyen", folder / f"{code}.xlsx", year=2022)
        fill_form(form, tier, code, code, values, evidence)
        set_cell(form, "tin_bai_thang", "mười")
    assert main(["score", "--lang", "en", "egov_2020", str(folder)]) == 1
    err = capsys.readouterr().err
    assert str(folder / "622.xlsx") in err and str(folder / "631.xlsx") in err
    assert "2 errors in data input" in err


def test_a_workbook_that_is_not_a_form_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "code"
    workbook.save(path)
    (diagnostic,) = _refused(path).diagnostics
    assert "not a cqdt data-entry form" in diagnostic.message


@pytest.mark.parametrize("text", ["code,name,tier\n631,Huyện Đức Cơ,huyen\n", ""])
def test_a_file_that_is_not_a_workbook_is_refused_in_the_runs_language(
        tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A CSV renamed to .xlsx (or an empty file): our message and hint in Vietnamese, not zipfile's English."""
    path = tmp_path / "broken.xlsx"
    path.write_text(text, encoding="utf-8")
    (diagnostic,) = _refused(path).diagnostics
    assert diagnostic.message == "the file is not an Excel workbook (.xlsx)"
    assert main(["score", "egov_2020", str(path)]) == 1
    err = capsys.readouterr().err
    assert "tệp không phải là tệp Excel (.xlsx)" in err and "gợi ý: hãy mở bằng Excel" in err
    assert "zip" not in err


def _rewrite_sheet(path: Path, old: str, new: str) -> None:
    """Change the form's sheet XML as a program (or damage) may have written it, which openpyxl cannot do."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item) for item in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert old.encode() in parts[sheet]
    parts[sheet] = parts[sheet].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_workbook_with_damaged_xml_is_refused_in_the_runs_language(
        filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    form, _ = filled
    row = set_cell(form, "van_ban_chi_dao", 3)
    _rewrite_sheet(form, f'<c r="D{row}" s="5" t="n"><v>3</v>', f'<c r="D{row}" s="5" t="n"><v>abc</v>')
    (diagnostic,) = _refused(form).diagnostics
    assert diagnostic.message == "the workbook cannot be read: its contents are damaged"
    assert main(["score", "egov_2020", str(form)]) == 1
    err = capsys.readouterr().err
    assert "không đọc được tệp Excel: nội dung tệp bị hỏng" in err
    assert "Unable to read workbook" not in err and "Traceback" not in err


@pytest.mark.parametrize("row", [1048576, 1048577])
def test_a_value_far_below_the_table_is_refused_naming_its_cell(filled: tuple[Path, Path], row: int) -> None:
    """A stray cell at the sheet's last row (or one past it, which Excel never writes): the rows between are not
    made and read one by one (seconds and hundreds of megabytes), and openpyxl's ValueError is no traceback."""
    form, _ = filled
    workbook = openpyxl.load_workbook(form)
    workbook[SHEET]["J1048576"] = 1
    workbook.save(form)
    if row > 1048576:
        _rewrite_sheet(form, "1048576", str(row))
    (diagnostic,) = _refused(form).diagnostics
    assert (diagnostic.span.line, diagnostic.span.column) == (row, 10)
    assert diagnostic.message == f"{QUOTED}!J{row}: the sheet holds a value below row 10,000, the last row of a form that is read"


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_parsed(
        filled: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from cqdt_rules.data import workbook

    form, _ = filled
    monkeypatch.setattr(workbook, "MAX_UNPACKED_BYTES", 1000)
    (diagnostic,) = _refused(form).diagnostics
    assert "more than the 1,000 a form may have" in diagnostic.message


def test_a_tier_too_long_for_a_form_is_refused_by_the_template(
        tmp_path: Path, egov: api.CheckedRuleset, monkeypatch: pytest.MonkeyPatch) -> None:
    from cqdt_rules.data import workbook
    from cqdt_rules.errors import UsageError

    monkeypatch.setattr(workbook, "MAX_FORM_ROWS", 40)
    with pytest.raises(UsageError, match="more than the 40 a form may have"):
        write_template(egov.ruleset, "huyen", tmp_path / "long.xlsx")


# ---------------------------------------------------------------- formulas
DEFAULTED = """ruleset t {
  title "Thử"
  status hypothetical
  years 2022..2022
  rounding 3
}
tier xa "Xã" max 10 {
  criterion A "Băng thông" max 10 {
    input bang_thong number "Băng thông" default 0
    normalised bang_thong within tier
    provenance hypothetical "thử"
  }
}
"""


def test_a_formula_without_a_computed_value_is_an_error_at_its_cell_not_the_default(tmp_path: Path) -> None:
    """A form filled by a program: openpyxl writes the formula and no value; the default must not stand in for it."""
    checked = api.load_text(DEFAULTED)
    form = write_template(checked.ruleset, "xa", tmp_path / "f.xlsx", year=2022)
    workbook = openpyxl.load_workbook(form)
    sheet = workbook[SHEET]
    sheet["D5"], sheet["D6"] = "X1", "Xã Một"
    workbook.save(form)
    row = set_cell(form, "bang_thong", "=10*2")
    (diagnostic,) = _refused(form).diagnostics
    assert diagnostic.message == f"{QUOTED}!D{row}: the cell holds a formula without a computed value (=10*2)"
    assert diagnostic.hint and "save it" in diagnostic.hint


def test_a_formula_in_the_unit_name_cell_is_not_called_empty(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    workbook = openpyxl.load_workbook(form)
    workbook[SHEET]["D6"] = '=HYPERLINK("http://x","y")'
    workbook.save(form)
    (diagnostic,) = _refused(form).diagnostics
    assert diagnostic.message.startswith(f"{QUOTED}!D6: the cell holds a formula without a computed value")


def test_a_formula_whose_value_excel_saved_is_read_as_that_value(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    row = set_cell(form, "van_ban_chi_dao", "=1+2")
    _rewrite_sheet(form, "<f>1+2</f><v></v>", "<f>1+2</f><v>3</v>")  # as Excel saves it
    (assessment,) = load_workbook_assessments(form)
    assert assessment.values["van_ban_chi_dao"] == 3
    assert assessment.value_spans["van_ban_chi_dao"].line == row


# ---------------------------------------------------------------- messages about a cell's value
def _vietnamese_error(form: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["score", "egov_2020", str(form)]) == 1
    return capsys.readouterr().err


def test_a_fraction_in_a_count_cell_is_shown_in_the_runs_number_format(
        filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    form, _ = filled
    set_cell(form, "van_ban_chi_dao", 1.5)
    assert "cần một số nguyên, nhận được 1,5" in _vietnamese_error(form, capsys)


def test_a_fraction_in_a_pair_is_told_to_the_person_filling_the_form_not_the_ruleset_author(
        filled: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    form, _ = filled
    set_cell(form, "may_tinh", "1.281")  # a thousand two hundred and eighty-one, written the Vietnamese way
    set_cell(form, "may_tinh", 1395, column=COL_B)
    (diagnostic,) = _refused(form).diagnostics
    assert diagnostic.hint and "ruleset" not in diagnostic.hint and "1281" in diagnostic.hint
    err = _vietnamese_error(form, capsys)
    assert "phải là số nguyên (1,281/1.395)" in err and "không dùng dấu phân cách hàng nghìn" in err
    assert "range" not in err


def test_a_decimal_comma_gets_its_own_hint(filled: tuple[Path, Path]) -> None:
    form, _ = filled
    set_cell(form, "tin_bai_thang", "1,8")
    (diagnostic,) = _refused(form).diagnostics
    assert diagnostic.hint and "a decimal with a point (1.8)" in diagnostic.hint
    set_cell(form, "tin_bai_thang", "1,8 tin")
    (diagnostic,) = _refused(form).diagnostics
    assert diagnostic.hint == "enter digits only, without units or text"


# ---------------------------------------------------------------- the template itself
def test_template_protects_labels_and_unlocks_inputs(tmp_path: Path, egov: api.CheckedRuleset) -> None:
    form = write_template(egov.ruleset, "xa", tmp_path / "xa.xlsx", year=2022)
    workbook = openpyxl.load_workbook(form)
    sheet = workbook[SHEET]
    assert sheet.protection.sheet
    rows = rows_by_key(sheet)
    row = rows["may_tinh"]
    assert sheet.cell(row=row, column=3).protection.locked  # the label
    assert not sheet.cell(row=row, column=COL_A).protection.locked
    assert not sheet.cell(row=row, column=COL_B).protection.locked  # a pair has two input cells
    assert not sheet.cell(row=row, column=COL_EVIDENCE).protection.locked
    yes_row = rows["internet_cap_quang"]
    assert sheet.cell(row=yes_row, column=COL_B).protection.locked  # no b for a yes/no
    assert sheet["C13"].value == "Nội dung chỉ số"
    assert sheet["D7"].value == "xa" and sheet["D7"].protection.locked
    assert workbook[META_SHEET].sheet_state == "veryHidden"


def test_template_has_validation_for_ranges_yes_no_and_categories(tmp_path: Path, egov: api.CheckedRuleset) -> None:
    form = write_template(egov.ruleset, "huyen", tmp_path / "h.xlsx")
    sheet = openpyxl.load_workbook(form)[SHEET]
    rows = rows_by_key(sheet)
    by_cell: dict[str, Any] = {}
    for dv in sheet.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            by_cell[cell_range.coord] = dv
    count = by_cell[f"D{rows['thiet_bi_mot_cua']}"]
    assert (count.type, count.formula1, count.formula2) == ("whole", "0", "5")
    yes_no = by_cell[f"D{rows['ket_noi_wan']}"]
    assert yes_no.type == "list" and yes_no.formula1 == '"Có,Không"'
    category = by_cell[f"D{rows['cong_chuc_cntt']}"]
    assert category.type == "list" and category.formula1.startswith("DanhMuc!")
    pair = by_cell[f"D{rows['may_tinh']}"]
    assert pair.type == "custom" and f"E{rows['may_tinh']}" in pair.formula1
    exceed = by_cell[f"D{rows['giai_ngan_cntt']}"]
    assert f"E{rows['giai_ngan_cntt']}" not in exceed.formula1  # a may exceed b


def test_audit_only_indicator_is_left_to_the_audit_team_in_a_self_form(tmp_path: Path) -> None:
    checked = api.load("dti_2023")
    tier = checked.ruleset.tier("huyen")
    values, evidence = sample_values(tier, "self")
    form = write_template(checked.ruleset, "huyen", tmp_path / "self.xlsx", year=2023)
    fill_form(form, tier, "622", "Thành phố Pleiku", values, evidence)
    sheet = openpyxl.load_workbook(form)[SHEET]
    row = rows_by_key(sheet)["hai_long"]
    assert sheet.cell(row=row, column=COL_A).value == "Do Đoàn kiểm tra nhập"
    assert sheet.cell(row=row, column=COL_A).protection.locked
    (assessment,) = load_workbook_assessments(form)
    assert "hai_long" not in assessment.values
    unit = api.score(checked, [assessment]).unit("622")
    assert "not assessed" in unit.nodes["7.8"].flags

    audit_form = write_template(checked.ruleset, "huyen", tmp_path / "audit.xlsx", year=2023, source="audit")
    audit_values, _ = sample_values(tier, "audit")
    fill_form(audit_form, tier, "622", "Thành phố Pleiku", audit_values, evidence)
    (audited,) = load_workbook_assessments(audit_form)
    assert audited.source == "audit" and audited.values["hai_long"] == Decimal(10)


def test_cli_template_writes_a_form_and_refuses_an_unknown_tier(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "so.xlsx"
    assert main(["template", "egov_2020", "--tier", "so", "--out", str(out), "--year", "2022"]) == 0
    assert out.is_file() and "đã ghi" in capsys.readouterr().err
    assert main(["template", "egov_2020", "--tier", "tinh", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "không có khối 'tinh'" in capsys.readouterr().err  # Vietnamese, the default language
    assert main(["template", "egov_2020", "--tier", "so", "--year", "2025", "--out", str(tmp_path / "y.xlsx")]) == 2


def test_cli_template_with_a_unit_list_prefills_one_form_per_unit(tmp_path: Path) -> None:
    units = tmp_path / "units.csv"
    units.write_text("tier,code,name,parent,district\nhuyen,631,Huyện Đức Cơ,,\nxa,23857,Thị trấn Chư Ty,631,Huyện Đức Cơ\n"
                     "xa,23860,Xã Ia Dơk,631,Huyện Đức Cơ\n", encoding="utf-8")
    out = tmp_path / "forms"
    assert main(["template", "egov_2020", "--tier", "xa", "--units", str(units), "--out", str(out), "--year", "2022"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["23857.xlsx", "23860.xlsx"]
    sheet = openpyxl.load_workbook(out / "23860.xlsx")[SHEET]
    assert (sheet["D5"].value, sheet["D6"].value, sheet["D8"].value, sheet["D9"].value) == ("23860", "Xã Ia Dơk", "631", 2022)


def test_english_form_reads_back_the_same(tmp_path: Path, egov: api.CheckedRuleset) -> None:
    tier = egov.ruleset.tier("so")
    values, evidence = sample_values(tier)
    form = write_template(egov.ruleset, "so", tmp_path / "en.xlsx", year=2022, lang="en")
    workbook = openpyxl.load_workbook(form)
    assert "Assessment form" in workbook.sheetnames
    workbook.close()
    # an English form takes Yes/No; the test helper types Vietnamese words, which are accepted too
    shutil.copy(form, tmp_path / "copy.xlsx")
    wb = openpyxl.load_workbook(form)
    sheet = wb["Assessment form"]
    sheet["D5"], sheet["D6"] = "SO13", "Sở Thông tin và Truyền thông"
    rows = rows_by_key(sheet)
    for key, value in values.items():
        row = rows[key]
        if isinstance(value, bool):
            sheet.cell(row=row, column=COL_A, value="Yes" if value else "No")
        elif isinstance(value, tuple):
            sheet.cell(row=row, column=COL_A, value=value[0])
            sheet.cell(row=row, column=COL_B, value=value[1])
        elif isinstance(value, Decimal):
            sheet.cell(row=row, column=COL_A, value=float(value))
        else:
            sheet.cell(row=row, column=COL_A, value=value)
    wb.save(form)
    (assessment,) = load_workbook_assessments(form)
    assert assessment.source == "self" and assessment.code == "SO13"
    yaml_file = tmp_path / "so.yaml"
    yaml_file.write_text(yaml_text("SO13", "Sở Thông tin và Truyền thông", "so", 2022, "self", values, {}), encoding="utf-8")
    assert api.score(egov, [assessment], run_at="t").to_csv() == api.score(egov, load_assessments(yaml_file), run_at="t").to_csv()
