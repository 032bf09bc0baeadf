"""YAML text composed into nodes with positions, safely: every YAML file the package reads comes here.

The nodes are built by libyaml (``yaml.CSafeLoader``, the C parser) when PyYAML has it, else by PyYAML's
own parser. Before a C parser sees the text, its size and nesting are checked (libyaml's composer recurses
once per level, and 100,000 nested ``[`` crash the process); after, anchors and aliases are refused (an
alias repeats a value, and a few hundred bytes of aliases can stand for gigabytes)."""

from __future__ import annotations

import re

import yaml

from cqdt_rules.errors import DataError, Diagnostic, Span

MAX_YAML_BYTES = 32 * 1024 * 1024
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
_DEEP_LINE = re.compile(r"^[ \t?-]{%d,}" % MAX_INDENT, re.MULTILINE)


def compose_yaml(text: str, path: str) -> yaml.Node | None:
    """The root node of ``text`` (None for an empty document); DataError, positioned, for text that is not
    YAML, is too large or too deeply nested, or uses aliases."""
    _check_shape(text, path)
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        span = Span(path, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2) if mark else Span(path, 1, 1, 1, 1)
        raise DataError([Diagnostic(span, f"not valid YAML: {getattr(error, 'problem', None) or error}")]) from None
    if root is not None and "*" in text:  # without a '*' the text holds no alias: no node to look for
        _refuse_aliases(root, path)
    return root


def is_null(node: yaml.Node) -> bool:
    """A plain (unquoted) ``null``, ``~`` or nothing: no value. (libyaml marks a plain scalar's style ``''``,
    PyYAML's own parser ``None``: both mean plain.)"""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value in ("", "~", "null", "Null", "NULL")


def _check_shape(text: str, path: str) -> None:
    if len(text) > MAX_YAML_BYTES:
        raise DataError([Diagnostic(Span(path, 1, 1, 1, 1), f"the file holds {len(text):,} characters, more than the "
                                    f"{MAX_YAML_BYTES:,} a YAML file may have", hint="split it into several files")])
    deep = _DEEP_LINE.search(text)
    if deep:
        line = text.count("\n", 0, deep.start()) + 1
        raise DataError([Diagnostic(Span(path, line, 1, line, 2), f"a line is indented or nested more than {MAX_INDENT} "
                                    "columns deep", hint="a data file needs a few levels; check the file")])
    depth = 0
    for bracket in _BRACKETS.finditer(text):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_NESTING:
            line = text.count("\n", 0, bracket.start()) + 1
            column = bracket.start() - text.rfind("\n", 0, bracket.start())
            raise DataError([Diagnostic(Span(path, line, column, line, column + 1),
                                        f"brackets nest more than {MAX_NESTING} levels deep",
                                        hint="a data file needs a few levels; check the file")])


def _refuse_aliases(root: yaml.Node, path: str) -> None:
    """A node reached twice was repeated by an alias (``*name``): refuse it, without following it again."""
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            start = node.start_mark
            raise DataError([Diagnostic(Span(path, start.line + 1, start.column + 1, start.line + 1, start.column + 2),
                                        "an alias (*name) repeats the value anchored here (&name)",
                                        hint="data files may not use YAML anchors and aliases: write each value out")])
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                pending.extend((key, value))
