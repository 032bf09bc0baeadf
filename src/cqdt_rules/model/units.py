"""Units and their assessments, and the one place raw indicator values are checked against a ruleset."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Union

import attrs

from cqdt_rules.errors import DataError, Diagnostic, Span, did_you_mean
from cqdt_rules.model import ruleset as m

SOURCES = ("self", "district", "audit")
"""The stages of an assessment, in order: the unit assesses itself, the district verifies its communes,
the province's audit team audits. A cohort is scored from one stage only (see ``latest_stage``)."""


SOURCES_HINT = "use 'self' (self-assessed), 'district' (verified by the district) or 'audit' (verified by the audit team)"
_STAGE_TEXT = {"self": "a self-assessment", "district": "the district's verification"}


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
YES_WORDS = {"yes", "có", "co", "true", "1", "x", "đạt"}
NO_WORDS = {"no", "không", "khong", "false", "0", "không đạt"}


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
    value_spans: Mapping[str, Span] = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    name_spans: Mapping[str, Span] = attrs.field(factory=dict, eq=False, repr=False, hash=False)
    field_spans: Mapping[str, Span] = attrs.field(factory=dict, eq=False, repr=False, hash=False)  # code, tier, source, ...

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.code, self.year, self.source)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def check_assessments(ruleset: m.Ruleset, assessments: Iterable[Assessment]) -> tuple[Assessment, ...]:
    """Return the assessments with values coerced to their declared types; raise DataError listing
    every problem (unknown tier, duplicate unit, missing or invalid value, ...)."""
    checked: list[Assessment] = []
    problems: list[Diagnostic] = []
    seen: dict[tuple[str, int, str], Assessment] = {}
    tiers = {t.id: t for t in ruleset.tiers}
    # what checking needs of each tier walks the whole tree: work it out once, not once per assessment
    indicators = {t.id: {ind.name: ind for ind in t.indicators} for t in ruleset.tiers}
    limits = {t.id: direct_limits(t) for t in ruleset.tiers}
    by_district = {t.id: _groups_by_district(t) for t in ruleset.tiers}
    for assessment in assessments:
        where = assessment.origin or Span(f"<unit {assessment.code}>", 0, 0, 0, 0)
        if assessment.key in seen:
            first = seen[assessment.key].origin
            problems.append(Diagnostic(where, f"unit '{assessment.code}' appears twice for {assessment.year} ({assessment.source})",
                                       hint=f"first seen at {first}" if first else None))
            continue
        seen[assessment.key] = assessment
        if assessment.source not in SOURCES:
            problems.append(Diagnostic(assessment.field_spans.get("source", where), f"unknown source '{assessment.source}' for unit '{assessment.code}'",
                                       hint=SOURCES_HINT))
            continue
        tier = tiers.get(assessment.tier)
        if tier is None:
            problems.append(Diagnostic(assessment.field_spans.get("tier", where), f"unit '{assessment.code}' has tier '{assessment.tier}', which ruleset "
                                              f"'{ruleset.id}' does not define",
                                       hint=did_you_mean(assessment.tier, tiers) or f"tiers: {', '.join(tiers)}"))
            continue
        if not assessment.parent and by_district[tier.id]:
            problems.append(Diagnostic(where, f"unit '{assessment.code}' of tier '{tier.id}' has no parent district",
                                       hint="give its district's code as 'parent': this tier ranks or normalises within the district"))
        values, found = coerce_values(tier, assessment, limits[tier.id], indicators[tier.id])
        problems.extend(found)
        checked.append(attrs.evolve(assessment, values=values, name=nfc(assessment.name)))
    if problems:
        raise DataError(problems)
    return tuple(checked)


def _groups_by_district(tier: m.Tier) -> bool:
    if any(r.within == "district" for r in tier.rankings):
        return True
    return any(isinstance(r, m.NormalisedRule) and r.within == "district" for n in tier.walk() for r in _rules_of(n.rule))


def direct_limits(tier: m.Tier) -> dict[str, Decimal]:
    """For each indicator scored by a ``direct`` rule, the maximum of the criterion it scores."""
    limits: dict[str, Decimal] = {}
    for node in tier.walk():
        for rule in _rules_of(node.rule):
            if isinstance(rule, m.DirectRule):
                limits[rule.indicator] = node.max
    return limits


def _rules_of(rule: m.Rule | None) -> list[m.Rule]:
    if rule is None:
        return []
    if isinstance(rule, m.BestOfRule):
        return [r for alt in rule.alternatives for r in _rules_of(alt)]
    return [rule]


def coerce_values(tier: m.Tier, assessment: Assessment, limits: Mapping[str, Decimal],
                  indicators: Mapping[str, m.Indicator] | None = None) -> tuple[dict[str, Value], list[Diagnostic]]:
    """The assessment's values coerced to the tier's indicator types, and every problem found.
    ``indicators`` (the tier's, by name) can be passed by a caller checking many assessments of the tier."""
    if indicators is None:
        indicators = {ind.name: ind for ind in tier.indicators}
    problems: list[Diagnostic] = []
    fallback = assessment.origin or Span(f"<unit {assessment.code}>", 0, 0, 0, 0)

    def where(name: str) -> Span:
        return assessment.value_spans.get(name, fallback)

    values: dict[str, Value] = {}
    for name in assessment.values:
        if name not in indicators:
            problems.append(Diagnostic(assessment.name_spans.get(name, where(name)),
                                       f"unknown indicator '{name}' for tier '{tier.id}'",
                                       hint=did_you_mean(name, indicators)))
    for name, ind in indicators.items():
        raw = assessment.values.get(name)
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if ind.audit_only and audit_only_absent(assessment.source):
                values[name] = None
            elif ind.default is not None:
                values[name] = coerce_value(ind, ind.default, limits, lambda msg, hint=None: None)
            else:
                problems.append(Diagnostic(fallback, f"unit '{assessment.code}' has no value for '{name}' ({ind.label})",
                                           hint=f"add '{name}' ({_kind_text(ind)}) or declare a default in the ruleset"))
            continue
        if ind.audit_only and audit_only_absent(assessment.source):
            problems.append(Diagnostic(where(name), f"'{name}' is entered only by the audit team, not in {_STAGE_TEXT[assessment.source]}",
                                       hint="remove it from the self-assessed record"))
            continue

        def report(message: str, hint: str | None = None, _name: str = name) -> None:
            problems.append(Diagnostic(where(_name), f"unit '{assessment.code}', '{_name}': {message}", hint=hint))

        values[name] = coerce_value(ind, raw, limits, report)
    for name in assessment.evidence:
        if name not in indicators:
            problems.append(Diagnostic(where(name), f"evidence for unknown indicator '{name}'",
                                       hint=did_you_mean(name, indicators)))
    return values, problems


def _kind_text(ind: m.Indicator) -> str:
    if ind.kind == "category":
        return "one of " + ", ".join(c.name for c in ind.categories)
    if ind.kind == "pair":
        return "a pair a/b"
    return {"yesno": "yes or no", "count": "a whole number", "percent": "a percentage 0..100"}.get(ind.kind, "a number")


def _decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    if isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return None


def coerce_value(ind: m.Indicator, raw: Any, limits: Mapping[str, Decimal],
            report: Callable[..., None]) -> Value:
    kind = ind.kind
    if kind == "yesno":
        return _coerce_yesno(raw, report)
    if kind == "category":
        text = nfc(str(raw).strip())
        names = [c.name for c in ind.categories]
        if text not in names:
            report(f"'{text}' is not an allowed category", did_you_mean(text, names) or f"allowed: {', '.join(names)}")
            return None
        return text
    if kind == "pair":
        return _coerce_pair(ind, raw, report)
    number = _decimal(raw)
    if number is None or not number.is_finite():
        report(f"expected {_kind_text(ind)}, got '{raw}'")
        return None
    return _check_number(ind, number, limits, report)


def _coerce_yesno(raw: Any, report: Callable[..., None]) -> Value:
    if isinstance(raw, bool):
        return raw
    text = nfc(str(raw).strip().lower())
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    report(f"expected yes or no, got '{raw}'", "write yes/no (or có/không)")
    return None


def _coerce_pair(ind: m.Indicator, raw: Any, report: Callable[..., None]) -> Value:
    a: Decimal | None
    b: Decimal | None
    if isinstance(raw, Pair):
        a, b = raw.a, raw.b
    elif isinstance(raw, Mapping) and set(raw) == {"a", "b"}:
        a, b = _decimal(raw["a"]), _decimal(raw["b"])
    elif isinstance(raw, (list, tuple)) and len(raw) == 2:
        a, b = _decimal(raw[0]), _decimal(raw[1])
    elif isinstance(raw, str) and "/" in raw:
        left, _, right = raw.partition("/")
        a, b = _decimal(left), _decimal(right)
    else:
        report(f"expected a pair a/b, got '{raw}'", "write [a, b], {a: .., b: ..} or 'a/b'")
        return None
    if a is None or b is None:
        shown = f"{raw[0]}/{raw[1]}" if isinstance(raw, (list, tuple)) else raw  # as written: a/b, as SQL shows it
        report(f"both parts of the pair must be numbers, got '{shown}'")
        return None
    if a < 0 or b < 0:
        report(f"a pair cannot be negative ({a}/{b})")
        return None
    if a > b and not ind.a_may_exceed_b:
        report(f"a = {a} is greater than b = {b}", "the ruleset does not allow a > b for this indicator; check the figures")
        return None
    if ind.range is not None:
        low, high = ind.range
        for part, value in (("a", a), ("b", b)):
            if not low <= value <= high:
                report(f"{part} = {value} is outside {low}..{high}")
                return None
    return Pair(a, b)


def _check_number(ind: m.Indicator, number: Decimal, limits: Mapping[str, Decimal],
                  report: Callable[..., None]) -> Value:
    if ind.kind == "count" and number != number.to_integral_value():
        report(f"expected a whole number, got {number}")
        return None
    if ind.kind in ("count", "percent", "score") and number < 0:
        report(f"cannot be negative ({number})")
        return None
    if ind.kind == "percent" and number > 100:
        report(f"a percentage cannot exceed 100 ({number})")
        return None
    if ind.kind == "score" and ind.name in limits and number > limits[ind.name]:
        report(f"{number} points is above the criterion's maximum {limits[ind.name]}",
               f"an assessed score must lie in 0..{limits[ind.name]}")
        return None
    if ind.range is not None:
        low, high = ind.range
        if not low <= number <= high:
            report(f"{number} is outside the declared range {low}..{high}")
            return None
    return number
