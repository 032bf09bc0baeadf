"""Read unit assessments from YAML and CSV, keeping the position of every value for error messages."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml

from cqdt_rules.data.yamlfile import MAX_YAML_BYTES, YamlEvents, compose_yaml, is_null, yaml_problem
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError
from cqdt_rules.model.text import data_blocks, data_lines, read_data_text
from cqdt_rules.model.units import Assessment, nfc, normal_code, read_year, shown

_IDENTITY = ("code", "name", "tier", "parent", "year", "source", "note")
_FILE_FIELDS = ("year", "source", "tier", "ruleset", "note")  # defaults for every unit of the file; ruleset and note are labels


MAX_DATA_BYTES = MAX_YAML_BYTES
"""The largest data file read (YAML, CSV or Excel form): 32 MiB, some 100,000 units; a larger one is refused
before it is read, rather than filling the memory."""

def load_assessments(path: str | Path, encoding: str | None = None) -> tuple[Assessment, ...]:
    """Read a YAML (.yaml/.yml), CSV (.csv) or Excel form (.xlsx) data file; values are checked later against a ruleset.
    YAML and CSV files are read as UTF-8 unless ``encoding`` (or ``reading_encoding``) says ``cp1258``."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no such data file: {path}")
    suffix = path.suffix.lower()
    _check_size(path, MAX_DATA_BYTES)
    if suffix == ".xlsx":
        from cqdt_rules.data.workbook import load_workbook_assessments

        workbook_assessments: tuple[Assessment, ...] = load_workbook_assessments(path)
        return workbook_assessments
    if suffix not in (".yaml", ".yml", ".csv"):
        raise UsageError(f"cannot read '{path}': use a .yaml, .yml, .csv or .xlsx file")
    problems: list[Diagnostic] = []
    try:
        if suffix == ".csv":
            found = tuple(csv_assessments(io.StringIO(read_data_text(path, encoding), newline=""), str(path), problems))
        else:
            found = tuple(yaml_assessments(path, problems, encoding))
    except DataError as exc:
        problems.extend(exc.diagnostics)
    if problems:
        raise DataError(problems)
    return found


DATA_SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx")


def load_many(paths: list[Path], skipped: list[tuple[Path, str]] | None = None) -> tuple[Assessment, ...]:
    """Read several files or folders (every .yaml/.yml/.csv/.xlsx in a folder); errors from all files together.

    A file found in a folder that is not assessment data (a unit list, a YAML file without ``units:``) is
    skipped, and added to ``skipped`` with the reason; a file named itself is always read. Data holding no
    assessment at all are refused: folders alone as a UsageError, files as a DataError."""
    problems: list[Diagnostic] = []
    found = tuple(stream_assessments(paths, problems, skipped))
    if problems:
        raise DataError(problems)
    return found


MAX_STREAMED_BYTES = 4 * 1024 ** 3
"""The largest CSV or YAML file read as a stream (``stream_assessments(..., limit=MAX_STREAMED_BYTES)``): its
units are not kept, so it may be far larger than a file read whole; 4 GiB is some ten million units."""


def stream_assessments(paths: list[Path], problems: list[Diagnostic], skipped: list[tuple[Path, str]] | None = None,
                       read: Callable[[int], None] | None = None, limit: int = MAX_DATA_BYTES) -> Iterator[Assessment]:
    """The assessments of several files and folders as they are read, as ``load_many`` reads them: a CSV file row
    by row and a YAML file unit by unit (``yaml_assessments``), up to ``limit`` bytes, an Excel form whole. Every
    file's problems are added to ``problems`` (then no assessment of that file may be missing from what is
    yielded); ``read(n)`` is told of every n bytes read."""
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
                _check_size(path, limit)
                read_units = (csv_assessments(data_lines(path, read=read), str(path), problems) if suffix == ".csv"
                              else yaml_assessments(path, problems, read=read))
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


def _check_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 2), f"the file has {size:,} bytes, more than the "
                                    f"{limit:,} a data file may have", hint="split it into several files "
                                    "(one per tier or per district) and name them all, or name their folder")])


def _no_assessments(path: Path) -> Diagnostic:
    where = Span(str(path), 0, 0, 0, 0)
    if path.is_dir():
        return Diagnostic(where, "no assessments in this folder",
                          hint="a folder's data files (.yaml, .yml, .csv, .xlsx) are read, not its sub-folders: "
                               "name the folder that holds them", kind="no assessments")
    return Diagnostic(where, "no assessments in this file", hint="expected 'units:' with a list of units",
                      kind="no assessments")


def not_assessment_data(path: Path) -> str | None:
    """Why a data file found in a folder is not assessments (a unit list; YAML without ``units:``), or None."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as file:
                header = {h.strip() for h in next(csv.reader(file), [])}
            if header and not header & {"year", "source"} and header <= set(_IDENTITY) | {"district"}:
                return "a unit list (code, name, tier, parent), not assessments"
        elif suffix in (".yaml", ".yml"):
            with path.open(encoding="utf-8-sig") as file:
                if not any(line.startswith("units:") for line in file):
                    return "a YAML file without 'units:', not assessments"
    except (OSError, UnicodeDecodeError, csv.Error):
        return None  # reading it will say what is wrong
    return None


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


# ---------------------------------------------------------------- YAML
Place = tuple[int, int, int, int]
"""Where a node is: its marks' line and column, start and end, counted from 0 as libyaml counts them."""


def _place(node: yaml.Node) -> Place:
    start, end = node.start_mark, node.end_mark
    return start.line, start.column, end.line, end.column


def _span_at(path: str, place: Place) -> Span:
    line, column, end_line, end_column = place
    return Span(path, line + 1, column + 1, end_line + 1, end_column + 1)


def _span(path: str, node: yaml.Node) -> Span:
    return _span_at(path, _place(node))


class _NodeSpans(Mapping[str, Span]):
    """The span of each named value of a unit, kept as the numbers of its place and made when asked for (an
    error, a parent to check): reading a unit makes no ``Span`` for the values nobody asks about."""

    __slots__ = ("_path", "_places")

    def __init__(self, path: str, places: dict[str, Place]):
        self._path, self._places = path, places

    def __getitem__(self, name: str) -> Span:
        return _span_at(self._path, self._places[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


def _scalar(node: yaml.Node) -> Any:
    """A scalar as written: quoted text stays text; plain text is returned as a string too, except null."""
    if isinstance(node, yaml.ScalarNode):
        if is_null(node):
            return None
        return node.value
    return node


def _single(field: str, node: yaml.Node, path: str, problems: list[Diagnostic]) -> Any:
    """A field that holds one value (code, year, ...); a list or mapping there is an error, not a value."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    problems.append(Diagnostic(_span(path, node), f"expected one value for '{field}', got a "
                                                  + ("list" if isinstance(node, yaml.SequenceNode) else "mapping")))
    return None


_EMPTY = "the file is empty"
_NO_UNITS = "expected 'units:' with a list of units"
_UNITS_LINE = re.compile(r"^units:[ \t]*(?:#.*)?$", re.MULTILINE)
_TOP_LEVEL_LINE = re.compile(r"^[^\s#-]", re.MULTILINE)


def yaml_assessments(path: Path, problems: list[Diagnostic], encoding: str | None = None,
                     read: Callable[[int], None] | None = None) -> Iterator[Assessment]:
    """The assessments of a YAML data file, each as soon as its unit is read, in memory that grows with one unit,
    not with the file; every unit's problems are added to ``problems``, text that is not YAML (or too deep, or
    an alias) raises DataError where it is found, after the units before it. Only a file whose ``units:`` is
    its last top-level field (at the start of a line, as a data file writes it) is read so; any other is read
    whole, as it needs: every unit depends on the file-wide fields, which could then follow its units."""
    where = str(path)
    if not _units_come_last(path, encoding):
        _check_size(path, MAX_DATA_BYTES)
        yield from _from_yaml(read_data_text(path, encoding), where)
        if read is not None:
            read(path.stat().st_size)
        return
    events = YamlEvents(data_blocks(path, encoding, read), where)
    try:
        if not events.start():
            raise DataError([Diagnostic(Span(where, 1, 1, 1, 1), _EMPTY, hint=_NO_UNITS)])
        root = events.peek()
        if not isinstance(root, yaml.MappingStartEvent) or root.flow_style:  # not a data file's layout: read it whole
            _check_size(path, MAX_DATA_BYTES)
            node = events.node()
            events.finish()
            yield from assessments_from_node(node, where)
            return
        yield from _streamed_units(events, where, problems)
    except yaml.YAMLError as error:
        raise DataError([yaml_problem(error, where)]) from None


def _units_come_last(path: Path, encoding: str | None) -> bool:
    """Whether the file has a line ``units:`` after which no line starts a top-level field (every line after it
    is indented, a list item, a comment or blank). (The text's nesting is checked as libyaml reads it.)"""
    units_line = False
    for block in data_blocks(path, encoding):
        after = 0
        if not units_line:
            found = _UNITS_LINE.search(block)
            units_line, after = found is not None, found.end() if found else 0
        if units_line and _TOP_LEVEL_LINE.search(block, after):
            return False
    return units_line


def _streamed_units(events: YamlEvents, path: str, problems: list[Diagnostic]) -> Iterator[Assessment]:
    """The units of a document whose root is a block mapping, as ``assessments_from_node`` reads them, composing
    one unit at a time (the file-wide fields before ``units:`` are its defaults)."""
    start = events.next().start_mark
    top: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    checked: int | None = None  # how many top-level fields were checked when the units were read
    while not isinstance(events.peek(), yaml.MappingEndEvent):
        key = events.node()
        name = str(key.value)
        if name in top:
            problems.append(Diagnostic(_span(path, key), f"'{name}' is given twice in the file"))
        if name == "units" and isinstance(events.peek(), yaml.SequenceStartEvent):
            defaults = _file_defaults(top, path, problems)
            checked = len(top)
            first = events.next()
            while not isinstance(events.peek(), yaml.SequenceEndEvent):
                assessment = _yaml_unit(events.node(), defaults, path, problems)
                if assessment is not None:
                    yield assessment
            value: yaml.Node = yaml.SequenceNode("", [], first.start_mark, events.next().end_mark)
        else:
            value = events.node()
        top[name] = (key, value)
    end = events.next().end_mark
    events.finish()
    if checked is None:  # no list of units: the fields are checked all the same
        _file_defaults(top, path, problems)
    else:
        _unknown_fields(dict(list(top.items())[checked:]), path, problems)
    if not isinstance(top.get("units", (None, None))[1], yaml.SequenceNode):
        problems.append(Diagnostic(Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1), _NO_UNITS))


def _from_yaml(text: str, path: str) -> tuple[Assessment, ...]:
    root = compose_yaml(text, path)
    if root is None:
        raise DataError([Diagnostic(Span(path, 1, 1, 1, 1), _EMPTY, hint=_NO_UNITS)])
    return assessments_from_node(root, path)


def assessments_from_node(root: yaml.Node, path: str) -> tuple[Assessment, ...]:
    """The assessments of a data document already composed into nodes with positions (a YAML file, or a
    JSON body read by ``data.json_body``): file-wide defaults and ``units:``, every problem at its place."""
    problems: list[Diagnostic] = []
    top = _mapping(root, path, problems, "the file")
    defaults = _file_defaults(top, path, problems)
    units_node = top.get("units", (None, None))[1]
    if not isinstance(units_node, yaml.SequenceNode):
        problems.append(Diagnostic(_span(path, root), _NO_UNITS))
        raise DataError(problems)
    found = [a for a in (_yaml_unit(item, defaults, path, problems) for item in units_node.value) if a is not None]
    if problems:
        raise DataError(problems)
    return tuple(found)


def _file_defaults(top: dict[str, tuple[yaml.Node, yaml.Node]], path: str, problems: list[Diagnostic]) -> dict[str, Any]:
    """The file-wide fields every unit takes unless it gives its own; their problems and unknown fields' too."""
    defaults = {k: _single(k, v, path, problems) for k, (_, v) in top.items() if k in _FILE_FIELDS}
    if defaults.get("year") not in (None, ""):  # wrong even where every unit gives its own year
        _year(defaults["year"], lambda: _span(path, top["year"][1]), problems)
    _unknown_fields(top, path, problems)
    return defaults


def _unknown_fields(top: dict[str, tuple[yaml.Node, yaml.Node]], path: str, problems: list[Diagnostic]) -> None:
    for name, (name_node, _) in top.items():
        if name not in _FILE_FIELDS + ("units",):
            problems.append(Diagnostic(_span(path, name_node), f"unknown top-level field '{name}'",
                                       hint="top-level fields: " + ", ".join(_FILE_FIELDS + ("units",))))


def _mapping(node: yaml.Node, path: str, problems: list[Diagnostic], what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Diagnostic(_span(path, node), f"expected a mapping for {what}"))
        return {}
    found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        name = str(key.value)
        if name in found:
            problems.append(Diagnostic(_span(path, key), f"'{name}' is given twice in {what}"))
        found[name] = (key, value)
    return found


_UNIT_FIELDS = frozenset(_IDENTITY) | {"values", "evidence"}


def _yaml_unit(node: yaml.Node, defaults: dict[str, Any], path: str, problems: list[Diagnostic]) -> Assessment | None:
    fields = _mapping(node, path, problems, "a unit")
    for name, (name_node, _) in fields.items():
        if name not in _UNIT_FIELDS:
            problems.append(Diagnostic(_span(path, name_node), f"unknown unit field '{name}'",
                                       hint="unit fields: " + ", ".join(sorted(_UNIT_FIELDS))))
    identity: dict[str, Any] = {k: _single(k, v, path, problems) for k, (_, v) in fields.items() if k in _IDENTITY}
    for field in ("year", "source", "tier"):
        identity.setdefault(field, defaults.get(field))
    missing = [k for k in ("code", "name", "tier", "year", "source") if identity.get(k) in (None, "")]
    if missing:
        problems.append(Diagnostic(_span(path, node), f"unit is missing {', '.join(missing)}"))
        return None
    year = _year(identity["year"], lambda: _span(path, fields.get("year", (node, node))[1]), problems)
    values: dict[str, Any] = {}
    spans: dict[str, Place] = {}
    name_spans: dict[str, Place] = {}
    if "values" in fields:
        for name, (key, value) in _mapping(fields["values"][1], path, problems, "values").items():
            values[name] = _yaml_value(value, path, problems)
            spans[name] = _place(value)
            name_spans[name] = _place(key)
    evidence: dict[str, tuple[str, ...]] = {}
    if "evidence" in fields:
        for name, (key, value) in _mapping(fields["evidence"][1], path, problems, "evidence").items():
            if name not in spans:
                spans[name] = _place(key)
            references = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for item in references:
                if not isinstance(item, yaml.ScalarNode):
                    problems.append(Diagnostic(_span(path, item), f"evidence for '{name}' is a reference or a list of references"))
            texts = tuple(nfc(str(v.value)) for v in references if isinstance(v, yaml.ScalarNode) and _scalar(v))
            if texts:
                evidence[name] = texts
    if year is None:
        return None
    return Assessment(
        code=str(identity["code"]), name=nfc(str(identity["name"])), tier=str(identity["tier"]), year=year,
        source=str(identity["source"]), values=values, evidence=evidence,
        parent=None if identity.get("parent") in (None, "") else str(identity["parent"]),
        note=identity.get("note"), origin=_span(path, node), value_spans=_NodeSpans(path, spans),
        name_spans=_NodeSpans(path, name_spans),
        field_spans=_NodeSpans(path, {k: _place(v) for k, (_, v) in fields.items() if k in _IDENTITY}),
    )


def _yaml_value(node: yaml.Node, path: str, problems: list[Diagnostic]) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(v) for v in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _scalar(v) for k, v in node.value}
    return None


def _year(raw: Any, where: Callable[[], Span], problems: list[Diagnostic]) -> int | None:
    """The year ``raw`` gives; None, and a problem at ``where()``, for one that is not a year."""
    year = read_year(raw)
    if year is not None:
        return year
    problems.append(Diagnostic(where(), f"expected a year of four digits, got '{shown(raw)}'"))
    return None


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
    error, a parent to check): reading a row costs no position arithmetic."""

    __slots__ = ("_raw", "_line", "_starts", "_whole")

    def __init__(self, line: int, raw: str | None = None, starts: list[tuple[int, int]] | None = None):
        self._raw, self._line, self._starts, self._whole = raw, line, starts, starts is not None

    def start(self, index: int) -> tuple[int, int]:
        """Where cell ``index`` starts; the record's line when the positions and the csv module disagree."""
        if self._starts is None or (index >= len(self._starts) and not self._whole):
            self._whole = index >= 8  # past the first cells (identity), work out the whole record once
            self._starts = _cell_positions(self._raw or "", self._line, None if self._whole else index)
        return self._starts[index] if index < len(self._starts) else (self._line, 1)


class _CellSpans(Mapping[str, Span]):
    """The span of a record's cells by name (a column, or an indicator's first column), made when asked for."""

    __slots__ = ("_columns", "_row", "_path", "_places")

    def __init__(self, columns: Mapping[str, int], row: list[str], path: str, places: CellPlaces):
        self._columns, self._row, self._path, self._places = columns, row, path, places

    def __getitem__(self, name: str) -> Span:
        index = self._columns[name]
        line, start = self._places.start(index)
        return Span(self._path, line, start, line, start + max(1, len(self._row[index])))

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


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


def csv_assessments(lines: Iterable[str], path: str, problems: list[Diagnostic]) -> Iterator[Assessment]:
    """The assessments of CSV text given line by line, each as soon as its row is read; a row's problems are
    added to ``problems`` (a header without the identity columns, or a malformed record, raises DataError)."""
    records = csv_records(lines, path)
    first = next(records, None)
    if first is None:
        raise DataError([Diagnostic(Span(path, 1, 1, 1, 1), "the file is empty", hint="expected a header row")])
    _, first_row, first_raw = first
    header = [h.strip() for h in first_row]
    _check_header(header, path, CellPlaces(1, first_raw))
    layout = RowLayout(header)
    for line_number, row, raw in records:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(Diagnostic(Span(path, line_number, 1, line_number, 2),
                                       f"row has {len(row)} cells but the header has {len(header)} columns"))
            continue
        assessment = csv_row(layout, row, path, line_number, CellPlaces(line_number, raw), problems)
        if assessment is not None:
            yield assessment


def _check_header(header: list[str], path: str, places: CellPlaces) -> None:
    problems: list[Diagnostic] = []
    for column in ("code", "name", "tier", "year", "source"):
        if column not in header:
            problems.append(Diagnostic(Span(path, 1, 1, 1, 1), f"the header has no '{column}' column"))
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in seen:
            line, start = places.start(index)
            problems.append(Diagnostic(Span(path, line, start, line, start + max(1, len(name))),
                                       f"column '{name}' appears twice"))
        seen[name] = index
    if problems:
        raise DataError(problems)


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

    def __attrs_post_init__(self) -> None:
        header = self.header
        identity = {column: index for index, column in enumerate(header) if column in _IDENTITY}
        values: list[tuple[str, int]] = []
        evidence: list[tuple[str, int]] = []
        value_columns: dict[str, int] = {}
        parts: dict[str, dict[str, int]] = {}
        for index, column in enumerate(header):
            if column in _IDENTITY:
                continue
            name, _, part = column.rpartition(".") if "." in column else (column, "", "")
            if part in ("a", "b"):
                parts.setdefault(name, {})[part] = index
                value_columns.setdefault(name, index)
            elif part == "evidence":
                evidence.append((name, index))
            else:
                values.append((column, index))
                value_columns[column] = index
        pairs = [(name, p["a"], p["b"]) for name, p in parts.items() if set(p) == {"a", "b"}]
        unpaired = [(name, value_columns[name]) for name, p in parts.items() if set(p) != {"a", "b"}]
        for field, found in (("identity", identity), ("values", values), ("pairs", pairs), ("evidence", evidence),
                             ("value_columns", value_columns), ("unpaired", unpaired)):
            object.__setattr__(self, field, found)


def csv_row(layout: RowLayout | list[str], row: list[str], path: str, line: int, places: CellPlaces | list[tuple[int, int]],
            problems: list[Diagnostic]) -> Assessment | None:
    """One CSV record (or a frame's row) as an assessment; its problems are added to ``problems``."""
    if not isinstance(layout, RowLayout):
        layout = RowLayout(layout)
    if not isinstance(places, CellPlaces):
        places = CellPlaces(line, starts=places)
    cells = [c.strip(_BLANK) for c in row]
    identity = {column: cells[index] for column, index in layout.identity.items()}
    spans = _CellSpans(layout.value_columns, row, path, places)
    field_spans = _CellSpans(layout.identity, row, path, places)
    values: dict[str, Any] = {}
    for name, index in layout.values:
        values[name] = cells[index] or None
    for name, a, b in layout.pairs:
        values[name] = None if cells[a] == "" and cells[b] == "" else [cells[a], cells[b]]
    for name, _ in layout.unpaired:
        problems.append(Diagnostic(spans[name], f"pair '{name}' needs both columns '{name}.a' and '{name}.b'"))
    evidence = {name: tuple(nfc(r.strip()) for r in cells[index].split(";") if r.strip())
                for name, index in layout.evidence if cells[index]}
    missing = [k for k in ("code", "name", "tier", "year", "source") if not identity.get(k)]
    if missing:
        problems.append(Diagnostic(Span(path, line, 1, line, 2), f"row is missing {', '.join(missing)}"))
        return None
    year = _year(identity["year"], lambda: field_spans["year"], problems)
    if year is None:
        return None
    return Assessment(
        code=identity["code"], name=nfc(identity["name"]), tier=identity["tier"], year=year, source=identity["source"],
        values=values, evidence=evidence, parent=identity.get("parent") or None,
        note=identity.get("note") or None, origin=Span(path, line, 1, line, 2), value_spans=spans, field_spans=field_spans,
    )
