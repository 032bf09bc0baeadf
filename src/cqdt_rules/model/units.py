"""Units and their assessments: who a unit is, the values read for it, and where they were read."""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Union

import attrs

from cqdt_rules.errors import Span

SOURCES = ("self", "district", "audit")
"""The stages of an assessment, in order: the unit assesses itself, the district verifies its communes,
the province's audit team audits. A cohort is scored from one stage only (see ``latest_stage``)."""


SOURCES_HINT = "use 'self' (self-assessed), 'district' (verified by the district) or 'audit' (verified by the audit team)"


def audit_only_absent(source: str) -> bool:
    """Whether indicators the audit team alone enters are left out at this stage (every stage before the audit)."""
    return source != "audit"


def latest_stage(sources_per_unit: Iterable[set[str]]) -> str | None:
    """The latest stage every unit of a cohort has (so sources are never mixed within a cohort), or None."""
    common: set[str] | None = None
    for found in sources_per_unit:
        common = set(found) if common is None else common & found
    for stage in reversed(SOURCES):
        if common and stage in common:
            return stage
    return None

@attrs.frozen
class Pair:
    """An indicator with two parts: ``a`` out of ``b``."""

    a: Decimal
    b: Decimal

    def __str__(self) -> str:
        return f"{self.a}/{self.b}"


Value = Union[bool, Decimal, Pair, str, None]
"""A checked value: yes/no → bool; count, number, percent, score → Decimal; pair → Pair;
category → its name; None → not assessed (an audit-only indicator in a self-assessment)."""


class _NoSpans(Mapping[str, Span]):
    """The positions of an assessment that gives none: one empty mapping for all, not an empty dictionary each."""

    __slots__ = ()

    def __getitem__(self, name: str) -> Span:
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


NO_SPANS: Mapping[str, Span] = _NoSpans()


@attrs.frozen
class Assessment:
    """One unit's indicator values for one year and source (self-assessed or audited)."""

    code: str
    name: str
    tier: str
    year: int
    source: str
    values: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    evidence: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, hash=False)
    parent: str | None = None
    note: str | None = None
    origin: Span | None = attrs.field(default=None, eq=False, repr=False)
    value_spans: Mapping[str, Span] = attrs.field(default=NO_SPANS, eq=False, repr=False, hash=False)
    name_spans: Mapping[str, Span] = attrs.field(default=NO_SPANS, eq=False, repr=False, hash=False)
    field_spans: Mapping[str, Span] = attrs.field(default=NO_SPANS, eq=False, repr=False, hash=False)  # code, tier, source, ...

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.code, self.year, self.source)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normal_code(code: str) -> str:
    """A unit code as compared: compatibility-normalised (fullwidth ｓｏ０１ → so01), without surrounding
    spaces or invisible characters (zero-width space, byte-order mark, soft hyphen)."""
    if code.isascii():  # NFKC leaves ASCII as it is, and no ASCII character is a format character
        return code.strip()
    text = unicodedata.normalize("NFKC", code)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def unit_origin(assessment: Assessment, code: str) -> Span:
    """Where the assessment was read (a unit given as Python data was read nowhere: its code stands for it)."""
    return assessment.origin or Span(f"<unit {code}>", 0, 0, 0, 0)


_SHOWN_CHARS = 60
_YEAR = re.compile(r"[0-9]{4}")


def read_year(raw: object) -> int | None:
    """A year of four ASCII digits, written as text or an integer (numpy's too); ``int()`` alone would also
    read ``2_022``, fullwidth digits or ``True``. None when it is not one."""
    if isinstance(raw, bool):
        return None
    if not isinstance(raw, str):
        try:
            raw = str(operator.index(raw))  # type: ignore[arg-type]
        except TypeError:
            return None
    text = raw.strip()
    return int(text) if _YEAR.fullmatch(text) else None


def shown(raw: object) -> str:
    """A raw value as it may appear in a message: one line, no control characters, at most 60 characters."""
    try:
        whole = str(raw)
    except ValueError:  # an int too long to write out
        return "a number too long to show"
    text = "".join(c if c.isprintable() else "\ufffd" for c in whole[:_SHOWN_CHARS * 4])
    return text if len(whole) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + f"… ({len(whole)} characters)"


