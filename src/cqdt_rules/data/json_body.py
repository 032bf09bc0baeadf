"""Unit data sent as JSON (a request body): read with the position of every value, so that it is
checked by the same code, with the same messages and positions, as a YAML data file.

JSON is parsed here, not by PyYAML: PyYAML refuses tabs between tokens and keys longer than 1,024
characters, both valid JSON, and decodes an escaped surrogate pair as two lone surrogates. The
document is turned into PyYAML nodes (scalars keep the text as written, so ``92.5`` stays the exact
decimal it reads as) and handed to ``yaml_units.assessments_from_node``. A document of the plain shape every data
file has, read without positions, skips the nodes: ``yaml_units.assessments_from_plain`` makes its units straight
from the values ``json.loads`` gives (``plain_document``), the same units its nodes would give, and leaves any other
document to its nodes."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable

import yaml

from cqdt_rules.data.yaml_units import assessments_from_node, assessments_from_plain
from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model.units import Assessment

# the standard library's reader of one JSON string (escapes, surrogate pairs), given where it starts
_scanstring: Callable[[str, int, bool], tuple[str, int]] = getattr(json.decoder, "scanstring")

MAX_DEPTH = 64
"""The deepest nesting of arrays and objects accepted: unit data needs four levels."""

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_LITERALS = {"true": "true", "false": "false", "null": "null"}
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class JsonError(Exception):
    def __init__(self, message: str, index: int):
        super().__init__(message)
        self.message = message
        self.index = index


def assessments_from_json(text: str, path: str = "<request>") -> tuple[Assessment, ...]:
    """The assessments of a JSON document shaped like a YAML data file (defaults and ``units``).

    Read quickly first; only when that finds a problem is the text read again with the position of
    every value, so that each problem points at its place. Values checked later against a ruleset
    need positions too: a caller that scores them uses ``compose_json`` and the same two steps."""
    quick = assessments_from_plain(plain_document(text), path)
    if quick is not None:
        return quick
    try:
        return assessments_from_node(compose_json(text, path, positions=False), path)
    except DataError:
        return assessments_from_node(compose_json(text, path), path)


def compose_json(text: str, path: str = "<request>", *, positions: bool = True) -> yaml.Node:
    """A JSON document as PyYAML nodes, with positions; DataError pointing at the first syntax error.

    ``positions=False`` reads it with the standard library's C parser, every node marked at 1:1: the
    same nodes and values, for a document that will not need its positions (read it again if it does).
    Text it cannot read that way is read with positions."""
    if not positions:
        fast = _quick_nodes(text, path)
        if fast is not None:
            return fast
    composer = _Composer(text, path)
    try:
        index = composer.skip(0)
        node, index = composer.value(index, 0)
        index = composer.skip(index)
        if index != len(text):
            raise JsonError("extra text after the JSON document", index)
    except JsonError as exc:
        span = composer.span(exc.index, exc.index + 1)
        raise DataError([Diagnostic(span, f"not valid JSON: {exc.message}")]) from None
    return node


class _Composer:
    def __init__(self, text: str, path: str):
        self.text = text
        self.path = path
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def mark(self, index: int) -> yaml.Mark:
        line = bisect.bisect_right(self.line_starts, index) - 1
        return yaml.Mark(self.path, index, line, index - self.line_starts[line], None, 0)

    def span(self, start: int, end: int) -> Span:
        first, last = self.mark(start), self.mark(end)
        return Span(self.path, first.line + 1, first.column + 1, last.line + 1, last.column + 1)

    def skip(self, index: int) -> int:
        match = _WHITESPACE.match(self.text, index)
        return match.end() if match else index

    def value(self, index: int, depth: int) -> tuple[yaml.Node, int]:
        if index >= len(self.text):
            raise JsonError("the document ends where a value was expected", index)
        char = self.text[index]
        if char == "{":
            return self.mapping(index, depth + 1)
        if char == "[":
            return self.sequence(index, depth + 1)
        if char == '"':
            value, end = self.string(index)
            return self.scalar(value, index, end, '"'), end
        number = _NUMBER.match(self.text, index)
        if number:
            return self.scalar(number.group(), index, number.end(), None), number.end()
        for word in _LITERALS:
            if self.text.startswith(word, index):
                return self.scalar(word, index, index + len(word), None), index + len(word)
        raise JsonError(f"unexpected character {char!r}", index)

    def string(self, index: int) -> tuple[str, int]:
        try:
            value, end = _scanstring(self.text, index + 1, True)
        except json.JSONDecodeError as exc:
            raise JsonError(exc.msg.lower(), exc.pos) from None
        lone = _SURROGATE.search(value)
        if lone:
            raise JsonError("a \\u escape names half of a surrogate pair, not a character", index)
        return value, end

    def scalar(self, value: str, start: int, end: int, style: str | None) -> yaml.ScalarNode:
        return yaml.ScalarNode("tag:yaml.org,2002:str", value, self.mark(start), self.mark(end), style=style)

    def sequence(self, start: int, depth: int) -> tuple[yaml.Node, int]:
        self.check_depth(start, depth)
        items: list[yaml.Node] = []
        index = self.skip(start + 1)
        if self.text.startswith("]", index):
            return yaml.SequenceNode("tag:yaml.org,2002:seq", items, self.mark(start), self.mark(index + 1)), index + 1
        while True:
            item, index = self.value(index, depth)
            items.append(item)
            index = self.skip(index)
            if self.text.startswith("]", index):
                return yaml.SequenceNode("tag:yaml.org,2002:seq", items, self.mark(start), self.mark(index + 1)), index + 1
            index = self.skip(self.expect(",", index, "',' or ']'"))

    def mapping(self, start: int, depth: int) -> tuple[yaml.Node, int]:
        self.check_depth(start, depth)
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        index = self.skip(start + 1)
        if self.text.startswith("}", index):
            return yaml.MappingNode("tag:yaml.org,2002:map", pairs, self.mark(start), self.mark(index + 1)), index + 1
        while True:
            if not self.text.startswith('"', index):
                raise JsonError("expected a name in double quotes", index)
            name, end = self.string(index)
            key = self.scalar(name, index, end, '"')
            index = self.skip(self.expect(":", self.skip(end), "':'"))
            value, index = self.value(index, depth)
            pairs.append((key, value))
            index = self.skip(index)
            if self.text.startswith("}", index):
                return yaml.MappingNode("tag:yaml.org,2002:map", pairs, self.mark(start), self.mark(index + 1)), index + 1
            index = self.skip(self.expect(",", index, "',' or '}'"))

    def expect(self, char: str, index: int, what: str) -> int:
        if not self.text.startswith(char, index):
            found = repr(self.text[index]) if index < len(self.text) else "the end of the document"
            raise JsonError(f"expected {what}, found {found}", index)
        return index + 1

    def check_depth(self, index: int, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise JsonError(f"nested more than {MAX_DEPTH} levels deep", index)


# ---------------------------------------------------------------- without positions
class _Number(str):
    """A number's text as written (JSON numbers are kept exact, never turned into floats)."""


class _Pairs(list[tuple[str, object]]):
    """An object's members in order, when one is given twice (the reader reports a field given twice)."""


def _members(pairs: list[tuple[str, object]]) -> dict[str, object] | _Pairs:
    found = dict(pairs)
    return found if len(found) == len(pairs) else _Pairs(pairs)


class _Unreadable(Exception):
    pass


def _refuse(constant: str) -> None:
    raise _Unreadable(constant)  # NaN, Infinity: not JSON


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abAB]")
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def plain_document(text: str) -> object:
    """The document ``json.loads`` reads (objects as dicts, or ``_Pairs`` when a name is given twice; numbers as
    their text), or None when only the careful reader can say what is wrong with it (a syntax error, a surrogate
    escape, too deep a nesting): what ``yaml_units.assessments_from_plain`` reads straight."""
    if _ESCAPED_SURROGATE.search(text):
        return None
    try:
        return json.loads(text, object_pairs_hook=_members, parse_int=_Number, parse_float=_Number,
                          parse_constant=_refuse)
    except (ValueError, RecursionError, _Unreadable):
        return None


def _quick_nodes(text: str, path: str) -> yaml.Node | None:
    """The nodes of ``text`` read by ``json.loads``, or None when only the careful reader can say
    what is wrong with it (see ``plain_document``)."""
    value = plain_document(text)
    if value is None:
        return None  # JSON null alone is no data document either: the careful reader says so
    try:
        return _node(value, yaml.Mark(path, 0, 0, 0, None, 0), 0)
    except _Unreadable:
        return None


def _node(value: object, mark: yaml.Mark, depth: int) -> yaml.Node:
    if isinstance(value, (list, dict)):
        if depth >= MAX_DEPTH:
            raise _Unreadable("too deep")
        if isinstance(value, (_Pairs, dict)):
            members = value.items() if isinstance(value, dict) else value
            pairs = [(yaml.ScalarNode(_STR, k, mark, mark, style='"'), _node(v, mark, depth + 1)) for k, v in members]
            return yaml.MappingNode(_MAP, pairs, mark, mark)
        return yaml.SequenceNode(_SEQ, [_node(item, mark, depth + 1) for item in value], mark, mark)
    if value is True or value is False or value is None:
        return yaml.ScalarNode(_STR, "null" if value is None else str(value).lower(), mark, mark, style=None)
    return yaml.ScalarNode(_STR, str(value), mark, mark, style=None if isinstance(value, _Number) else '"')
