"""Uncertainty in the data: how robust each unit's level and rank is when its indicator values carry a
measurement error (the other half of the JRC/OECD handbook's uncertainty analysis, beside the weights).

A measurement error (``sensitivity.ValueSpread``) is declared for every numeric indicator, for the indicators a
criterion or group reads, or for one indicator; the most specific declaration applies. A run moves each
unit's value of each such indicator by an amount drawn uniformly within ± the error, in whole steps of the
precision the data are written in (whole numbers for counts and for the parts of a pair without a declared
range; else the data's last decimal); a value drawn beyond what the indicator may have stops at that limit:
0 for counts, percentages and scores, 100 for a percentage, the criterion's maximum for a directly assessed
score, a declared range, ±10^15; for a pair only the numerator moves, and stops at 0 and at the denominator.
The error is symmetric before it stops, so the published value stays the median of its perturbed values (a
commune at 100 % stays there in half the runs). Yes/no answers, categories, evidence and missing values stay
as they are.

Each run re-scores the perturbed data with the batch engine, exactly (the scalar engine's arithmetic), so a
value that crosses a band, a cut-off or a tie decides as a re-scoring of those data decides. With the
criteria maxima or cut-offs varied too (``Vary.spread``, ``groups``, ``cutoff_points``), a run perturbs both:
the perturbed data are scored, then the perturbed ruleset is applied to them (``sensitivity.CohortModel``).
The figures are those of ``sensitivity``: P(level as published), the distribution of levels, the median rank
and 5–95 % interval, the units most at risk; and with ``indices``, the data are one more group of factors
("values") in the Saltelli–Jansen indices.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from cqdt_rules.analysis import sensitivity
from cqdt_rules.analysis.sensitivity import (CohortModel, Sensitivity, ValueSpread, Vary, analyse_cohort, batch_scored,
                                            check_vary)
from cqdt_rules.engine import fixedpoint as fp
from cqdt_rules.engine.batch import CohortScores, Columns, IndicatorColumn, TierPlan, columns_from_assessments
from cqdt_rules.engine.evaluator import checked_cohorts
from cqdt_rules.engine.fixedpoint import Array, Fallback
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.errors import UsageError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import MAX_MAGNITUDE
from cqdt_rules.model.units import Assessment
from cqdt_rules.model.checking import direct_limits, number_bounds

NUMERIC_KINDS = ("count", "number", "percent", "score", "pair")
PUBLISHED = -1  # the data column of a parameter row: the values as published (a drawn seed is ≥ 0)
SEEDS = 2**62
STACKED_ROWS = 65_536  # runs × units scored at once as one cohort
LIMIT = 2**62  # offsets and bounds, in a column's own units, are kept within ± this (columns within ± 2**61)


# ---------------------------------------------------------------- which indicator gets which error
def check_targets(ruleset: m.Ruleset, errors: Iterable[ValueSpread]) -> None:
    """UsageError for an error declared for something no tier has, or for an indicator that is not a number."""
    for error in errors:
        if error.target is None:
            continue
        indicators = [i for t in ruleset.tiers for i in t.indicators if i.name == error.target]
        nodes = [n for t in ruleset.tiers for n in t.walk() if n.id == error.target]
        if not indicators and not nodes:
            raise UsageError(f"no indicator, criterion or group '{error.target}' in the ruleset")
        if not any(_numeric_under(t, error.target) for t in ruleset.tiers):
            raise UsageError(f"'{error.target}' has no numeric value to perturb (yes/no and categories stay as they are)")


def _numeric_under(tier: m.Tier, target: str) -> list[str]:
    """The numeric indicators ``target`` names in ``tier``: itself, or those declared under that node."""
    found = [i.name for i in tier.indicators if i.name == target and i.kind in NUMERIC_KINDS]
    nodes = [n for n in tier.walk() if n.id == target]
    if nodes:
        under = {n.id for n in nodes[0].walk()}
        found += [i.name for i in tier.indicators if i.node_id in under and i.kind in NUMERIC_KINDS]
    return found


def indicator_errors(tier: m.Tier, errors: Sequence[ValueSpread]) -> dict[str, ValueSpread]:
    """Each numeric indicator's error: the most specific declaration (an indicator by name, then the deepest
    criterion or group holding it, then every numeric indicator); of equally specific ones, the last."""
    indicator_names = {i.name for i in tier.indicators}

    def specificity(error: ValueSpread) -> int:  # every indicator 0, a node 1 + its depth, an indicator above all
        if error.target is None:
            return 0
        if error.target in indicator_names:
            return len(tier.depths) + 2
        return 1 + tier.depths[error.target] if error.target in tier.depths else 0

    found: dict[str, ValueSpread] = {}
    for error in sorted(errors, key=specificity):
        if error.target is None:
            names = [i.name for i in tier.indicators if i.kind in NUMERIC_KINDS]
        else:
            names = _numeric_under(tier, error.target)
        found.update((name, error) for name in names)
    return found


# ---------------------------------------------------------------- the perturbation of one indicator
@attrs.frozen
class Perturbed:
    """One indicator of a cohort: each unit's value moves by a whole number of ``step`` (units of its column)
    drawn uniformly in ± ``reach`` (per unit; 0 for a missing value), then stops at the least or greatest value
    the indicator may have (``least``, ``most``: a number, or one per unit)."""

    name: str
    part: str  # "number", or "a" for a pair's numerator
    step: int
    reach: Array
    least: int
    most: Array | int


def perturbation(ind: m.Indicator, column: IndicatorColumn, error: ValueSpread, limits: dict[str, Decimal]) -> Perturbed:
    """How far each value of ``column`` may move under ``error``, and what the indicator's values may be."""
    part = "a" if ind.kind == "pair" else "number"
    value = column.a if ind.kind == "pair" else column.number
    assert value is not None and isinstance(value.den, int)
    num, den = np.asarray(value.num), value.den
    if num.dtype == object or value.bound > LIMIT // 2:
        raise UsageError(f"{ind.name}: values too large to perturb")
    whole = ind.kind == "count" or (ind.kind == "pair" and ind.range is None)
    step = den if whole else 1
    if ind.kind == "pair":
        low, high = Decimal(0), Decimal("Infinity")
        if ind.range is not None:
            low, high = max(low, ind.range[0]), ind.range[1]
    else:
        low, high = number_bounds(ind, limits)
    # numbers lie strictly within ±10^15; a limit is a whole number of steps, so a value stopped there is one too
    least = max(_in_steps(low, den, step, up=True), _in_steps(-MAX_MAGNITUDE, den, step, up=False) + step)
    most: Array | int = min(_in_steps(high, den, step, up=False), _in_steps(MAX_MAGNITUDE, den, step, up=True) - step)
    if ind.kind == "pair" and not ind.a_may_exceed_b:
        assert column.b is not None
        most = np.minimum(np.asarray(column.b.num), most)
    reach = np.where(column.missing, 0, np.minimum(_reach(num, den, step, error), LIMIT // step))
    return Perturbed(ind.name, part, step, reach, least, most)


def _in_steps(value: Decimal, den: int, step: int, up: bool) -> int:
    """``value`` in units of its column (× ``den``), rounded up or down to a multiple of ``step``, within ± LIMIT."""
    if not value.is_finite():
        return LIMIT if value > 0 else -LIMIT
    num, value_den = fp.fraction(value)
    steps = -(-num * den // (value_den * step)) if up else num * den // (value_den * step)
    return max(-LIMIT, min(LIMIT, steps * step))


def _reach(num: Array, den: int, step: int, error: ValueSpread) -> Array:
    """How many steps each value may move: ⌊error / step⌋, the error a share of |value| or in the unit."""
    amount_num, amount_den = fp.fraction(error.amount)
    if not error.relative:
        return np.full(len(num), min(LIMIT, amount_num * den // (amount_den * step)), dtype=np.int64)
    magnitude = np.abs(num)
    if int(magnitude.max(initial=0)) * amount_num > fp.INT64_MAX:  # Python integers for this one column
        return np.array([v * amount_num // (amount_den * step) for v in magnitude.tolist()], dtype=np.int64)
    return magnitude * amount_num // (amount_den * step)


class Draws:
    """Every perturbed value of a cohort side by side (indicator after indicator), so that a run draws all its
    values with one call: ``draw(seed)``, and ``split`` gives each indicator's values back."""

    def __init__(self, columns: Columns, perturbed: Sequence[Perturbed]):
        rows = columns.rows

        def joined(parts: list[Array], dtype: Any = np.int64) -> Array:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)

        self.base = joined([np.asarray(_part(columns.indicators[p.name], p).num) for p in perturbed])
        self.reach = joined([p.reach for p in perturbed])
        self.step = joined([np.full(rows, p.step, dtype=np.int64) for p in perturbed])
        self.least = joined([np.full(rows, p.least, dtype=np.int64) for p in perturbed])
        self.most = joined([np.broadcast_to(np.asarray(p.most, dtype=np.int64), (rows,)) for p in perturbed])
        self.missing = joined([columns.indicators[p.name].missing for p in perturbed], bool)
        self.spans = [(i * rows, (i + 1) * rows) for i in range(len(perturbed))]

    def draw(self, seed: int) -> Array:
        """One run's values (``PUBLISHED``: as published): each moved by a uniform whole number of steps within
        its reach, stopped at its limits; a missing value's placeholder stays as it is."""
        if seed == PUBLISHED:
            return self.base.copy()
        num = np.random.default_rng(seed).integers(-self.reach, self.reach + 1)
        num *= self.step
        num += self.base
        np.clip(num, self.least, self.most, out=num)
        np.copyto(num, self.base, where=self.missing)
        return num

    def split(self, drawn: Array) -> list[Array]:
        """Runs × values as each indicator's values, run after run."""
        return [drawn[:, start:end].reshape(-1) for start, end in self.spans]


def _part(column: IndicatorColumn, p: Perturbed) -> fp.Q:
    value = column.a if p.part == "a" else column.number
    assert value is not None
    return value


def perturbed_columns(columns: Columns, perturbed: Sequence[Perturbed], seed: int) -> Columns:
    """The cohort's columns with the values one run draws from ``seed``."""
    draws = Draws(columns, perturbed)
    return _with_values(columns, columns.indicators, perturbed, draws.split(draws.draw(seed)[None, :]))


def _with_values(columns: Columns, indicators: dict[str, IndicatorColumn], perturbed: Sequence[Perturbed],
                 values: list[Array]) -> Columns:
    """``columns`` with ``indicators``, each perturbed indicator's part replaced by its drawn ``values``."""
    found = dict(indicators)
    for p, num in zip(perturbed, values):
        column = found[p.name]
        moved = fp.Q(num, _part(column, p).den, int(np.abs(num).max(initial=0)))
        found[p.name] = attrs.evolve(column, a=moved) if p.part == "a" else attrs.evolve(column, number=moved)
    return attrs.evolve(columns, indicators=found)


def stacked_columns(columns: Columns, perturbed: Sequence[Perturbed], draws: Draws, seeds: Sequence[int],
                    districts: Array, distinct_parents: bool) -> Columns:
    """The runs of ``seeds`` as one cohort, run after run, each run's units in districts of their own
    (``districts``: every row's; with ``distinct_parents``, each run's parents named apart too)."""
    runs = len(seeds)
    tiled = {name: IndicatorColumn(column.kind, np.tile(column.missing, runs), np.tile(column.lacks_evidence, runs),
                                   _tiled(column.number, columns.rows, runs), _tiled(column.a, columns.rows, runs),
                                   _tiled(column.b, columns.rows, runs),
                                   None if column.truth is None else np.tile(column.truth, runs),
                                   None if column.category is None else np.tile(column.category, runs))
             for name, column in columns.indicators.items()}
    values = draws.split(np.stack([draws.draw(seed) for seed in seeds]))
    parents: list[str | None] = ([f"{run} {parent}" for run in range(runs) for parent in columns.parents]
                                 if distinct_parents else columns.parents * runs)
    return _with_values(Columns(columns.rows * runs, parents, {}, districts), tiled, perturbed, values)


def _tiled(value: fp.Q | None, rows: int, runs: int) -> fp.Q | None:
    if value is None:
        return None
    return fp.Q(np.tile(np.broadcast_to(np.asarray(value.num), (rows,)), runs), value.den, value.bound)


# ---------------------------------------------------------------- a cohort whose runs draw data too
class DataCohortModel(CohortModel):
    """A ``CohortModel`` whose parameter rows end with one more column, the seed of the run's data draw
    (``PUBLISHED``: the data as published); Saltelli's design then treats the data as one group of factors."""

    def __init__(self, plan: TierPlan, scores: CohortScores, members: list[Assessment], columns: Columns,
                 vary: Vary, header: m.Header, perturbed: Sequence[Perturbed]):
        super().__init__(plan, scores, members, columns.districts, vary, header)
        self.columns, self.header, self.perturbed = columns, header, tuple(perturbed)
        self.draws = Draws(columns, perturbed)
        self.data_column = super().parameter_count()
        self.groups = [*self.groups, ("values", [self.data_column])]
        # runs are scored together as one cohort unless a unit is normalised against the whole cohort; normalised
        # within its district, each run's parents are named apart
        normalised = [r for node in self.tier.walk() for r in _rules(node.rule) if isinstance(r, m.NormalisedRule)]
        self.stackable = all(r.within == "district" for r in normalised)
        self.parents_apart = bool(normalised)

    def factor_range(self, criterion: int) -> tuple[int, int]:
        if criterion == self.data_column:
            return 0, SEEDS - 1
        return super().factor_range(criterion)

    def sample(self, rng: np.random.Generator, runs: int) -> Array:
        seeds = rng.integers(0, SEEDS, size=runs, dtype=np.int64)
        return np.column_stack([super().sample(rng, runs), seeds])

    def published_parameters(self) -> Array:
        return np.column_stack([super().published_parameters(), [PUBLISHED]])

    def evaluate(self, parameters: Array) -> tuple[dict[str, Array], Array | None]:
        """Each run's levels and ranks: its data drawn and scored by the batch engine, then its ruleset applied;
        runs that leave the ruleset as published are read from the scores, many runs scored at once."""
        runs = len(parameters)
        levels = {s.name: np.empty((runs, self.rows), dtype=np.int8) for s in self.scale_levels}
        ranks = np.empty((runs, self.rows), dtype=self.grouping.rank_dtype) if self.ranking is not None else None
        published = (parameters[:, :self.data_column] == super().published_parameters()[0]).all(axis=1)
        seeds = parameters[:, self.data_column]
        chunk = max(1, STACKED_ROWS // self.rows) if self.stackable else 1
        at = np.flatnonzero(published)
        for start in range(0, len(at), chunk):
            rows = at[start:start + chunk]
            found, ranked = self._published_rules(seeds[rows].tolist())
            _fill(levels, ranks, rows, found, ranked)
        for row in np.flatnonzero(~published).tolist():
            scores = self.scores if seeds[row] == PUBLISHED else self._rescored(self.columns_of([int(seeds[row])]))
            model = CohortModel(self.plan, scores, self.members, self.districts, self.vary, self.header)
            _fill(levels, ranks, [row], *model.evaluate(parameters[[row], :self.data_column]))
        return levels, ranks

    def blocks(self, parameters: Array) -> Iterator[tuple[int, dict[str, Array], Array | None]]:
        """The runs scored by ``evaluate`` (each run's data drawn first), as one block (see ``CohortModel.blocks``)."""
        levels, ranks = self.evaluate(parameters)
        yield 0, levels, ranks

    def _published_rules(self, seeds: list[int]) -> tuple[dict[str, Array], Array | None]:
        """The published ruleset's levels and ranks on the data of each of ``seeds`` (runs × units)."""
        columns = self.columns_of(seeds)
        scores = self.scores if seeds == [PUBLISHED] else self._rescored(columns)
        found = {s.name: scores.levels[s.name].reshape(len(seeds), self.rows) for s in self.scale_levels}
        if self.ranking is None:
            return found, None
        # each run's units rank among themselves: their districts are the run's own (see ``columns_of``)
        ranked = self.plan.rank(attrs.evolve(self.ranking, within="district"), scores, columns)
        return found, ranked.reshape(len(seeds), self.rows)

    def columns_of(self, seeds: list[int]) -> Columns:
        """The data of the runs of ``seeds`` (PUBLISHED: as published) as one cohort, each run's units in
        groups of their own for the ranking and for normalising within the district."""
        within = self.ranking is not None and self.ranking.within == "district"
        groups = int(self.columns.districts.max(initial=0)) + 1
        own = np.asarray(self.columns.districts) if within else np.zeros(self.rows, dtype=np.int64)
        districts = np.concatenate([own + run * groups for run in range(len(seeds))])
        return stacked_columns(self.columns, self.perturbed, self.draws, seeds, districts,
                               self.parents_apart and len(seeds) > 1)

    def _rescored(self, columns: Columns) -> CohortScores:
        try:
            return self.plan.run(columns)
        except Fallback as reason:
            raise UsageError(f"tier '{self.tier.id}': the perturbed values cannot be scored exactly ({reason})") from None


def _fill(levels: dict[str, Array], ranks: Array | None, rows: Any, found: dict[str, Array], ranked: Array | None) -> None:
    for name, reached in found.items():
        levels[name][rows] = reached
    if ranks is not None and ranked is not None:
        ranks[rows] = ranked


def _rules(rule: m.Rule | None) -> list[m.Rule]:
    if isinstance(rule, m.BestOfRule):
        return [r for alternative in rule.alternatives for r in _rules(alternative)]
    return [] if rule is None else [rule]


# ---------------------------------------------------------------- the analysis
def run(checked: CheckedRuleset, units: Iterable[Assessment], *, runs: int = 1000, vary: Vary | None = None,
        seed: int | None = None, tiers: Sequence[str] | None = None, indices: int = 0,
        any_year: bool = False) -> Sensitivity:
    """``cq.sensitivity``: ``sensitivity.run``, and when ``vary.values`` declares measurement errors, the data
    perturbed within them in every run too (and the maxima and cut-offs as ``vary`` says); the same figures,
    reproducible with ``seed``."""
    vary = vary or Vary()
    if not vary.values:
        return sensitivity.run(checked, units, runs=runs, vary=vary, seed=seed, tiers=tiers, indices=indices,
                               any_year=any_year)
    if runs < 1:
        raise UsageError("runs must be at least 1")
    check_vary(vary)
    check_targets(checked.ruleset, vary.values)
    rng = np.random.default_rng(seed)
    found = [analyse_cohort(model, key, runs, rng, indices)
             for key, model in data_models(checked, units, vary, tiers, any_year)]
    return Sensitivity(checked.ruleset.id, runs, seed, vary, tuple(found))


def data_models(checked: CheckedRuleset, units: Iterable[Assessment], vary: Vary, tiers: Sequence[str] | None = None,
                any_year: bool = False) -> list[tuple[tuple[str, int, str], DataCohortModel]]:
    """Each cohort scored once by the batch engine, with how far each unit's values may move."""
    header = checked.ruleset.header
    found = []
    for key, members in sorted(checked_cohorts(checked.ruleset, units, any_year).items()):
        if tiers is not None and key[0] not in tiers:
            continue
        members = sorted(members, key=lambda a: a.code)
        plan, columns, scores = batch_scored(checked, key[0], members)
        limits = direct_limits(plan.tier)
        perturbed = [perturbation(plan.indicators[name], columns.indicators[name], error, limits)
                     for name, error in indicator_errors(plan.tier, vary.values).items()]
        found.append((key, DataCohortModel(plan, scores, members, columns, vary, header, perturbed)))
    return found
