"""Do the data fit the ruleset at all? Checked before any value is: the tiers, the indicator names and the
years the data hold against those the ruleset declares. Data meant for another ruleset get one paragraph
saying what they look like and which ruleset they fit, not one error per missing value."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

import attrs

from cqdt_rules.errors import DataError, Diagnostic, RulesetError, Span
from cqdt_rules.language.resources import data_dir
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment

KNOWN_NAMES_NEEDED = 0.5
"""Data whose indicator names are mostly unknown to the ruleset were written for another one."""


class DataMismatchError(DataError):
    """Data that do not fit the ruleset as a whole (other tiers, other indicators, other years)."""


@attrs.frozen
class Shape:
    """What a set of assessments holds, as far as choosing a ruleset goes."""

    files: tuple[str, ...]
    count: int
    tiers: tuple[tuple[str, int], ...]  # tier id, assessments
    years: tuple[int, ...]
    sources: tuple[str, ...]
    names: frozenset[str]  # indicator names given, in any tier

    @classmethod
    def of(cls, assessments: Sequence[Assessment]) -> Shape:
        tally = ShapeTally()
        for assessment in assessments:
            tally.add(assessment)
        return tally.shape()


class ShapeTally:
    """A ``Shape`` counted one assessment at a time (for data read as a stream)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.files: dict[str, None] = {}
        self.tiers: Counter[str] = Counter()
        self.years: set[int] = set()
        self.sources: set[str] = set()

    def add(self, assessment: Assessment) -> None:
        self.names.update(assessment.values)
        if assessment.origin is not None:
            self.files[assessment.origin.path] = None
        self.tiers[assessment.tier] += 1
        self.years.add(assessment.year)
        self.sources.add(assessment.source)

    def shape(self) -> Shape:
        return Shape(tuple(self.files), self.tiers.total(), tuple(sorted(self.tiers.items())), tuple(sorted(self.years)),
                     tuple(sorted(self.sources)), frozenset(self.names))


def declared_names(ruleset: m.Ruleset) -> set[str]:
    return {ind.name for tier in ruleset.tiers for ind in tier.indicators}


def check_fit(ruleset: m.Ruleset, assessments: Sequence[Assessment], any_year: bool = False) -> None:
    """Raise DataMismatchError when the data as a whole were made for another ruleset: none of their tiers is
    the ruleset's, or most of their indicator names are unknown to it. The paragraph also says when none of
    their years is one the ruleset applies to."""
    if assessments:
        check_shape(ruleset, Shape.of(assessments), any_year)


def check_shape(ruleset: m.Ruleset, shape: Shape, any_year: bool = False) -> None:
    """``check_fit`` on the shape of the data."""
    problems = _misfits(ruleset, shape, any_year)
    if problems:
        raise DataMismatchError([_diagnostic(ruleset, shape, problems)])


def _misfits(ruleset: m.Ruleset, shape: Shape, any_year: bool) -> list[str]:
    tiers = {t.id for t in ruleset.tiers}
    found = []
    if not any(tier in tiers for tier, _ in shape.tiers):
        found.append("tiers")
    if shape.names and len(shape.names & declared_names(ruleset)) < KNOWN_NAMES_NEEDED * len(shape.names):
        found.append("names")
    if found and not any_year and ruleset.header.years is not None and \
            not any(ruleset.header.covers(y) for y in shape.years):
        found.append("years")  # only said with the above: wrong years alone get one error per unit, capped
    return found


def _diagnostic(ruleset: m.Ruleset, shape: Shape, misfits: list[str]) -> Diagnostic:
    rid = ruleset.id
    known = len(shape.names & declared_names(ruleset))
    lines = [f"these data do not fit ruleset '{rid}'"]
    lines.append(f"They hold {shape.count} assessments ({', '.join(shape.sources)}) for {_years(shape.years)}, "
                 f"tiers {', '.join(f'{t} ({n})' for t, n in shape.tiers)}.")
    wanted = ", ".join(t.id for t in ruleset.tiers)
    lines.append(f"Ruleset '{rid}' applies to {_span_text(ruleset.header.years)} and has tiers {wanted}.")
    lines.append(f"Only {known} of their {len(shape.names)} indicator names are declared in '{rid}'.")
    if "years" in misfits:
        lines.append(f"None of their years is one '{rid}' applies to.")
    best = best_fitting(shape, exclude=rid)
    hint = (f"did you mean '{best.id}'? It applies to {_span_text(best.header.years)} and declares "
            f"{len(shape.names & declared_names(best))} of their {len(shape.names)} indicator names"
            if best is not None else "check that the data were made for this ruleset")
    where = Span(shape.files[0], 0, 0, 0, 0) if shape.files else Span("<data>", 0, 0, 0, 0)
    return Diagnostic(where, "\n".join(lines), hint=hint, kind="data do not fit the ruleset")


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years)


def _span_text(years: tuple[int, int | None] | None) -> str:
    if years is None:
        return "any year"
    first, last = years
    if last is None:
        return f"{first} onwards"
    return str(first) if first == last else f"{first}–{last}"


def best_fitting(shape: Shape, exclude: str) -> m.Ruleset | None:
    """The shipped ruleset the data fit best: most indicator names known, a year covered, tiers shared."""
    best: tuple[tuple[int, int, int], m.Ruleset] | None = None
    for candidate in _shipped():
        if candidate.id == exclude:
            continue
        tiers = {t.id for t in candidate.tiers}
        score = (len(shape.names & declared_names(candidate)),
                 int(any(candidate.header.covers(y) for y in shape.years)),
                 sum(n for t, n in shape.tiers if t in tiers))
        if score[0] >= KNOWN_NAMES_NEEDED * len(shape.names) and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


@functools.lru_cache(maxsize=1)
def _shipped() -> tuple[m.Ruleset, ...]:
    """The shipped rulesets, parsed once per process (only when data do not fit: a service refusing such data
    again and again parses them once)."""
    from cqdt_rules.language.parser import parse_source  # only when data do not fit: importing stays light

    found = []
    for path in sorted(data_dir("rulesets").rglob("*.cqdt")):
        try:
            parsed = parse_source(path.read_text(encoding="utf-8"), str(path))
        except RulesetError:
            continue
        if isinstance(parsed, m.Ruleset):
            found.append(parsed)
    return tuple(found)
