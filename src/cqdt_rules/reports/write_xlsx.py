"""The rankings as an XLSX workbook (openpyxl, the ``xlsx`` extra): counts per level, then one sheet per tier.

Scores are written as numbers with the ruleset's decimals, so a spreadsheet sorts and sums them and
shows them in the reader's own locale (118,348 in Vietnamese Excel)."""

from __future__ import annotations

import re

from decimal import Decimal
from pathlib import Path
from typing import Any

from cqdt_rules.reports.document import Report, TierReport
from cqdt_rules.reports.extras import require_extra
from cqdt_rules.tables import text_stays_text

_SHEET = {"vi": {"summary": "Tổng hợp"}, "en": {"summary": "Summary"}}


def _sheet_name(title: str, taken: list[str]) -> str:
    """The tier's title as a sheet name: what Excel allows (no : \\ / ? * [ ], at most 31 characters), unique."""
    name = re.sub(r"[:\\/?*\[\]]", " ", title).strip(" '")[:31].strip() or "?"
    number = 2
    while name in taken:
        suffix = f" ({number})"
        name = name[:31 - len(suffix)] + suffix
        number += 1
    return name


def _number_format(digits: int | None) -> str:
    return "0" if not digits else "0." + "0" * digits


def _value(value: Decimal | int | None) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(report: Report, path: Path) -> None:
    openpyxl = require_extra("openpyxl", "xlsx")
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    r = report
    book = openpyxl.Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF2F6")
    warn = Font(bold=True, color="9C5700")

    def heading(sheet: Any, row: int, values: list[str]) -> None:
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row=row, column=col, value=value)
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    def preamble(sheet: Any) -> int:
        row = 1
        if r.banner:
            sheet.cell(row=row, column=1, value=r.banner).font = warn
            row += 1
        sheet.cell(row=row, column=1, value=r.title).font = Font(bold=True, size=13)
        sheet.cell(row=row + 1, column=1, value=f"{r.t('ruleset')}: {r.ruleset_id} {r.ruleset_version} "
                                                f"({r.status_label}); {r.t('source')}: {r.source}")
        return row + 3

    summary = book.active
    summary.title = _SHEET[r.lang]["summary"]
    row = preamble(summary)
    compared = r.previous_year is not None and any(t.compared_levels for t in r.tiers)
    header = [r.t("tier"), r.t("level")] + ([str(r.previous_year)] if compared else []) + [str(r.year), r.t("share") + " (%)"]
    header += [r.t("change")] if compared else []
    heading(summary, row, header)
    header_row, share_col = row, header.index(r.t("share") + " (%)") + 1
    for tier in r.tiers:
        for level in tier.levels:
            row += 1
            values: list[Any] = [tier.title, level.label]
            if compared:
                values.append(level.previous)
            values += [level.count, _value(level.share.quantize(Decimal("0.01")) if level.share is not None else None)]
            if compared:
                values.append(level.change)
            for col, value in enumerate(values, 1):
                cell = summary.cell(row=row, column=col, value=value)
                if col == share_col:
                    cell.number_format = "0.00"
    summary.freeze_panes = summary.cell(row=header_row + 1, column=1)
    for col, width in enumerate((34, 18, 10, 10, 12, 10), 1):
        summary.column_dimensions[get_column_letter(col)].width = width

    for tier in r.tiers:
        _tier_sheet(book, r, tier, heading, preamble, bold)
    path.parent.mkdir(parents=True, exist_ok=True)
    text_stays_text(book)
    book.save(path)


def _tier_sheet(book: Any, r: Report, tier: TierReport, heading: Any, preamble: Any, bold: Any) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_sheet_name(tier.title, book.sheetnames))
    row = preamble(sheet)
    sheet.cell(row=row - 1, column=1, value=f"{tier.title} — {tier.ranking_label}").font = bold
    has_change = any(x.rank_change is not None for g in tier.groups for x in g.rows)
    header = ([r.t("district") + " (" + r.t("code").lower() + ")", r.t("district")] if tier.within_district else [])
    header += [r.t("rank"), r.t("code"), r.t("unit"), tier.total_label or r.t("total")] + list(tier.output_labels) + [tier.level_title or r.t("level")]
    if r.previous_year is not None:
        header += [r.t("level_prev", year=r.previous_year), r.t("rank_prev", year=r.previous_year)]
        if has_change:
            header.append(r.t("rank_move"))
        header.append(r.t("note"))
    heading(sheet, row, header)
    first_data = row + 1
    for group in tier.groups:
        for item in group.rows:
            row += 1
            values: list[Any] = []
            if tier.within_district:
                values += [group.code, group.title.rsplit(" (", 1)[0]]
            values += [item.rank, item.code, item.name, _value(item.total)]
            values += [_value(v) for v in item.outputs]
            values.append(item.level)
            if r.previous_year is not None:
                values += [item.previous_level or "", item.previous_rank]
                if has_change:
                    values.append(item.rank_change)
                values.append(item.status)
            for col, value in enumerate(values, 1):
                cell = sheet.cell(row=row, column=col, value=value)
                name = header[col - 1]
                if name == (tier.total_label or r.t("total")):
                    cell.number_format = _number_format(tier.table_digits)
                elif name in tier.output_labels:
                    cell.number_format = _number_format(tier.output_digits[tier.output_labels.index(name)])
    sheet.freeze_panes = sheet.cell(row=first_data, column=1)
    if row >= first_data:
        sheet.auto_filter.ref = f"A{first_data - 1}:{get_column_letter(len(header))}{row}"
    widths = {r.t("unit"): 36, r.t("district"): 22}
    for col, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(name, max(9, min(len(name) + 2, 26)))
