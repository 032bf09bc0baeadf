"""Excel data-entry forms: write a unit's form for one tier of a ruleset, and read filled forms back.

A form is one workbook per unit. The visible sheet holds the unit's identity and one row per
indicator (label, unit of measure, one input cell, or two for a pair a/b, and a cell for evidence
references); labels are protected, input cells are not, and Excel's data validation guards ranges,
yes/no and categories. A very hidden sheet ``_cqdt`` records what the form was made from (ruleset id,
version, hash, tier) and every indicator's declaration, so that a filled form is checked cell by cell
when it is read back, and every error names the file, the sheet and the cell (``'Phiếu đánh giá'!D14``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError, did_you_mean
from cqdt_rules.files import replacing
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import NotANumber, NumberError, read_value
from cqdt_rules.model.text import read_data_text
from cqdt_rules.model.units import SOURCES, Assessment, Pair, audit_only_absent, nfc, shown
from cqdt_rules.model.checking import PAIR_DECIMALS_HINT, coerce_value, direct_limits
from cqdt_rules.tables import control_character, text_stays_text

FORMAT = "cqdt-workbook/1"
META_SHEET = "_cqdt"
LIST_SHEET = "DanhMuc"
FIRST_ROW = 14  # the first row of the indicator table (its header is the row above)
MAX_FORM_ROWS = 10_000
"""The rows of a form's sheet that are read: the table of the largest tier ends far above. A cell holding a value
below this row is an error (a form that stray cells have made a million rows long would take minutes and
gigabytes to read); a tier whose table would reach it is refused by ``template_workbook``."""

MAX_UNPACKED_BYTES = 32 * 1024 * 1024
"""The most a form's workbook may unpack to (its XML files together; a form of a few hundred rows unpacks to less
than a megabyte): reading a sheet stops at ``MAX_FORM_ROWS``, but openpyxl parses the whole of a sheet that does not
state its size before it yields a row."""

EXCEL_ROWS = 1_048_576
"""The rows of an Excel sheet; a row numbered beyond it means the file is damaged."""

# columns of the indicator table
COL_NODE, COL_KEY, COL_LABEL, COL_A, COL_B, COL_UNIT, COL_HOW, COL_EVIDENCE, COL_REQUIRED = range(1, 10)

_TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "sheet": "Phiếu đánh giá",
        "form_self": "PHIẾU TỰ ĐÁNH GIÁ",
        "form_audit": "PHIẾU THẨM ĐỊNH",
        "form_district": "PHIẾU THẨM TRA CỦA CẤP HUYỆN",
        "subtitle": "{form} — {tier} — năm {year}",
        "ruleset": "Bộ tiêu chí: {id}, phiên bản {version}",
        "instructions": "Nhập số liệu vào các ô màu vàng. Chỉ số dạng tỷ lệ nhập tử số (a) và mẫu số (b). "
                        "Tài liệu kiểm chứng: ghi số, ký hiệu, ngày văn bản; nhiều tài liệu cách nhau bằng dấu chấm phẩy (;).",
        "code": "Mã đơn vị", "name": "Tên đơn vị", "tier": "Khối", "parent": "Mã huyện (đối với UBND cấp xã)",
        "year": "Năm đánh giá", "source": "Nguồn số liệu", "note": "Ghi chú",
        "h_node": "Tiêu chí", "h_key": "Mã chỉ số", "h_label": "Nội dung chỉ số", "h_a": "Giá trị / Tử số (a)",
        "h_b": "Mẫu số (b)", "h_unit": "Đơn vị tính", "h_how": "Cách nhập", "h_evidence": "Tài liệu kiểm chứng",
        "h_required": "Tài liệu kiểm chứng yêu cầu",
        "max": "tối đa {max} điểm",
        "yes": "Có", "no": "Không",
        "self": "Tự đánh giá", "district": "Huyện thẩm tra", "audit": "Thẩm định",
        "how_yesno": "Chọn Có / Không",
        "how_category": "Chọn một trong danh sách",
        "how_count": "Số nguyên ≥ 0",
        "how_number": "Số",
        "how_percent": "Tỷ lệ % (0–100)",
        "how_score": "Điểm (0–{limit})",
        "how_pair": "a và b ≥ 0",
        "how_pair_le": "a và b ≥ 0; a không lớn hơn b",
        "how_range": "; trong khoảng {low}–{high}",
        "audit_only": "Do Đoàn kiểm tra nhập",
        "err_title": "Giá trị không hợp lệ",
        "err_yesno": "Chọn Có hoặc Không.",
        "err_category": "Chọn một giá trị trong danh sách.",
        "err_number": "Nhập một số {what}.",
        "err_pair": "Tử số a phải là số ≥ 0 và không lớn hơn mẫu số b.",
        "err_year": "Năm đánh giá phải là số nguyên {low}–{high}.",
        "err_source": "Chọn Tự đánh giá, Huyện thẩm tra hoặc Thẩm định.",
    },
    "en": {
        "sheet": "Assessment form",
        "form_self": "SELF-ASSESSMENT FORM",
        "form_audit": "AUDIT FORM",
        "form_district": "DISTRICT VERIFICATION FORM",
        "subtitle": "{form} — {tier} — year {year}",
        "ruleset": "Ruleset: {id}, version {version}",
        "instructions": "Fill in the yellow cells. For a ratio enter the numerator (a) and the denominator (b). "
                        "Evidence: number, symbol and date of each document, separated by semicolons (;).",
        "code": "Unit code", "name": "Unit name", "tier": "Tier", "parent": "District code (communes)",
        "year": "Assessment year", "source": "Source", "note": "Note",
        "h_node": "Criterion", "h_key": "Indicator id", "h_label": "Indicator", "h_a": "Value / numerator (a)",
        "h_b": "Denominator (b)", "h_unit": "Unit", "h_how": "How to fill", "h_evidence": "Evidence references",
        "h_required": "Evidence required",
        "max": "max {max} points",
        "yes": "Yes", "no": "No",
        "self": "Self-assessment", "district": "District verification", "audit": "Audit",
        "how_yesno": "Choose Yes / No",
        "how_category": "Choose one from the list",
        "how_count": "Whole number ≥ 0",
        "how_number": "Number",
        "how_percent": "Percent (0–100)",
        "how_score": "Points (0–{limit})",
        "how_pair": "a and b ≥ 0",
        "how_pair_le": "a and b ≥ 0; a not above b",
        "how_range": "; within {low}–{high}",
        "audit_only": "Entered by the audit team",
        "err_title": "Invalid value",
        "err_yesno": "Choose Yes or No.",
        "err_category": "Choose a value from the list.",
        "err_number": "Enter a number {what}.",
        "err_pair": "The numerator a must be a number ≥ 0 and not above the denominator b.",
        "err_year": "The year must be a whole number {low}–{high}.",
        "err_source": "Choose Self-assessment, District verification or Audit.",
    },
}
# identity fields: key, row; the value is in column D
_IDENTITY_ROWS = (("code", 5), ("name", 6), ("tier", 7), ("parent", 8), ("year", 9), ("source", 10), ("note", 11))
_IDENTITY_WORDS = {"code": "unit code", "name": "unit name", "year": "assessment year"}
_SOURCE_WORDS = {
    "self": "self", "tự đánh giá": "self", "tu danh gia": "self", "self-assessment": "self",
    "audit": "audit", "thẩm định": "audit", "tham dinh": "audit",
    "district": "district", "huyện thẩm tra": "district", "huyen tham tra": "district",
    "district verification": "district",
}
_INPUT_FILL = "FFF2CC"
_LOCKED_FILL = "D9D9D9"
_GROUP_FILL = "DDEBF7"


def _openpyxl() -> Any:
    try:
        import openpyxl  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # pragma: no cover - depends on the environment
        raise UsageError("Excel forms need openpyxl: pip install 'cqdt-rules[xlsx]'") from None
    return openpyxl


@attrs.frozen
class UnitIdentity:
    """What a pre-filled form says about its unit."""

    code: str
    name: str
    parent: str | None = None


def cell_ref(sheet: str, row: int, column: int) -> str:
    """``Sheet1!C12``; a sheet name with spaces or non-ASCII letters is quoted as Excel writes it."""
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

    plain = sheet.replace("_", "").isalnum() and sheet.isascii()
    name = sheet if plain else "'" + sheet.replace("'", "''") + "'"
    return f"{name}!{get_column_letter(column)}{row}"


# ================================================================ writing
def check_form_year(ruleset: m.Ruleset, year: int | None) -> None:
    """Refuse to pre-fill a form with a year the ruleset does not apply to."""
    if year is not None and not ruleset.header.covers(year):
        years = ruleset.header.years
        span = f"{years[0]}..{years[1] or ''}" if years else "none"
        raise UsageError(f"ruleset '{ruleset.id}' does not apply to {year} (assessment years {span})")


def template_workbook(ruleset: m.Ruleset, tier_id: str, *, source: str = "self", year: int | None = None,
                      unit: UnitIdentity | None = None, lang: str = "vi") -> Any:
    """The data-entry workbook for one unit of ``tier_id`` (an ``openpyxl.Workbook``)."""
    openpyxl = _openpyxl()
    from openpyxl.styles import Alignment, Font, PatternFill, Protection  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped,unused-ignore]

    try:
        tier = ruleset.tier(tier_id)
    except KeyError:
        tiers = [t.id for t in ruleset.tiers]
        raise UsageError(f"ruleset '{ruleset.id}' has no tier '{tier_id}'"
                         + (f"; {did_you_mean(tier_id, tiers)}" if did_you_mean(tier_id, tiers) else f" (tiers: {', '.join(tiers)})")) from None
    if source not in SOURCES:
        raise UsageError(f"unknown source '{source}': use {', '.join(SOURCES)}")
    t = _TEXT[lang]
    limits = direct_limits(tier)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = t["sheet"]
    lists = workbook.create_sheet(LIST_SHEET)
    meta = workbook.create_sheet(META_SHEET)

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    input_fill = PatternFill("solid", fgColor=_INPUT_FILL)
    locked_fill = PatternFill("solid", fgColor=_LOCKED_FILL)
    group_fill = PatternFill("solid", fgColor=_GROUP_FILL)
    unlocked = Protection(locked=False)

    def title(node_or_tier: Any) -> str:
        if lang == "en" and getattr(node_or_tier, "title_en", None):
            return str(node_or_tier.title_en)
        return str(node_or_tier.title)

    def as_input(cell: Any, text_format: bool = False) -> None:
        cell.fill = input_fill
        cell.protection = unlocked
        if text_format:
            cell.number_format = "@"

    def validation(dv: Any, *cells: str, message: str) -> None:
        dv.error, dv.errorTitle, dv.showErrorMessage = message, t["err_title"], True
        for ref in cells:
            dv.add(ref)
        sheet.add_data_validation(dv)

    first_year, last_year = ruleset.header.years or (1900, None)
    shown_year = year if year is not None else ""
    header = ruleset.header
    sheet["A1"] = title(header) if lang == "en" and header.title_en else header.title
    sheet["A1"].font = Font(bold=True, size=13)
    form = t["form_" + source]
    sheet["A2"] = t["subtitle"].format(form=form, tier=title(tier), year=shown_year or "....")
    sheet["A2"].font = bold
    sheet["A3"] = t["ruleset"].format(id=ruleset.id, version=header.version or "—")
    sheet["A4"] = t["instructions"]
    sheet["A4"].alignment = Alignment(wrap_text=True)
    sheet.merge_cells("A4:I4")
    sheet.row_dimensions[4].height = 32

    identity_cells: dict[str, str] = {}
    prefilled = {"code": unit.code if unit else None, "name": unit.name if unit else None,
                 "parent": unit.parent if unit else None, "year": year, "tier": tier.id,
                 "source": t[source], "note": None}
    for key, row in _IDENTITY_ROWS:
        label = sheet.cell(row=row, column=2, value=t[key])
        label.font = bold
        cell = sheet.cell(row=row, column=4, value=prefilled[key])
        identity_cells[key] = cell.coordinate
        if key == "tier":
            cell.fill = locked_fill
            sheet.cell(row=row, column=5, value=title(tier))
        else:
            as_input(cell, text_format=key in ("code", "parent"))
        if key in ("name", "note"):
            sheet.merge_cells(start_row=row, start_column=4, end_row=row, end_column=5)
    high_year = last_year if last_year is not None else 2100
    validation(DataValidation(type="whole", operator="between", formula1=str(first_year), formula2=str(high_year)),
               identity_cells["year"], message=t["err_year"].format(low=first_year, high=high_year))
    validation(DataValidation(type="list", formula1='"' + ",".join(t[s] for s in SOURCES) + '"', allow_blank=False),
               identity_cells["source"], message=t["err_source"])

    headings = ["h_node", "h_key", "h_label", "h_a", "h_b", "h_unit", "h_how", "h_evidence", "h_required"]
    for column, key in enumerate(headings, start=1):
        cell = sheet.cell(row=FIRST_ROW - 1, column=column, value=t[key])
        cell.font = bold
        cell.fill = group_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for column, width in zip(range(1, 10), (9, 24, 60, 16, 14, 14, 26, 40, 40)):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=4)

    yes_no_list = f'"{t["yes"]},{t["no"]}"'
    list_column = 0
    described: list[dict[str, Any]] = []
    row = FIRST_ROW
    depth = tier.depths
    for node in tier.walk():
        heading = sheet.cell(row=row, column=COL_LABEL,
                             value="    " * depth[node.id] + f"{title(node)} ({t['max'].format(max=node.max)})")
        sheet.cell(row=row, column=COL_NODE, value=node.id).font = bold
        heading.font = bold
        heading.alignment = wrap
        if node.is_group:
            for column in range(1, 10):
                sheet.cell(row=row, column=column).fill = group_fill
        row += 1
        for ind in node.inputs:
            entered_here = not (ind.audit_only and audit_only_absent(source))
            a_cell = sheet.cell(row=row, column=COL_A)
            b_cell = sheet.cell(row=row, column=COL_B)
            a_ref, b_ref = a_cell.coordinate, b_cell.coordinate
            sheet.cell(row=row, column=COL_NODE, value=node.id)
            sheet.cell(row=row, column=COL_KEY, value=ind.name)
            sheet.cell(row=row, column=COL_LABEL, value=ind.label).alignment = wrap
            sheet.cell(row=row, column=COL_UNIT, value=ind.unit or "")
            how = sheet.cell(row=row, column=COL_HOW, value=_how(ind, limits, t, lang))
            how.alignment = wrap
            evidence_cell = sheet.cell(row=row, column=COL_EVIDENCE)
            required = sheet.cell(row=row, column=COL_REQUIRED, value=ind.evidence or "")
            required.alignment = wrap
            if not entered_here:
                a_cell.value = t["audit_only"]
                a_cell.fill = b_cell.fill = evidence_cell.fill = locked_fill
            else:
                as_input(a_cell)
                as_input(evidence_cell)
                evidence_cell.alignment = wrap
                if ind.kind == "pair":
                    as_input(b_cell)
                else:
                    b_cell.fill = locked_fill
                list_column = _add_validation(sheet, lists, ind, a_ref, b_ref, limits, t, yes_no_list, list_column,
                                              validation, lang)
            if ind.default is not None and entered_here and ind.kind != "pair":
                a_cell.value = _default_text(ind, t)
            described.append(_describe(ind, row, limits))
            row += 1

    if row > MAX_FORM_ROWS:
        raise UsageError(f"tier '{tier.id}' needs {row:,} rows in a form, more than the {MAX_FORM_ROWS:,} a form may have")
    for key, value in (("format", FORMAT), ("ruleset", ruleset.id), ("version", header.version or ""),
                       ("content_hash", ruleset.content_hash), ("tier", tier.id), ("source", source),
                       ("sheet", sheet.title), ("lang", lang), ("identity", json.dumps(identity_cells))):
        meta.append([key, value])
    for item in described:
        meta.append(["indicator", json.dumps(item, ensure_ascii=False)])
    for hidden in (lists, meta):
        hidden.protection.sheet = True
    lists.sheet_state = "hidden"
    meta.sheet_state = "veryHidden"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.protection.formatCells = False
    return workbook


def write_template(ruleset: m.Ruleset, tier_id: str, path: str | Path, **options: Any) -> Path:
    """Write the form (see ``template_workbook``) to ``path``; return the path."""
    workbook = template_workbook(ruleset, tier_id, **options)
    target = Path(path)
    try:
        text_stays_text(workbook)
        with replacing(target) as saved:
            workbook.save(saved)
    except OSError as exc:
        raise UsageError(f"cannot write '{target}': {exc.strerror or exc}") from None
    return target


def _number_text(value: Decimal, lang: str) -> str:
    from cqdt_rules.formatting import format_number

    return format_number(value, lang)


def _how(ind: m.Indicator, limits: Mapping[str, Decimal], t: dict[str, str], lang: str) -> str:
    if ind.kind == "pair":
        text = t["how_pair"] if ind.a_may_exceed_b else t["how_pair_le"]
    elif ind.kind == "score":
        limit = limits.get(ind.name) or (ind.range[1] if ind.range else None)
        text = t["how_score"].format(limit=_number_text(limit, lang)) if limit is not None else t["how_number"]
    else:
        text = t["how_" + ind.kind]
    if ind.kind == "category":
        text += ": " + "; ".join(c.label or c.name for c in ind.categories)
    if ind.range is not None and ind.kind not in ("yesno", "category"):
        text += t["how_range"].format(low=_number_text(ind.range[0], lang), high=_number_text(ind.range[1], lang))
    return text


def _default_text(ind: m.Indicator, t: dict[str, str]) -> Any:
    value = ind.default
    if ind.kind == "yesno":
        text = str(value).lower()
        return t["yes"] if text in ("yes", "true", "có", "1") else t["no"]
    if ind.kind == "category":
        for category in ind.categories:
            if category.name == str(value):
                return category.label or category.name
    return str(value)


def _bounds(ind: m.Indicator, limits: Mapping[str, Decimal]) -> tuple[Decimal | None, Decimal | None]:
    low: Decimal | None = Decimal(0) if ind.kind in ("count", "percent", "score", "pair") else None
    high: Decimal | None = Decimal(100) if ind.kind == "percent" else limits.get(ind.name)
    if ind.range is not None:
        low = ind.range[0] if low is None else max(low, ind.range[0])
        high = ind.range[1] if high is None else min(high, ind.range[1])
    return low, high


def _add_validation(sheet: Any, lists: Any, ind: m.Indicator, a_ref: str, b_ref: str, limits: Mapping[str, Decimal],
                    t: dict[str, str], yes_no_list: str, list_column: int, validation: Any, lang: str) -> int:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped,unused-ignore]

    if ind.kind == "yesno":
        validation(DataValidation(type="list", formula1=yes_no_list, allow_blank=True), a_ref, message=t["err_yesno"])
        return list_column
    if ind.kind == "category":
        list_column += 1
        letter = get_column_letter(list_column)
        lists.cell(row=1, column=list_column, value=ind.name)
        for index, category in enumerate(ind.categories, start=2):
            lists.cell(row=index, column=list_column, value=category.label or category.name)
        formula = f"{LIST_SHEET}!${letter}$2:${letter}${len(ind.categories) + 1}"
        validation(DataValidation(type="list", formula1=formula, allow_blank=True), a_ref, message=t["err_category"])
        return list_column
    low, high = _bounds(ind, limits)
    what = ""
    if low is not None and high is not None:
        what = f"{_number_text(low, lang)}–{_number_text(high, lang)}"
    elif low is not None:
        what = f"≥ {_number_text(low, lang)}"
    kind = "whole" if ind.kind == "count" else "decimal"
    if ind.kind == "pair":
        col_a = a_ref.rstrip("0123456789")
        row = a_ref[len(col_a):]
        col_b = b_ref.rstrip("0123456789")
        checks = [f"ISNUMBER({a_ref})", f"{a_ref}>={low if low is not None else 0}"]
        if high is not None:
            checks.append(f"{a_ref}<={high}")
        if not ind.a_may_exceed_b:
            checks.append(f"OR(ISBLANK({col_b}{row}),{a_ref}<={col_b}{row})")
        validation(DataValidation(type="custom", formula1="AND(" + ",".join(checks) + ")", allow_blank=True),
                   a_ref, message=t["err_pair"])
        b_dv = _range_validation("decimal", low, high)
        validation(b_dv, b_ref, message=t["err_number"].format(what=what))
        return list_column
    validation(_range_validation(kind, low, high), a_ref, message=t["err_number"].format(what=what))
    return list_column


def _range_validation(kind: str, low: Decimal | None, high: Decimal | None) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped,unused-ignore]

    if low is not None and high is not None:
        return DataValidation(type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True)
    if low is not None:
        return DataValidation(type=kind, operator="greaterThanOrEqual", formula1=str(low), allow_blank=True)
    return DataValidation(type=kind, operator="between", formula1="-1E+15", formula2="1E+15", allow_blank=True)


def _describe(ind: m.Indicator, row: int, limits: Mapping[str, Decimal]) -> dict[str, Any]:
    """Everything needed to check the indicator's cells again when the form is read back."""
    return {
        "name": ind.name, "kind": ind.kind, "label": ind.label, "node": ind.node_id, "row": row,
        "unit": ind.unit, "range": None if ind.range is None else [str(ind.range[0]), str(ind.range[1])],
        "categories": [[c.name, c.label] for c in ind.categories], "a_may_exceed_b": ind.a_may_exceed_b,
        "evidence": ind.evidence, "audit_only": ind.audit_only,
        "default": None if ind.default is None else _plain_default(ind.default),
        "limit": None if ind.name not in limits else str(limits[ind.name]),
    }


def _plain_default(value: Any) -> Any:
    if isinstance(value, Pair):
        return [str(value.a), str(value.b)]
    if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, (str, bool, list)) else str(value)


# ================================================================ reading
@attrs.frozen
class _Declared:
    indicator: m.Indicator
    limit: Decimal | None


@attrs.frozen
class _Cell:
    """What the reader needs of a cell: its value (the computed value of a formula), and its number format."""

    value: Any
    number_format: str
    formula: str | None = None  # the formula of a cell whose value was never computed (its value is None)


class _Uncomputed(Exception):
    """A cell read holds a formula without a computed value (the problem is already recorded)."""


def load_workbook_assessments(path: str | Path) -> tuple[Assessment, ...]:
    """Read one filled form (made by ``cqdt template``); raise DataError naming ``Sheet!Cell`` for every
    problem found: a blank, a value of the wrong type, a > b, an unknown category, a value out of range.
    The workbook is read as it streams from the file, only as far as ``MAX_FORM_ROWS``."""
    path = Path(path)
    where_file = Span(str(path), 1, 1, 1, 1)
    _check_unpacked_size(path)
    workbook = _open(path, data_only=False)
    try:
        if META_SHEET not in workbook.sheetnames:
            raise DataError([Diagnostic(where_file, "not a cqdt data-entry form (it has no '_cqdt' sheet)",
                                        hint="make the form with 'cqdt template RULESET --tier T' and fill that one in")])
        meta = _read_meta(_rows(workbook[META_SHEET], path, max_col=2), path)
        sheet_name = meta["sheet"]
        if sheet_name not in workbook.sheetnames:
            raise DataError([Diagnostic(where_file, f"the form's sheet '{sheet_name}' is missing (sheets: "
                                                    f"{', '.join(s for s in workbook.sheetnames if s != META_SHEET)})",
                                        hint="do not rename or delete the form's sheet")])
        cells = _form_cells(workbook[sheet_name], path)
    finally:
        workbook.close()
    if any(cell.formula is not None for cell in cells.values()):
        cells = _computed(cells, path, sheet_name)
    reader = _FormReader(cells, sheet_name, path, meta)
    assessment = reader.read()
    if reader.problems:
        raise DataError(reader.problems)
    assert assessment is not None
    return (assessment,)


def _check_unpacked_size(path: Path) -> None:
    """Refuse a workbook whose files unpack to more than ``MAX_UNPACKED_BYTES`` (the sizes its zip index states, which
    bound what is read)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(item.file_size for item in archive.infolist())
    except Exception as exc:  # noqa: BLE001 - zipfile's errors for a file that is not a zip archive, and the system's
        raise _unreadable(path, exc) from None
    if size > MAX_UNPACKED_BYTES:
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 1),
                                    f"the workbook unpacks to {size:,} bytes, more than the {MAX_UNPACKED_BYTES:,} "
                                    f"a form may have",
                                    hint="delete the rows and cells below the form's table, or copy the values into a "
                                         "new form made with 'cqdt template'")])


def _open(path: Path, data_only: bool) -> Any:
    """The workbook, read-only (its sheets stream from the file as they are read)."""
    openpyxl = _openpyxl()
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike: the file is not a readable workbook
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: Exception | None = None) -> DataError:
    """A file that cannot be read as a workbook, in our words: what zipfile and openpyxl say of it (in English, and
    about their own workings) would tell a person neither what is wrong nor what to do."""
    import zipfile

    where = Span(str(path), 1, 1, 1, 1)
    if isinstance(exc, OSError):
        return DataError([Diagnostic(where, f"cannot read the workbook: {exc.strerror or exc}")])
    if isinstance(exc, zipfile.BadZipFile):
        return DataError([Diagnostic(where, "the file is not an Excel workbook (.xlsx)",
                                     hint="save it in Excel as .xlsx (Excel Workbook); a CSV or an .xls file renamed "
                                          "to .xlsx, or a workbook protected by a password, cannot be read")])
    return DataError([Diagnostic(where, "the workbook cannot be read: its contents are damaged",
                                 hint="open it in Excel and save it again as .xlsx (Excel Workbook), or copy the "
                                      "values into a new form made with 'cqdt template'")])


def _rows(sheet: Any, path: Path, max_col: int) -> list[tuple[Any, ...]]:
    """The values of a sheet's first columns, row by row, up to ``MAX_FORM_ROWS`` (cqdt's hidden sheet)."""
    try:
        return list(sheet.iter_rows(max_row=MAX_FORM_ROWS, max_col=max_col, values_only=True))
    except Exception as exc:  # noqa: BLE001 - the sheet's XML is parsed as it is read
        raise _unreadable(path, exc) from None


def _form_cells(sheet: Any, path: Path) -> dict[tuple[int, int], _Cell]:
    """The cells of the form's columns that hold a value, by (row, column); DataError at the first value found
    below ``MAX_FORM_ROWS``."""
    cells: dict[tuple[int, int], _Cell] = {}
    try:
        sheet.reset_dimensions()  # the size a sheet states may be wrong: read the rows it has
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > MAX_FORM_ROWS:
                _check_below_the_form(row, number, sheet.title, path)
                continue
            for cell in row[:COL_REQUIRED]:
                if cell.value is not None:
                    formula = cell.data_type == "f"
                    cells[number, cell.column] = _Cell(None if formula else cell.value, str(cell.number_format or ""),
                                                       _formula_text(cell.value) if formula else None)
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 - the sheet's XML is parsed as it is read
        raise _unreadable(path, exc) from None
    return cells


def _check_below_the_form(row: Sequence[Any], number: int, sheet: str, path: Path) -> None:
    stray = next((cell for cell in row if cell.value is not None), None)
    if stray is None and number <= EXCEL_ROWS:
        return
    if stray is None:
        raise _unreadable(path)
    raise DataError([_cell_diagnostic(path, sheet, number, stray.column,
                                      problem=f"the sheet holds a value below row {MAX_FORM_ROWS:,}, the last row of a "
                                              "form that is read",
                                      hint="delete the rows below the form's table (or clear the cell)")])


def _cell_diagnostic(path: Path, sheet: str, row: int, column: int, problem: str, hint: str | None = None) -> Diagnostic:
    """A problem of one cell: its place in the file, and the cell named as Excel names it before the problem."""
    return Diagnostic(Span(str(path), row, column, row, column + 1), f"{cell_ref(sheet, row, column)}: {problem}", hint=hint)


def _formula_text(value: Any) -> str:
    return str(getattr(value, "text", value))  # an array formula is an object holding its text


def _computed(cells: dict[tuple[int, int], _Cell], path: Path, sheet_name: str) -> dict[tuple[int, int], _Cell]:
    """The form's cells with each formula's value as Excel computed and saved it; a formula whose value was never
    computed (a file written by a program, not saved by Excel) keeps no value."""
    workbook = _open(path, data_only=True)
    try:
        values = _form_cells(workbook[sheet_name], path)
    finally:
        workbook.close()
    return {place: attrs.evolve(cell, value=values[place].value, formula=None)
            if cell.formula is not None and place in values else cell
            for place, cell in cells.items()}


def _read_meta(rows: Sequence[tuple[Any, ...]], path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = {"indicators": []}
    try:
        for key, value in rows:
            if key == "indicator":
                item = json.loads(value)
                if not isinstance(item, dict) or not {"name", "kind"} <= set(item):
                    raise ValueError("an indicator entry without name and kind")
                meta["indicators"].append(item)
            elif key is not None:
                meta[str(key)] = value
        meta["identity"] = json.loads(meta.get("identity") or "{}")
        _check_meta_shape(meta)
        meta["declared"] = {item["name"]: (_declared(item), item) for item in meta["indicators"]}
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError) as exc:
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 1), f"the form's hidden '{META_SHEET}' sheet is damaged ({exc})",
                                    hint="copy the values into a new form made with 'cqdt template'")]) from None
    if meta.get("format") != FORMAT:
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 1),
                                    f"form format '{meta.get('format')}' is not '{FORMAT}'",
                                    hint="make a new form with 'cqdt template' from this version of cqdt")])
    return meta


_COORDINATE = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
_KINDS = ("yesno", "count", "number", "percent", "pair", "score", "category")


def _check_meta_shape(meta: Mapping[str, Any]) -> None:
    """The hidden sheet as cqdt writes it; a person may have edited it (ValueError says what is wrong)."""
    identity = meta["identity"]
    if not isinstance(meta.get("sheet"), str) or not isinstance(identity, dict):
        raise ValueError("the form's sheet name or its identity cells are missing")
    if not all(isinstance(v, str) and _COORDINATE.fullmatch(v) for v in identity.values()):
        raise ValueError("an identity cell is not a cell reference")
    if not {"code", "name", "year"} <= set(identity):
        raise ValueError("the cells of the unit's code, name or year are not named")


def _declared(item: Mapping[str, Any]) -> _Declared:
    if not isinstance(item["name"], str) or item["kind"] not in _KINDS or not isinstance(item.get("row") or 0, int):
        raise ValueError(f"indicator entry {str(item.get('name'))[:40]!r} is not what cqdt wrote")
    categories = tuple(m.Category(str(name), None if label is None else str(label))
                       for name, label in item.get("categories") or ())
    low_high = item.get("range")
    indicator = m.Indicator(
        name=item["name"], kind=item["kind"], label=item.get("label") or item["name"], node_id=item.get("node") or "",
        unit=item.get("unit"), range=None if not low_high else (read_value(low_high[0]), read_value(low_high[1])),
        categories=categories, a_may_exceed_b=bool(item.get("a_may_exceed_b")), evidence=item.get("evidence"),
        audit_only=bool(item.get("audit_only")), default=item.get("default"),
    )
    limit = item.get("limit")
    return _Declared(indicator, None if limit is None else read_value(limit))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold()


class _FormReader:
    def __init__(self, cells: Mapping[tuple[int, int], _Cell], sheet: str, path: Path, meta: dict[str, Any]):
        self.cells = cells
        self.sheet = sheet
        self.path = path
        self.meta = meta
        self.problems: list[Diagnostic] = []
        self.spans: dict[str, Span] = {}

    # ------------------------------------------------------------ positions and messages
    def span(self, row: int, column: int) -> Span:
        return Span(str(self.path), row, column, row, column + 1)

    def problem(self, row: int, column: int, message: str, hint: str | None = None) -> None:
        self.problems.append(_cell_diagnostic(self.path, self.sheet, row, column, problem=message, hint=hint))

    # ------------------------------------------------------------ the form
    def read(self) -> Assessment | None:
        identity = self._identity()
        source = identity.get("source") or self.meta.get("source") or "self"
        declared = self.meta["declared"]
        rows = self._indicator_rows(declared)
        values: dict[str, Any] = {}
        evidence: dict[str, tuple[str, ...]] = {}
        limits = {name: d.limit for name, (d, _) in declared.items() if d.limit is not None}
        code = identity.get("code")
        for name, (decl, item) in declared.items():
            row = rows.get(name)
            if row is None:
                continue
            ind = decl.indicator
            self.spans[name] = self.span(row, COL_A)
            try:
                refs = self._evidence(row)
                if refs:
                    evidence[name] = refs
                if ind.audit_only and audit_only_absent(source):
                    self._audit_only(name, row)
                    continue
                value = self._value(ind, row, limits, code)
            except _Uncomputed:
                continue
            if value is not None:
                values[name] = value
        if self.problems:
            return None
        return Assessment(
            code=str(identity["code"]), name=nfc(str(identity["name"])), tier=str(identity["tier"]),
            year=int(identity["year"]), source=source, values=values, evidence=evidence,
            parent=identity.get("parent") or None, note=identity.get("note") or None,
            origin=self.span(_row_of(self.meta["identity"].get("code", "D5")), 4), value_spans=self.spans,
        )

    def _audit_only(self, name: str, row: int) -> None:
        raw = self._cell(row, COL_A)
        if not self._blank(raw) and raw != _TEXT[self.meta.get("lang") or "vi"]["audit_only"]:
            self.problem(row, COL_A, f"'{name}' is entered only by the audit team, not in a self-assessment",
                         hint="leave the cell empty in a self-assessment form")

    def _cell(self, row: int, column: int) -> Any:
        """The cell's value (None when it is empty); _Uncomputed, the problem recorded, for a formula without a value."""
        cell = self.cells.get((row, column))
        if cell is None:
            return None
        if cell.formula is not None:
            self.problem(row, column, f"the cell holds a formula without a computed value ({shown(cell.formula)})",
                         hint="type the value itself, or open the file in Excel and save it, so that Excel computes "
                              "the formula's value")
            raise _Uncomputed
        return cell.value

    def _format(self, row: int, column: int) -> str:
        cell = self.cells.get((row, column))
        return "" if cell is None else cell.number_format

    @staticmethod
    def _blank(value: Any) -> bool:
        return value is None or (isinstance(value, str) and value.strip() == "")

    def _identity(self) -> dict[str, Any]:
        from openpyxl.utils.cell import coordinate_to_tuple  # type: ignore[import-untyped,unused-ignore]

        found: dict[str, Any] = {}
        cells = self.meta["identity"]
        lang = self.meta.get("lang") or "vi"
        for key, _ in _IDENTITY_ROWS:
            coordinate = cells.get(key)
            if coordinate is None:
                continue
            row, column = coordinate_to_tuple(coordinate)
            try:
                raw = self._cell(row, column)
            except _Uncomputed:
                continue
            if self._blank(raw):
                if key in ("code", "name", "year"):
                    self.problem(row, column, f"the form has no {_IDENTITY_WORDS[key]} ('{_TEXT[lang][key]}')",
                                 hint=f"fill in cell {coordinate}")
                continue
            if key == "year":
                year = _whole(raw)
                if year is None:
                    self.problem(row, column, f"expected a year, got '{raw}'")
                    continue
                found[key] = year
            elif key == "source":
                word = _fold(str(raw))
                if word not in _SOURCE_WORDS:
                    self.problem(row, column, f"unknown source '{raw}'",
                                 hint="choose " + ", ".join(_TEXT[lang][s] for s in SOURCES))
                    continue
                found[key] = _SOURCE_WORDS[word]
            elif key == "tier":
                if str(raw).strip() != self.meta.get("tier"):
                    self.problem(row, column, f"the form is for tier '{self.meta.get('tier')}', the cell says '{raw}'",
                                 hint="do not change the tier; make a form for the other tier with 'cqdt template'")
                    continue
                found[key] = self.meta.get("tier")
            else:
                found[key] = _text(raw)
        found.setdefault("tier", self.meta.get("tier"))
        return found

    def _indicator_rows(self, declared: Mapping[str, Any]) -> dict[str, int]:
        rows: dict[str, int] = {}
        for (row, column), cell in sorted(self.cells.items()):
            key = cell.value
            if row >= FIRST_ROW and column == COL_KEY and isinstance(key, str) and key.strip() in declared:
                name = key.strip()
                if name in rows:
                    self.problem(row, COL_KEY, f"indicator '{name}' appears twice (first in row {rows[name]})")
                    continue
                rows[name] = row
        for name, (decl, item) in declared.items():
            if name not in rows:
                row = int(item.get("row") or FIRST_ROW)
                self.problem(row, COL_KEY, f"the row of indicator '{name}' ({decl.indicator.label}) is missing",
                             hint="do not delete rows of the form; make a new one with 'cqdt template'")
        return rows

    def _evidence(self, row: int) -> tuple[str, ...]:
        raw = self._cell(row, COL_EVIDENCE)
        if self._blank(raw):
            return ()
        parts = str(raw).replace("\r", "\n").replace("\n", ";").split(";")
        return tuple(nfc(p.strip()) for p in parts if p.strip())

    def _value(self, ind: m.Indicator, row: int, limits: Mapping[str, Decimal], code: str | None) -> Any:
        raw_a = self._cell(row, COL_A)
        raw_b = self._cell(row, COL_B) if ind.kind == "pair" else None
        column = COL_A

        def report(message: str, hint: str | None = None) -> None:
            who = f"unit '{code}', " if code else ""
            self.problem(row, column, f"{who}'{ind.name}' ({ind.label}): {message}", hint=_form_hint(hint))

        if ind.kind == "pair":
            blank_a, blank_b = self._blank(raw_a), self._blank(raw_b)
            if blank_a and blank_b:
                return self._missing(ind, row, report)
            if blank_a or blank_b:
                column = COL_A if blank_a else COL_B
                report(f"the {'numerator a' if blank_a else 'denominator b'} is empty",
                       hint="a pair needs both a and b")
                return None
            for col, raw in ((COL_A, raw_a), (COL_B, raw_b)):
                if _number(raw) is None:
                    column = col
                    report(f"expected a number, got '{shown(raw)}'{_why_not_a_number(raw)}", hint=_number_hint(raw))
                    return None
            return coerce_value(ind, [_number(raw_a), _number(raw_b)], limits, report)
        if self._blank(raw_a):
            return self._missing(ind, row, report)
        if ind.kind == "category":
            text = _text(raw_a)
            for category in ind.categories:
                if _fold(text) in (_fold(category.name), _fold(category.label or category.name)):
                    return category.name
            labels = [c.label or c.name for c in ind.categories]
            report(f"'{text}' is not an allowed category",
                   hint=did_you_mean(text, labels) or "choose one of: " + "; ".join(labels))
            return None
        if ind.kind == "yesno":
            if isinstance(raw_a, bool):
                return raw_a
            return coerce_value(ind, _text(raw_a), limits, report)
        number = _number(raw_a)
        if number is None:
            report(f"expected {_kind_words(ind)}, got '{shown(raw_a)}'{_why_not_a_number(raw_a)}",
                   hint=_number_hint(raw_a))
            return None
        if ind.kind == "percent" and isinstance(raw_a, (int, float)) and "%" in self._format(row, COL_A):
            number = number.scaleb(2)  # a cell Excel shows as 57 % holds 0.57
        return coerce_value(ind, number, limits, report)

    def _missing(self, ind: m.Indicator, row: int, report: Any) -> None:
        if ind.default is None:
            report("no value", hint="fill in the cell" + (" and the denominator b" if ind.kind == "pair" else ""))
        return None


_FORM_HINTS = {
    PAIR_DECIMALS_HINT: "a and b are counts: type whole numbers, without a thousands separator (1281, not 1.281)",
}
"""The value checks' hints that speak to whoever writes the ruleset, as the person filling in a form is told."""


def _form_hint(hint: str | None) -> str | None:
    return None if hint is None else _FORM_HINTS.get(hint, hint)


_DECIMAL_COMMA = re.compile(r"\s*[+-]?[0-9]+,[0-9]+\s*")


def _number_hint(raw: Any) -> str:
    """What to type instead of a cell that is not a number; a comma between digits is not read as a decimal point."""
    if isinstance(raw, str) and _DECIMAL_COMMA.fullmatch(raw):
        return "write the number without a comma: a decimal with a point (1.8), a thousand without a separator (1000)"
    return "enter digits only, without units or text"


def _row_of(coordinate: str) -> int:
    digits = "".join(ch for ch in coordinate if ch.isdigit())
    return int(digits) if digits else 1


def _kind_words(ind: m.Indicator) -> str:
    return {"count": "a whole number", "percent": "a percentage 0..100", "score": "a number of points"}.get(ind.kind, "a number")


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return nfc(str(raw).strip())


def _whole(raw: Any) -> int | None:
    number = _number(raw)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


def _why_not_a_number(raw: Any) -> str:
    """": the reason" a cell's number is outside the limits; "" when it is simply not a number."""
    try:
        read_value(raw)
    except NotANumber:
        return ""
    except NumberError as error:
        return f": {error}"
    return ""


def _number(raw: Any) -> Decimal | None:
    """A number from a cell: Excel numbers as Excel shows them (15 significant digits); text only when it is
    plain digits (no words, no units); within the limits every number read meets (model.numbers)."""
    try:
        return read_value(raw)
    except NumberError:
        return None


def read_unit_list(path: str | Path, tier: str) -> list[UnitIdentity]:
    """Units to pre-fill forms for, from a CSV with columns code, name and optionally tier and parent
    (the layout of the province's unit list)."""
    import csv

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no such unit list: {path}")
    rows = list(csv.DictReader(read_data_text(path).splitlines()))
    if not rows or "code" not in rows[0] or "name" not in rows[0]:
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 1), "the unit list needs the columns 'code' and 'name'")])
    controls = [Diagnostic(Span(str(path), line, 1, line, 2), f"the unit list's row holds a control character ({found})",
                           hint="names and codes are plain text on one line")
                for line, row in enumerate(rows, start=2)
                for found in [control_character("".join(str(v) for v in row.values() if isinstance(v, str)))] if found]
    if controls:
        raise DataError(controls)
    units = [UnitIdentity(r["code"].strip(), nfc(r["name"].strip()), (r.get("parent") or "").strip() or None)
             for r in rows if (r.get("tier") or tier).strip() == tier and (r.get("code") or "").strip()]
    if not units:
        raise UsageError(f"the unit list {path} has no unit of tier '{tier}'")
    return units


def write_templates(ruleset: m.Ruleset, tier_id: str, folder: str | Path, units: Sequence[UnitIdentity],
                    **options: Any) -> list[Path]:
    """One pre-filled form per unit, named ``<code>.xlsx``, in ``folder``."""
    target = Path(folder)
    return [write_template(ruleset, tier_id, target / f"{unit.code}.xlsx", unit=unit, **options) for unit in units]
