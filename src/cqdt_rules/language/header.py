"""What a ruleset file's header says about finding it: its id, assessment years, effective date and the
ruleset it amends, read from the header block alone, without parsing the file.

Naming a ruleset by id or by year reads the headers of the shipped rulesets; parsing every one of them in
full cost more than loading the one chosen. Anything this reader does not recognise gives ``None``, and
the caller parses the file in full, which reports the error with its position."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

_STRING = r'"(?:[^"\\\n]|\\.)*"'
# a string, a comment, a brace, or a run of anything else up to the next blank, quote, brace or comment
_TOKEN = re.compile(rf'\s+|(?P<string>{_STRING})|(?P<comment>#[^\n]*)|(?P<brace>[{{}}])|(?P<word>[^\s"{{}}#]+)')
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STATUSES = frozenset({"official", "reconstructed", "hypothetical", "draft"})  # grammars/cqdt.lark, STATUS
_YEARS = re.compile(r"(\d{4})\s*\.\.\s*(\d{4})?")
_KEYWORDS = frozenset({"title", "legal_source", "version", "status", "issued", "effective", "years", "note",
                       "rounding", "on_zero_denominator", "on_missing_evidence", "amends"})


class HeaderFacts(NamedTuple):
    """A named tuple: an attrs class costs some ten times as much to make, on the way of every command."""

    id: str
    years: tuple[int, int | None] | None = None
    effective: dt.date | None = None
    amends: str | None = None
    """The base ruleset: an id, or a path when ``amends_path``."""
    amends_path: bool = False
    version: str | None = None
    status: str | None = None


def read_header(path: Path) -> HeaderFacts | None:
    """The header facts of a ruleset file; None when the header is not plainly readable (parse it instead). Text
    after the header is not read: a file that is not UTF-8 further on is refused when it is loaded."""
    try:
        status = path.stat()
    except OSError:
        return None
    return _read(path.resolve(), status.st_mtime_ns, status.st_size)


_FIRST_CHARS = 16_384
"""A header is some hundreds of characters: the rest of a file (a shipped ruleset is some 80,000) is read only
when these hold no header that closes."""


@functools.lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int, size: int) -> HeaderFacts | None:
    try:
        with path.open(encoding="utf-8") as file:
            text = file.read(_FIRST_CHARS)
            facts = header_facts(text)
            if facts is None and len(text) == _FIRST_CHARS:
                facts = header_facts(text + file.read())
    except (OSError, UnicodeDecodeError):
        return None
    return facts


def header_facts(text: str) -> HeaderFacts | None:
    """The header facts of ruleset text (see ``read_header``)."""
    tokens = _header_tokens(text)
    if tokens is None or len(tokens) < 3 or tokens[0] != "ruleset" or not _NAME.fullmatch(tokens[1]) or tokens[2] != "{":
        return None
    items: dict[str, list[str]] = {}
    current: list[str] | None = None
    for token in tokens[3:]:
        awaiting_base = current == ["amends"]  # a base ruleset's id may be spelled like a keyword
        if token in _KEYWORDS and not awaiting_base:
            if token in items:
                return None  # given twice: the full parse says so
            current = items[token] = [token]
        elif current is None:
            return None
        else:
            current.append(token)
    try:
        return HeaderFacts(tokens[1], _years(items.get("years")), _date(items.get("effective")),
                           *_base(items.get("amends")), version=_text(items.get("version"), quoted=True),
                           status=_text(items.get("status"), quoted=False))
    except ValueError:
        return None


def unquote(token: str) -> str:
    """The text of a string token: quotes removed, escapes resolved, in Unicode normal form C."""
    return unicodedata.normalize("NFC", token[1:-1].replace('\\"', '"').replace("\\\\", "\\"))


def _header_tokens(text: str) -> list[str] | None:
    """The tokens of the header block up to its closing brace (comments dropped); None if it never closes."""
    tokens: list[str] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            return None
        position = match.end()
        if match.lastgroup in (None, "comment"):
            continue
        token = match.group()
        if token == "}":
            return tokens
        if token == "{" and "{" in tokens:
            return None
        tokens.append(token)
    return None


def _years(item: list[str] | None) -> tuple[int, int | None] | None:
    if item is None:
        return None
    found = _YEARS.fullmatch("".join(item[1:]))
    if found is None:
        raise ValueError("years")
    return int(found.group(1)), int(found.group(2)) if found.group(2) else None


def _date(item: list[str] | None) -> dt.date | None:
    if item is None:
        return None
    if len(item) != 2 or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item[1]):
        raise ValueError("date")
    return dt.date.fromisoformat(item[1])


def _text(item: list[str] | None, quoted: bool) -> str | None:
    """A header value of one token: a string (``version "2020.1"``) or a word (``status official``)."""
    if item is None:
        return None
    if len(item) != 2 or item[1].startswith('"') != quoted or (not quoted and item[1] not in _STATUSES):
        raise ValueError(item[0])
    if any(unicodedata.category(c) == "Cc" for c in item[1]):
        raise ValueError(item[0])  # refused by the parser, which says where
    return unquote(item[1]) if quoted else item[1]


def _base(item: list[str] | None) -> tuple[str | None, bool]:
    if item is None:
        return None, False
    if len(item) != 2:
        raise ValueError("amends")
    ref = item[1]
    if ref.startswith('"'):
        return unquote(ref), True
    if not _NAME.fullmatch(ref):
        raise ValueError("amends")
    return ref, False
