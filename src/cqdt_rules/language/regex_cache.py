"""The regular expressions of Lark's lexer, compiled once per user and kept in the private cache folder.

Lark's contextual lexer compiles one regular expression for each set of terminals a parser state accepts (about
seventy on a shipped ruleset), on a process's first parse. Python's ``re`` parses and compiles each one in pure
Python: about 15 ms of every ``cqdt check``, more than the rest of that first parse's set-up. ``KeptRegexes``
stands for the ``re`` module in Lark's lexers: an expression compiled by an earlier run is rebuilt from its kept
compiled form (what ``re`` hands to ``_sre.compile``, which validates it); any other expression is compiled by
``re``, and its compiled form is kept only when rebuilding it gives a pattern equal to ``re``'s (same text,
flags and code).

The forms are written with ``marshal`` (plain data: reading them runs nothing), atomically, into the private
cache folder (``resources.private_cache_dir``), in a file named after the grammar, Lark and the Python build, so
that another grammar or Python never reads them. A file that cannot be read is ignored."""

from __future__ import annotations

import hashlib
import importlib
import marshal
import re
import sys
from pathlib import Path
from typing import Any

from cqdt_rules.language.resources import private_cache_dir, write_private

_Key = tuple[str, int]  # an expression and the flags it is compiled with
_Form = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""What ``_sre.compile`` takes after the expression: flags, code, groups, group index, index group."""

try:  # CPython's engine and its compiler: elsewhere every expression is compiled by ``re``
    _sre: Any = importlib.import_module("_sre")
    _re_compiler: Any = importlib.import_module("re._compiler")
    _re_parser: Any = importlib.import_module("re._parser")
    ENGINE: str | None = f"{sys.implementation.name} {sys.version} sre {_sre.MAGIC} {_sre.CODESIZE}"
except (ImportError, AttributeError):
    ENGINE = None


class KeptRegexes:
    """The ``re`` functions Lark's lexers call (``compile``, ``match``, ``error``), answered from kept forms."""

    error = re.error

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._forms: dict[_Key, _Form] = _read(path)
        self._compiled: dict[_Key, re.Pattern[str]] = {}
        self._added = False

    def compile(self, pattern: str, flags: int = 0) -> re.Pattern[str]:
        key = (pattern, flags)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._rebuilt(key)
            if compiled is None:
                compiled = re.compile(pattern, flags)
                self._keep(key, compiled)
            self._compiled[key] = compiled
        return compiled

    def match(self, pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).match(string)

    def save(self) -> None:
        """Write the forms down if this process compiled any expression not kept before."""
        if self._added and self.path is not None:
            write_private(self.path, marshal.dumps(self._forms))
            self._added = False

    def _rebuilt(self, key: _Key) -> re.Pattern[str] | None:
        form = self._forms.get(key)
        if form is None:
            return None
        try:
            rebuilt: re.Pattern[str] = _sre.compile(key[0], *form)
        except (TypeError, ValueError, RuntimeError, OverflowError):  # not a form this engine takes: compile again
            del self._forms[key]
            return None
        return rebuilt

    def _keep(self, key: _Key, compiled: re.Pattern[str]) -> None:
        if ENGINE is None or not isinstance(key[0], str):
            return
        try:
            form = _form(*key)
            rebuilt = _sre.compile(key[0], *form)
        except Exception:  # noqa: BLE001 - another Python's private compiler: the expression is just not kept
            return
        if rebuilt == compiled and rebuilt.groupindex == compiled.groupindex and rebuilt.groups == compiled.groups:
            self._forms[key] = form
            self._added = True


def kept_regexes(grammar: str, lark_version: str) -> KeptRegexes:
    """The kept expressions of this grammar and Lark version for this Python (none kept when caching is off)."""
    folder = private_cache_dir() if ENGINE is not None else None
    if folder is None:
        return KeptRegexes(None)
    key = repr((grammar, lark_version, ENGINE))
    return KeptRegexes(folder / f"cqdt-lexer-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.marshal")


def _form(pattern: str, flags: int) -> _Form:
    """What ``re._compiler.compile`` hands to ``_sre.compile`` for this expression."""
    parsed = _re_parser.parse(pattern, flags)
    code = [int(op) for op in _re_compiler._code(parsed, flags)]  # opcodes are int subclasses marshal refuses
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _read(path: Path | None) -> dict[_Key, _Form]:
    if path is None:
        return {}
    try:
        forms = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return forms if isinstance(forms, dict) else {}
