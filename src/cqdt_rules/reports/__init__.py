"""The yearly report: one model (``document``) built from the results, written by one module per format.

The writers import the model; the model never imports a writer. ``write_report`` picks the writers
asked for, importing each only when used (openpyxl and python-docx are optional extras)."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cqdt_rules.errors import UsageError
from cqdt_rules.files import Together, together

if TYPE_CHECKING:  # the model is imported by whoever builds a report, not by ``reports.score_table``'s users
    from cqdt_rules.reports.document import Report

FORMATS = ("html", "md", "xlsx", "docx")
EXPLAINING = ("html", "md")
"""The formats that hold every unit's explanation; a report for the others is built without them."""
EXTRAS = {"xlsx": ("xlsx", ("openpyxl",)), "docx": ("docx", ("docx", "matplotlib"))}
"""For each format that needs an optional library: the extra that installs it and the modules it imports."""


def check_formats(formats: Sequence[str]) -> None:
    """Refuse, before anything is scored or written, a format that is unknown or whose extra is not installed."""
    if not formats:
        raise UsageError(f"no report format given: use {', '.join(FORMATS)}")
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}': use {', '.join(FORMATS)}")
    for fmt in formats:
        extra, modules = EXTRAS.get(fmt, ("", ()))
        missing = [name for name in modules if not _importable(name)]
        if missing:
            raise UsageError(f"the {fmt} format needs the '{extra}' extra: pip install 'cqdt-rules[{extra}]' "
                             f"(not installed: {', '.join(missing)})")


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def write_report(report: Report, out: Path, formats: Sequence[str] = ("html", "md")) -> list[Path]:
    """Write the report in each format to ``out``; return the files written."""
    check_formats(formats)
    unexplained = [f for f in formats if f in EXPLAINING and not report.explained]
    if unexplained:
        raise UsageError(f"the {unexplained[0]} format shows every unit's explanation: build the report with "
                         "explain=True")
    stem = f"{report.ruleset_id}-{report.year}-{report.lang}"
    made: list[Path] = []
    with together() as package:  # every file or none: an error leaves last year's report as it was
        for fmt in formats:
            if fmt == "html":
                from cqdt_rules.reports.write_html import html_files

                made += _write_pages(out, html_files(report, f"report-{stem}.html"), package)
            elif fmt == "md":
                from cqdt_rules.reports.write_markdown import markdown_files

                pages, charts = markdown_files(report, f"report-{stem}.md", f"report-{stem}-charts")
                made += _write_pages(out, pages, package)  # the charts are made with the main page
                for name, svg in charts.items():
                    chart = out / f"report-{stem}-charts" / name
                    package.beside(chart).write_text(svg, encoding="utf-8")
                    made.append(chart)
            elif fmt == "xlsx":
                from cqdt_rules.reports.write_xlsx import write_xlsx

                path = out / f"rankings-{stem}.xlsx"
                write_xlsx(report, package.beside(path))
                made.append(path)
            elif fmt == "docx":
                from cqdt_rules.reports.write_docx import write_docx

                path = out / f"report-{stem}.docx"
                write_docx(report, package.beside(path))
                made.append(path)
    return made


def _write_pages(out: Path, pages: Iterable[tuple[str, Iterable[str]]], package: Together) -> list[Path]:
    """Write each page (file name, its text in pieces), piece by piece as it comes, beside its place in ``out``
    (``package``); return the files in order."""
    made = []
    for name, text in pages:
        path = out / name
        with open(package.beside(path), "w", encoding="utf-8") as file:
            file.writelines(text)
        made.append(path)
    return made
