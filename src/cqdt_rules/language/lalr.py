"""Lark parsers of ``grammars/cqdt.lark`` whose LALR tables are built once and kept.

Building the tables takes about a quarter of a second, longer than everything else a command does. They
are kept where no other user can plant a file (Lark loads them with ``pickle``): shipped in the wheel
(written when the wheel is built, ``hatch_build.py``), or else in this user's private cache folder
(``resources.private_cache_dir``). Lark's own ``cache=True`` is never used: it writes into the shared
temporary folder. A kept table is named after everything it is built from (grammar text, options, Lark
and Python versions), so an edited grammar never meets an old table. The lexers' regular expressions are kept
the same way (``regex_cache``), and ``parse`` writes down those a parse compiled."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import lark

from cqdt_rules.language.regex_cache import KeptRegexes, kept_regexes
from cqdt_rules.language.resources import data_dir, grammar_text, private_cache_dir

SHIPPED_FOLDER = "parser"
"""The folder of ``_data`` (in the wheel) holding the tables written when the wheel is built."""

_UNHASHABLE = frozenset({"lexer_callbacks"})  # callables: they do not change the tables

MODEL_OPTIONS: dict[str, Any] = {"parser": "lalr", "lexer": "contextual", "propagate_positions": True,
                                 "maybe_placeholders": False}
"""The parser that reads ruleset text into the model (``parser``)."""
LAYOUT_OPTIONS: dict[str, Any] = {**MODEL_OPTIONS, "keep_all_tokens": True}
"""The parser that keeps every keyword and brace, for the canonical layout (``formatter``)."""


def table_name(grammar: str, options: dict[str, Any]) -> str:
    """The file name of the tables for this grammar text and these Lark options."""
    kept = sorted((k, repr(v)) for k, v in options.items() if k not in _UNHASHABLE)
    key = repr((grammar, kept, lark.__version__, sys.version_info[:2]))
    return f"cqdt-lalr-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.lark"


def build(**options: Any) -> lark.Lark:
    """A Lark parser of the cqdt grammar with these options, its tables read from where they are kept."""
    grammar = grammar_text()
    name = table_name(grammar, options)
    kept = _shipped(name)
    if kept is None:
        folder = private_cache_dir()
        kept = folder / name if folder is not None else None
    parser = lark.Lark(grammar, cache=str(kept) if kept is not None else False, **options)
    _compile_through(parser, _regexes(grammar))
    return parser


def parse(parser: lark.Lark, text: str) -> lark.Tree[lark.Token]:
    """``parser.parse(text)``, then the regular expressions its lexers compiled for the first time are kept."""
    try:
        return parser.parse(text)
    finally:
        for regexes in _REGEXES.values():
            regexes.save()


_REGEXES: dict[str, KeptRegexes] = {}
"""The kept expressions by grammar text: both parsers of one grammar share theirs."""


def _regexes(grammar: str) -> KeptRegexes:
    if grammar not in _REGEXES:
        _REGEXES[grammar] = kept_regexes(grammar, lark.__version__)
    return _REGEXES[grammar]


def _compile_through(parser: lark.Lark, regexes: KeptRegexes) -> None:
    """Make the lexers of ``parser`` compile their expressions through ``regexes`` instead of ``re``: Lark's
    contextual lexer holds one basic lexer per parser state and a root one, each compiling with its ``re``."""
    contextual = getattr(parser.parser, "lexer", None)
    by_state = getattr(contextual, "lexers", None)
    if not isinstance(by_state, dict):  # not the contextual lexer of Lark 1.x: it compiles with ``re``
        return
    for lexer in [*by_state.values(), getattr(contextual, "root_lexer", None)]:
        if getattr(lexer, "re", None) is not None:
            lexer.re = regexes


def write_tables(folder: Path) -> list[Path]:
    """Build the tables of both parsers and write them into ``folder`` (the wheel build does this)."""
    grammar = grammar_text()
    written = []
    for options in (MODEL_OPTIONS, LAYOUT_OPTIONS):
        target = folder / table_name(grammar, options)
        target.unlink(missing_ok=True)
        lark.Lark(grammar, cache=str(target), **options)
        written.append(target)
    return written


def _shipped(name: str) -> Path | None:
    try:
        candidate = data_dir(SHIPPED_FOLDER) / name
    except FileNotFoundError:
        return None
    return candidate if candidate.is_file() else None
