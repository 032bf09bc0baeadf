"""Read unit assessments from YAML data files (libyaml), one unit at a time where the file's layout allows,
keeping where every value is for error messages; a JSON body composed into the same nodes is read here too."""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from cqdt_rules.data.fields import FILE_FIELDS, IDENTITY, MAX_DATA_BYTES, check_size, read_year_at
from cqdt_rules.data.yamlfile import YamlEvents, compose_yaml, is_null, yaml_problem
from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model.text import data_blocks, read_data_text
from cqdt_rules.model.units import Assessment, nfc

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
    error, a parent to check): reading a unit makes no ``Span`` for the values nobody asks about. The numbers
    are kept in one array (four a place), and the names with their order in a dictionary shared by every unit
    that names the same things in the same order (``_order``)."""

    __slots__ = ("_path", "_order", "_marks")

    def __init__(self, path: str, nodes: Mapping[str, yaml.Node]):
        self._path, self._order = path, _order(tuple(nodes))
        marks = [n for node in nodes.values() for n in _place(node)]
        try:
            self._marks = array("I", marks)
        except OverflowError:  # a place past 4,294,967,295 lines or columns: only in a file of more than 4 GiB
            self._marks = array("q", marks)

    def __getitem__(self, name: str) -> Span:
        at = 4 * self._order[name]
        line, column, end_line, end_column = self._marks[at:at + 4]
        return Span(self._path, line + 1, column + 1, end_line + 1, end_column + 1)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


def _order(names: tuple[str, ...]) -> dict[str, int]:
    """Each name's position in ``names``: one dictionary for every unit that names the same things in the same
    order (the units of a file usually do; the 256 orders of at most 1,024 names last met are kept)."""
    return _shared_order(names) if len(names) <= 1024 else _positions(names)


@functools.lru_cache(maxsize=256)
def _shared_order(names: tuple[str, ...]) -> dict[str, int]:
    return _positions(names)


def _positions(names: tuple[str, ...]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}


_KEPT_TEXTS, _SHORT_TEXT = 4096, 64
_TEXTS: dict[str, str] = {}
"""One object for every name and value that reads the same (a value's name, yes, no, a count), whichever unit
and file it is read from: a unit keeps no copy of its own. At most ``_KEPT_TEXTS`` texts of at most
``_SHORT_TEXT`` characters are kept (some hundred kilobytes); a text met after that is not shared."""


def _shared(text: str) -> str:
    kept = _TEXTS.get(text)
    if kept is not None:
        return kept
    if len(_TEXTS) < _KEPT_TEXTS and len(text) <= _SHORT_TEXT:
        _TEXTS[text] = text
    return text


def _scalar(node: yaml.Node) -> Any:
    """A scalar as written: quoted text stays text; plain text is returned as a string too, except null."""
    if isinstance(node, yaml.ScalarNode):
        if is_null(node):
            return None
        return _shared(node.value) if type(node.value) is str else node.value
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
        check_size(path, MAX_DATA_BYTES)
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
            check_size(path, MAX_DATA_BYTES)
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
    defaults = {k: _single(k, v, path, problems) for k, (_, v) in top.items() if k in FILE_FIELDS}
    if defaults.get("year") not in (None, ""):  # wrong even where every unit gives its own year
        read_year_at(defaults["year"], lambda: _span(path, top["year"][1]), problems)
    _unknown_fields(top, path, problems)
    return defaults


def _unknown_fields(top: dict[str, tuple[yaml.Node, yaml.Node]], path: str, problems: list[Diagnostic]) -> None:
    for name, (name_node, _) in top.items():
        if name not in FILE_FIELDS + ("units",):
            problems.append(Diagnostic(_span(path, name_node), f"unknown top-level field '{name}'",
                                       hint="top-level fields: " + ", ".join(FILE_FIELDS + ("units",))))


def _mapping(node: yaml.Node, path: str, problems: list[Diagnostic], what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        problems.append(Diagnostic(_span(path, node), f"expected a mapping for {what}"))
        return {}
    found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        name = _shared(str(key.value))
        if name in found:
            problems.append(Diagnostic(_span(path, key), f"'{name}' is given twice in {what}"))
        found[name] = (key, value)
    return found


_UNIT_FIELDS = frozenset(IDENTITY) | {"values", "evidence"}


def _yaml_unit(node: yaml.Node, defaults: dict[str, Any], path: str, problems: list[Diagnostic]) -> Assessment | None:
    fields = _mapping(node, path, problems, "a unit")
    for name, (name_node, _) in fields.items():
        if name not in _UNIT_FIELDS:
            problems.append(Diagnostic(_span(path, name_node), f"unknown unit field '{name}'",
                                       hint="unit fields: " + ", ".join(sorted(_UNIT_FIELDS))))
    identity: dict[str, Any] = {k: _single(k, v, path, problems) for k, (_, v) in fields.items() if k in IDENTITY}
    for field in ("year", "source", "tier"):
        identity.setdefault(field, defaults.get(field))
    missing = [k for k in ("code", "name", "tier", "year", "source") if identity.get(k) in (None, "")]
    if missing:
        problems.append(Diagnostic(_span(path, node), f"unit is missing {', '.join(missing)}"))
        return None
    year = read_year_at(identity["year"], lambda: _span(path, fields.get("year", (node, node))[1]), problems)
    values: dict[str, Any] = {}
    spans: dict[str, yaml.Node] = {}
    name_spans: dict[str, yaml.Node] = {}
    if "values" in fields:
        for name, (key, value) in _mapping(fields["values"][1], path, problems, "values").items():
            values[name] = yaml_value(value)
            spans[name] = value
            name_spans[name] = key
    evidence: dict[str, tuple[str, ...]] = {}
    if "evidence" in fields:
        for name, (key, value) in _mapping(fields["evidence"][1], path, problems, "evidence").items():
            if name not in spans:
                spans[name] = key
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
        field_spans=_NodeSpans(path, {k: v for k, (_, v) in fields.items() if k in IDENTITY}),
    )


def yaml_value(node: yaml.Node) -> Any:
    """A value as the data files read it: scalars as text (null → None), lists and mappings of scalars."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(v) for v in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _scalar(v) for k, v in node.value}
    return None
