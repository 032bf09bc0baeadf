"""How robust each unit's level and rank is: Monte-Carlo uncertainty analysis and variance-based sensitivity
indices, following the JRC/OECD Handbook on Constructing Composite Indicators (2008, ch. 1.7 and 7) and COINr.

A **run** perturbs the ruleset and re-scores the cohort:

- criteria maxima: each criterion's maximum is multiplied by a factor drawn uniformly in 1 ± ``spread`` (or
  in a range declared per top-level group); every point value inside the criterion (bands, categories, yes,
  per item, a ratio's maximum) scales by the same factor, groups' maxima become the sums of their children's,
  and the tier total is renormalised to its published maximum (so percentage cut-offs keep their meaning) or
  not, as chosen;
- level cut-offs: each cut-off moves by a uniform amount in ± ``cutoff_points`` (percentage points for a
  percentage cut-off).

Factors are multiples of 1/10,000 and cut-off moves multiples of 0.01, so every run is scored **exactly**
(integers throughout, each criterion rounded as the ruleset declares), never with floats: a level or rank
decision on a cut-off or a tie is the one a re-scoring of the perturbed ruleset gives
(``tests/test_sensitivity.py`` re-scores perturbed rulesets with the scalar engine and compares).

**Uncertainty** (per unit, over the runs): the probability of keeping the published level, the distribution
of levels, the median rank and the 5–95 % rank interval; per cohort, the mean absolute rank shift and the
units most at risk. **Sensitivity** (which varied input drives that uncertainty): first-order and
total-effect indices of the mean absolute rank shift per group of varied parameters (the maxima of each
top-level group of criteria, the cut-offs), estimated from Saltelli's sampling design with Jansen's
estimators (Saltelli et al. 2010), with bootstrap confidence intervals, as COINr's ``get_sensitivity``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from cqdt_rules.engine import fixedpoint as fp
from cqdt_rules.engine.batch import CohortScores, TierPlan, columns_from_assessments
from cqdt_rules.engine.evaluator import checked_cohorts
from cqdt_rules.engine.loading import CheckedRuleset
from cqdt_rules.errors import UsageError
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import translate
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment
from cqdt_rules.tables import csv_writer, render_table

FACTOR_STEP = 10_000  # a factor is k / 10,000
CUT_STEP = 100  # a cut-off moves by j / 100 points
TABLE_SHARE = 0.5  # a criterion with at most this share of distinct values per unit is scored as a table per run
COMBINATIONS_SHARE = 0.25  # tables of one group are added up per combination while combinations stay below this share
CHUNK_ELEMENTS = 65_536  # runs × units at once: arrays small enough to stay in the allocator's heap (larger ones are fresh pages each time, several times slower), and bounded memory
Array = Any


@attrs.frozen
class ValueSpread:
    """A measurement error of indicator values (``analysis.data_uncertainty``): each value moves uniformly within
    ± ``amount``, a share of the value when ``relative`` (0.1: ±10 %), else in the indicator's own unit
    (percentage points for a percentage). ``target``: an indicator, or a criterion or group (every number it
    reads), or None for every numeric indicator."""

    amount: Decimal
    relative: bool = True
    target: str | None = None


@attrs.frozen
class Vary:
    """What a run perturbs. ``spread``: ± share of each criterion's maximum (None: maxima fixed);
    ``groups``: a declared factor range per top-level group instead; ``cutoff_points``: ± points each cut-off
    moves (None: fixed); ``renormalise``: rescale the perturbed total to the published maximum; ``values``: the
    measurement errors of the data (none: the data as published)."""

    spread: Decimal | None = Decimal("0.2")
    cutoff_points: Decimal | None = None
    renormalise: bool = True
    groups: tuple[tuple[str, Decimal, Decimal], ...] = ()
    values: tuple[ValueSpread, ...] = ()


MAX_FACTOR = Decimal(2)
"""The largest factor a maximum may be multiplied by: the integer columns' bounds are worked out for it."""


def check_vary(vary: Vary) -> None:
    """UsageError for perturbations outside what the analysis computes exactly (factors in (0, 2])."""
    if vary.spread is not None and not 0 <= vary.spread < 1:
        raise UsageError(f"the spread must be at least 0 and below 100% ({vary.spread})")
    if vary.cutoff_points is not None and vary.cutoff_points < 0:
        raise UsageError(f"cut-offs move by a number of points ≥ 0 ({vary.cutoff_points})")
    for group, low, high in vary.groups:
        if not 0 < low <= high <= MAX_FACTOR:
            raise UsageError(f"group '{group}': the factors need 0 < LOW ≤ HIGH ≤ {MAX_FACTOR} ({low}..{high})")
    for error in vary.values:
        if not error.amount.is_finite() or error.amount < 0 or (error.relative and error.amount > 1):
            shown = f"{(error.amount * 100).normalize():f}%" if error.relative else str(error.amount)
            raise UsageError(f"an error of values must be at least 0 (at most 100% of the value) ({shown})")


@attrs.frozen
class UnitStability:
    code: str
    name: str
    parent: str | None
    level: str  # the published level's label
    keeps_level: float  # share of runs in which the unit keeps its published level
    levels: tuple[tuple[str, float], ...]  # every level reached, with its share of runs
    rank: int  # published
    median_rank: float
    rank_low: int  # 5th percentile
    rank_high: int  # 95th percentile
    mean_shift: float  # mean |rank − published rank|


@attrs.frozen
class Index:
    """First-order (S) and total-effect (ST) index of one group of parameters on one output (``rank shift``: the
    mean absolute rank shift; ``level changes``: the share of units not at their published level), with 95 %
    bootstrap intervals."""

    output: str
    group: str
    first: float
    first_interval: tuple[float, float]
    total: float
    total_interval: tuple[float, float]


@attrs.frozen
class TierSensitivity:
    tier: str
    title: str
    year: int
    source: str
    scale: str | None
    ranking: str
    runs: int
    units: tuple[UnitStability, ...]
    mean_shift: float
    indices: tuple[Index, ...] = ()
    notes: tuple[str, ...] = ()  # what the analysis left out, and why
    title_en: str | None = None

    def unstable_count(self, threshold: float) -> int:
        """Units that change level in more than ``threshold`` of the runs."""
        return sum(1 for u in self.units if 1 - u.keeps_level > threshold)

    def most_at_risk(self, count: int) -> list[UnitStability]:
        """The units least likely to keep their level, then those whose rank moves most."""
        return sorted(self.units, key=lambda u: (u.keeps_level, -(u.rank_high - u.rank_low), -u.mean_shift, u.code))[:count]


@attrs.frozen
class Sensitivity:
    ruleset: str
    runs: int
    seed: int | None
    vary: Vary
    tiers: tuple[TierSensitivity, ...]

    def to_dict(self) -> dict[str, Any]:
        vary = {"spread": _text(self.vary.spread), "cutoff_points": _text(self.vary.cutoff_points),
                "renormalise": self.vary.renormalise,
                "groups": [{"group": g, "low": str(lo), "high": str(hi)} for g, lo, hi in self.vary.groups],
                "values": [{"target": e.target, "amount": str(e.amount), "relative": e.relative} for e in self.vary.values]}
        return {"ruleset": self.ruleset, "runs": self.runs, "seed": self.seed, "vary": vary,
                "tiers": [attrs.asdict(t, recurse=True) for t in self.tiers]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_csv(self) -> str:
        import io

        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(["tier", "year", "source", "code", "name", "parent", "level", "keeps_level", "levels",
                         "rank", "median_rank", "rank_p05", "rank_p95", "mean_rank_shift"])
        for tier in self.tiers:
            for u in tier.units:
                writer.writerow([tier.tier, tier.year, tier.source, u.code, u.name, u.parent or "", u.level,
                                 f"{u.keeps_level:.4f}", "; ".join(f"{label}: {share:.4f}" for label, share in u.levels),
                                 u.rank, f"{u.median_rank:g}", u.rank_low, u.rank_high, f"{u.mean_shift:.4f}"])
        return buffer.getvalue()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------- the perturbed model of one cohort
class _Criterion:
    """A criterion's exact points before rounding, clamped to 0..max, as num/den per unit."""

    def __init__(self, node: m.Node, rounding: m.Rounding, raw: fp.Q, rows: int):
        self.node = node
        self.digits, self.mode = rounding.digits, rounding.mode
        maximum = fp.const(node.max)
        clamped = fp.minimum(fp.maximum(raw, fp.const(0)), maximum)
        clamped = fp.broadcast(clamped, rows)
        self.num = np.asarray(clamped.num)
        self.den = clamped.den
        if self.num.dtype == object or (not clamped.fixed and np.asarray(self.den).dtype == object):
            raise UsageError(f"{node.id}: values too large for the sensitivity analysis")
        self.values: Array | None = None  # the distinct numerators, when a table per run is worth it
        self.value_den: Array | int = self.den  # their denominators: one for all, or one per value
        self.index: Array = None  # with values: each unit's index into them
        den = np.broadcast_to(np.asarray(self.den), (rows,))
        if clamped.fixed:  # a few distinct values (yes, category, bands): a table per run, then a lookup
            self.values, self.index = np.unique(self.num, return_inverse=True)
        else:  # ratios: units share values too (small counts over small counts); a lookup beats a division
            pairs, index = np.unique(np.stack([self.num, den]), axis=1, return_inverse=True)
            if pairs.shape[1] <= rows * TABLE_SHARE:
                self.values, self.value_den, self.index = pairs[0], pairs[1], index.reshape(-1)
        self.folded = (self.num * 2 * 10**self.digits, den * FACTOR_STEP, den * 2 * FACTOR_STEP)
        bound = clamped.bound * 2 * FACTOR_STEP * 2 * 10**self.digits + int(np.max(self.den)) * FACTOR_STEP * 2
        if bound > fp.INT64_MAX:
            raise UsageError(f"{node.id}: values too large for the sensitivity analysis")


class CohortModel:
    """One cohort of one tier, ready to be re-scored under any number of perturbations at once."""

    def __init__(self, plan: TierPlan, scores: CohortScores, members: list[Assessment], districts: Array,
                 vary: Vary, header: m.Header):
        self.plan, self.scores, self.members = plan, scores, members
        self.tier = plan.tier
        self.vary = vary
        self.rows = scores.rows
        self.districts = districts
        tier = self.tier
        if any(n.capped for n in tier.walk() if n.rule is None) and vary.spread is not None:
            raise UsageError(f"tier '{tier.id}' has a capped group: its cap under perturbed maxima is not defined")
        self.criteria: list[_Criterion] = []
        for node in tier.walk():
            if node.rule is not None and node.max > 0:
                raw = scores.nodes[node.id].raw
                raw = raw if isinstance(raw, fp.Q) else raw()
                self.criteria.append(_Criterion(node, node.rounding or header.rounding or m.Rounding(3), raw, self.rows))
        self.column = {c.node.id: i for i, c in enumerate(self.criteria)}
        digits = [c.digits for c in self.criteria] + [_decimals(n.max) for n in tier.walk()]
        digits += [(n.rounding or header.rounding or m.Rounding(0)).digits for n in tier.walk()]
        self.total_rounding = plan.total_rounding or m.Rounding(0)
        digits.append(self.total_rounding.digits)
        self.scale: int = 10 ** (max(digits) + 4)  # every perturbed value is an integer at this scale
        self.group_rounding = {n.id: n.rounding or header.rounding for n in tier.walk() if n.rule is None}
        self.notes: list[str] = []
        self.scale_levels = []
        for scale in tier.levels:
            if self._supported(scale.on) and all(self._supported(r.ref) for lv in scale.levels for r in lv.requires):
                self.scale_levels.append(scale)
            else:
                self.notes.append(f"level scale '{scale.name}' reads an output or a share: not analysed")
        self.ranking = tier.rankings[0] if tier.rankings else None
        if self.ranking is not None and not all(self._supported(r) for r in [self.ranking.by, *[t.ref for t in self.ranking.tiebreaks]]):
            self.notes.append(f"ranking '{self.ranking.name}' ranks by an output or a share: not analysed")
            self.ranking = None
        self.groups = self._parameter_groups()
        within = self.ranking is not None and self.ranking.within == "district"
        self.grouping = Grouping(self.districts if within else np.zeros(self.rows, dtype=np.int64))
        self.patterns = self._patterns()
        self.cutoffs = [(s.name, i) for s in self.scale_levels for i in range(len(s.levels))]

    def _unit(self, ref: m.ValueRef) -> int:
        """What one integer of a reference's perturbed value is worth: 1/scale, or an output's own 1/10**digits."""
        if isinstance(ref, m.OutputRef):
            found = _total_output(self.tier, ref.name)
            assert found is not None and found[1] is not None
            return int(10 ** found[1].digits)
        return int(self.scale)

    def _supported(self, ref: m.ValueRef | m.Expr) -> bool:
        if isinstance(ref, m.OutputRef):
            return _total_output(self.tier, ref.name) is not None
        return isinstance(ref, (m.TotalRef, m.PointsRef))

    def _patterns(self) -> dict[str, tuple[list[_Criterion], Array, Array]]:
        """For each group with several table children: those children (fewest values first, while their
        combinations stay few), the combinations of their values the units have (one row each), and each unit's
        combination. A run then adds up the children's tables once per combination and looks each unit up once,
        instead of once per child."""
        read = {r.node_id for r in self._references() if isinstance(r, m.PointsRef)}
        found = {}
        for node in self.tier.walk():
            children = [self.criteria[self.column[c.id]] for c in node.children if c.id in self.column]
            tables = sorted((c for c in children if c.values is not None and c.node.id not in read),
                            key=lambda c: len(c.values) if c.values is not None else 0)
            if node.rule is not None or len(tables) < 2:
                continue
            rows, which = np.unique(tables[0].index[:, None], axis=0, return_inverse=True)
            taken = tables[:1]
            for child in tables[1:]:
                combined = np.stack([*[c.index for c in taken], child.index], axis=1)
                more_rows, more_which = np.unique(combined, axis=0, return_inverse=True)
                if len(more_rows) > self.rows * COMBINATIONS_SHARE:
                    break
                rows, which, taken = more_rows, more_which, [*taken, child]
            if len(taken) >= 2:
                found[node.id] = (taken, rows, which.reshape(-1))
        return found

    def _references(self) -> list[m.ValueRef | m.Expr]:
        """Every value the analysed level scales and ranking read."""
        refs: list[m.ValueRef | m.Expr] = []
        for scale in self.scale_levels:
            refs += [scale.on] + [r.ref for lv in scale.levels for r in lv.requires]
        if self.ranking is not None:
            refs += [self.ranking.by] + [t.ref for t in self.ranking.tiebreaks]
        return refs

    # ------------------------------------------------------------ parameters
    def _parameter_groups(self) -> list[tuple[str, list[int]]]:
        """Groups of parameters for the sensitivity indices: the maxima of each top-level node's criteria."""
        groups = []
        for top in self.tier.nodes:
            members = [self.column[n.id] for n in top.walk() if n.id in self.column]
            if members:
                groups.append((top.id, members))
        return groups

    def parameter_count(self) -> int:
        return len(self.criteria) + len(self.cutoffs)

    def factor_range(self, criterion: int) -> tuple[int, int]:
        top = next(g for g, members in self.groups if criterion in members)
        for group, low, high in self.vary.groups:
            if group == top:
                return int(low * FACTOR_STEP), int(high * FACTOR_STEP)
        if self.vary.spread is None:
            return FACTOR_STEP, FACTOR_STEP
        spread = int(self.vary.spread * FACTOR_STEP)
        return FACTOR_STEP - spread, FACTOR_STEP + spread

    def sample(self, rng: np.random.Generator, runs: int) -> Array:
        """``runs`` random parameter rows: a factor numerator per criterion, then a cut-off move per level."""
        columns = []
        for i in range(len(self.criteria)):
            low, high = self.factor_range(i)
            columns.append(rng.integers(low, high + 1, size=runs))
        move = int((self.vary.cutoff_points or 0) * CUT_STEP)
        for _ in self.cutoffs:
            columns.append(rng.integers(-move, move + 1, size=runs) if move else np.zeros(runs, dtype=np.int64))
        return np.stack(columns, axis=1).astype(np.int64) if columns else np.zeros((runs, 0), dtype=np.int64)

    def published_parameters(self) -> Array:
        return np.array([[FACTOR_STEP] * len(self.criteria) + [0] * len(self.cutoffs)], dtype=np.int64)

    # ------------------------------------------------------------ scoring under perturbation
    def evaluate(self, parameters: Array) -> tuple[dict[str, Array], Array | None]:
        """For each parameter row (a run): every supported level scale (index, -1 below) and the ranks, runs × units."""
        runs = len(parameters)
        levels = {s.name: np.empty((runs, self.rows), dtype=np.int8) for s in self.scale_levels}
        ranks = np.empty((runs, self.rows), dtype=self.grouping.rank_dtype) if self.ranking is not None else None
        chunk = max(1, CHUNK_ELEMENTS // max(1, self.rows))
        for start in range(0, runs, chunk):
            block = parameters[start:start + chunk]
            points, maxima = self._points(block)
            total = self._total(points, maxima)
            for scale in self.scale_levels:
                levels[scale.name][start:start + chunk] = self._classify(scale, block, points, maxima, total)
            if ranks is not None:
                ranks[start:start + chunk] = self._rank(points, maxima, total)
        return levels, ranks

    def _points(self, block: Array) -> tuple[dict[str, Array], dict[str, Array]]:
        """Every node's perturbed points (runs × units) and perturbed maximum (runs), integers at ``scale``."""
        points: dict[str, Array] = {}
        maxima: dict[str, Array] = {}
        tables: dict[str, Array] = {}  # children looked up by their group's combinations
        in_pattern = {c.node.id for children, _, _ in self.patterns.values() for c in children}
        for i, c in enumerate(self.criteria):
            k = block[:, i]
            lift = self.scale // 10**c.digits
            maximum = _scaled(c.node.max, self.scale) * k // FACTOR_STEP  # exact: the scale has 4 spare digits
            # points above the perturbed maximum take the ceiling: the rounded maximum when that is not above
            # it (and then no point value can exceed it), else the maximum itself; so a minimum says it all
            if c.values is not None:  # a few distinct values: rounded and limited per run, then looked up
                table = _round_ratio(c.values[None, :] * k[:, None], c.value_den * FACTOR_STEP, c.digits, c.mode) * lift
                table = np.minimum(table, maximum[:, None])
                if c.node.id in in_pattern:
                    tables[c.node.id] = table
                else:
                    points[c.node.id] = np.take(table, c.index, axis=1)
            else:
                if c.mode == "half_up":  # the usual case, constants folded: (2·num·k·10^d + den·10^4) // (2·den·10^4)
                    twice, half, whole = c.folded
                    value = twice[None, :] * k[:, None]
                    value += half[None, :]
                    value //= whole[None, :]
                    value *= lift
                else:
                    value = _round_ratio(c.num[None, :] * k[:, None], np.asarray(c.den)[None, :] * FACTOR_STEP,
                                         c.digits, c.mode) * lift
                points[c.node.id] = np.minimum(value, maximum[:, None], out=value)
            maxima[c.node.id] = maximum
        zero_rows = np.zeros((len(block), self.rows), dtype=np.int64)
        for node in _children_first(self.tier.nodes):
            if node.rule is not None:
                if node.id not in points and node.id not in tables:  # max 0 (informational)
                    points[node.id], maxima[node.id] = zero_rows, np.zeros(len(block), dtype=np.int64)
                continue
            total, which = None, None
            if node.id in self.patterns:  # the table children: summed per combination, one lookup per unit
                children, rows, which = self.patterns[node.id]
                total = sum(tables[c.node.id][:, rows[:, j]] for j, c in enumerate(children))
                if any(child.id in points for child in node.children):
                    total, which = np.take(total, which, axis=1), None
            summed = [points[child.id] for child in node.children if child.id in points]
            if total is None:
                total = _added(summed)
            else:
                for more in summed:
                    total += more
            assert total is not None
            maximum = sum((maxima[c.id] for c in node.children), np.zeros(len(block), dtype=np.int64))
            rounding = self.group_rounding[node.id]
            if rounding is not None:
                lift = self.scale // 10**rounding.digits
                rounded_max = _round_scaled(maximum, lift, rounding.mode)
                total = _round_scaled_in_place(total, lift, rounding.mode)
                _cap(total, rounded_max, maximum)
            if which is not None:  # every child is in the combinations: the group rounded per combination, then looked up
                total = np.take(total, which, axis=1)
            points[node.id], maxima[node.id] = total, maximum
        maxima["__total__"] = sum((maxima[n.id] for n in self.tier.nodes), np.zeros(len(block), dtype=np.int64))
        return points, maxima

    def _total(self, points: dict[str, Array], maxima: dict[str, Array]) -> Array:
        """The published total at ``scale``: rounded as declared; renormalised to the published maximum if asked."""
        summed = _added([points[n.id] for n in self.tier.nodes])
        lift = self.scale // 10**self.total_rounding.digits
        mode = self.total_rounding.mode
        if self.vary.renormalise:  # round(summed × max / perturbed max) in units of the total's rounding
            num, den = fp.fraction(self.tier.max)
            factor = num * 10**self.total_rounding.digits
            _fits(int(summed.max(initial=0)) * factor * 2 + int(maxima["__total__"].max(initial=0)) * den * 2, self.tier.id)
            summed *= factor
            total = _round_per_run(summed, maxima["__total__"] * den, mode)
            total *= lift
            published = _scaled(self.tier.max, self.scale)
            if published % lift:  # else summed ≤ its maximum keeps the rounded total ≤ the published maximum
                np.minimum(total, published, out=total)
            return total
        total = _round_scaled_in_place(summed, lift, mode)
        _cap(total, _round_scaled(maxima["__total__"], lift, mode), maxima["__total__"])
        return total

    def _value(self, ref: m.ValueRef | m.Expr, points: dict[str, Array], maxima: dict[str, Array],
               total: Array) -> tuple[Array, Array]:
        """A reference's perturbed value and the maximum its percentages are taken of (runs)."""
        if isinstance(ref, m.TotalRef):
            if self.vary.renormalise:
                return total, np.full(len(total), _scaled(self.tier.max, self.scale))
            return total, maxima["__total__"]
        if isinstance(ref, m.OutputRef):  # total / divisor, rounded as declared; "80%" of it means 0.8
            found = _total_output(self.tier, ref.name)
            assert found is not None
            divisor, rounding = found
            num, den = fp.fraction(divisor)
            if rounding is None:
                raise UsageError(f"output '{ref.name}' declares no rounding: the sensitivity analysis needs one")
            step = 10**rounding.digits  # the output's own fixed point: "80%" of it means 0.8
            value = _round_ratio(total * den, num * self.scale, rounding.digits, rounding.mode)
            return value, np.full(len(total), step)
        assert isinstance(ref, m.PointsRef)
        return points[ref.node_id], maxima[ref.node_id]

    def _meets(self, value: Array, maximum: Array, threshold: m.Threshold, move: Array, unit: int) -> Array:
        """value (an integer count of 1/unit) ≥ the cut-off moved by ``move`` hundredths."""
        cut = int(threshold.value * CUT_STEP) + move  # hundredths of a point (or of a percentage point)
        # compared with the least integer value that reaches the cut-off in each run: one comparison per unit
        if threshold.percent:  # value / maximum ≥ cut / (100 × CUT_STEP)
            least = -(-(cut * maximum) // (100 * CUT_STEP))
        else:
            least = -(-(cut * unit) // CUT_STEP)
        return value >= least[:, None]

    def _classify(self, scale: m.LevelScale, block: Array, points: dict[str, Array], maxima: dict[str, Array],
                  total: Array) -> Array:
        value, maximum = self._value(scale.on, points, maxima, total)
        reached = np.full(value.shape, -1, dtype=np.int8)
        for index, level in reversed(list(enumerate(scale.levels))):  # the first level met wins: written last
            column = len(self.criteria) + self.cutoffs.index((scale.name, index))
            met = self._meets(value, maximum, level.threshold, block[:, column], self._unit(scale.on))
            for requirement in level.requires:
                required, required_max = self._value(requirement.ref, points, maxima, total)
                met &= self._meets(required, required_max, requirement.threshold, np.zeros(len(block), dtype=np.int64),
                                   self._unit(requirement.ref))
            np.putmask(reached, met, index)
        return reached

    def _rank(self, points: dict[str, Array], maxima: dict[str, Array], total: Array) -> Array:
        assert self.ranking is not None
        ranking = self.ranking
        parts = []
        for ref, direction in [(ranking.by, ranking.direction)] + [(t.ref, t.direction) for t in ranking.tiebreaks]:
            value, _ = self._value(ref, points, maxima, total)
            parts.append(-value if direction == "descending" else value)
        return _row_ranks(self.grouping, parts, ranking.ties == "dense")


def _fits(bound: int, tier: str) -> None:
    if bound > fp.INT64_MAX:
        raise UsageError(f"tier '{tier}': values too large for the sensitivity analysis's 64-bit integers")


def _total_output(tier: m.Tier, name: str) -> tuple[Decimal, m.Rounding | None] | None:
    """For an output that is the total divided (or multiplied) by a number, such as the DTI (total / 1000
    round 4): the divisor and the rounding; None for any other output."""
    output = next(o for o in tier.outputs if o.name == name)
    expr = output.expr
    if isinstance(expr, m.TotalRef):
        return Decimal(1), output.rounding
    if isinstance(expr, m.Binary) and isinstance(expr.left, m.TotalRef) and isinstance(expr.right, m.Number) \
            and expr.right.value != 0 and expr.op in ("/", "*"):
        return (expr.right.value if expr.op == "/" else 1 / expr.right.value), output.rounding
    return None


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def _scaled(value: Decimal, scale: int) -> int:
    num, den = fp.fraction(value)
    return num * scale // den


def _children_first(nodes: Iterable[m.Node]) -> list[m.Node]:
    return [n for node in nodes for n in (*_children_first(node.children), node)]


def _round_scaled(values: Array, lift: int, mode: str) -> Array:
    """Non-negative integers rounded to a multiple of ``lift`` as Decimal.quantize rounds."""
    return _round_ratio(values, lift, 0, mode) * lift


def _round_scaled_in_place(values: Array, lift: int, mode: str) -> Array:
    """``_round_scaled`` writing into ``values`` (an array of this run's own): half up to an even ``lift``, the
    usual case, is ⌊(v + lift/2) / lift⌋ × lift, three passes and no new array."""
    if mode != "half_up" or lift % 2:
        values[...] = _round_scaled(values, lift, mode)
        return values
    values += lift // 2
    values //= lift
    values *= lift
    return values


def _round_ratio(num: Array, den: Array | int, digits: int, mode: str) -> Array:
    """round(num / den) to ``digits`` decimals, as an integer count of 10**-digits; num ≥ 0, den > 0."""
    num = num * 10**digits if digits else num
    if mode == "half_up":
        return (num * 2 + den) // (den * 2)
    if mode == "down":
        return num // den
    if mode == "up":
        return (num + den - 1) // den
    quotient = num // den
    twice = (num - quotient * den) * 2
    return quotient + ((twice > den) | ((twice == den) & (quotient % 2 == 1)))


def _cap(rounded: Array, rounded_max: Array, maximum: Array) -> None:
    """Limit a rounded sum (runs × units) to the ceiling of its rounded maximum (runs): the rounded maximum, or
    the maximum itself where that rounded up. The sum never exceeds its maximum and rounding is monotone, so only
    runs whose maximum rounded up can pass the ceiling: other runs are left alone (no pass over their units)."""
    rounded_up = rounded_max > maximum
    if len(rounded) > 8:  # many runs at once: one pass
        ceiling: Array = np.where(rounded_up, maximum, rounded_max)
        np.minimum(rounded, ceiling[:, None], out=rounded)
        return
    for run in np.flatnonzero(rounded_up).tolist():
        np.minimum(rounded[run], maximum[run], out=rounded[run])


def _added(arrays: list[Array]) -> Array:
    """The sum of arrays of one shape, as a new array."""
    total = arrays[0] + arrays[1] if len(arrays) > 1 else arrays[0].copy()
    for more in arrays[2:]:
        total += more
    return total


def _round_per_run(num: Array, den: Array, mode: str) -> Array:
    """round(num / den) with a denominator per run (row); num ≥ 0, den > 0; ``num`` may be overwritten. With few
    runs, one division by a number per run: numpy divides by a number several times faster than by an array."""
    if len(den) > 8:
        return _round_ratio(num, den[:, None], 0, mode)
    if mode == "half_up":  # in place: (2·num + den) // (2·den), num being the caller's own array
        for run, divisor in enumerate(den.tolist()):
            row = num[run]
            row *= 2
            row += divisor
            row //= 2 * divisor
        return num
    found = np.empty_like(num)
    for run, divisor in enumerate(den.tolist()):
        found[run] = _round_ratio(num[run], divisor, 0, mode)
    return found


class Grouping:
    """The groups units are ranked within, and what ranking needs of them that is the same in every run."""

    def __init__(self, group: Array):
        self.group = np.asarray(group, dtype=np.int64)  # small integers ≥ 0
        self.rows = len(self.group)
        sizes = np.bincount(self.group, minlength=1)
        # sorted by group first, each group fills the same positions in every run: where each position's starts
        self.starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
        # a rank is at most its group's size: 16 bits halve the memory of runs × units ranks where that suffices
        self.rank_dtype = np.int16 if int(sizes.max()) < 2**15 else np.int32
        self.positions = np.arange(self.rows)
        self.index_bits = max(1, (self.rows - 1).bit_length())
        self.group_bits = int(self.group.max(initial=0)).bit_length()
        self._packed: dict[int, Array] = {}

    def packed(self, value_bits: int) -> Array:
        """Each unit's group and index, packed around ``value_bits`` for its value (see ``_sorted_runs``)."""
        if value_bits not in self._packed:
            self._packed[value_bits] = (self.group << (value_bits + self.index_bits)) | self.positions
        return self._packed[value_bits]


def _row_ranks(grouping: Grouping, parts: list[Array], dense: bool) -> Array:
    """Competition ranks (shared 1, 2, 2, 4) or dense ranks (1, 2, 2, 3) within groups, for every run (row) at
    once; ``parts``: the sort keys, runs × units, first first."""
    runs, rows = parts[0].shape
    order, new_key = _sorted_runs(grouping, parts)
    if dense:
        distinct = np.cumsum(new_key, axis=1)
        ranked = distinct - np.take(distinct, grouping.starts, axis=1) + 1
    else:
        ranked = np.where(new_key, grouping.positions, 0)
        np.maximum.accumulate(ranked, axis=1, out=ranked)
        ranked -= grouping.starts - 1
    ranks = np.empty((runs, rows), dtype=grouping.rank_dtype)
    if runs > 1:
        order += (np.arange(runs) * rows)[:, None]
    ranks.reshape(-1)[order.reshape(-1)] = ranked.reshape(-1)
    return ranks


def _sorted_runs(grouping: Grouping, parts: list[Array]) -> tuple[Array, Array]:
    """Each run's units sorted by (group, parts…), and where a new (group, key) starts in that order."""
    runs, rows = parts[0].shape
    low, high = int(parts[0].min(initial=0)), int(parts[0].max(initial=0))
    index_bits, value_bits = grouping.index_bits, (high - low).bit_length()
    new_key = np.ones((runs, rows), dtype=bool)
    if len(parts) == 1 and grouping.group_bits + value_bits + index_bits <= 62:
        # one int64 per unit, (group, value, unit) packed: a plain sort (several times faster than a stable argsort)
        # orders them, and the unit comes back from the low bits
        packed = parts[0] - low
        packed <<= index_bits
        packed += grouping.packed(value_bits)
        packed.sort(axis=1)
        order = packed & ((1 << index_bits) - 1)
        packed >>= index_bits
        np.not_equal(packed[:, 1:], packed[:, :-1], out=new_key[:, 1:])
        return order, new_key
    group = grouping.group
    order = np.empty((runs, rows), dtype=np.int64)
    for r in range(runs):
        order[r] = np.lexsort(tuple(p[r] for p in reversed(parts)) + (group,))
    sorted_group = group[order]
    np.not_equal(sorted_group[:, 1:], sorted_group[:, :-1], out=new_key[:, 1:])
    for p in parts:
        s = np.take_along_axis(p, order, axis=1)
        new_key[:, 1:] |= s[:, 1:] != s[:, :-1]
    return order, new_key


# ---------------------------------------------------------------- the analysis
def run(checked: CheckedRuleset, units: Iterable[Assessment], *, runs: int = 1000, vary: Vary | None = None,
        seed: int | None = None, tiers: Sequence[str] | None = None, indices: int = 0,
        any_year: bool = False) -> Sensitivity:
    """Perturb the ruleset ``runs`` times and report, per cohort, how stable each unit's level and rank is;
    with ``indices`` > 0, also the sensitivity indices from that many Saltelli base samples."""
    if runs < 1:
        raise UsageError("runs must be at least 1")
    vary = vary or Vary()
    check_vary(vary)
    if vary.values:  # cq.sensitivity is data_uncertainty.run, which builds on this module
        raise UsageError("perturbed values are analysed by data_uncertainty.run (cq.sensitivity)")
    rng = np.random.default_rng(seed)
    found = [analyse_cohort(model, key, runs, rng, indices)
             for key, model in cohort_models(checked, units, vary, tiers, any_year)]
    return Sensitivity(checked.ruleset.id, runs, seed, vary, tuple(found))


def cohort_models(checked: CheckedRuleset, units: Iterable[Assessment], vary: Vary,
                  tiers: Sequence[str] | None = None, any_year: bool = False) -> list[tuple[tuple[str, int, str], CohortModel]]:
    """Each cohort (tier, year, source) scored once by the batch engine and ready to be re-scored perturbed."""
    cohorts = checked_cohorts(checked.ruleset, units, any_year)
    found = []
    for key in sorted(cohorts):
        if tiers is not None and key[0] not in tiers:
            continue
        plan = TierPlan(checked.ruleset.header, checked.compiled.tiers[key[0]])
        members = sorted(cohorts[key], key=lambda a: a.code)
        columns = columns_from_assessments(plan.tier, members)
        model = CohortModel(plan, plan.run(columns), members, columns.districts, vary, checked.ruleset.header)
        found.append((key, model))
    return found


def analyse_cohort(model: CohortModel, key: tuple[str, int, str], runs: int, rng: np.random.Generator,
                 indices: int) -> TierSensitivity:
    tier, scores, members = model.tier, model.scores, model.members
    scale = model.scale_levels[0] if model.scale_levels else None
    levels, ranks = model.evaluate(model.sample(rng, runs))
    base_levels, base_ranks = model.evaluate(model.published_parameters())
    published_rank = base_ranks[0] if base_ranks is not None else np.ones(model.rows, dtype=np.int32)
    figures = _rank_figures(ranks, published_rank) if ranks is not None else None
    stability = _stability(members, scale, levels, figures, published_rank, scores)
    shift = figures.cohort_shift if figures is not None else 0.0
    found = _indices(model, rng, indices, published_rank) if indices and ranks is not None else ()
    return TierSensitivity(tier.id, tier.title, key[1], key[2], scale.name if scale else None,
                           model.ranking.name if model.ranking else "", runs, tuple(stability), shift, found,
                           tuple(model.notes), tier.title_en)


def _stability(members: list[Assessment], scale: m.LevelScale | None, levels: dict[str, Array],
               figures: _RankFigures | None, published_rank: Array,
               scores: CohortScores) -> list[UnitStability]:
    """Each unit's figures over the runs: its levels' shares, and its rank figures (``_rank_figures``)."""
    rows = len(members)
    labels = ([lv.label for lv in scale.levels] + [scale.below]) if scale is not None else []
    shares = np.zeros((len(labels), rows))  # level index (below last) × unit
    if scale is not None:
        reached = levels[scale.name]
        for index in range(len(labels)):
            shares[index] = np.count_nonzero(reached == (index if index < len(labels) - 1 else -1), axis=0) / len(reached)
    median = published_rank.astype(float)
    low, high, shift = published_rank.copy(), published_rank.copy(), np.zeros(rows)
    if figures is not None:
        median, low, high, shift = figures.median, figures.low, figures.high, figures.shift
    found = []
    published_levels = scores.levels[scale.name].tolist() if scale is not None else []
    by_unit = shares.T.tolist()  # plain lists: reading numpy scalars one by one is slow for 100,000 units
    columns = zip(published_rank.tolist(), median.tolist(), low.tolist(), high.tolist(), shift.tolist())
    for row, (assessment, (rank, middle, rank_low, rank_high, moved)) in enumerate(zip(members, columns)):
        level_label, keeps = "", 1.0
        distribution: tuple[tuple[str, float], ...] = ()
        if scale is not None:
            own = published_levels[row] if published_levels[row] >= 0 else len(labels) - 1
            distribution = tuple((label, share) for label, share in zip(labels, by_unit[row]) if share)
            level_label, keeps = labels[own], by_unit[row][own]
        found.append(UnitStability(assessment.code, assessment.name, assessment.parent, level_label, keeps,
                                   distribution, rank, middle, rank_low, rank_high, moved))
    return found


@attrs.frozen
class _RankFigures:
    """Per unit (arrays): the median rank, the 5th and 95th percentiles, the mean absolute rank shift; and the
    mean absolute rank shift over the cohort and the runs."""

    median: Array
    low: Array
    high: Array
    shift: Array
    cohort_shift: float


def _rank_figures(ranks: Array, published_rank: Array) -> _RankFigures:
    """The rank figures of every unit (as np.median, np.percentile 'nearest' and np.mean give them), from one sort
    of each unit's ranks over the runs, a block of units at a time (bounded memory). Shifts are summed as
    integers, so the means are the ones a float mean of the whole array gives."""
    runs, rows = ranks.shape
    low_at, high_at = (int(i) for i in np.percentile(np.arange(runs), [5, 95], method="nearest"))
    middle = [(runs - 1) // 2, runs // 2]  # np.median: the mean of the middle two (one if odd)
    median, shift = np.empty(rows), np.empty(rows, dtype=np.int64)
    low, high = np.empty(rows, dtype=ranks.dtype), np.empty(rows, dtype=ranks.dtype)
    block = max(1, 2_000_000 // runs)
    for start in range(0, rows, block):
        part = ranks[:, start:start + block].T.copy()  # unit × run, each unit's ranks contiguous (and ranks untouched)
        part.sort(axis=1)
        median[start:start + block] = (part[:, middle[0]].astype(float) + part[:, middle[1]]) / 2
        low[start:start + block], high[start:start + block] = part[:, low_at], part[:, high_at]
        part -= published_rank[start:start + block, None]
        shift[start:start + block] = np.abs(part, out=part).sum(axis=1, dtype=np.int64)
    return _RankFigures(median, low, high, shift / runs, float(shift.sum() / ranks.size))

def _indices(model: CohortModel, rng: np.random.Generator, base: int, published_rank: Array,
             bootstrap: int = 500) -> tuple[Index, ...]:
    """Saltelli's design (matrices A, B and A with group g's columns from B) and Jansen's estimators of the
    first-order and total-effect indices of the mean absolute rank shift, per group of parameters."""
    groups = [(name, columns) for name, columns in model.groups
              if any(model.factor_range(c)[0] != model.factor_range(c)[1] for c in columns)]
    if model.cutoffs and model.vary.cutoff_points:
        groups.append(("cut-offs", list(range(len(model.criteria), model.parameter_count()))))
    if not groups:
        return ()
    a, b = model.sample(rng, base), model.sample(rng, base)
    scale = model.scale_levels[0].name if model.scale_levels else None
    published_level = model.evaluate(model.published_parameters())[0].get(scale) if scale else None

    def outputs(parameters: Array) -> dict[str, Array]:
        levels, ranks = model.evaluate(parameters)
        assert ranks is not None
        found = {"rank shift": np.abs(ranks - published_rank[None, :]).mean(axis=1)}
        if scale is not None and published_level is not None:
            found["level changes"] = (levels[scale] != published_level).mean(axis=1)
        return found

    y_a, y_b = outputs(a), outputs(b)
    y_ab = []
    for _, columns in groups:
        mixed = a.copy()
        mixed[:, columns] = b[:, columns]
        y_ab.append(outputs(mixed))
    picks = [np.arange(base)] + [rng.integers(0, base, size=base) for _ in range(bootstrap)]
    found = []
    for output in y_a:
        # (1 + bootstrap) × groups × (S, ST)
        estimates = np.array([[_jansen(y_a[output][p], y_b[output][p], y[output][p]) for y in y_ab] for p in picks])
        for g, (name, _) in enumerate(groups):
            first, total = estimates[0, g]
            low_s, high_s = np.percentile(estimates[1:, g, 0], [2.5, 97.5])
            low_t, high_t = np.percentile(estimates[1:, g, 1], [2.5, 97.5])
            found.append(Index(output, name, float(first), (float(low_s), float(high_s)), float(total),
                               (float(low_t), float(high_t))))
    return tuple(found)


def _jansen(y_a: Array, y_b: Array, y_ab: Array) -> tuple[float, float]:
    variance = float(np.var(np.concatenate([y_a, y_b])))
    if variance == 0:
        return 0.0, 0.0
    first = (variance - float(np.mean((y_b - y_ab) ** 2)) / 2) / variance
    total = float(np.mean((y_a - y_ab) ** 2)) / 2 / variance
    return first, total


# ---------------------------------------------------------------- text
HEADER = ("Code", "Unit", "District", "Published level", "Keeps it", "Levels (share of runs)", "Rank", "Median",
          "5–95% interval")
INDICES_HEADER = ("Output", "Parameter group", "First-order S", "S interval", "Total-effect ST", "ST interval")


def tier_heading(tier: TierSensitivity, lang: str, seed: int | None = None) -> str:
    """``Tier so: Provincial departments — 2022 (audit), 1,000 perturbations, seed 7`` in ``lang``."""
    title = tier.title_en if lang == "en" and tier.title_en else tier.title
    heading = translate("Tier {tier}: {title} — {year} ({source}), {runs} perturbations", lang).format(
        tier=tier.tier, title=title, year=tier.year, source=translate(tier.source, lang),
        runs=format_number(tier.runs, lang))
    return heading if seed is None else heading + translate(", seed {seed}", lang).format(seed=seed)


def shift_text(tier: TierSensitivity, lang: str) -> str:
    """The cohort's mean rank shift and how many units change level in more than 10% of the runs."""
    shift = "Mean absolute rank shift: {shift}; {count} units change level in more than 10% of the runs."
    return translate(shift, lang).format(shift=float_text(tier.mean_shift, lang),
                                         count=format_number(tier.unstable_count(0.10), lang))


def share_text(value: float, lang: str) -> str:
    """A share of runs for people: 57,5% (vi) or 57.5% (en)."""
    return float_text(value * 100, lang, 1) + "%"


def float_text(value: float, lang: str, digits: int = 2) -> str:
    """A float of the analysis (a share, an index, a mean) for people, to ``digits`` decimals."""
    return format_number(Decimal(str(round(value, digits))), lang, digits)


def group_name(group: str, lang: str) -> str:
    """A group of parameters for people: a group's id as it is; the cut-offs and the data's values in ``lang``."""
    return translate(group, lang) if group in ("cut-offs", "values") else group


def table_text(result: Sensitivity, lang: str = "vi", top: int = 10) -> str:
    """Per tier: the units whose level is least stable, the cohort's mean rank shift, and the indices."""
    out = []
    for tier in result.tiers:
        out.append(tier_heading(tier, lang, result.seed))
        rows = [[u.code, u.name, u.parent or "", u.level, share_text(u.keeps_level, lang),
                 "; ".join(f"{label} {share_text(share, lang)}" for label, share in u.levels),
                 str(u.rank), float_text(u.median_rank, lang, 1 if u.median_rank % 1 else 0),
                 f"{u.rank_low}–{u.rank_high}"] for u in tier.most_at_risk(top)]
        out.append(render_table([translate(h, lang) for h in HEADER], rows, {4, 6, 7, 8}))
        out.append(shift_text(tier, lang))
        out += [f"({translate(note, lang)})" for note in tier.notes]
        if tier.indices:
            out.append(translate("Sensitivity indices (Saltelli–Jansen, 95% bootstrap intervals)", lang))
            rows = [[translate(i.output, lang), group_name(i.group, lang),
                     float_text(i.first, lang, 3),
                     f"{float_text(i.first_interval[0], lang, 3)} … {float_text(i.first_interval[1], lang, 3)}",
                     float_text(i.total, lang, 3),
                     f"{float_text(i.total_interval[0], lang, 3)} … {float_text(i.total_interval[1], lang, 3)}"]
                    for i in tier.indices]
            out.append(render_table([translate(h, lang) for h in INDICES_HEADER], rows, {2, 3, 4, 5}))
        out.append("")
    return "\n".join(out)
