"""Lark parsers of ``grammars/cqdt.lark`` whose LALR tables are built once and kept.

Building the tables takes about a quarter of a second, longer than everything else a command does. They
are kept where no other user can plant a file (Lark loads them with ``pickle``): shipped in the wheel
(written when the wheel is built, ``hatch_build.py``), or else in this user's private cache folder
(``resources.private_cache_dir``). Lark's own ``cache=True`` is never used: it writes into the shared
temporary folder. A kept table is named after everything it is built from (grammar text, options, Lark
and Python versions), so an edited grammar never meets an old table.

Making the parser from its tables still takes about 15 ms (Lark rebuilds its objects from plain data), so the
parser itself, made once, is kept in the private folder too, pickled whole (``.parser`` beside the table); its
lexers' regular expressions are kept the same way (``regex_cache``), and ``parse`` writes down those a parse
compiled. A parser given callables (``lexer_callbacks``) is not kept: they belong to one process."""

from __future__ import annotations

import copyreg
import gc
import hashlib
import importlib
import io
import pickle
import sys
import types
from pathlib import Path
from typing import Any

import lark
from lark.parsers import lalr_analysis
from lark.parsers.lalr_analysis import Action

from cqdt_rules.language.regex_cache import KeptRegexes, kept_regexes
from cqdt_rules.language.resources import data_dir, grammar_text, private_cache_dir, write_private

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
    """A Lark parser of the cqdt grammar with these options: the kept parser, else one made from the kept tables."""
    grammar = grammar_text()
    name = table_name(grammar, options)
    folder = private_cache_dir()
    whole = folder / name.replace(".lark", ".parser") if folder is not None and not options.get("lexer_callbacks") else None
    parser = _unpickled(whole) if whole is not None else None
    if parser is None:
        tables = _shipped(name) or (folder / name if folder is not None else None)
        parser = lark.Lark(grammar, cache=str(tables) if tables is not None else False, **options)
        if whole is not None:
            _keep(whole, parser)  # before its first parse: its lexers have compiled nothing yet
    _compile_through(parser, _regexes(grammar))
    return parser


def _by_import(module: types.ModuleType) -> tuple[Any, tuple[str]]:
    return importlib.import_module, (module.__name__,)


def _by_name(action: Action) -> tuple[Any, tuple[types.ModuleType, str]]:
    return getattr, (lalr_analysis, action.name)


_REFERRED: dict[type, Any] = {types.ModuleType: _by_import, Action: _by_name}
"""What a kept parser refers to but does not hold: modules (``re``, which its lexers compile with), and Lark's two
parser actions, which Lark compares by identity (``action is Shift``)."""


def _keep(path: Path, parser: lark.Lark) -> None:
    with io.BytesIO() as out:
        pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = {**copyreg.dispatch_table, **_REFERRED}
        try:
            pickler.dump(parser)
        except (pickle.PicklingError, TypeError, AttributeError):  # something another Lark version holds: not kept
            return
        write_private(path, out.getvalue())


def _unpickled(path: Path) -> lark.Lark | None:
    """The parser kept in ``path``; None when there is none, or it cannot be read (then it is made again). The
    cyclic collector is paused meanwhile: it would scan the tens of thousands of objects as they are made."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as kept:
            parser = pickle.load(kept)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - damaged, or written by another Lark: made again from the tables
        return None
    finally:
        if collecting:
            gc.enable()
    return parser if isinstance(parser, lark.Lark) else None


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
