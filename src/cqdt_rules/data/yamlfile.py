"""YAML text composed into nodes with positions, safely: every YAML file the package reads comes here.

The nodes are built by libyaml (``yaml.CSafeLoader``, the C parser) when PyYAML has it, else by PyYAML's
own parser. Before a C parser sees the text, its size and nesting are checked (libyaml's composer recurses
once per level, and 100,000 nested ``[`` crash the process); anchors and aliases are refused (an alias
repeats a value, and a few hundred bytes of aliases can stand for gigabytes). ``compose_yaml`` composes a
whole text; ``YamlEvents`` reads a file of any size block by block and composes one value at a time."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

import yaml
from yaml.events import AliasEvent, MappingEndEvent, ScalarEvent, SequenceEndEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from cqdt_rules.data.fields import MAX_DATA_BYTES
from cqdt_rules.errors import DataError, Diagnostic, Span

MAX_YAML_BYTES = MAX_DATA_BYTES
"""The largest YAML file read (32 MiB: some 100,000 units); a larger one is refused, not read."""
MAX_NESTING = 64
"""The deepest nesting of ``[`` and ``{`` a YAML file may have (a data file needs 3)."""
MAX_INDENT = 200
"""The most columns of indentation and ``-`` markers before a line's content (a data file needs about 10)."""



class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader, whose resolver gives every node the plain tag of its kind. The readers read every scalar
    as the text it is (``is_null`` looks at that text), so which implicit type a scalar would have (an int, a
    bool, a date) is never asked; PyYAML works it out in Python for every node, a fifth of the composing."""

    _TAGS = {yaml.ScalarNode: "tag:yaml.org,2002:str", yaml.SequenceNode: "tag:yaml.org,2002:seq",
             yaml.MappingNode: "tag:yaml.org,2002:map"}

    def resolve(self, kind: type, value: object, implicit: object) -> str:
        return self._TAGS[kind]


_LOADER: type = _Loader
_BRACKETS = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_DEEP_LINE = re.compile(r"^[ \t?-]{%d,}" % MAX_INDENT, re.MULTILINE)
_STR, _SEQ, _MAP = (_Loader._TAGS[kind] for kind in (ScalarNode, SequenceNode, MappingNode))


def compose_yaml(text: str, path: str) -> yaml.Node | None:
    """The root node of ``text`` (None for an empty document); DataError, positioned, for text that is not
    YAML, is too large or too deeply nested, or uses aliases."""
    _check_size(text, path)
    ShapeCheck(path).feed(text)
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        raise DataError([yaml_problem(error, path)]) from None
    if root is not None and "*" in text:  # without a '*' the text holds no alias: no node to look for
        _refuse_aliases(root, path)
    return root


def yaml_problem(error: yaml.YAMLError, path: str) -> Diagnostic:
    """What libyaml or PyYAML found wrong in a YAML text, where the mistake is: the mistakes people make (a quote
    left open, a tab, a ': ' in a value, a line indented out of step) in words with a hint, at the quote that
    opens rather than at the end of the file where the parser gives up; anything else as the parser words it."""
    problem = str(getattr(error, "problem", None) or error)
    context = str(getattr(error, "context", None) or "")
    found, opened = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    if problem == "but found another document":
        return Diagnostic(_mark_span(path, found), "the file holds more than one YAML document",
                          hint="keep one: a line '---' starts another document; put each in a file of its own")
    if "quoted scalar" in context and opened is not None:
        return Diagnostic(_mark_span(path, opened), "a quoted text starts here but its closing quote is missing",
                          hint="end the text with the same quote; write a \" inside \"...\" as \\\", "
                               "a ' inside '...' as ''")
    if "tab" in problem or "'\\t'" in problem:
        return Diagnostic(_mark_span(path, found), "a tab character where YAML allows only spaces",
                          hint="indent with spaces (and separate a key's ':' from its value with a space)")
    if "mapping values are not allowed" in problem:
        return Diagnostic(_mark_span(path, found), "a ': ' inside a value that is not quoted",
                          hint="put the value in quotes, e.g. name: \"Sở A: khối B\"")
    if context.startswith("while parsing a block"):
        return Diagnostic(_mark_span(path, found), "this line is not indented as the lines above it",
                          hint="indent the entries of one list or mapping by the same number of spaces; "
                               "a value holding ': ' or starting with a quote must be quoted whole")
    return Diagnostic(_mark_span(path, found), f"not valid YAML: {problem}",
                      hint="check the quotes, brackets and indentation here and just above")


def _mark_span(path: str, mark: Any) -> Span:
    return Span(path, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2) if mark else Span(path, 1, 1, 1, 1)


def is_null(node: yaml.Node) -> bool:
    """A plain (unquoted) ``null``, ``~`` or nothing: no value. (libyaml marks a plain scalar's style ``''``,
    PyYAML's own parser ``None``: both mean plain.)"""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in ("", "~", "null", "Null", "NULL")


def _check_size(text: str, path: str) -> None:
    if len(text) > MAX_YAML_BYTES:
        raise DataError([Diagnostic(Span(path, 1, 1, 1, 1), f"the file holds {len(text):,} characters, more than the "
                                    f"{MAX_YAML_BYTES:,} a YAML file may have", hint="split it into several files")])


class ShapeCheck:
    """The check a YAML text passes before libyaml sees it (lines indented, brackets nested, no deeper than a
    data file could need), over the text whole or in blocks of whole lines as it is read."""

    def __init__(self, path: str):
        self._path, self._lines, self._depth = path, 0, 0

    def feed(self, text: str) -> None:
        """Check the next block of text (whole lines); DataError at the first line or bracket too deep."""
        deep = _DEEP_LINE.search(text)
        if deep:
            line = self._lines + text.count("\n", 0, deep.start()) + 1
            raise DataError([Diagnostic(Span(self._path, line, 1, line, 2), f"a line is indented or nested more than "
                                        f"{MAX_INDENT} columns deep", hint="a data file needs a few levels; check the file")])
        levels = list(accumulate(map(_STEP.__getitem__, _BRACKETS.findall(text)), initial=self._depth))
        if max(levels) > MAX_NESTING:
            self._too_deep(text)
        self._depth = levels[-1]
        self._lines += text.count("\n")

    def _too_deep(self, text: str) -> None:
        depth = self._depth
        for bracket in _BRACKETS.finditer(text):
            depth += _STEP[bracket.group()]
            if depth > MAX_NESTING:
                line = self._lines + text.count("\n", 0, bracket.start()) + 1
                column = bracket.start() - text.rfind("\n", 0, bracket.start())
                raise DataError([Diagnostic(Span(self._path, line, column, line, column + 1),
                                            f"brackets nest more than {MAX_NESTING} levels deep",
                                            hint="a data file needs a few levels; check the file")])


class YamlEvents:
    """One YAML document read from text given in blocks (each passed by ``ShapeCheck`` first), composed into
    nodes with positions one value at a time: a reader keeps only the value it is reading, not the whole
    document. Aliases are refused where they are met, as ``compose_yaml`` refuses them; a text that is not
    YAML raises ``yaml.YAMLError`` (``yaml_problem`` says where)."""

    def __init__(self, blocks: Iterable[str], path: str):
        self._path = path
        parser = _LOADER(_Blocks(blocks, path))
        self._get, self._peek = parser.get_event, parser.peek_event
        self._anchors: dict[str, Any] = {}
        self._document: Any = None

    def peek(self) -> Any:
        """The next event (a ``yaml.Event`` whose marks are libyaml's), left to be read."""
        return self._peek()

    def next(self) -> Any:
        """The next event, read."""
        return self._get()

    def start(self) -> bool:
        """Past the start of the stream and of its document: False when the stream holds no document."""
        self.next()
        if isinstance(self.peek(), yaml.StreamEndEvent):
            return False
        self._document = self.next().start_mark
        return True

    def finish(self) -> None:
        """Past the end of the document and of the stream; the same error as ``compose_yaml``'s for a second document."""
        self.next()
        if not isinstance(self.peek(), yaml.StreamEndEvent):
            raise yaml.composer.ComposerError("expected a single document in the stream", self._document,
                                              "but found another document", self.next().start_mark)
        self.next()

    def node(self) -> yaml.Node:
        """The next value, composed whole."""
        event = self._get()
        kind = type(event)
        if kind is AliasEvent:
            self._alias(event)
        if event.anchor is not None:
            self._anchor(event)
        if kind is ScalarEvent:
            return ScalarNode(_STR, event.value, event.start_mark, event.end_mark, event.style)
        items: list[Any] = []
        peek = self._peek
        if kind is SequenceStartEvent:
            while type(peek()) is not SequenceEndEvent:
                items.append(self.node())
            return SequenceNode(_SEQ, items, event.start_mark, self._get().end_mark, event.flow_style)
        while type(peek()) is not MappingEndEvent:
            items.append((self.node(), self.node()))
        return MappingNode(_MAP, items, event.start_mark, self._get().end_mark, event.flow_style)

    def _anchor(self, event: Any) -> None:
        if event.anchor in self._anchors:
            raise yaml.composer.ComposerError(f"found duplicate anchor {event.anchor!r}; first occurrence",
                                              self._anchors[event.anchor], "second occurrence", event.start_mark)
        self._anchors[event.anchor] = event.start_mark

    def _alias(self, event: Any) -> None:
        if event.anchor not in self._anchors:
            raise yaml.composer.ComposerError(None, None, "found undefined alias", event.start_mark)  # as libyaml's composer says it
        raise DataError([_alias_problem(self._path, self._anchors[event.anchor])])


class _Blocks:
    """Text given in blocks, read as libyaml reads a file (``read`` gives the next block, ``''`` at the end);
    each block passes the shape check before libyaml sees it."""

    def __init__(self, blocks: Iterable[str], path: str):
        self._blocks, self._shape, self.name = iter(blocks), ShapeCheck(path), path

    def read(self, size: int) -> str:
        block = next(self._blocks, "")
        self._shape.feed(block)
        return block


def _alias_problem(path: str, start: Any) -> Diagnostic:
    return Diagnostic(Span(path, start.line + 1, start.column + 1, start.line + 1, start.column + 2),
                      "an alias (*name) repeats the value anchored here (&name)",
                      hint="data files may not use YAML anchors and aliases: write each value out")


def _refuse_aliases(root: yaml.Node, path: str) -> None:
    """A node reached twice was repeated by an alias (``*name``): refuse it, without following it again."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            raise DataError([_alias_problem(path, node.start_mark)])
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                pending.extend((key, value))
