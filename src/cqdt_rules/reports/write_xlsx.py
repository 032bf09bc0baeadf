"""The rankings as an XLSX workbook (openpyxl, the ``xlsx`` extra): counts per level, then one sheet per tier.

Scores are written as numbers with the ruleset's decimals, so a spreadsheet sorts and sums them and
shows them in the reader's own locale (118,348 in Vietnamese Excel)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from cqdt_rules.files import replacing
from cqdt_rules.reports.document import Report, TierReport
from cqdt_rules.reports.extras import require_extra
from cqdt_rules.reports.packages import rewrite_parts

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
    """The workbook, each sheet written row by row as its rows are made (openpyxl's write-only mode): a national
    cohort's rankings are never held as cells."""
    openpyxl = require_extra("openpyxl", "xlsx")
    from openpyxl.styles import Alignment, Font, PatternFill

    r = report
    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="EEF2F6")
    warn = Font(bold=True, color="9C5700")
    wrap = Alignment(wrap_text=True, vertical="top")

    def heading(sheet: _Sheet, values: list[str]) -> None:
        sheet.append([sheet.cell(value, font=bold, fill=fill, alignment=wrap) for value in values])

    def preamble(sheet: _Sheet, line: Any = None) -> None:
        """The report's label, title and ruleset, then ``line`` (a cell, or nothing)."""
        if r.banner:
            sheet.append([sheet.cell(r.banner, font=warn)])
        sheet.append([sheet.cell(r.title, font=Font(bold=True, size=13))])
        sheet.append([sheet.cell(f"{r.t('ruleset')}: {r.ruleset_id} {r.ruleset_version} ({r.status_label}); "
                                 f"{r.t('source')}: {r.source_label}")])
        sheet.append([] if line is None else [line])

    compared = r.previous_year is not None and any(t.compared_levels for t in r.tiers)
    header = [r.t("tier"), r.t("level")] + ([str(r.previous_year)] if compared else []) + [str(r.year), r.t("share") + " (%)"]
    header += [r.t("change")] if compared else []
    summary = _Sheet(book, _SHEET[r.lang]["summary"], (34, 18, 10, 10, 12, 10), 4 + bool(r.banner))
    preamble(summary)
    heading(summary, header)
    share_col = header.index(r.t("share") + " (%)")
    for tier in r.tiers:
        for level in tier.levels:
            values: list[Any] = [tier.title, level.label]
            if compared:
                values.append(level.previous)
            values += [level.count, _value(level.share.quantize(Decimal("0.01")) if level.share is not None else None)]
            if compared:
                values.append(level.change)
            summary.append([summary.cell(value, number_format="0.00") if col == share_col else summary.cell(value)
                            for col, value in enumerate(values)])
    summary.close()

    sheets = [summary] + [_tier_sheet(book, r, tier, heading, preamble, bold) for tier in r.tiers]
    with replacing(path) as saved:
        book.save(saved)
        _finish(saved, sheets)


def _tier_sheet(book: Any, r: Report, tier: TierReport, heading: Any, preamble: Any, bold: Any) -> _Sheet:
    has_change = any(x.rank_change is not None for g in tier.groups for x in g.rows)
    header = ([r.t("district") + " (" + r.t("code").lower() + ")", r.t("district")] if tier.within_district else [])
    header += [r.t("rank"), r.t("code"), r.t("unit"), tier.total_label or r.t("total")] + list(tier.output_labels) + [tier.level_title or r.t("level")]
    if r.previous_year is not None:
        header += [r.t("level_prev", year=r.previous_year), r.t("rank_prev", year=r.previous_year)]
        if has_change:
            header.append(r.t("rank_move"))
        header.append(r.t("note"))
    widths = {r.t("unit"): 36, r.t("district"): 22}
    sheet = _Sheet(book, _sheet_name(tier.title, book.sheetnames),
                   [widths.get(name, max(9, min(len(name) + 2, 26))) for name in header], 4 + bool(r.banner))
    preamble(sheet, sheet.cell(f"{tier.title} — {tier.ranking_label}", font=bold))
    heading(sheet, header)
    formats = {}  # by column: the total's decimals, or an output's, for each column headed by its label
    for col, name in enumerate(header):
        if name == (tier.total_label or r.t("total")):
            formats[col] = _number_format(tier.table_digits)
        elif name in tier.output_labels:
            formats[col] = _number_format(tier.output_digits[tier.output_labels.index(name)])
    first_data = sheet.rows + 1
    for group in tier.groups:
        for item in group.rows:
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
            sheet.append([sheet.cell(value, number_format=formats[col]) if col in formats else sheet.cell(value)
                          for col, value in enumerate(values)])
    if sheet.rows >= first_data:
        sheet.sheet.auto_filter.ref = f"A{first_data - 1}:{_column(len(header))}{sheet.rows}"
    sheet.close()
    return sheet


def _column(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(number))


class _Sheet:
    """A write-only sheet, written row by row: each cell's text stays text (never a formula), the rows below the
    header frozen, and the range it covers counted (see ``fixed``)."""

    def __init__(self, book: Any, title: str, widths: Sequence[int], header_row: int) -> None:
        self.sheet = book.create_sheet(title)
        for column, width in enumerate(widths, 1):
            self.sheet.column_dimensions[_column(column)].width = width
        self.sheet.freeze_panes = f"A{header_row + 1}"
        self.header_row = header_row
        self.rows = self.columns = 0

    def cell(self, value: Any, **style: Any) -> Any:
        """A cell of ``value`` with ``style`` (font, fill, alignment, number format: set in that order, as the
        workbook numbers the styles in the order it first meets them)."""
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet, value)
        if cell.data_type == "f":  # text starting with "=": see tables.text_stays_text
            cell.data_type = "s"
        for name, setting in style.items():
            setattr(cell, name, setting)
        return cell

    def append(self, cells: list[Any]) -> None:
        self.sheet.append(cells)
        self.rows += 1
        self.columns = max(self.columns, len(cells))

    def close(self) -> None:
        """After the last row: the row below the header is where the panes are frozen, so it is there, if empty."""
        if self.rows == self.header_row:
            self.append([self.cell(None)])

    def fixed(self, part: IO[bytes]) -> Iterator[bytes]:
        """The sheet's XML as openpyxl's write-only mode wrote it (``part``), with the ``<dimension>`` (the range the
        sheet covers) which that mode leaves out and a sheet built in memory has, after ``<sheetPr>``; piece by piece."""
        dimension = f'<dimension ref="A1:{_column(max(self.columns, 1))}{max(self.rows, 1)}"/>'.encode()
        first = part.read(1 << 16)  # the sheet's properties, which open it
        if b"<dimension " not in first:
            first = first.replace(b"</sheetPr>", b"</sheetPr>" + dimension, 1)
        yield first
        yield from iter(functools.partial(part.read, 1 << 20), b"")


def _finish(path: Path, sheets: Sequence[_Sheet]) -> None:
    """Rewrite the saved workbook with each sheet ``_Sheet.fixed``, a piece at a time."""
    rewrite_parts(path, {sheet.sheet.path.lstrip("/"): sheet.fixed for sheet in sheets})  # each part, named when saved
