"""Read unit assessments from data files, keeping the position of every value for error messages: CSV here, YAML in
``yaml_units`` (imported only when a YAML file is read), an Excel form in ``workbook``."""

from __future__ import annotations

import contextlib
import csv
import io
import os
from array import array
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from cqdt_rules.data.fields import FILE_FIELDS, IDENTITY, MAX_DATA_BYTES, UnitFields, check_size, read_year_at
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError, did_you_mean
from cqdt_rules.model.text import data_lines, read_data_text, reading_encoding
from cqdt_rules.model.units import NO_EVIDENCE, NO_SPANS, Assessment, ReadOnlyDict, RowAssessment, nfc, normal_code

def load_assessments(path: str | Path | Sequence[str | Path], encoding: str | None = None) -> tuple[Assessment, ...]:
    """Read a YAML (.yaml/.yml), CSV (.csv) or Excel form (.xlsx) data file; values are checked later against a ruleset.
    YAML and CSV files are read as UTF-8 unless ``encoding`` (or ``reading_encoding``) says ``cp1258``. A folder, or
    a list of files and folders, is read as the command line reads it (``load_many``: a folder's data files)."""
    if isinstance(path, (list, tuple)) or (isinstance(path, (str, os.PathLike)) and Path(path).is_dir()):
        paths = [_data_path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]
        with reading_encoding(encoding) if encoding is not None else contextlib.nullcontext():
            return load_many(paths)
    path = _data_path(path)
    if not path.is_file():
        raise UsageError(f"no such data file: {path}")
    suffix = path.suffix.lower()
    check_size(path, MAX_DATA_BYTES)
    if suffix == ".xlsx":
        from cqdt_rules.data.workbook import load_workbook_assessments

        workbook_assessments: tuple[Assessment, ...] = load_workbook_assessments(path)
        return workbook_assessments
    if suffix not in (".yaml", ".yml", ".csv"):
        raise UsageError(f"cannot read '{path}': use a .yaml, .yml, .csv or .xlsx file")
    problems: list[Diagnostic] = []
    try:
        if suffix == ".csv":  # line by line, as a stream reads it: the file's whole text is never held
            found = tuple(csv_assessments(data_lines(path, encoding), str(path), problems, kept=True))
        else:
            found = tuple(_yaml_assessments(path, problems, encoding, kept=True))
    except DataError as exc:
        problems.extend(exc.diagnostics)
    if problems:
        raise DataError(problems)
    return found


def _data_path(path: object) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"data are read from a file or a folder (a path), or a list of them, not {type(path).__name__}; "
                         "records in memory: cqdt_rules.assessments_from_records")
    return Path(path)


def _yaml_assessments(path: Path, problems: list[Diagnostic], encoding: str | None = None,
                      read: Callable[[int], None] | None = None, kept: bool = False) -> Iterator[Assessment]:
    from cqdt_rules.data.yaml_units import yaml_assessments  # the YAML library, imported for a YAML file only

    return yaml_assessments(path, problems, encoding, read, kept)


DATA_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


def load_many(paths: list[Path], skipped: list[tuple[Path, str]] | None = None) -> tuple[Assessment, ...]:
    """Read several files or folders (every .yaml/.yml/.csv/.xlsx in a folder); errors from all files together.

    A file found in a folder that is not assessment data (a unit list, a YAML file whose top-level fields are
    not a data file's, as a ruleset's test cases) is skipped, and added to ``skipped`` with the reason; a file
    named itself is always read. Data holding no assessment at all are refused: folders alone as a UsageError,
    files as a DataError."""
    problems: list[Diagnostic] = []
    found = tuple(stream_assessments(paths, problems, skipped, kept=True))
    if problems:
        raise DataError(problems)
    return found


MAX_STREAMED_BYTES = 4 * 1024 ** 3
"""The largest CSV or YAML file read as a stream (``stream_assessments(..., limit=MAX_STREAMED_BYTES)``): its
units are not kept, so it may be far larger than a file read whole; 4 GiB is some ten million units."""


def stream_assessments(paths: list[Path], problems: list[Diagnostic], skipped: list[tuple[Path, str]] | None = None,
                       read: Callable[[int], None] | None = None, limit: int = MAX_DATA_BYTES,
                       compact: bool = True, kept: bool = False) -> Iterator[Assessment]:
    """The assessments of several files and folders as they are read, as ``load_many`` reads them: a CSV file row
    by row and a YAML file unit by unit (``yaml_assessments``), up to ``limit`` bytes, an Excel form whole. Every
    file's problems are added to ``problems`` (then no assessment of that file may be missing from what is
    yielded); ``read(n)`` is told of every n bytes read. ``compact`` and ``kept`` as ``csv_assessments`` takes them."""
    count = 0
    for path, named in _expand(paths):
        reason = None if named else not_assessment_data(path)
        if reason is not None:
            if skipped is not None:
                skipped.append((path, reason))
            continue
        try:
            suffix = path.suffix.lower()
            if suffix in (".csv", ".yaml", ".yml") and path.is_file():
                check_size(path, limit)
                read_units = (csv_assessments(data_lines(path, read=read), str(path), problems, compact, kept) if suffix == ".csv"
                              else _yaml_assessments(path, problems, read=read, kept=kept))
                for assessment in read_units:
                    count += 1
                    yield assessment
            else:
                found = load_assessments(path)
                count += len(found)
                yield from found
                if read is not None and path.is_file():
                    read(path.stat().st_size)
        except DataError as exc:
            problems.extend(exc.diagnostics)
    if not count and not problems:
        if paths and all(path.is_dir() for path in paths):  # the wrong folder named: a mistake in the call
            raise UsageError(f"no assessments in {', '.join(str(p) for p in paths)}: a folder's data files "
                             "(.yaml, .yml, .csv, .xlsx) are read, not its sub-folders: name the folder that holds them")
        problems.extend(_no_assessments(path) for path in paths)




def _no_assessments(path: Path) -> Diagnostic:
    where = Span(str(path), 0, 0, 0, 0)
    if path.is_dir():
        return Diagnostic(where, "no assessments in this folder",
                          hint="a folder's data files (.yaml, .yml, .csv, .xlsx) are read, not its sub-folders: "
                               "name the folder that holds them", kind="no assessments")
    hint = ("expected a header row and at least one row of data under it" if path.suffix.lower() == ".csv"
            else "expected 'units:' with a list of units")
    return Diagnostic(where, "no assessments in this file", hint=hint, kind="no assessments")


def not_assessment_data(path: Path) -> str | None:
    """Why a data file found in a folder is not assessments (a unit list; YAML unlike a data file, see
    ``_looks_like_assessments``), or None."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as file:
                header = {h.strip() for h in next(csv.reader(file), [])}
            if header and not header & {"year", "source"} and header <= set(IDENTITY) | {"district"}:
                return "a unit list (code, name, tier, parent), not assessments"
        elif suffix in (".yaml", ".yml"):
            with path.open(encoding="utf-8-sig") as file:
                if not _looks_like_assessments(file):
                    return "a YAML file without 'units:', not assessments"
    except (OSError, UnicodeDecodeError, csv.Error):
        return None  # reading it will say what is wrong
    return None


_TOP_LEVEL_KEY = re.compile(r"""(["']?)([A-Za-z_][\w-]*)\1[ \t]*:(?:\s|$)""")


def _looks_like_assessments(lines: Iterable[str]) -> bool:
    """Whether a YAML file's top-level fields are those of assessment data, as written or misspelt (``Units:``,
    ``unit:``, ``yeer:``), so that it is read and its mistakes are shown; a file with other fields (a ruleset's test
    cases, a cross-tier mapping) and none like ``units`` is something else."""
    keys = []
    for line in lines:
        found = _TOP_LEVEL_KEY.match(line)
        if found:
            key = found.group(2).lower()
            if did_you_mean(key, ["units"]):
                return True
            keys.append(key)
    return bool(keys) and all(did_you_mean(key, FILE_FIELDS) for key in keys)


def _expand(paths: list[Path]) -> Iterator[tuple[Path, bool]]:
    """Each data file with whether it was named itself (True) or found in a folder."""
    for path in paths:
        if path.is_dir():
            yield from ((p, False) for p in sorted(path.iterdir())
                        if p.suffix.lower() in DATA_SUFFIXES and not p.name.startswith("~$"))
        else:
            yield path, True


def read_units(path: str | Path, encoding: str | None = None) -> dict[str, str]:
    """The province's unit list (a CSV with the columns ``code`` and ``tier``, like examples/gialai/units.csv)
    as code → tier, codes normalised as the data's are; it is what a unit's ``parent`` is checked against."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no such unit list: {path}")
    records = _csv_records(read_data_text(path, encoding), str(path))
    header = [h.strip() for h in records[0][1]] if records else []
    if "code" not in header or "tier" not in header:
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 2), "a unit list needs the columns 'code' and 'tier'")])
    code, tier = header.index("code"), header.index("tier")
    return {normal_code(row[code]): row[tier].strip() for _, row, _ in records[1:]
            if len(row) == len(header) and row[code].strip()}


# ---------------------------------------------------------------- CSV
def _cell_positions(raw: str, first_line: int, upto: int | None = None) -> list[tuple[int, int]]:
    """(line, column), 1-based, where each CSV cell of one record starts (up to cell ``upto`` when given);
    quotes read as the csv module reads them (a quote opens a quoted cell only at the cell's start; inside,
    ``""`` is a quote), and a quoted cell may hold line breaks."""
    line, column, quoted, cell_start, just_closed = first_line, 1, False, True, False
    starts = [(line, 1)]
    for char in raw:
        if char == '"':
            if quoted:
                quoted, just_closed = False, True
            elif cell_start or just_closed:
                quoted, just_closed = True, False
            cell_start = False
        elif char == "," and not quoted:
            if upto is not None and len(starts) > upto:
                break
            starts.append((line, column + 1))
            cell_start, just_closed = True, False
        else:
            cell_start = just_closed = False
        if char == "\n":
            line, column = line + 1, 1
        else:
            column += 1
    return starts


class CellPlaces:
    """Where the cells of one record start, worked out from its text only when a position is asked for (an
    error, a parent to check): reading a row costs no position arithmetic. A record written as the csv module
    writes its cells (quotes only where needed, as Excel and most tools write them) keeps no text of its own
    (``raw`` None, ``row`` its cells): its text is written again from its cells when a position is asked for."""

    __slots__ = ("_raw", "_line", "_starts", "_row")

    def __init__(self, line: int, raw: str | None = None, starts: list[tuple[int, int]] | None = None,
                 row: Sequence[str] | None = None):
        self._raw, self._line, self._starts, self._row = raw, line, starts, row

    def start(self, index: int) -> tuple[int, int]:
        """Where cell ``index`` starts; the record's line when the positions and the csv module disagree."""
        starts = self._starts
        if starts is None:
            # a cell of the identity (a parent to check, for every unit) is found from the first cells alone, and
            # nothing is kept; past them (an error), the whole record is worked out once and kept
            upto = index if index < 8 else None
            raw = self._raw
            if raw is None and self._row is not None:
                raw = written(self._row if upto is None else self._row[:upto + 1])
            starts = _cell_positions(raw or "", self._line, upto)
            if upto is None:
                self._starts = starts
        return starts[index] if index < len(starts) else (self._line, 1)


class _Echo:
    write = str  # what the csv module writes is given back as it is: ``writerow`` returns it


# one for all threads: ``writerow`` runs no Python code between filling its buffer and handing its text back;
# the line end is written (and cut) because which cells the csv module quotes depends on it
_WRITER = csv.writer(_Echo(), lineterminator="\n")


def written(row: Sequence[str]) -> str:
    """A record's text as the csv module writes its cells, without a line end."""
    text: str = _WRITER.writerow(row)
    return text[:-1]


def own_text(row: Sequence[str], raw: str) -> str | None:
    """The record's text ``raw`` when its cells written again would not give it back (quotes where none are
    needed), else None: nothing to keep."""
    text = raw.rstrip("\r\n")
    # without a quote, no cell holds a comma, a quote or a line end: the csv module writes the cells joined
    return None if (",".join(row) if '"' not in text else written(row)) == text else raw


KEPT_TEXTS, KEPT_REPEATED = 1024, 16_384
"""How many distinct texts of one column a CSV file's reader keeps to share (``SharedCells``, ``CellCodes``): the
first ``KEPT_TEXTS`` it meets, then, while its cells repeat texts already met (a count among a few thousand; not
a code or a name, which are new in nearly every row), up to ``KEPT_REPEATED``."""
NEARLY_ALL_NEW = 0.9
"""The share of a column's cells, in a stretch of rows, that are texts met for the first time past which a column
holding ``KEPT_TEXTS`` texts keeps no more."""
KEPT_EVIDENCE = 16_384
"""How many evidence dictionaries a CSV file's table keeps to share (``CsvUnits``): a row's evidence is a
combination of its evidence columns' texts, so there are more of them than texts in one column; each one kept is
a unit's evidence anyway, the table adds a key of a few codes for it."""
KEPT_ENTRIES, KEPT_CHARS = 65_536, 4_000_000
"""How many texts, and characters, a CSV file's reader keeps to share in all its columns together (some ten
megabytes at most, whatever the file holds: its columns, its rows and its cells' lengths are the file's)."""


class _KeptToShare:
    """The texts a file's reader keeps to share its cells, column by column, within bounds: each column keeps the
    first ``KEPT_TEXTS`` texts it meets, then up to ``KEPT_REPEATED`` unless nearly all its cells are new texts
    (``NEARLY_ALL_NEW``), the whole file at most ``KEPT_ENTRIES`` texts of ``KEPT_CHARS`` characters (counted
    every ``_EVERY`` rows, and after a long record); a text met later is not shared. What is kept of each text
    (``_kept[column][text]``) is the subclass's."""

    _EVERY, _LONG = 256, 4096

    __slots__ = ("_kept", "_rows", "_counted", "_chars", "_judged", "_judged_at")

    def __init__(self, width: int):
        self._kept: list[dict[str, Any]] = [{} for _ in range(width)]
        self._rows = self._chars = 0
        self._counted = [0] * width  # the texts of each column whose characters are counted in ``_chars``
        self._judged = [0] * width  # how many texts each column held when the rows were last judged
        self._judged_at = 0  # the rows read then

    def _row_read(self, length: int) -> None:
        """Count a row of ``length`` characters, and keep within the bounds."""
        self._rows += 1
        if self._rows % self._EVERY == 0 or length > self._LONG:
            self._bound()

    def _bound(self) -> None:
        """Stop keeping texts in a column that has ``KEPT_REPEATED``, or ``KEPT_TEXTS`` and met nearly only new
        texts in the rows since they were last judged (at least ``_EVERY``), and in every column past the file's
        limits."""
        rows = self._rows - self._judged_at
        judged = rows >= self._EVERY
        for i, kept in enumerate(self._kept):
            grown = len(kept) - self._counted[i]
            if grown:  # the texts kept since the last count are the dictionary's last
                self._chars += sum(map(len, itertools.islice(reversed(kept), grown)))
                self._counted[i] = len(kept)
            new = len(kept) - self._judged[i]
            if len(kept) >= KEPT_REPEATED or (judged and len(kept) >= KEPT_TEXTS and new > NEARLY_ALL_NEW * rows):
                self._stop(i)
            if judged:
                self._judged[i] = len(kept)
        if judged:
            self._judged_at = self._rows
        if self._chars > KEPT_CHARS or sum(self._counted) > KEPT_ENTRIES:
            for i in range(len(self._kept)):
                self._stop(i)

    def _stop(self, column: int) -> None:
        """Keep no more texts of ``column`` (those kept are still shared)."""
        raise NotImplementedError


class SharedCells(_KeptToShare):
    """One text object for every cell of a column that reads the same (yes, no, a tier, a district, a note, a
    count): a file of 100,000 units holds each once, not once per unit (within the bounds of ``_KeptToShare``)."""

    __slots__ = ("_share",)

    def __init__(self, width: int):
        super().__init__(width)
        self._share: list[Callable[..., Any]] = [kept.setdefault for kept in self._kept]

    def __call__(self, row: list[str], length: int) -> tuple[str, ...]:
        """The cells of a row of ``length`` characters, each the text kept for it (``kept.setdefault(cell, cell)``,
        in C for the whole row)."""
        cells: tuple[str, ...] = tuple(map(operator.call, self._share, row, row))
        self._row_read(length)
        return cells

    def _stop(self, column: int) -> None:
        self._share[column] = self._kept[column].get  # look up only, keep no more


class CellCodes(_KeptToShare):
    """Each cell of a row as a number: the place of its text among the texts its column holds (``texts``), one
    place for every cell that reads the same (within the bounds of ``_KeptToShare``: a text met once its column
    keeps no more gets a place of its own), and, in the columns ``read_columns``, each text as a value reads
    (``read``: trimmed, None when blank; empty for the other columns)."""

    __slots__ = ("texts", "read", "_sharing", "_reads")

    def __init__(self, width: int, read_columns: Iterable[int] = ()):
        super().__init__(width)
        self.texts: list[list[str]] = [[] for _ in range(width)]
        self.read: list[list[str | None]] = [[] for _ in range(width)]
        self._sharing = [True] * width
        read = set(read_columns)
        self._reads = [column in read for column in range(width)]

    def __call__(self, row: list[str], length: int) -> list[int]:
        """The codes of a row's cells (looked up in C for the whole row; a text met for the first time is added)."""
        codes: list[int | None] = list(map(dict.get, self._kept, row))
        if None in codes:
            for column, code in enumerate(codes):
                if code is None:
                    codes[column] = self._add(column, row[column])
        self._row_read(length)
        return codes  # type: ignore[return-value]  # no None is left

    def _add(self, column: int, text: str) -> int:
        texts = self.texts[column]
        code = len(texts)
        texts.append(text)
        if self._reads[column]:
            self.read[column].append(text.strip(_BLANK) or None)
        if self._sharing[column]:
            self._kept[column][text] = code
        return code

    def _stop(self, column: int) -> None:
        self._sharing[column] = False


class _CellSpans(Mapping[str, Span]):
    """The span of a record's cells by name (a column, or an indicator's first column), made when asked for."""

    __slots__ = ("_columns", "_row", "_path", "_places")

    def __init__(self, columns: Mapping[str, int], row: Sequence[str], path: str, places: CellPlaces):
        self._columns, self._row, self._path, self._places = columns, row, path, places

    def __getitem__(self, name: str) -> Span:
        index = self._columns[name]
        line, start = self._places.start(index)
        return Span(self._path, line, start, line, start + max(1, len(self._row[index])))

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


class RowValues(Mapping[str, Any]):
    """A record's values by name, read from its cells when asked for: a value as its cell reads (None when
    blank), a pair as ``[a, b]`` (None when both are blank). The names are the header's, shared by every row
    (``RowLayout.where``): a row keeps its cells, not a dictionary of its own."""

    __slots__ = ("_layout", "_cells")

    def __init__(self, layout: RowLayout, cells: Sequence[str]):
        self._layout, self._cells = layout, cells

    def get(self, name: str, default: Any = None) -> Any:
        where = self._layout.where.get(name)
        if where is None:
            return default
        cells = self._cells
        if isinstance(where, int):
            return cells[where].strip(_BLANK) or None
        a, b = cells[where[0]].strip(_BLANK), cells[where[1]].strip(_BLANK)
        return [a, b] if a or b else None

    def as_dict(self) -> dict[str, Any]:
        """Every value by name, as ``get`` reads it, in one go: a reader of every value (``model.units``) saves
        a method call per value."""
        layout, cells = self._layout, self._cells
        found: dict[str, Any] = {name: cells[index].strip(_BLANK) or None for name, index in layout.values}
        for name, a_index, b_index in layout.pairs:  # after the values, as in ``RowLayout.where``
            a, b = cells[a_index].strip(_BLANK), cells[b_index].strip(_BLANK)
            found[name] = [a, b] if a or b else None
        return found

    def __getitem__(self, name: str) -> Any:
        if name not in self._layout.where:
            raise KeyError(name)
        return self.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._layout.where)

    def __len__(self) -> int:
        return len(self._layout.where)

    def __contains__(self, name: object) -> bool:
        return name in self._layout.where

    def keys(self) -> KeysView[str]:
        return self._layout.where.keys()

    def __repr__(self) -> str:
        return repr(dict(self.items()))


Record = tuple[int, list[str], str]
"""A CSV record: the line it starts on, its cells, and its text as written."""


def csv_records(lines: Iterable[str], path: str) -> Iterator[Record]:
    """Each record of CSV text given line by line (each line ending in ``\\n``), as it is read."""
    taken: list[str] = []

    def feed() -> Iterator[str]:
        for text in lines:
            taken.append(text)
            yield text

    reader = csv.reader(feed())
    consumed = 0
    try:
        for row in reader:
            yield consumed + 1, row, "".join(taken)
            taken.clear()
            consumed = reader.line_num
    except csv.Error as error:
        raise DataError([Diagnostic(Span(path, consumed + 1, 1, consumed + 1, 2), f"unreadable CSV record: {error}",
                                    hint="check the quotes: a cell that starts with \" must end with \"")]) from None


def _csv_records(text: str, path: str) -> list[tuple[int, list[str], CellPlaces]]:
    """Each record of a whole text with the line it starts on and where its cells start."""
    return [(line, row, CellPlaces(line, raw)) for line, row, raw in csv_records(io.StringIO(text, newline=""), path)]


def csv_assessments(lines: Iterable[str], path: str, problems: list[Diagnostic], compact: bool = True,
                    kept: bool = False) -> Iterator[Assessment]:
    """The assessments of CSV text given line by line, each as soon as its row is read; a row's problems are
    added to ``problems`` (a header without the identity columns, or a malformed record, raises DataError).
    ``compact``: texts that read the same are shared and a record keeps no text of its own where its cells give
    it back (some 10 µs a row, which a caller that keeps no assessment spares with False). ``kept``: the caller
    keeps every assessment (``load_assessments``): the file's rows are kept together in one ``CsvUnits`` table,
    compactly, and each unit is a ``RowAssessment`` of it, which makes its values and positions when asked for
    (a stream, whose units are dropped as they are scored, keeps no table)."""
    records = csv_records(lines, path)
    first = next(records, None)
    if first is None:
        raise DataError([Diagnostic(Span(path, 1, 1, 1, 1), "the file is empty", hint="expected a header row")])
    _, first_row, first_raw = first
    header = [h.strip() for h in first_row]
    _check_header(header, path, CellPlaces(1, first_raw))
    layout = RowLayout(header)
    shared = SharedCells(len(header)) if compact and not kept else None
    table = CsvUnits(path, layout) if kept else None
    for line_number, row, raw in records:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Diagnostic(Span(path, line_number, 1, line_number, 2),
                                       f"row has {len(row)} cells but the header has {len(header)} columns"))
            continue
        assessment: Assessment | None
        if table is not None:
            assessment = table.add(line_number, row, raw, problems)
        else:
            cells = row if shared is None else shared(row, len(raw))
            text = raw if shared is None else own_text(cells, raw)
            assessment = csv_row(layout, cells, path, line_number, CellPlaces(line_number, text, row=cells), problems)
        if assessment is not None:
            yield assessment


def _check_header(header: list[str], path: str, places: CellPlaces) -> None:
    unreadable = _unreadable_header(header, path)
    if unreadable is not None:
        raise DataError([unreadable])
    problems: list[Diagnostic] = []
    for column in ("code", "name", "tier", "year", "source"):
        if column not in header:
            problems.append(Diagnostic(Span(path, 1, 1, 1, 1), f"the header has no '{column}' column"))
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            line, start = places.start(index)
            problems.append(Diagnostic(Span(path, line, start, line, start + 1),
                                       f"column {index + 1} of the header has no name",
                                       hint="name the column, or remove the comma that makes it "
                                            "(often one at the end of the header line)"))
        elif name in seen:
            line, start = places.start(index)
            problems.append(Diagnostic(Span(path, line, start, line, start + max(1, len(name))),
                                       f"column '{name}' appears twice"))
        seen[name] = index
    problems.extend(_given_twice_as_pair(header, path, places))
    if problems:
        raise DataError(problems)


def _unreadable_header(header: list[str], path: str) -> Diagnostic | None:
    """Why a header without its identity columns cannot be read as one (UTF-16 text; cells separated by ';' or a
    tab rather than commas), said once instead of a missing column each; None when neither is so."""
    if "code" in header:
        return None
    text, where = ",".join(header), Span(path, 1, 1, 1, 2)
    if "\x00" in text:
        return Diagnostic(where, "the file looks like UTF-16 text (every other byte is zero)",
                          hint="save it as UTF-8 (in Excel: 'CSV UTF-8 (Comma delimited)')")
    for separator, called in ((";", "semicolons"), ("\t", "tabs")):
        if separator in text:
            return Diagnostic(where, f"the header's cells are separated by {called}, not by commas",
                              hint="save it as CSV with commas (in Excel: 'CSV UTF-8 (Comma delimited)')")
    return None


def _given_twice_as_pair(header: list[str], path: str, places: CellPlaces) -> Iterator[Diagnostic]:
    """A problem at the first of a pair's columns ``X.a``, ``X.b`` for each ``X`` the header also has as a column."""
    told: set[str] = set()
    for index, column in enumerate(header):
        name, dot, part = column.rpartition(".")
        if dot and part in ("a", "b") and name in header and name not in told:
            told.add(name)
            line, start = places.start(index)
            yield Diagnostic(Span(path, line, start, line, start + len(column)),
                             f"'{name}' is given both in column '{name}' and in the pair columns '{name}.a', '{name}.b'",
                             hint=f"keep column '{name}' for one value, or '{name}.a' and '{name}.b' for a pair")


_BLANK = " \t\r\n"
"""What is trimmed from a CSV cell: spaces and line ends only. (``str.strip()`` would also drop the control
characters U+001C to U+001F, which must reach the checks and be refused.)"""


@attrs.frozen
class RowLayout:
    """What a header says about every row under it, worked out once: which column holds what."""

    header: list[str]
    identity: dict[str, int] = attrs.field(init=False)
    values: list[tuple[str, int]] = attrs.field(init=False)  # a one-column value: its name and column
    pairs: list[tuple[str, int, int]] = attrs.field(init=False)  # a pair: its name and its .a, .b columns
    evidence: list[tuple[str, int]] = attrs.field(init=False)
    value_columns: dict[str, int] = attrs.field(init=False)  # where an error about a value points
    unpaired: list[tuple[str, int]] = attrs.field(init=False)  # a pair given one column only
    where: dict[str, int | tuple[int, int]] = attrs.field(init=False)  # a value's column, or a pair's two columns
    _references: dict[str, tuple[str, ...]] = attrs.field(init=False, factory=dict)  # see ``references``
    _years: dict[str, int] = attrs.field(init=False, factory=dict)  # see ``year``

    def __attrs_post_init__(self) -> None:
        header = self.header
        identity = {column: index for index, column in enumerate(header) if column in IDENTITY}
        values: list[tuple[str, int]] = []
        evidence: list[tuple[str, int]] = []
        value_columns: dict[str, int] = {}
        parts: dict[str, dict[str, int]] = {}
        for index, column in enumerate(header):
            if column in IDENTITY:
                continue
            name, _, part = column.rpartition(".") if "." in column else (column, "", "")
            if part in ("a", "b"):
                parts.setdefault(name, {})[part] = index
                value_columns.setdefault(name, index)
                value_columns[column] = index  # where an error about that part alone points
            elif part == "evidence":
                evidence.append((name, index))
            else:
                values.append((column, index))
                value_columns[column] = index
        pairs = [(name, p["a"], p["b"]) for name, p in parts.items() if set(p) == {"a", "b"}]
        unpaired = [(name, value_columns[name]) for name, p in parts.items() if set(p) != {"a", "b"}]
        where: dict[str, int | tuple[int, int]] = dict(values)
        where.update((name, (a, b)) for name, a, b in pairs)
        for field, found in (("identity", identity), ("values", values), ("pairs", pairs), ("evidence", evidence),
                             ("value_columns", value_columns), ("unpaired", unpaired), ("where", where)):
            object.__setattr__(self, field, found)

    def year(self, cell: str, where: Callable[[], Span], problems: list[Diagnostic]) -> int | None:
        """The year a cell gives (``read_year_at``), one object for every cell that reads the same (a file holds a
        year or two: the first few are kept)."""
        found = self._years.get(cell)
        if found is None:
            found = read_year_at(cell, where, problems)
            if found is not None and len(self._years) < 16:
                self._years[cell] = found
        return found

    def where_values(self) -> list[int]:
        """The columns values are read from (a value's, a pair's two)."""
        return [index for _, index in self.values] + [index for _, a, b in self.pairs for index in (a, b)]

    def references(self, cell: str) -> tuple[str, ...]:
        """The evidence references an evidence cell lists, one tuple for every cell that reads the same (the first
        ``KEPT_TEXTS`` cells of at most 256 characters met)."""
        found = self._references.get(cell)
        if found is None:
            found = tuple(nfc(r.strip()) for r in cell.split(";") if r.strip())
            if len(self._references) < KEPT_TEXTS and len(cell) <= 256:
                self._references[cell] = found
        return found


def csv_row(layout: RowLayout | list[str], row: Sequence[str], path: str, line: int, places: CellPlaces | list[tuple[int, int]],
            problems: list[Diagnostic]) -> Assessment | None:
    """One CSV record (or a frame's row) as an assessment; its problems are added to ``problems``."""
    if not isinstance(layout, RowLayout):
        layout = RowLayout(layout)
    if not isinstance(places, CellPlaces):
        places = CellPlaces(line, starts=places)
    spans = _CellSpans(layout.value_columns, row, path, places)
    field_spans = _CellSpans(layout.identity, row, path, places)
    fields = _unit_fields(layout, row, path, line, lambda: spans, lambda: field_spans, problems)
    if fields is None:
        return None
    code, name, tier, year, source, evidence, parent, note = fields
    return Assessment(code=code, name=name, tier=tier, year=year, source=source, values=RowValues(layout, row),
                      evidence=evidence, parent=parent, note=note, origin=Span(path, line, 1, line, 2), value_spans=spans,
                      field_spans=field_spans)


def _unit_fields(layout: RowLayout, row: Sequence[str], path: str, line: int, spans: Callable[[], Mapping[str, Span]],
                 field_spans: Callable[[], Mapping[str, Span]], problems: list[Diagnostic]) -> UnitFields | None:
    """The fields a record gives its unit, or None when it cannot give one; its problems are added to ``problems``
    (at the positions ``spans()`` and ``field_spans()`` give, made only for a problem)."""
    cells = [c.strip(_BLANK) for c in row]
    identity = {column: cells[index] for column, index in layout.identity.items()}
    for name, _ in layout.unpaired:
        problems.append(Diagnostic(spans()[name], f"pair '{name}' needs both columns '{name}.a' and '{name}.b'"))
    evidence = {name: layout.references(cells[index]) for name, index in layout.evidence if cells[index]} or NO_EVIDENCE
    missing = [k for k in ("code", "name", "tier", "year", "source") if not identity.get(k)]
    if missing:
        problems.append(Diagnostic(Span(path, line, 1, line, 2), f"row is missing {', '.join(missing)}"))
        return None
    year = layout.year(identity["year"], lambda: field_spans()["year"], problems)
    if year is None:
        return None
    return (identity["code"], nfc(identity["name"]), identity["tier"], year, identity["source"], evidence,
            identity.get("parent") or None, identity.get("note") or None)


_LINES = "I" if array("I").itemsize >= 4 else "L"  # line numbers and codes of cells, of at least 32 bits


class CsvUnits:
    """The units of one CSV file kept together (``csv_assessments(..., kept=True)``), as ``RowAssessment``s read
    them: the cells column by column, each row's as numbers (``CellCodes``: two bytes a cell while no column holds
    more than 65,536 texts, four after), each text once per column where cells read the same; the line each row
    starts on; and, for the few records whose cells written again would not give their text back, that text. A
    unit keeps its own fields and its row's number; its values (``TableRowValues``) and positions are made from
    here when asked for, as ``csv_row`` makes them from the same cells. Its evidence is one read-only dictionary
    for every unit whose evidence cells read the same (``_shared_evidence``), not a dictionary each."""

    __slots__ = ("path", "layout", "_width", "_coder", "_codes", "_lines", "_texts", "_values", "_pairs",
                 "_evidence_columns", "_evidence")

    def __init__(self, path: str, layout: RowLayout):
        self.path, self.layout = path, layout
        self._width = len(layout.header)
        self._coder = CellCodes(self._width, layout.where_values())
        self._codes = array("H")  # each row's codes, row after row
        self._lines = array(_LINES)
        self._texts: dict[int, str] = {}
        read = self._coder.read  # each value column's texts as values read them
        self._values = [(name, index, read[index]) for name, index in layout.values]
        self._pairs = [(name, a, read[a], b, read[b]) for name, a, b in layout.pairs]
        self._evidence_columns = [index for _, index in layout.evidence]
        self._evidence: dict[tuple[int, ...], Mapping[str, tuple[str, ...]]] = {}

    def add(self, line: int, row: list[str], raw: str, problems: list[Diagnostic]) -> RowAssessment | None:
        """The unit of a record (its cells and its text as read), kept in the table; None, with its problems added
        to ``problems``, when it gives none."""
        number = len(self._lines)
        codes = self._coder(row, len(raw))
        try:
            self._codes.extend(codes)
        except OverflowError:  # a column holds more texts than two bytes number: four bytes a cell from now on
            del self._codes[number * self._width:]
            self._codes = array(_LINES, self._codes)
            self._codes.extend(codes)
        self._lines.append(line)
        cells = tuple(map(operator.getitem, self._coder.texts, codes))
        text = own_text(cells, raw)
        if text is not None:
            self._texts[number] = text
        fields = _unit_fields(self.layout, cells, self.path, line, lambda: self.value_spans(number),
                              lambda: self.field_spans(number), problems)
        if fields is None:
            return None
        code, name, tier, year, source, evidence, parent, note = fields
        if evidence is not NO_EVIDENCE:
            evidence = self._shared_evidence(codes, evidence)
        return RowAssessment.of(self, number, code, name, tier, year, source, evidence, parent, note)

    def _shared_evidence(self, codes: list[int], evidence: Mapping[str, tuple[str, ...]]
                         ) -> Mapping[str, tuple[str, ...]]:
        """The evidence of a row whose evidence cells have ``codes``, read-only, one dictionary for every row whose
        evidence cells have the same codes (so read the same); the first ``KEPT_EVIDENCE`` met are kept to share."""
        key = tuple(map(codes.__getitem__, self._evidence_columns))
        shared = self._evidence.get(key)
        if shared is None:
            shared = ReadOnlyDict(evidence)
            if len(self._evidence) < KEPT_EVIDENCE:
                self._evidence[key] = shared
        return shared

    def cells(self, row: int) -> tuple[str, ...]:
        """The cells of row ``row`` (the texts kept of them)."""
        start = row * self._width
        return tuple(map(operator.getitem, self._coder.texts, self._codes[start:start + self._width]))

    def values(self, row: int) -> TableRowValues:
        made: TableRowValues = _new(TableRowValues)  # without calling ``__init__``: the checker asks for every unit's
        _SET_LAYOUT(made, self.layout)
        _SET_TABLE(made, self)
        _SET_ROW(made, row)
        _SET_MADE(made, None)
        return made

    def read_values(self, row: int) -> dict[str, Any]:
        """``RowValues.as_dict`` of row ``row``'s cells, read from their codes (a list of them: indexing a list is
        quicker than an array, and as quick as the cells' own tuple)."""
        start = row * self._width
        codes = self._codes[start:start + self._width].tolist()
        found: dict[str, Any] = {name: read[codes[index]] for name, index, read in self._values}
        for name, a_index, read_a, b_index, read_b in self._pairs:  # after the values, as in ``RowLayout.where``
            a, b = read_a[codes[a_index]], read_b[codes[b_index]]
            found[name] = None if a is None and b is None else [a or "", b or ""]
        return found

    def origin(self, row: int) -> Span:
        line = self._lines[row]
        return Span(self.path, line, 1, line, 2)

    def value_spans(self, row: int) -> Mapping[str, Span]:
        return self._spans(row, self.layout.value_columns)

    def name_spans(self, row: int) -> Mapping[str, Span]:
        return NO_SPANS  # a value's name is its column's: an error about a name points at the value's cell

    def field_spans(self, row: int) -> Mapping[str, Span]:
        return self._spans(row, self.layout.identity)

    def _spans(self, row: int, columns: Mapping[str, int]) -> Mapping[str, Span]:
        cells = self.cells(row)
        return _CellSpans(columns, cells, self.path, CellPlaces(self._lines[row], self._texts.get(row), row=cells))


class TableRowValues(RowValues):
    """The values of a row of a ``CsvUnits`` table: ``RowValues`` of its cells, made from the table when first
    needed; read all at once (``as_dict``, as the checker reads them) from the cells' codes, without its cells."""

    __slots__ = ("_table", "_row", "_made")

    def __init__(self, table: CsvUnits, row: int):
        self._layout, self._table, self._row = table.layout, table, row
        self._made: Sequence[str] | None = None

    @property  # type: ignore[override]
    def _cells(self) -> Sequence[str]:
        made = self._made
        if made is None:
            made = self._made = self._table.cells(self._row)
        return made

    def as_dict(self) -> dict[str, Any]:
        return self._table.read_values(self._row)


_new = object.__new__
_SET_LAYOUT, _SET_TABLE, _SET_ROW, _SET_MADE = (vars(RowValues)["_layout"].__set__, *(
    vars(TableRowValues)[name].__set__ for name in ("_table", "_row", "_made")))
