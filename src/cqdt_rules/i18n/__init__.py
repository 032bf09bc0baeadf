"""Text for people in Vietnamese or English: which language, and the catalogue of messages.

The language is chosen per command (``--lang vi|en``), by default Vietnamese or the ``CQDT_LANG``
environment variable, never the machine's locale (``LANG``), so an output does not change with the
settings of the machine that made it.

Messages are written in English where they arise (the library's exceptions carry them, and other
systems read them); the English text is the key of the catalogue, as in gettext. ``translate`` turns
a message into the chosen language when it is shown: a template's ``{name}`` matches any text and
is carried over as it is, ``{name:n}`` matches a number (plain, or with English thousands separators)
and is written in the language's number format, and ``{name:t}`` is itself translated (a phrase the
message embeds).
A message the catalogue does not know is shown as written.
"""

from __future__ import annotations

import importlib
import itertools
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import NamedTuple

from cqdt_rules.formatting import format_number

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LANG_VARIABLE = "CQDT_LANG"


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``CQDT_LANG`` when it names a known language, else Vietnamese; the locale is never consulted."""
    chosen = (os.environ if environ is None else environ).get(LANG_VARIABLE, "").strip().lower()
    return chosen if chosen in LANGS else DEFAULT_LANG


_RUN_LANG: ContextVar[str | None] = ContextVar("cqdt_lang", default=None)


@contextmanager
def using_lang(lang: str) -> Iterator[None]:
    """The language of one command's run, for text printed by code that is not handed it (notes)."""
    token = _RUN_LANG.set(lang)
    try:
        yield
    finally:
        _RUN_LANG.reset(token)


def current_lang() -> str:
    """The language of the command running, else the default (``default_lang``)."""
    return _RUN_LANG.get() or default_lang()


MAX_LANGUAGE_RANGES = 20
"""The language ranges of an ``Accept-Language`` header looked at (a header may be long; two languages are known)."""


def negotiated_lang(accept_language: str, fallback: str) -> str:
    """The language an HTTP ``Accept-Language`` header prefers among ``LANGS`` (``en-GB`` counts as ``en``, the
    highest ``q`` wins, the first listed among equals), else ``fallback``; a range it cannot read is skipped."""
    best, best_q = fallback, 0.0
    for item in accept_language.split(",")[:MAX_LANGUAGE_RANGES]:
        tag, _, params = item.partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = _quality(params)
        if primary in LANGS and quality > best_q:
            best, best_q = primary, quality
    return best


def _quality(params: str) -> float:
    """The ``q`` of a language range's parameters (1 when absent; 0, never chosen, when it is not a weight)."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                return 0.0
            return quality if 0 < quality <= 1 else 0.0
    return 1.0


def format_count_words(count: int, lang: str) -> str:
    """A count in running text (12,650 in English, 12.650 in Vietnamese)."""
    return format_number(count, lang)


def plural(count: int, one: str, many: str, lang: str) -> str:
    """``1 error`` / ``3 errors``; Vietnamese nouns do not change (the catalogue gives one word)."""
    word = one if count == 1 else many
    return f"{format_count_words(count, lang)} {translate(word, lang)}"


# The branch a criterion took (``NodeResult.branch``, written by the engine in English), phrase by phrase.
BRANCH_VI = (
    ("yes → full points", "có → đủ điểm"),
    ("no → 0", "không → 0"),
    ("≥ 100% → full points", "≥ 100% → đủ điểm"),
    ("full points", "đủ điểm"),
    ("sum of sub-criteria", "tổng điểm các tiêu chí thành phần"),
    ("informational: collected and shown, not scored", "chỉ để thông tin: thu thập và hiển thị, không tính điểm"),
    ("computed in SQL", "tính bằng SQL"),
    ("not assessed", "chưa đánh giá"),
    ("missing evidence", "thiếu tài liệu kiểm chứng"),
    (", as the ruleset declares", ", theo quy định của bộ tiêu chí"),
    ("as the ruleset declares", "theo quy định của bộ tiêu chí"),
    ("below every band", "dưới mọi ngưỡng"),
    ("capped at", "tối đa"),
    ("raised to 0", "nâng lên 0"),
    ("assessed score", "điểm thẩm định"),
    ("alternatives", "phương án"),
    ("best of the district", "cao nhất trong huyện"),
    ("best of the tier", "cao nhất trong khối"),
    ("best of", "cao nhất trong"),
    ("every unit of the district has 0", "mọi đơn vị trong huyện đều bằng 0"),
    ("every unit of the tier has 0", "mọi đơn vị trong khối đều bằng 0"),
    ("every unit of the", "mọi đơn vị trong"),
    ("formula", "công thức"),
    ("else", "còn lại"),
    ("sum", "tổng"),
)
_DECIMAL = re.compile(r"(?<![\w.,/])(-?\d+\.\d+)(?![\w.,])")


def branch_text(branch: str, lang: str) -> str:
    """Why a criterion got its points, in ``lang``, its decimal numbers in the language's format."""
    if lang != "vi":
        return branch
    text = branch
    for english, phrase, vietnamese in _branch_phrases():
        if english in text:  # a report phrases tens of thousands of branches: most hold few of the phrases
            text = phrase.sub(vietnamese, text)
    if "." not in text:
        return text
    return _DECIMAL.sub(lambda match: format_number(Decimal(match.group(1)), "vi"), text)


@lru_cache(maxsize=1)
def _branch_phrases() -> list[tuple[str, re.Pattern[str], str]]:
    """Whole words only: a category named 'summer' keeps its name."""
    return [(english, re.compile(rf"(?<!\w){re.escape(english)}(?!\w)"), vietnamese)
            for english, vietnamese in BRANCH_VI]


def translate(text: str, lang: str) -> str:
    """``text`` (an English message or template) in ``lang``; unknown text is returned unchanged."""
    if lang == "en" or not text:
        return text
    exact = catalogue().get(text)
    if exact is not None:
        return exact
    if "\n" in text:
        return "\n".join(translate(line, lang) for line in text.split("\n"))
    for template in _candidates(text):
        if text.startswith(template.prefix) and text.endswith(template.suffix) and template.core in text:
            found = _pattern(template.english).fullmatch(text)
            if found:
                values = {name: _number(value, lang) if template.kinds.get(name) == "n" else
                          translate(value, lang) if template.kinds.get(name) == "t" else _cut_value(value, lang)
                          for name, value in found.groupdict().items()}
                return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template.vietnamese)
    return text


def cut_note(length: int, lang: str = "en") -> str:
    """What ends a text shown cut short (a huge value in a message): how long the whole text was, in ``lang``."""
    return f"… ({translate(f'{length:,} characters', lang)})"


_CUT_NOTE = re.compile(r"… \((\d[\d,]*) characters\)\Z")


def _cut_value(value: str, lang: str) -> str:
    """A value a message carries as it is, its ``cut_note`` (written in English where the value was cut) in ``lang``."""
    if not value.endswith(" characters)"):
        return value
    found = _CUT_NOTE.search(value)
    return value if found is None else value[:found.start()] + cut_note(int(found.group(1).replace(",", "")), lang)


STAGES = ("vi_common", "vi_language", "vi_data", "vi_engine", "vi_analysis", "vi_tools")
"""The modules of this package holding the Vietnamese catalogue, each a ``MESSAGES`` dictionary (English template →
Vietnamese template): the messages every stage shares, then each stage's own."""


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    """Every module's ``MESSAGES`` in one dictionary, read when a message is first translated into Vietnamese (a
    command that prints in English never reads it; ``tests/test_catalogue.py`` checks that no English text is given
    two translations)."""
    merged: dict[str, str] = {}
    for name in STAGES:
        merged.update(importlib.import_module(f"{__name__}.{name}").MESSAGES)
    return merged


_PLACEHOLDER = re.compile(r"\{(\w+)(?::([nt]))?\}")


class _Template(NamedTuple):
    english: str
    vietnamese: str
    prefix: str  # the literal text before the first placeholder, and after the last: a message that does not
    suffix: str  # begin and end with them cannot match, and its pattern is not compiled
    core: str  # its longest literal text, which such a message holds too
    kinds: dict[str, str]
    order: tuple[int, int]  # the longest literal text first (most specific), then the catalogue's order


_KEY = 4
"""How many first (or last) characters of a message pick the templates it may match (``_index``)."""


class _Index(NamedTuple):
    """The catalogue's templates (English texts with placeholders, with their place in the catalogue), found by a
    message's first and last characters: a template whose literal text before its first placeholder is at least
    ``_KEY`` characters long can only match a message that starts with them (most do); of the others, one whose text
    after its last placeholder is that long, a message that ends with them; the rest are tried for every message."""

    by_start: dict[str, list[tuple[str, int]]]
    by_end: dict[str, list[tuple[str, int]]]
    others: list[tuple[str, int]]


@lru_cache(maxsize=1)
def _index() -> _Index:
    """The templates by their first or last characters; nothing else is worked out until a message needs it (a
    command translates a handful of messages, and the catalogue holds some 600 templates)."""
    index = _Index({}, {}, [])
    for position, english in enumerate(catalogue()):
        first = english.find("{")
        if first < 0:
            continue
        prefix, suffix = english[:first], english[english.rindex("}") + 1:]
        if len(prefix) >= _KEY:
            index.by_start.setdefault(prefix[:_KEY], []).append((english, position))
        elif len(suffix) >= _KEY:
            index.by_end.setdefault(suffix[-_KEY:], []).append((english, position))
        else:
            index.others.append((english, position))
    return index


def _candidates(text: str) -> tuple[_Template, ...]:
    """The templates ``text`` may match, the most specific first."""
    return _candidates_by(text[:_KEY], text[-_KEY:])


@lru_cache(maxsize=4096)
def _candidates_by(start: str, end: str) -> tuple[_Template, ...]:
    index = _index()
    found = index.by_start.get(start, []) + index.by_end.get(end, []) + index.others
    return tuple(sorted(itertools.starmap(_template, found), key=_order))


def _order(template: _Template) -> tuple[int, int]:
    return template.order


@lru_cache(maxsize=None)
def _template(english: str, position: int) -> _Template:
    placeholders = list(_PLACEHOLDER.finditer(english))
    kinds: dict[str, str] = {}
    for placeholder in placeholders:
        kinds.setdefault(placeholder.group(1), placeholder.group(2) or "")
    literals = _PLACEHOLDER.split(english)[::3]  # the texts between placeholders (each match gives two groups)
    return _Template(english, catalogue()[english], literals[0], literals[-1], max(literals, key=len), kinds,
                     (-sum(map(len, literals)), position))


@lru_cache(maxsize=None)
def _pattern(english: str) -> re.Pattern[str]:
    """A template as a pattern, compiled when a message first could match it (compiling all of them costs a
    command that prints one message about 40 ms)."""
    parts: list[str] = []
    seen: set[str] = set()
    last = 0
    for placeholder in _PLACEHOLDER.finditer(english):
        parts.append(re.escape(english[last:placeholder.start()]))
        name, kind = placeholder.group(1), placeholder.group(2) or ""
        if name in seen:
            parts.append(f"(?P={name})")
        elif kind == "n":  # a plain number, or one written with English thousands separators (``f"{size:,}"``)
            parts.append(rf"(?P<{name}>-?\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|-?\d+(?:\.\d+)?)")
        else:
            parts.append(rf"(?P<{name}>.+?)")
        seen.add(name)
        last = placeholder.end()
    parts.append(re.escape(english[last:]))
    return re.compile("".join(parts), re.S)


def _number(text: str, lang: str) -> str:
    try:
        return format_number(Decimal(text.replace(",", "")), lang)
    except InvalidOperation:
        return text
