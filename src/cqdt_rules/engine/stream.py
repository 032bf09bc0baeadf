"""Scoring data read as a stream, in little memory: the results rows of a national cohort (``cqdt score
--format csv``).

Each assessment is checked and scored as it comes. Of each unit only what its results row and the rankings
need is kept: the row's cells written out as CSV text (without its ranks), its code, its parent and its
ranking keys. Every check of ``evaluator.checked_cohorts`` is made, and the first kind of error found is
raised as that path raises it, so data are refused as the whole-cohort path refuses them. The rows come
out in the same order and byte for byte as ``Results.write_csv`` writes them. A tier whose units are scored
against their cohort (``normalised``, ``minmax``, ``zscore``, ``rank``) keeps its checked assessments until
the end and is scored as a whole, as ``evaluate`` does."""

from __future__ import annotations

import csv
import decimal
import io
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TextIO

import attrs

from cqdt_rules.engine.compiler import CompiledRuleset, CompiledTier, EvaluationError
from cqdt_rules.engine.evaluator import (
    CohortKey,
    RankKey,
    evidence_problems,
    grouped_tiers,
    rank_key,
    rank_positions,
    ranking_group,
    run_stamp,
    score_cohort,
    year_problem,
    _score_unit,
)
from cqdt_rules.engine.fit import ShapeTally, check_shape
from cqdt_rules.engine.results import RowColumns, UnitResult
from cqdt_rules.errors import DataError, Diagnostic, Span
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment, AssessmentChecker, ParentLink, check_parent_links, parent_link
from cqdt_rules.tables import csv_writer


class _CsvText:
    """Cells as one CSV line without its line end, written as ``Results.write_csv`` writes them."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv_writer(self._buffer)

    def __call__(self, cells: list[Any]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()[:-1]


class _Cohort:
    """One cohort's units as columns: code, parent, the row's text before and after its ranks, ranking keys.
    A cohort whose tier compares units keeps its checked assessments in ``pending`` instead."""

    def __init__(self, tier: CompiledTier, compares_units: bool):
        self.tier = tier
        self.codes: list[str] = []
        self.parents: list[str | None] = []
        self.heads: list[bytes] = []  # UTF-8: a name in Vietnamese would make a str two bytes a character
        self.wheres: list[Span | None] = []  # where each unit's parent is written (None: it names none)
        self.tails: list[str] = []
        self.keys: list[list[RankKey]] = [[] for _ in tier.tier.rankings]
        self.ranks: list[list[int]] | None = None  # per ranking, each unit's position (worked out at the end)
        self.pending: list[Assessment] | None = [] if compares_units else None


class StreamScorer:
    """``add`` each assessment as it is read, then ``finish`` for the rows (or the DataError listing every
    problem, as ``engine.scoring.score`` would raise it)."""

    def __init__(self, compiled: CompiledRuleset, *, any_year: bool = False,
                 unit_list: Mapping[str, str] | None = None, run_at: str | None = None):
        self.compiled = compiled
        self.ruleset = compiled.ruleset
        self.any_year = any_year
        self.unit_list = unit_list
        self.run_at = run_at
        self.count = 0
        self._shape = ShapeTally()
        self._year_problems: list[Diagnostic] = []
        self._checker = AssessmentChecker(self.ruleset)
        self._evidence_problems: list[Diagnostic] = []
        self._score_problems: list[Diagnostic] = []
        self._cohorts: dict[CohortKey, _Cohort] = {}
        self._columns = {t.id: RowColumns(self.ruleset, [t.id]) for t in self.ruleset.tiers}
        self._compares = {t.id: compares_units(self.compiled.tiers[t.id]) for t in self.ruleset.tiers}
        self._text = _CsvText()
        self._shared: dict[Any, Any] = {}  # one object for equal parents and ranking keys

    def add(self, assessment: Assessment) -> None:
        self.count += 1
        self._shape.add(assessment)
        if not self.any_year:
            problem = year_problem(self.ruleset, assessment)
            if problem is not None:
                self._year_problems.append(problem)
        checked = self._checker.check(assessment)
        if checked is None:
            return
        self._evidence_problems.extend(evidence_problems(self.ruleset, checked))
        key = (checked.tier, checked.year, checked.source)
        cohort = self._cohorts.get(key)
        if cohort is None:
            cohort = self._cohorts[key] = _Cohort(self.compiled.tiers[checked.tier], self._compares[checked.tier])
        if cohort.pending is not None:
            cohort.pending.append(checked)
            return
        try:
            with decimal.localcontext(ARITHMETIC):
                unit = _score_unit(cohort.tier, checked, {})
        except EvaluationError as exc:
            where = checked.origin or Span(f"<unit {checked.code}>", 0, 0, 0, 0)
            self._score_problems.append(Diagnostic(where, f"unit '{checked.code}', {exc.node_id}: {exc}"))
            return
        link = parent_link(checked)
        cohort.wheres.append(None if link is None else link.where)
        self._keep(cohort, unit, [rank_key(r, unit) for r in cohort.tier.tier.rankings])

    def _keep(self, cohort: _Cohort, unit: UnitResult, keys: list[RankKey]) -> None:
        columns = self._columns[unit.tier.id]
        shared = self._shared
        cohort.codes.append(unit.code)
        parent = unit.parent
        cohort.parents.append(shared.setdefault(parent, parent))
        cohort.heads.append(self._text(columns.unit_cells(unit)).encode())
        cohort.tails.append(self._text(columns.point_cells(unit)))
        for column, key in zip(cohort.keys, keys):
            column.append(shared.setdefault(key, key))

    def finish(self) -> ScoredRows:
        """The rows, once every check has passed; else the errors of the first kind found, as ``score`` raises."""
        if self.count:
            check_shape(self.ruleset, self._shape.shape(), self.any_year)
        for problems in (self._year_problems, self._checker.problems):
            if problems:
                raise DataError(problems)
        parent_errors, warnings = self._parents()
        for problems in (parent_errors, self._evidence_problems):
            if problems:
                raise DataError(problems)
        for cohort in self._cohorts.values():
            self._score_pending(cohort)
        if self._score_problems:
            raise DataError(self._score_problems)
        for cohort in self._cohorts.values():
            if cohort.ranks is None:
                cohort.ranks = [_positions(cohort, r, keys) for r, keys in zip(cohort.tier.tier.rankings, cohort.keys)]
            cohort.keys = []
        tiers = {key[0] for key, cohort in self._cohorts.items() if cohort.codes}
        return ScoredRows(self.ruleset, dict(sorted(self._cohorts.items())), RowColumns(self.ruleset, tiers),
                          self._columns, run_stamp(self.run_at), tuple(warnings))

    def _parents(self) -> tuple[list[Diagnostic], list[Diagnostic]]:
        named = {(year, source, parent) for (_, year, source), cohort in self._cohorts.items()
                 for parent in self._parents_of(cohort) if parent}
        found: dict[tuple[int, str, str], str] = {}
        for (tier, year, source), cohort in self._cohorts.items():
            for code in self._codes_of(cohort):
                if (year, source, code) in named:
                    found[(year, source, code)] = tier
        return check_parent_links(self._links(), lambda year, source, code: found.get((year, source, code)),
                                  lambda: {code for cohort in self._cohorts.values() for code in self._codes_of(cohort)},
                                  self.unit_list, grouped_tiers(self.ruleset))

    def _links(self) -> Iterator[ParentLink]:
        """Every unit's link to its parent, made from the cohorts' columns as it is checked."""
        for (tier, year, source), cohort in self._cohorts.items():
            if cohort.pending is not None:
                yield from (link for link in map(parent_link, cohort.pending) if link is not None)
                continue
            origins = self._checker.seen[(year, source)]
            for code, parent, where in zip(cohort.codes, cohort.parents, cohort.wheres):
                if parent is not None and where is not None:
                    origin = origins[code] or Span(f"<unit {code}>", 0, 0, 0, 0)
                    yield ParentLink(code, tier, year, source, parent, where, origin)

    @staticmethod
    def _codes_of(cohort: _Cohort) -> list[str]:
        return cohort.codes if cohort.pending is None else [a.code for a in cohort.pending]

    @staticmethod
    def _parents_of(cohort: _Cohort) -> list[str | None]:
        return cohort.parents if cohort.pending is None else [a.parent for a in cohort.pending]

    def _score_pending(self, cohort: _Cohort) -> None:
        """A cohort whose tier compares units, scored as a whole (as ``evaluate`` scores every cohort)."""
        if cohort.pending is None:
            return
        with decimal.localcontext(ARITHMETIC):
            scored, problems = score_cohort(cohort.tier, sorted(cohort.pending, key=lambda a: a.code))
        cohort.pending = None
        self._score_problems.extend(problems)
        rankings = cohort.tier.tier.rankings
        cohort.ranks = [[u.ranks[r.name].rank for u in scored] for r in rankings]
        for unit in scored:
            self._keep(cohort, unit, [])
            cohort.wheres.append(None)  # its parent was checked with the assessment


def _positions(cohort: _Cohort, ranking: m.Ranking, keys: list[RankKey]) -> list[int]:
    """Each unit's position in ``ranking``, within its group."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, parent in enumerate(cohort.parents):
        groups[ranking_group(ranking, cohort.tier.tier, parent)].append(index)
    positions = [0] * len(keys)
    for members in groups.values():
        for index, position in zip(members, rank_positions([keys[i] for i in members], ranking.ties)):
            positions[index] = position
    return positions


def compares_units(tier: CompiledTier) -> bool:
    """Whether a unit's points depend on the other units of its cohort (normalised rules, cohort functions)."""
    return bool(tier.normalised) or _calls_cohort_function(tier.tier)


def _calls_cohort_function(value: Any) -> bool:
    if isinstance(value, m.Call) and value.function in m.COHORT_FUNCTIONS:
        return True
    if attrs.has(type(value)):
        return any(_calls_cohort_function(getattr(value, field.name)) for field in attrs.fields(type(value)))
    if isinstance(value, (tuple, list)):
        return any(_calls_cohort_function(item) for item in value)
    if isinstance(value, dict):
        return any(_calls_cohort_function(item) for item in value.values())
    return False


@attrs.frozen
class ScoredRows:
    """The results rows of a stream of assessments, written one by one in ``Results.write_csv``'s order."""

    ruleset: m.Ruleset
    cohorts: dict[CohortKey, _Cohort]
    columns: RowColumns  # of every tier scored
    tier_columns: dict[str, RowColumns]  # of each tier alone, as a unit's row was kept
    run_at: str
    warnings: tuple[Diagnostic, ...]

    def __len__(self) -> int:
        return sum(len(cohort.codes) for cohort in self.cohorts.values())

    def write_csv(self, out: TextIO, done: Callable[[int], None] | None = None) -> None:
        """Write the rows to ``out``; ``done(n)`` is told of every n rows written (for a progress bar)."""
        text = _CsvText()
        out.write(text(self.columns.header()) + "\n")
        run = text(self.columns.run_cells(self.run_at))
        for cohort in self.cohorts.values():
            lines = self._lines(cohort, run)
            order = sorted(range(len(cohort.codes)), key=cohort.codes.__getitem__)
            for count, index in enumerate(order, 1):
                out.write(lines(index))
                if done is not None and count % 1000 == 0:
                    done(1000)
            if done is not None:
                done(len(order) % 1000)

    def _lines(self, cohort: _Cohort, run: str) -> Callable[[int], str]:
        ranks = cohort.ranks or []
        own = self.tier_columns[cohort.tier.tier.id]
        if (own.outputs, own.scales, own.rankings, own.node_ids) == (
                self.columns.outputs, self.columns.scales, self.columns.rankings, self.columns.node_ids):
            def line(i: int) -> str:
                ranked = "".join(f",{column[i]}" for column in ranks)
                return f"{run},{cohort.heads[i].decode()}{ranked},{cohort.tails[i]}\n"
            return line
        return _Spread(own, self.columns, cohort, run)


class _Spread:
    """The rows of a tier when other tiers are scored too: its cells placed in the columns of every tier."""

    def __init__(self, own: RowColumns, every: RowColumns, cohort: _Cohort, run: str):
        self.own, self.every, self.cohort, self.run = own, every, cohort, run
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")  # the cells are written out already

    def __call__(self, i: int) -> str:
        own, every, cohort = self.own, self.every, self.cohort
        head = next(csv.reader(io.StringIO(cohort.heads[i].decode(), newline="")))
        tail = next(csv.reader(io.StringIO(cohort.tails[i], newline="")))
        outputs = dict(zip(own.outputs, head[8:]))
        levels = dict(zip(own.scales, head[8 + len(own.outputs):]))
        ranks = {name: column[i] for name, column in zip(own.rankings, cohort.ranks or [])}
        points = dict(zip(own.node_ids, tail))
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(head[:8] + [outputs.get(o) for o in every.outputs] + [levels.get(s) for s in every.scales]
                             + [ranks.get(r) for r in every.rankings] + [points.get(n) for n in every.node_ids])
        return f"{self.run},{self.buffer.getvalue()}"

