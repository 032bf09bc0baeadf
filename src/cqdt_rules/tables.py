"""Tables for people: plain text aligned by what the eye sees (combining marks take no width), and the
cells of CSV files and spreadsheets written so that no text from input ever becomes a formula."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from decimal import Decimal


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def render_table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    out = io.StringIO()
    write_table(out, header, lambda: rows, right)
    return out.getvalue()


def write_table(out: TextIO, header: list[str], rows: Callable[[], Iterable[list[str]]],
                right: set[int] | None = None) -> None:
    """``render_table`` written line by line, the rows never held together: ``rows()`` gives them twice, first
    for the columns' widths, then to write them."""
    widths = [_width(h) for h in header]
    for row in rows():
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _width(cell))
    aligned = set(right or ())

    def line(cells: list[str]) -> str:
        return "  ".join((" " * (widths[i] - _width(cell)) + cell) if i in aligned
                         else cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(cells)).rstrip()

    out.write(line(header) + "\n" + line(["-" * w for w in widths]))
    for row in rows():
        out.write("\n" + line(row))


# ---------------------------------------------------------------- CSV and spreadsheet cells
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet reads a CSV cell starting with one of these as a formula (OWASP, "CSV injection")."""
_WRITTEN_NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)*")


def csv_cell(value: Any) -> Any:
    """A cell for a CSV file: text that a spreadsheet would read as a formula gets a leading ``'``
    (shown by the spreadsheet as text); numbers, and numbers written out (``-1.5``), stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _WRITTEN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell_text(value: Any) -> str:
    """A value as the text of a CSV cell: nothing for None, yes or no for a boolean."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class CsvWriter:
    """``csv.writer`` (``\\n`` line ends) that passes every cell through :func:`csv_cell`."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])

    def write_numbers(self, row: Iterable[Decimal | int | None]) -> None:
        """A row of numbers (or nothing): no cell of it can read as a formula, none is looked at."""
        self._writer.writerow(row)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: TextIO) -> CsvWriter:
    return CsvWriter(out)


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV file whose every cell went through :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    for row in [header, *rows]:
        writer.writerow(row)
    return buffer.getvalue()


def control_character(text: str, allowed: str = "") -> str | None:
    """The first control character in ``text`` (a terminal escape, a byte XML cannot hold), as ``U+001B``;
    None when there is none (characters in ``allowed`` aside). Names, codes and labels must not hold one: it would reach a terminal raw or
    break a spreadsheet or document writer."""
    for found in _CONTROL.finditer(text):
        if found.group() not in allowed:
            return f"U+{ord(found.group()):04X}"
    return None


def holds_control_character(text: str) -> bool:
    """Whether ``text`` holds any control character (``control_character`` says which)."""
    if text.isprintable():  # no character of category C or Z but the space: none of Cc; a quarter of the search
        return False
    return _CONTROL.search(text) is not None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""The characters of Unicode category Cc (a regular expression finds them faster than a loop per character)."""


def text_stays_text(workbook: Any) -> None:
    """Before an openpyxl workbook is saved: a cell whose text starts with ``=`` was taken for a formula
    by openpyxl; make it a string cell again. The writers of this package write no formulas of their own,
    so after this no cell of the file is a formula (its text is kept as it is, with no apostrophe)."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
