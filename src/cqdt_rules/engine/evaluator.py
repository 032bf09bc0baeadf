"""Score assessments with a compiled ruleset: points, totals, outputs, levels and ranks per cohort."""

from __future__ import annotations

import decimal
import datetime as dt
import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from cqdt_rules.engine.compiler import (
    HUNDRED,
    ONE,
    ZERO,
    Cohort,
    CompiledRuleset,
    CompiledTier,
    Env,
    EvaluationError,
    NodeResults,
    NotAssessed,
    computed,
    round_to,
)
from cqdt_rules.engine.results import (
    NOTHING,
    LevelResult,
    Results,
    RowUnitResult,
    SoleRank,
    UnitResult,
    new_rank_result,
    new_unit_result,
    set_levels,
    set_ranks,
    set_total,
)
from cqdt_rules.engine.fit import check_fit
from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment, ReadOnlyDict, read_of
from cqdt_rules.model.checking import AssessmentChecker, check_assessments, tier_values
from cqdt_rules.model.parents import check_parents

CohortKey = tuple[str, int, str]  # tier, year, source
_BY_CODE = operator.attrgetter("code")


def evaluate(compiled: CompiledRuleset, assessments: Iterable[Assessment], run_at: str | None = None,
             any_year: bool = False, unit_list: Mapping[str, str] | None = None) -> Results:
    """Score every assessment; cohorts (tier, year, source) are scored and ranked separately.

    Assessments of a year the ruleset does not declare are refused unless ``any_year``. The shape of the
    data (tiers, indicator names, years) is checked before any value, so that data made for another
    ruleset get one paragraph (``DataMismatchError``), not an error per value. Parents are checked
    against the input and ``unit_list`` (code → tier; see ``check_parents``). The arithmetic runs
    in the engine's own decimal context (model.numbers.ARITHMETIC), never the caller's."""
    with decimal.localcontext(ARITHMETIC):
        return _evaluate(compiled, assessments, run_at, any_year, unit_list)


def grouped_tiers(ruleset: m.Ruleset) -> list[str]:
    """The tiers ranked or normalised within the district: where an unchecked parent deserves a warning."""
    return [t.id for t in ruleset.tiers if tier_values(t).by_district]  # kept per tier: walking a tier costs a scan


def _evaluate(compiled: CompiledRuleset, assessments: Iterable[Assessment], run_at: str | None,
              any_year: bool, unit_list: Mapping[str, str] | None) -> Results:
    cohorts, warnings = checked_data(compiled.ruleset, assessments, any_year, unit_list)
    units: list[UnitResult] = []
    problems: list[Diagnostic] = []
    for key in sorted(cohorts):  # each cohort's list handed on (popped): scoring drops its units as it goes
        scored, found = score_cohort(compiled.tiers[key[0]], sorted(cohorts.pop(key), key=_BY_CODE))
        units.extend(scored)
        problems.extend(found)
    if problems:
        raise DataError(problems)
    return Results(compiled.ruleset, tuple(units), run_stamp(run_at), warnings=warnings)


def run_stamp(run_at: str | None) -> str:
    """The time recorded in results: the one given, or now (UTC, to the second)."""
    return run_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def score_cohort(tier: CompiledTier, members: list[Assessment]) -> tuple[list[UnitResult], list[Diagnostic]]:
    """Score and rank one cohort (checked assessments sorted by code); formulas that fail are listed, not raised.
    ``members`` is handed over: it is emptied as its units are scored, so that the checked units the results need
    not keep (``RowUnitResult``) do not all outlive their scoring."""
    scored = []
    problems = []
    maxima = _cohort_maxima(tier, members)
    envs: list[Env | None] = [None] * len(members)
    if tier.unit_fn is None:  # closures: each unit's Env, which sees its cohort
        cohort = Cohort([])
        for assessment, cohort_max in zip(members, maxima):
            cohort.members.append(Env(tier, assessment.values, assessment.evidence, cohort_max, cohort))
        envs = list(cohort.members)
    totals: dict[Decimal, Decimal] = {}  # the totals met, to share (``KEPT_TOTALS``)
    members.reverse()  # each unit taken from the end in turn, so in order
    for cohort_max, env in zip(maxima, envs):
        assessment = members.pop()
        try:
            unit = _score_unit(tier, assessment, cohort_max, env)
        except EvaluationError as exc:
            where = assessment.origin or Span(f"<unit {assessment.code}>", 0, 0, 0, 0)
            problems.append(Diagnostic(where, f"unit '{assessment.code}', {exc.node_id}: {exc}"))
            continue
        total = unit.total  # (here, not in a function of its own: this runs for every unit)
        kept = totals.get(total)
        if kept is None:
            if len(totals) < KEPT_TOTALS:
                totals[total] = total
        elif kept is not total and not kept.compare_total(total):  # equal, and written the same (5.00 is not 5)
            set_total(unit, kept)
        scored.append(unit)
    return _rank(tier.tier, scored), problems


KEPT_TOTALS = 65_536
"""How many totals of a cohort are kept to share: one total object for every unit of a cohort whose total is equal
and written the same, not a ``Decimal`` of 104 bytes per unit (a tier's totals, rounded as it says, repeat: out of
100 with three decimals, there are at most 100,001)."""


def checked_cohorts(ruleset: m.Ruleset, assessments: Iterable[Assessment], any_year: bool,
                    unit_list: Mapping[str, str] | None = None) -> dict[CohortKey, list[Assessment]]:
    """Every data check (see ``checked_data``), then the assessments by cohort."""
    return checked_data(ruleset, assessments, any_year, unit_list)[0]


def checked_data(ruleset: m.Ruleset, assessments: Iterable[Assessment], any_year: bool,
                 unit_list: Mapping[str, str] | None = None
                 ) -> tuple[dict[CohortKey, list[Assessment]], tuple[Diagnostic, ...]]:
    """Every data check (the data's shape, years, values, parents, evidence; DataError lists every problem),
    then the assessments by cohort, and the warnings for the parents nothing could check (neither the input
    nor ``unit_list`` holds them)."""
    given = tuple(assessments)
    found = _checked_at_once(ruleset, given, any_year, unit_list)
    checked, warnings = found if found is not None else _checked_in_turn(ruleset, given, any_year, unit_list)
    cohorts: dict[CohortKey, list[Assessment]] = defaultdict(list)
    for assessment in checked:
        cohorts[(assessment.tier, assessment.year, assessment.source)].append(assessment)
    return cohorts, tuple(warnings)


def _checked_in_turn(ruleset: m.Ruleset, given: tuple[Assessment, ...], any_year: bool,
                     unit_list: Mapping[str, str] | None) -> tuple[Sequence[Assessment], list[Diagnostic]]:
    """Each check in turn, raising the problems of the first that finds any: the data's shape, years, values,
    parents, evidence."""
    check_fit(ruleset, given, any_year)
    if not any_year:
        _check_years(ruleset, given)
    checked = check_assessments(ruleset, given)
    parent_errors, warnings = check_parents(checked, unit_list, grouped_tiers(ruleset))
    if parent_errors:
        raise DataError(parent_errors)
    _check_evidence_policy(ruleset, checked)
    return checked, warnings


def _checked_at_once(ruleset: m.Ruleset, given: tuple[Assessment, ...], any_year: bool,
                     unit_list: Mapping[str, str] | None) -> tuple[Sequence[Assessment], list[Diagnostic]] | None:
    """What ``_checked_in_turn`` returns when no check finds a problem (the usual case), with less work: the data's
    shape is not worked out (data that fit no tier or hold names the ruleset does not know have a problem the values'
    check finds), and each year is checked once, after the values (every unit checked is in ``AssessmentChecker.seen``). None when a check finds a problem, or a value of an unexpected type
    raises: ``_checked_in_turn`` then raises what the first check to find it finds."""
    try:
        checker = AssessmentChecker(ruleset)
        checked = [found for found in map(checker.check, given) if found is not None]
        header = ruleset.header  # every year is one the ruleset applies to (``year_problem``)
        if checker.problems or not (any_year or header.years is None or all(header.covers(y) for y, _ in checker.seen)):
            return None
        errors, warnings = check_parents(checked, unit_list, grouped_tiers(ruleset))
        if errors or (ruleset.header.on_missing_evidence == "error" and any(evidence_problems(ruleset, a) for a in checked)):
            return None
        return checked, warnings
    except Exception:  # noqa: BLE001 (the checks in turn raise it again, or the error they find first)
        return None


def _check_years(ruleset: m.Ruleset, assessments: Iterable[Assessment]) -> None:
    problems = [problem for problem in (year_problem(ruleset, a) for a in assessments) if problem is not None]
    if problems:
        raise DataError(problems)


def year_problem(ruleset: m.Ruleset, a: Assessment) -> Diagnostic | None:
    """The error for an assessment of a year the ruleset does not apply to, or None."""
    header = ruleset.header
    if header.years is None or header.covers(a.year):
        return None
    first, last = header.years
    covered = f"{first}–{last}" if last is not None else f"{first} onwards"
    return Diagnostic(a.origin or Span(f"<unit {a.code}>", 0, 0, 0, 0),
                      f"unit '{a.code}' is assessed for {a.year}, but ruleset '{header.id}' applies to {covered}",
                      hint="use the ruleset that covers that year (in Python, score(..., any_year=True) forces this one)")


def _check_evidence_policy(ruleset: m.Ruleset, assessments: tuple[Assessment, ...]) -> None:
    problems = [problem for assessment in assessments for problem in evidence_problems(ruleset, assessment)]
    if problems:
        raise DataError(problems)


def evidence_problems(ruleset: m.Ruleset, assessment: Assessment) -> list[Diagnostic]:
    """Under ``on_missing_evidence error``, an error for each value given without the evidence it needs."""
    if ruleset.header.on_missing_evidence != "error":
        return []
    problems = []
    for ind in ruleset.tier(assessment.tier).indicators:
        if ind.needs_evidence(assessment.values.get(ind.name)) and not assessment.evidence.get(ind.name):
            where = assessment.origin or Span(f"<unit {assessment.code}>", 0, 0, 0, 0)
            problems.append(Diagnostic(where, f"unit '{assessment.code}' has no evidence for '{ind.name}'",
                                       hint=f"the ruleset requires: {ind.evidence}"))
    return problems


_NO_MAXIMA: Mapping[tuple[str, str], Decimal] = MappingProxyType({})


def _cohort_maxima(tier: CompiledTier, members: list[Assessment]) -> list[Mapping[tuple[str, str], Decimal]]:
    """For each member, the best value of every normalised indicator in its group (tier or district); one shared
    empty mapping for every member of a tier that normalises nothing."""
    if not tier.normalised:
        return [_NO_MAXIMA] * len(members)
    best: dict[tuple[str, str, Any], Decimal] = {}
    for name, within in tier.normalised:
        for assessment in members:
            group = assessment.parent if within == "district" else None
            value = assessment.values.get(name)
            if value is not None:
                key = (name, within, group)
                best[key] = max(best.get(key, ZERO), value)
    return [
        {(name, within): best.get((name, within, a.parent if within == "district" else None), ZERO)
         for name, within in tier.normalised}
        for a in members
    ]


def _score_unit(compiled: CompiledTier, assessment: Assessment, cohort_max: Mapping[tuple[str, str], Decimal],
                env: Env | None = None, keep_points: bool = False) -> UnitResult:
    """One unit's result; ``env`` carries its cohort when the ruleset compares units (minmax, zscore, rank).
    A tier with a generated function (``codegen``) needs no ``Env``: it has no outputs or ranked expressions; its
    node points are computed again when read (``NodeResults``) unless ``keep_points`` (a caller that reads them
    at once and drops the unit)."""
    generated = compiled.generated
    if generated is None:
        return _closures_unit(compiled, assessment, cohort_max, env)
    values, evidence = assessment.values, assessment.evidence
    points, total = generated[0](values, evidence, cohort_max)
    nodes = NodeResults(compiled.shape, generated, values, evidence, cohort_max, points if keep_points else None)
    tier = compiled.tier
    plan = _level_plan(tier)
    read = read_of(assessment)  # then the result keeps the unit as read, and its checked values in ``nodes`` alone
    kept, kind = (assessment, UnitResult) if read is None else (read, RowUnitResult)
    if plan.on_total:  # every scale is on the total alone: the levels need nothing else of the unit
        return new_unit_result(kept, tier, nodes, total, NOTHING, plan.levels_of(total), NOTHING, kind=kind)
    return _with_levels(new_unit_result(kept, tier, nodes, total, NOTHING, NOTHING, NOTHING, kind=kind), plan)


def _closures_unit(compiled: CompiledTier, assessment: Assessment, cohort_max: Mapping[tuple[str, str], Decimal],
                   env: Env | None) -> UnitResult:
    """One unit's result in a tier that keeps the closures: node by node through the unit's ``Env``, with its
    outputs and the expressions its rankings are by."""
    if env is None:
        env = Env(compiled, assessment.values, assessment.evidence, cohort_max)
    nodes = env.evaluate_all()
    total = min(round_to(sum((nodes[i].points for i in compiled.top_ids), ZERO), compiled.total_rounding),
                compiled.tier.max)
    outputs = {o.name: env.output(o.name) for o, _ in compiled.output_fns} if compiled.output_fns else NOTHING
    computed = {expr: _computed(fn, env) for expr, fn in compiled.ranked_values} if compiled.ranked_values else NOTHING
    unit = new_unit_result(assessment, compiled.tier, nodes, total, outputs, NOTHING, NOTHING, computed)
    return _with_levels(unit, _level_plan(compiled.tier))


def _with_levels(unit: UnitResult, plan: _LevelPlan) -> UnitResult:
    levels = {name: cutoffs.level_of(unit.total) if cutoffs is not None else _classify(scale, unit)
              for name, scale, cutoffs in plan.scales}
    set_levels(unit, plan.shared(levels))
    return unit


class _LevelPlan:
    """How a tier's units get their levels, worked out once per tier: each scale with its ``_Cutoffs`` (None for
    a scale ``_classify`` works out), and, when every scale has cutoffs, each scale's name and cutoffs."""

    def __init__(self, tier: m.Tier):
        self.scales = [(scale.name, scale, _cutoffs(tier, scale)) for scale in tier.levels]
        self.on_total = [(name, cutoffs) for name, _, cutoffs in self.scales if cutoffs is not None] \
            if all(cutoffs is not None for _, _, cutoffs in self.scales) else []
        self._shared: dict[tuple[int, ...], dict[str, LevelResult]] = {}

    KEPT = 4096
    """How many mappings of levels a plan keeps to share (a tier's units reach a handful of combinations of levels
    and unmet prerequisites)."""

    def levels_of(self, total: Decimal) -> dict[str, LevelResult]:
        """The levels of a unit with ``total`` (a plan ``on_total``), as one read-only mapping shared by every unit
        that reaches the same levels (a handful per tier), not a dictionary per unit."""
        reached = [cutoffs.level_of(total) for _, cutoffs in self.on_total]
        key = tuple(map(id, reached))  # the levels reached are the plan's own objects (``_Cutoffs``): ids stay theirs
        shared = self._shared.get(key)
        if shared is None:
            shared = self._shared[key] = ReadOnlyDict(zip((name for name, _ in self.on_total), reached))
        return shared

    def shared(self, levels: dict[str, LevelResult]) -> dict[str, LevelResult]:
        """``levels`` (every scale's, in the plan's order) as the read-only mapping shared by the units that reach
        the same (the first ``KEPT`` met are kept), not a dictionary per unit."""
        key = tuple(map(id, levels.values()))  # the mapping kept holds the levels: their ids stay theirs while kept
        shared = self._shared.get(key)
        if shared is None:
            shared = ReadOnlyDict(levels)
            if len(self._shared) < self.KEPT:
                self._shared[key] = shared
        return shared


def _level_plan(tier: m.Tier) -> _LevelPlan:
    """The tier's ``_LevelPlan``, kept per tier."""
    plan: _LevelPlan | None = tier.memo.get(_LevelPlan)
    if plan is None:
        plan = tier.memo[_LevelPlan] = _LevelPlan(tier)
    return plan


def _computed(fn: Callable[[Env], Any], env: Env) -> Decimal | None:
    """An expression a ranking is by, exact (not rounded); None when it reads a value not assessed."""
    try:
        return computed(fn, env, "ranking")
    except NotAssessed:
        return None


def published_value(unit: UnitResult, ref: m.ValueRef | m.Expr) -> tuple[Decimal | None, Decimal | None]:
    """The value a reference names, as published (after its declared rounding), and its maximum if it has one.
    Any other expression (a ranking by ``total / 3``) is its exact value, computed when the unit was scored."""
    if isinstance(ref, m.TotalRef):
        return unit.total, unit.max
    if isinstance(ref, m.OutputRef) and ref.name in unit.outputs:
        return unit.outputs[ref.name], None
    if not isinstance(ref, (m.PointsRef, m.ShareRef)):
        return unit.computed[ref], None
    node = unit.tier.node(ref.node_id)
    result = unit.nodes[ref.node_id]
    if isinstance(ref, m.PointsRef):
        return result.points, result.max
    share = result.share
    if share is not None and node.share_digits is not None:
        share = round_to(share, m.Rounding(node.share_digits))
    return share, None


def meets(value: Decimal | None, maximum: Decimal | None, threshold: m.Threshold) -> bool:
    if value is None:
        return False
    if not threshold.percent:
        return value >= threshold.value
    if maximum is not None:
        return value * HUNDRED >= threshold.value * maximum
    return value * HUNDRED >= threshold.value


def _classify(scale: m.LevelScale, unit: UnitResult) -> LevelResult:
    cutoffs = _cutoffs(unit.tier, scale)
    if cutoffs is not None:
        return cutoffs.level_of(unit.total)
    value, maximum = published_value(unit, scale.on)
    unmet: list[str] = []
    for level in scale.levels:
        if not meets(value, maximum, level.threshold):
            continue
        missing = [r for r in level.requires if not meets(*published_value(unit, r.ref), r.threshold)]
        if not missing:
            return _level_result(scale.name, level.id, level.label, tuple(unmet))
        unmet.extend(f"{level.label}: {_ref_text(r.ref)} < {r.threshold.value}{'%' if r.threshold.percent else ''}"
                     for r in missing)
    return _level_result(scale.name, None, scale.below, tuple(unmet))


class _Cutoffs:
    """A scale on the total with no prerequisites, worked out once per tier: each level's least total (``meets``
    with the tier's maximum: ``total × 100 >= p × max`` is ``total >= p × max / 100``, computed exactly), and the
    result of each level."""

    def __init__(self, scale: m.LevelScale, maximum: Decimal):
        self.bounds = [(_least_total(level.threshold, maximum), _level_result(scale.name, level.id, level.label, ()))
                       for level in scale.levels]
        self.below = _level_result(scale.name, None, scale.below, ())

    def level_of(self, total: Decimal) -> LevelResult:
        for bound, result in self.bounds:
            if total >= bound:
                return result
        return self.below


def _least_total(threshold: m.Threshold, maximum: Decimal) -> Decimal:
    """The least total that meets ``threshold`` (``meets`` on a total out of ``maximum``), exact: the engine's
    context keeps 60 digits, and thresholds and maxima hold fewer than 30."""
    if not threshold.percent:
        return threshold.value
    exact = decimal.Context(prec=ARITHMETIC.prec, traps=[decimal.Inexact])  # a bound that is not exact is a bug
    return exact.divide(exact.multiply(threshold.value, maximum), HUNDRED)


def _cutoffs(tier: m.Tier, scale: m.LevelScale) -> _Cutoffs | None:
    """The ``_Cutoffs`` of a scale on the total with no prerequisites (None for any other scale), kept per tier."""
    key = (_Cutoffs, id(scale))  # the tier holds its scales: the id stays theirs
    if key not in tier.memo:
        plain = isinstance(scale.on, m.TotalRef) and not any(level.requires for level in scale.levels)
        tier.memo[key] = _Cutoffs(scale, tier.max) if plain else None
    found: _Cutoffs | None = tier.memo[key]
    return found


@functools.lru_cache(maxsize=4096)
def _level_result(scale: str, level_id: str | None, label: str, unmet: tuple[str, ...]) -> LevelResult:
    """One shared (frozen) result per level reached: a cohort's units reach a handful of levels, and an object
    per unit would only give the garbage collector more to scan."""
    return LevelResult(scale, level_id, label, unmet)


def _ref_text(ref: m.ValueRef) -> str:
    if isinstance(ref, m.TotalRef):
        return "total"
    if isinstance(ref, m.OutputRef):
        return ref.name
    return f"{'points' if isinstance(ref, m.PointsRef) else 'share'}({ref.node_id})"


def _rank(tier: m.Tier, units: list[UnitResult]) -> list[UnitResult]:
    """Rank a cohort's units (``units`` made with no ranks): a unit of a tier with one ranking gets a ``SoleRank``,
    of a tier with several a dictionary of its ``RankResult``s."""
    sole = len(tier.rankings) == 1
    if tier.rankings and not sole:
        for unit in units:
            set_ranks(unit, {})
    for ranking in tier.rankings:
        groups: dict[str, list[UnitResult]] = defaultdict(list)
        for unit in units:
            groups[ranking_group(ranking, tier, unit.parent)].append(unit)
        by_total = isinstance(ranking.by, m.TotalRef) and not ranking.tiebreaks
        name = ranking.name
        for group, members in groups.items():
            values: Sequence[Decimal | None]
            if by_total:  # the usual ranking: the total alone orders the units as rank_key would, and is the value
                values = totals = [u.total for u in members]
                positions = rank_positions(totals, ranking.ties, descending=ranking.direction == "descending")
            else:
                values = [published_value(u, ranking.by)[0] for u in members]
                positions = rank_positions([rank_key(ranking, u) for u in members], ranking.ties)
            count = len(members)
            if sole:
                for unit, position, value in zip(members, positions, values):
                    set_ranks(unit, SoleRank(new_rank_result(name, position, count, group, value)))
            else:  # each unit's own dictionary, given above
                for unit, position, value in zip(members, positions, values):
                    unit.ranks[name] = new_rank_result(name, position, count, group, value)  # type: ignore[index]
    return units


def ranking_group(ranking: m.Ranking, tier: m.Tier, parent: str | None) -> str:
    """The group a unit is ranked in: its district's code, or the tier's id."""
    return (parent or "") if ranking.within == "district" else tier.id


RankKey = tuple[tuple[int, Decimal], ...]


def rank_positions(keys: Sequence[Any], ties: str, descending: bool = False) -> list[int]:
    """The position of each key among ``keys`` (smaller first, or larger first if ``descending``): shared ties
    1, 2, 2, 4 (the keys strictly ahead + 1); dense ties 1, 2, 2, 3. Equal keys share one position: each key's is
    where the first of its equals stands in the sorted keys."""
    ordered = sorted(set(keys) if ties == "dense" else keys, reverse=descending)
    first = dict(zip(reversed(ordered), range(len(ordered), 0, -1)))  # the last one written, the first in order, stays
    return [first[key] for key in keys]


def rank_key(ranking: m.Ranking, unit: UnitResult) -> RankKey:
    """Smaller keys rank first; values are as published, so equal published values tie.
    A unit without a value ranks after every unit with one, in either direction."""
    parts = [(ranking.by, ranking.direction)] + [(t.ref, t.direction) for t in ranking.tiebreaks]
    key = []
    for ref, direction in parts:
        value, _ = published_value(unit, ref)
        if value is None:
            key.append((1, ZERO))
        else:
            key.append((0, -value if direction == "descending" else value))
    return tuple(key)
