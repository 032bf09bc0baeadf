"""Read unit assessments from YAML data files (libyaml), one unit at a time where the file's layout allows,
keeping where every value is for error messages; a JSON body composed into the same nodes is read here too."""

from __future__ import annotations

import functools
import re
import struct
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

from cqdt_rules.data.fields import (FILE_FIELDS, IDENTITY, MAX_DATA_BYTES, UnitFields, check_size, names_order,
                                    read_year_at)
from cqdt_rules.data.yamlfile import YamlEvents, compose_yaml, is_null, yaml_problem
from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model.text import data_blocks, read_data_text
from cqdt_rules.model.units import NO_EVIDENCE, Assessment, IndicatorValues, RowAssessment, nfc, read_year

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


class _Places:
    """The places of nodes one after the other, packed: the line a node starts on (four bytes), how many lines it
    runs over (one), the columns where it starts and ends (two each) — nine bytes a place, not the sixteen of four
    numbers; all in eight bytes each once a place does not fit (a node over more than 255 lines, a line longer
    than 65,535 characters, a file of more than 4 GiB)."""

    __slots__ = ("_packed", "_format")

    def __init__(self, places: Iterable[Place] = ()):
        self._packed, self._format = bytearray(), _NARROW
        self.extend(places)

    def extend(self, places: Iterable[Place]) -> None:
        numbers = [n for line, column, end_line, end_column in places for n in (line, end_line - line, column, end_column)]
        try:
            self._packed += _packing(self._format, len(numbers) // 4).pack(*numbers)
        except struct.error:
            if self._format is _WIDE:
                raise
            self._widen()
            self._packed += _packing(_WIDE, len(numbers) // 4).pack(*numbers)

    def _widen(self) -> None:
        wide = struct.Struct(_WIDE)
        self._packed = bytearray(b"".join(wide.pack(*place) for place in struct.iter_unpack(_NARROW, self._packed)))
        self._format = _WIDE

    def __len__(self) -> int:
        return len(self._packed) // struct.calcsize(self._format)

    def span(self, path: str, index: int) -> Span:
        """The span of place ``index``."""
        line, height, column, end_column = struct.unpack_from(self._format, self._packed, index * struct.calcsize(self._format))
        return Span(path, line + 1, column + 1, line + height + 1, end_column + 1)


_NARROW, _WIDE = "<IBHH", "<qqqq"


@functools.lru_cache(maxsize=64)
def _packing(place: str, count: int) -> struct.Struct:
    """The packing of ``count`` places in the format ``place``."""
    return struct.Struct(place[0] + place[1:] * count)


class _NodeSpans(Mapping[str, Span]):
    """The span of each named value of a unit, kept as the numbers of its place and made when asked for (an
    error, a parent to check): reading a unit makes no ``Span`` for the values nobody asks about. The places are
    kept packed (``_Places``, from place ``start``), and the names with their order in a dictionary shared by
    every unit that names the same things in the same order (``names_order``)."""

    __slots__ = ("_path", "_order", "_places", "_start")

    def __init__(self, path: str, order: Mapping[str, int], places: _Places, start: int = 0):
        self._path, self._order, self._places, self._start = path, order, places, start

    def __getitem__(self, name: str) -> Span:
        return self._places.span(self._path, self._start + self._order[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


def _node_spans(path: str, nodes: Mapping[str, yaml.Node]) -> _NodeSpans:
    """The spans of ``nodes`` by name, their places kept on their own."""
    return _NodeSpans(path, names_order(tuple(nodes)), _Places(map(_place, nodes.values())))


class YamlUnits:
    """The units of one YAML file kept together (``yaml_assessments(..., kept=True)``), as ``RowAssessment``s read
    them: each unit's values as one tuple behind the names it gives (``IndicatorValues``, its names' order one
    dictionary for every unit that gives the same names in the same order: ``names_order``), and the places of the
    unit, of its values, their names and its fields as numbers in one array for the whole file. A unit keeps its
    own fields (and its evidence) and its number; its values and positions are made from here when asked for."""

    _SHAPES = 256  # how many ways of ordering a unit's names are kept to share (a file's units give one or two)

    __slots__ = ("path", "_values", "_shapes", "_starts", "_places", "_kept_shapes")

    def __init__(self, path: str):
        self.path = path
        self._values: list[tuple[Any, ...]] = []
        self._shapes: list[tuple[dict[str, int], ...]] = []
        self._starts = array("Q")  # where each unit's places start
        self._places = _Places()
        self._kept_shapes: dict[tuple[int, ...], tuple[dict[str, int], ...]] = {}

    def add(self, fields: UnitFields, values: dict[str, Any], nodes: tuple[yaml.Node, Mapping[str, yaml.Node],
            Mapping[str, yaml.Node], Mapping[str, yaml.Node]]) -> RowAssessment:
        """The unit of ``fields``, ``values`` and the nodes where it, its values, their names and its fields are."""
        row = len(self._values)
        unit, spans, names, identity = nodes
        shape = self._shape(values, spans, names, identity)
        self._values.append(tuple(_kept(value) if type(value) is list else value for value in values.values()))
        self._shapes.append(shape)
        self._starts.append(len(self._places))
        self._places.extend(map(_place, (unit, *spans.values(), *names.values(), *identity.values())))
        return RowAssessment.of(self, row, *fields)

    def _shape(self, *named: Mapping[str, Any]) -> tuple[dict[str, int], ...]:
        """The orders of the names of ``named``, one tuple for every unit whose names are the same."""
        orders = tuple(names_order(tuple(names)) for names in named)
        key = tuple(map(id, orders))  # while kept here, an order is alive: its id names it
        kept = self._kept_shapes.get(key)
        if kept is None and len(self._kept_shapes) < self._SHAPES:
            kept = self._kept_shapes[key] = orders
        return kept or orders

    def values(self, row: int) -> IndicatorValues:
        return _ListedValues(self._shapes[row][0], self._values[row])

    def read_values(self, row: int) -> dict[str, Any]:
        return self.values(row).as_dict()

    def origin(self, row: int) -> Span:
        return self._places.span(self.path, self._starts[row])

    def value_spans(self, row: int) -> Mapping[str, Span]:
        return self._spans(row, 1)

    def name_spans(self, row: int) -> Mapping[str, Span]:
        return self._spans(row, 2)

    def field_spans(self, row: int) -> Mapping[str, Span]:
        return self._spans(row, 3)

    def _spans(self, row: int, which: int) -> _NodeSpans:
        shape = self._shapes[row]
        start = self._starts[row] + 1 + sum(len(order) for order in shape[1:which])
        return _NodeSpans(self.path, shape[which], self._places, start)


class _ListedValues(IndicatorValues):
    """A unit's values as a ``YamlUnits`` table keeps them: a list (a pair as ``[a, b]``) kept as a tuple, shared
    by the units that give the same (``_kept``), and given back as a list of its own, as ``yaml_value`` reads it."""

    __slots__ = ()

    def __getitem__(self, name: str) -> Any:
        value = self.row[self.index[name]]
        return list(value) if type(value) is tuple else value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self.index else default

    def as_dict(self) -> dict[str, Any]:
        return {name: list(value) if type(value) is tuple else value for name, value in zip(self.index, self.row)}

    def __eq__(self, other: object) -> bool:
        return Mapping.__eq__(self, other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (self.as_dict(),)


_KEPT_LISTS = 4096
_LISTS: dict[tuple[Any, ...], tuple[Any, ...]] = {}
"""One tuple for every list of values that reads the same (a pair of counts), whichever unit and file it is read
from, as ``_TEXTS`` keeps texts: at most ``_KEPT_LISTS`` lists of at most two short texts."""


def _kept(value: list[Any]) -> tuple[Any, ...]:
    return _one_of(_LISTS, tuple(value), _KEPT_LISTS,
                   lambda items: len(items) <= 2 and all(type(i) is str and len(i) <= _SHORT_TEXT for i in items))


_KEPT_TEXTS, _SHORT_TEXT = 4096, 64
_TEXTS: dict[str, str] = {}
"""One object for every name and value that reads the same (a value's name, yes, no, a count), whichever unit
and file it is read from: a unit keeps no copy of its own. At most ``_KEPT_TEXTS`` texts of at most
``_SHORT_TEXT`` characters are kept (some hundred kilobytes); a text met after that is not shared."""


def _shared(text: str) -> str:
    return _TEXTS.get(text) or _one_of(_TEXTS, text, _KEPT_TEXTS, lambda text: len(text) <= _SHORT_TEXT)


_Item = TypeVar("_Item", str, tuple[Any, ...])


def _one_of(table: dict[_Item, _Item], item: _Item, most: int, small: Callable[[_Item], bool]) -> _Item:
    """The object ``table`` keeps for what reads as ``item``, or ``item``, kept when ``small`` and the table holds
    fewer than ``most``."""
    kept = table.get(item)
    if kept is not None:
        return kept
    if len(table) < most and small(item):
        table[item] = item
    return item


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
                     read: Callable[[int], None] | None = None, kept: bool = False) -> Iterator[Assessment]:
    """The assessments of a YAML data file, each as soon as its unit is read, in memory that grows with one unit,
    not with the file; every unit's problems are added to ``problems``, text that is not YAML (or too deep, or
    an alias) raises DataError where it is found, after the units before it. Only a file whose ``units:`` is
    its last top-level field (at the start of a line, as a data file writes it) is read so; any other is read
    whole, as it needs: every unit depends on the file-wide fields, which could then follow its units.
    ``kept``: the caller keeps every assessment (``load_assessments``): the file's units are kept together in
    one ``YamlUnits`` table, compactly, and each is a ``RowAssessment`` of it."""
    where = str(path)
    table = YamlUnits(where) if kept else None
    if not _units_come_last(path, encoding):
        check_size(path, MAX_DATA_BYTES)
        yield from _from_yaml(read_data_text(path, encoding), where, table)
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
            yield from assessments_from_node(node, where, table)
            return
        yield from _streamed_units(events, where, problems, table)
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


def _streamed_units(events: YamlEvents, path: str, problems: list[Diagnostic],
                    table: YamlUnits | None = None) -> Iterator[Assessment]:
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
                assessment = _yaml_unit(events.node(), defaults, path, problems, table)
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


def _from_yaml(text: str, path: str, table: YamlUnits | None = None) -> tuple[Assessment, ...]:
    root = compose_yaml(text, path)
    if root is None:
        raise DataError([Diagnostic(Span(path, 1, 1, 1, 1), _EMPTY, hint=_NO_UNITS)])
    return assessments_from_node(root, path, table)


def assessments_from_node(root: yaml.Node, path: str, table: YamlUnits | None = None) -> tuple[Assessment, ...]:
    """The assessments of a data document already composed into nodes with positions (a YAML file, or a
    JSON body read by ``data.json_body``): file-wide defaults and ``units:``, every problem at its place (kept in
    ``table`` when given)."""
    problems: list[Diagnostic] = []
    top = _mapping(root, path, problems, "the file")
    defaults = _file_defaults(top, path, problems)
    units_node = top.get("units", (None, None))[1]
    if not isinstance(units_node, yaml.SequenceNode):
        problems.append(Diagnostic(_span(path, root), _NO_UNITS))
        raise DataError(problems)
    found = [a for a in (_yaml_unit(item, defaults, path, problems, table) for item in units_node.value) if a is not None]
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


def _yaml_unit(node: yaml.Node, defaults: dict[str, Any], path: str, problems: list[Diagnostic],
               table: YamlUnits | None = None) -> Assessment | None:
    """The assessment of a unit's node (kept in ``table`` when given), or None; its problems go to ``problems``."""
    fields = _mapping(node, path, problems, "a unit")
    for name, (name_node, _) in fields.items():
        if name not in _UNIT_FIELDS:
            problems.append(Diagnostic(_span(path, name_node), f"unknown unit field '{name}'",
                                       hint="unit fields: " + ", ".join(sorted(_UNIT_FIELDS))))
    identity: dict[str, Any] = {k: _single(k, v, path, problems) for k, (_, v) in fields.items() if k in IDENTITY}
    missing = _with_defaults(identity, defaults)
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
    unit = _unit_fields(identity, year, evidence)
    identity_nodes = {k: v for k, (_, v) in fields.items() if k in IDENTITY}
    if table is not None:
        return table.add(unit, values, (node, spans, name_spans, identity_nodes))
    code, name, tier, year, source, kept_evidence, parent, note = unit
    return Assessment(code=code, name=name, tier=tier, year=year, source=source, values=values, evidence=kept_evidence,
                      parent=parent, note=note, origin=_span(path, node), value_spans=_node_spans(path, spans),
                      name_spans=_node_spans(path, name_spans), field_spans=_node_spans(path, identity_nodes))


def _with_defaults(identity: dict[str, Any], defaults: dict[str, Any]) -> list[str]:
    """Give ``identity`` the file-wide year, source and tier it lacks; the fields it still misses."""
    for field in ("year", "source", "tier"):
        identity.setdefault(field, defaults.get(field))
    return [k for k in ("code", "name", "tier", "year", "source") if identity.get(k) in (None, "")]


def _unit_fields(identity: dict[str, Any], year: int, evidence: dict[str, tuple[str, ...]]) -> UnitFields:
    """What a unit's identity (its defaults taken), year and evidence give it of its own, as text."""
    parent = identity.get("parent")
    return (str(identity["code"]), nfc(str(identity["name"])), str(identity["tier"]), year, str(identity["source"]),
            evidence or NO_EVIDENCE, None if parent in (None, "") else str(parent), identity.get("note"))


def yaml_value(node: yaml.Node) -> Any:
    """A value as the data files read it: scalars as text (null → None), lists and mappings of scalars."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_scalar(v) for v in node.value]
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _scalar(v) for k, v in node.value}
    return None


# ---------------------------------------------------------------- a document of plain values, read straight
_NOT_PLAIN: Any = object()
_FILE_KEYS = frozenset(FILE_FIELDS) | {"units"}


def assessments_from_plain(document: Any, path: str) -> tuple[Assessment, ...] | None:
    """The assessments of a data document given as plain values (a JSON body as ``json.loads`` reads it: mappings as
    dicts, lists, and scalars as texts, true, false or null), made straight from them: what ``assessments_from_node``
    gives for the same document composed into nodes at one place (1:1), without making the nodes. None when the
    document has anything that reading would report (a field it does not know, a list or mapping where one value
    belongs, a missing field, a year that is not one) or that it reads otherwise (a mapping within a list): the caller
    reads the document's nodes then, and they report it."""
    if type(document) is not dict or type(document.get("units")) is not list or not _FILE_KEYS.issuperset(document):
        return None
    defaults = {k: _plain_text(v) for k, v in document.items() if k in FILE_FIELDS}
    if _NOT_PLAIN in defaults.values() or (defaults.get("year") not in (None, "") and read_year(defaults["year"]) is None):
        return None
    places = _OnePlace(path)
    found = []
    for item in document["units"]:
        unit = _plain_unit(item, defaults, places)
        if unit is None:
            return None
        found.append(unit)
    return tuple(found)


def _plain_text(value: Any) -> Any:
    """What reading a scalar's node gives for a plain scalar (``_scalar``): its text (a JSON number's as written, true
    and false as words), None for null; ``_NOT_PLAIN`` for a list or mapping."""
    if type(value) is str:
        return _shared(value)
    if value is None:
        return None
    if value is True or value is False:
        return "true" if value else "false"
    return _shared(str(value)) if isinstance(value, str) else _NOT_PLAIN


def _plain_value(value: Any) -> Any:
    """A value as ``yaml_value`` reads its node: a scalar's text, a list or mapping of scalars' texts."""
    if type(value) is list:
        items = [_plain_text(v) for v in value]
        return _NOT_PLAIN if _NOT_PLAIN in items else items
    if type(value) is dict:
        texts = {k: _plain_text(v) for k, v in value.items()}
        return _NOT_PLAIN if _NOT_PLAIN in texts.values() else texts
    return _plain_text(value)


def _plain_unit(item: Any, defaults: dict[str, Any], places: _OnePlace) -> Assessment | None:
    """A unit of ``assessments_from_plain``, as ``_yaml_unit`` reads its node; None for anything it would report."""
    if type(item) is not dict or not _UNIT_FIELDS.issuperset(item):
        return None
    identity = {k: _plain_text(v) for k, v in item.items() if k in IDENTITY}
    if _NOT_PLAIN in identity.values() or _with_defaults(identity, defaults):
        return None
    year = read_year(identity["year"])
    given, references = item.get("values", {}), item.get("evidence", {})
    if year is None or type(given) is not dict or type(references) is not dict:
        return None
    values = {_shared(name): _plain_value(value) for name, value in given.items()}
    if _NOT_PLAIN in values.values():
        return None
    evidence: dict[str, tuple[str, ...]] = {}
    for name, listed in references.items():
        texts = [_plain_text(v) for v in (listed if type(listed) is list else [listed])]
        if _NOT_PLAIN in texts:
            return None
        if any(texts):
            evidence[_shared(name)] = tuple(nfc(text) for text in texts if text)
    spanned = tuple(values) + tuple(_shared(name) for name in references if name not in values)
    code, name, tier, year, source, kept_evidence, parent, note = _unit_fields(identity, year, evidence)
    return Assessment(code=code, name=name, tier=tier, year=year, source=source, values=values, evidence=kept_evidence,
                      parent=parent, note=note, origin=places.span, value_spans=places.spans(spanned),
                      name_spans=places.spans(tuple(values)), field_spans=places.spans(tuple(k for k in item if k in IDENTITY)))


class _OnePlace:
    """The spans of a document read without positions: every one at 1:1 (as its nodes would be marked)."""

    def __init__(self, path: str):
        self.path, self.span = path, Span(path, 1, 1, 1, 1)
        self._places = _Places()

    def spans(self, names: tuple[str, ...]) -> _NodeSpans:
        if len(self._places) < len(names):
            self._places = _Places([(0, 0, 0, 0)] * (2 * len(names)))
        return _NodeSpans(self.path, names_order(names), self._places)
