"""Compare two sets of results joined on unit code: level counts, level and rank changes, movers.

One module for every comparison the project shows: year over year with one ruleset (2021 → 2022),
and across rulesets (the 2022 e-government level beside the 2023 DTI).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import attrs

from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.errors import UsageError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import latest_stage

LATEST = "latest"
"""The default source: per cohort (tier and year), the latest stage every unit of it has."""


def compared_rankings(now: m.Tier, then: m.Tier) -> tuple[m.Ranking, m.Ranking] | None:
    """The rankings whose positions are compared between two years: the current tier's first ranking
    that the other year has in the same scope (the same name, else the same ``within``), so a rank
    within the district is never set beside a rank across the province."""
    for ranking in now.rankings:
        match = next((r for r in then.rankings if r.name == ranking.name and r.within == ranking.within), None)
        match = match or next((r for r in then.rankings if r.within == ranking.within), None)
        if match is not None:
            return ranking, match
    return None


@attrs.frozen
class LevelCount:
    level_id: str | None  # None: below the lowest level
    label: str
    count: int
    previous: int | None  # None when the previous results use another scale

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.count - self.previous


@attrs.frozen
class UnitChange:
    code: str
    name: str
    tier: str
    current: UnitResult | None
    previous: UnitResult | None
    same_ruleset: bool = True  # False: the years were scored by different rulesets (e.g. e-government, then DTI)

    @property
    def status(self) -> str:
        if self.current is None:
            return "previous only"
        if self.previous is None:
            return "current only"
        return "both"

    @property
    def ranks(self) -> tuple[int, int] | None:
        """(previous rank, current rank) on the rankings ``compared_rankings`` pairs; None when either
        year is missing or the years share no ranking scope."""
        if self.current is None or self.previous is None:
            return None
        pair = compared_rankings(self.current.tier, self.previous.tier)
        if pair is None or pair[0].name not in self.current.ranks or pair[1].name not in self.previous.ranks:
            return None
        return self.previous.rank(pair[1].name), self.current.rank(pair[0].name)

    @property
    def rank_change(self) -> int | None:
        """Positive when the unit moved up (a smaller rank number), on the rankings both years share."""
        ranks = self.ranks
        return None if ranks is None else ranks[0] - ranks[1]

    @property
    def total_change(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current.total - self.previous.total

    @property
    def level_change(self) -> int | None:
        """Levels gained (positive) or lost; a unit below the lowest level counts as one step under it."""
        if self.current is None or self.previous is None or not self.same_ruleset:
            return None
        now, then = _level_step(self.current), _level_step(self.previous)
        if now is None or then is None:
            return None
        return now - then

    def node_changes(self) -> list[tuple[str, Decimal]]:
        """Points gained or lost per criterion (leaves only), largest movement first; same ruleset only."""
        if self.current is None or self.previous is None or not self.same_ruleset:
            return []
        changes = []
        for node_id, now in self.current.nodes.items():
            node = self.current.tier.node(node_id)
            then = self.previous.nodes.get(node_id)
            if node.is_group or then is None:
                continue
            delta = now.points - then.points
            if delta:
                changes.append((node_id, delta))
        return sorted(changes, key=lambda item: (-abs(item[1]), item[0]))


def _level_step(unit: UnitResult) -> int | None:
    """Higher is better: the top level of n levels is n, below the lowest level is 0."""
    if not unit.tier.levels:
        return None
    scale = unit.tier.levels[0]
    result = unit.levels[scale.name]
    ids = [level.id for level in scale.levels]
    return 0 if result.id is None else len(ids) - ids.index(result.id)


@attrs.frozen
class TierComparison:
    tier: str
    title: str
    units: tuple[UnitChange, ...]
    counts: tuple[LevelCount, ...]
    assessed: int
    previous_assessed: int

    def movers(self, count: int = 5) -> tuple[list[UnitChange], list[UnitChange]]:
        """The units that rose and fell most in rank (ties broken by score change, then code)."""
        both = [u for u in self.units if u.rank_change is not None]
        risers = sorted((u for u in both if (u.rank_change or 0) > 0),
                        key=lambda u: (-(u.rank_change or 0), -(u.total_change or 0), u.code))
        fallers = sorted((u for u in both if (u.rank_change or 0) < 0),
                         key=lambda u: ((u.rank_change or 0), (u.total_change or 0), u.code))
        return risers[:count], fallers[:count]

    @property
    def compared_ranking(self) -> m.Ranking | None:
        """This year's ranking on which rank movement is measured (see ``compared_rankings``)."""
        for change in self.units:
            if change.current is not None and change.previous is not None:
                pair = compared_rankings(change.current.tier, change.previous.tier)
                return pair[0] if pair else None
        return None

    def unit(self, code: str) -> UnitChange:
        return next(u for u in self.units if u.code == code)


def compare(current: Results, previous: Results | None, *, source: str | None = None) -> list[TierComparison]:
    """Per tier of ``current``: counts per level against ``previous`` and every unit's change, joined on code.

    A unit present on one side only is listed with its status, never dropped. When both results use
    the same level scale (same ruleset), counts carry the previous year's figure.
    """
    comparisons = []
    same_ruleset = previous is None or previous.ruleset.id == current.ruleset.id
    for tier in current.ruleset.tiers:
        now = _by_code(current, tier.id, source)
        if not now:
            continue
        then = _by_code(previous, tier.id, source) if previous is not None else {}
        codes = sorted(set(now) | set(then))
        changes = tuple(
            UnitChange(code, (now.get(code) or then[code]).name, tier.id, now.get(code), then.get(code), same_ruleset)
            for code in codes
        )
        comparisons.append(TierComparison(tier.id, tier.title, changes, _counts(tier.id, now, then),
                                          len(now), len(then)))
    return comparisons


def _by_code(results: Results | None, tier: str, source: str | None) -> dict[str, UnitResult]:
    if results is None or all(t.id != tier for t in results.ruleset.tiers):  # last year's ruleset may lack the tier
        return {}
    found: dict[str, UnitResult] = {}
    for unit in results.tier_units(tier):
        if source is not None and identity_of(unit).source != source:
            continue
        if unit.code in found:
            raise ValueError(f"unit {unit.code} appears more than once in tier {tier}: compare one year and source at a time")
        found[unit.code] = unit
    return found


def _counts(tier: str, now: dict[str, UnitResult], then: dict[str, UnitResult]) -> tuple[LevelCount, ...]:
    sample = next(iter(now.values()))
    if not sample.tier.levels:
        return ()
    scale = sample.tier.levels[0]
    current = Counter(u.levels[scale.name].id for u in now.values())
    same_scale = bool(then) and all(scale.name in u.levels and u.tier.levels[0] == scale for u in then.values())
    previous = Counter(u.levels[scale.name].id for u in then.values()) if same_scale else None
    rows = [(level.id, level.label) for level in scale.levels] + [(None, scale.below)]
    return tuple(LevelCount(level_id, label, current.get(level_id, 0),
                            None if previous is None else previous.get(level_id, 0)) for level_id, label in rows)


def single_year(results: Results, source: str | None, what: str, year: int | None = None) -> int:
    """The one assessment year of ``source`` (any source when None) in ``results``, or ``year`` after
    checking the data holds it."""
    years = sorted({identity_of(u).year for u in results.units if source is None or identity_of(u).source == source})
    held = ", ".join(map(str, years)) or "none"
    kind = "" if source is None else f"'{source}' "
    if year is not None:
        if year not in years:
            raise UsageError(f"{what} holds no {kind}assessment for {year}; it holds {held}")
        return year
    if len(years) != 1:
        choose = "; choose one with --year" if years else ""
        of = "" if source is None else f" for source '{source}'"
        raise UsageError(f"{what} must hold one assessment year{of}, found {held}{choose}")
    return years[0]


def stages(results: Results) -> dict[str, str]:
    """Tier id → the stage scored for it: the latest stage (self → district → audit) that every unit of
    the tier has in ``results`` (one year). Chosen per cohort, never per unit, so sources never mix."""
    chosen = {}
    for tier in results.ruleset.tiers:
        found: dict[str, set[str]] = {}
        for unit in results.tier_units(tier.id):
            found.setdefault(unit.code, set()).add(identity_of(unit).source)
        stage = latest_stage(found.values())
        if stage is not None:
            chosen[tier.id] = stage
    return chosen


def staged(results: Results, chosen: dict[str, str]) -> Results:
    """Each tier's units of its chosen stage only."""
    return attrs.evolve(results, units=tuple(u for u in results.units if chosen.get(u.tier.id) == identity_of(u).source))


@attrs.frozen
class Selection:
    """The results a report or summary reads: one year each side, one stage per cohort."""

    current: Results
    previous: Results | None
    year: int
    previous_year: int | None
    sources: dict[str, str]  # tier id → the stage scored this year
    source: str | None  # the one source every tier uses, None when the tiers use different stages


def select(current: Results, previous: Results | None, source: str, year: int | None = None) -> Selection:
    """Narrow both sides to one year (see ``select_years``) and one stage per cohort: ``source`` itself, or
    with ``LATEST`` each tier's latest stage every unit of it has (the previous year chosen the same way)."""
    if source != LATEST:
        now, then, year, previous_year = select_years(current, previous, source, year)
        chosen = {t.id: source for t in now.ruleset.tiers if any(identity_of(u).source == source for u in now.tier_units(t.id))}
        return Selection(now.of_source(source), then.of_source(source) if then else None, year, previous_year, chosen, source)
    now, then, year, previous_year = select_years(current, previous, None, year)
    chosen = stages(now)
    same = set(chosen.values())
    return Selection(staged(now, chosen), staged(then, stages(then)) if then else None, year, previous_year, chosen,
                     same.pop() if len(same) == 1 else None)


def select_years(current: Results, previous: Results | None, source: str | None,
                 year: int | None = None) -> tuple[Results, Results | None, int, int | None]:
    """This year's results and last year's, each narrowed to one year: ``year`` (or the data's only
    year), and for the previous data its only year, or the year before when it holds several (so the
    same multi-year file can be given as both). Previous data of this year or a later one are refused:
    they would be reported as last year."""
    year = single_year(current, source, "the data", year)
    if previous is None:
        return current.of_year(year), None, year, None
    several = len({identity_of(u).year for u in previous.units if source is None or identity_of(u).source == source}) > 1
    previous_year = single_year(previous, source, "the previous data", year - 1 if several else None)
    if previous_year >= year:
        raise UsageError(f"the previous data are of {previous_year}, not of a year before the data's {year}; "
                         f"--previous takes last year's data: give those, or swap the two if they are the wrong way "
                         f"round")
    return current.of_year(year), previous.of_year(previous_year), year, previous_year
