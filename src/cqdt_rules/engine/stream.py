"""Scoring data read as a stream, in little memory: the results of a national cohort (``cqdt score --format csv``,
``--format json`` or ``--format table``).

Each assessment is checked and scored as it comes. Of each unit only what its results and the rankings need
is kept: its code, its parent and its ranking keys, and its results without its ranks, written out as text:
for CSV the row's cells (kept in memory), for JSON the unit's text (kept in a temporary file, as a unit's
JSON is some ten kilobytes: gigabytes for a national cohort) with the value each ranking is by, for a table the
cells its row shows but its ranks (made by the caller: the table is the reports' business). Every check
of ``evaluator.checked_cohorts`` is made, and the first kind of error found is raised as that path raises
it, so data are refused as the whole-cohort path refuses them. The results come out in the same order and
byte for byte as ``Results.write_csv`` and ``Results.write_json`` write them. A tier whose units are scored
against their cohort (``normalised``, ``minmax``, ``zscore``, ``rank``) keeps its checked assessments until
the end and is scored as a whole, as ``evaluate`` does."""

from __future__ import annotations

import csv
import decimal
import functools
import io
import json
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Literal, NamedTuple, TextIO, TypeVar

import attrs

from cqdt_rules.engine.compiler import CompiledRuleset, CompiledTier, EvaluationError
from cqdt_rules.engine.evaluator import (
    CohortKey,
    RankKey,
    evidence_problems,
    grouped_tiers,
    published_value,
    rank_key,
    rank_positions,
    ranking_group,
    run_stamp,
    score_cohort,
    year_problem,
    _score_unit,
)
from cqdt_rules.engine.fit import ShapeTally, check_shape
from cqdt_rules.engine.results import JsonArray, RowColumns, UnitJson, UnitResult, plain_value, ranks_json, results_head
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment
from cqdt_rules.model.checking import AssessmentChecker, origin_of
from cqdt_rules.model.parents import ParentLink, check_parent_links, parent_link
from cqdt_rules.tables import csv_writer


class _CsvText:
    """Cells as one CSV line without its line end, written as ``Results.write_csv`` writes them."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv_writer(self._buffer)

    def __call__(self, cells: list[Any], numbers: bool = False) -> str:
        """``numbers``: the cells are numbers or empty (a unit's points), which no spreadsheet reads as a formula,
        written without looking at each."""
        self._buffer.seek(0)
        self._buffer.truncate()
        (self._writer.write_numbers if numbers else self._writer.writerow)(cells)
        return self._buffer.getvalue()[:-1]


Form = Literal["csv", "json", "table"]
Cells = Callable[[UnitResult], list[str]]
"""The cells of a unit's row in a table, but its ranks."""

SPOOL_IN_MEMORY = 4 * 1024 * 1024
"""Bytes of units' JSON text kept in memory; beyond, the text goes to a temporary file."""


class _Spool:
    """Units' JSON text, in a temporary file only this process can open (created unnamed, readable by its
    owner only): ``add`` a unit's text in two parts (before and after its ranks), ``read`` them back by where
    they were put."""

    def __init__(self) -> None:
        import tempfile  # only for JSON: CSV and tables are kept in memory

        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
        self.size = 0
        self.texts = UnitJson()

    def add(self, unit: UnitResult, spans: array[int]) -> None:
        """Append the two parts' place (start, length of each) to ``spans``."""
        before, after = self.texts.parts(unit)
        head, tail = before.encode(), after.encode()
        self.file.write(head + tail)
        spans.extend((self.size, len(head), len(tail)))
        self.size += len(head) + len(tail)

    def read(self, spans: array[int], index: int) -> tuple[str, str]:
        start, head, tail = spans[3 * index:3 * index + 3]
        self.file.seek(start)
        data = self.file.read(head + tail)
        return data[:head].decode(), data[head:].decode()

    def close(self) -> None:
        self.file.close()


class _Cohort:
    """One cohort's units as columns: code, parent, ranking keys, and the results' text before and after their
    ranks (CSV: the row's cells; JSON: where the unit's text is in the spool, and the values ranked by; a table:
    its row's cells as JSON text, in ``heads``).
    A cohort whose tier compares units keeps its checked assessments in ``pending`` instead."""

    def __init__(self, tier: CompiledTier, compares_units: bool):
        self.tier = tier
        self.codes: list[str] = []
        self.parents: list[str | None] = []
        self.heads: list[bytes] = []  # UTF-8: a name in Vietnamese would make a str two bytes a character
        self.wheres: list[Span | None] = []  # where each unit's parent is written (None: it names none)
        self.tails: list[str] = []
        self.spans: array[int] = array("q")  # JSON: per unit, its text's start in the spool and its parts' lengths
        self.values: list[list[Any]] = [[] for _ in tier.tier.rankings]  # JSON: per ranking, each unit's value
        self.keys: list[list[RankKey]] = [[] for _ in tier.tier.rankings]
        self.ranks: list[list[int]] | None = None  # per ranking, each unit's position (worked out at the end)
        self.pending: list[Assessment] | None = [] if compares_units else None


class StreamScorer:
    """``add`` each assessment as it is read, then ``finish`` for the rows (or the DataError listing every
    problem, as ``engine.scoring.score`` would raise it)."""

    def __init__(self, compiled: CompiledRuleset, *, any_year: bool = False,
                 unit_list: Mapping[str, str] | None = None, run_at: str | None = None, form: Form = "csv",
                 cells: Cells | None = None):
        if (form == "table") != (cells is not None):
            raise UsageError("form 'table' needs the cells of each unit (cells=), and only form 'table' takes them")
        self.compiled = compiled
        self.form, self.cells = form, cells
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
        self._text = _CsvText()
        self._spool = _Spool() if form == "json" else None
        self._shared: dict[Any, Any] = {}  # one object for equal parents, ranking keys and values
        self._compared: dict[str, bool] = {}

    def _compares(self, tier: str) -> bool:
        """``compares_units`` of a tier the data holds (worked out once: it walks the tier's whole model)."""
        found = self._compared.get(tier)
        if found is None:
            found = self._compared[tier] = compares_units(self.compiled.tiers[tier])
        return found

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
            cohort = self._cohorts[key] = _Cohort(self.compiled.tiers[checked.tier], self._compares(checked.tier))
        if cohort.pending is not None:
            cohort.pending.append(checked)
            return
        try:
            with decimal.localcontext(ARITHMETIC):
                unit = _score_unit(cohort.tier, checked, {}, keep_points=True)  # its row is written at once
        except EvaluationError as exc:
            where = checked.origin or Span(f"<unit {checked.code}>", 0, 0, 0, 0)
            self._score_problems.append(Diagnostic(where, f"unit '{checked.code}', {exc.node_id}: {exc}"))
            return
        link = parent_link(checked)
        cohort.wheres.append(None if link is None else link.where)
        self._keep(cohort, unit, [rank_key(r, unit) for r in cohort.tier.tier.rankings])

    def _keep(self, cohort: _Cohort, unit: UnitResult, keys: list[RankKey]) -> None:
        shared = self._shared
        cohort.codes.append(unit.code)
        parent = unit.parent
        cohort.parents.append(shared.setdefault(parent, parent))
        if self._spool is not None:
            self._spool.add(unit, cohort.spans)
            for column, ranking in zip(cohort.values, cohort.tier.tier.rankings):
                value = plain_value(published_value(unit, ranking.by)[0])
                column.append(shared.setdefault(value, value))
        elif self.cells is not None:
            cohort.heads.append(_ENCODE(self.cells(unit)).encode())
        else:
            columns = self._columns[unit.tier.id]
            cohort.heads.append(self._text(columns.unit_cells(unit)).encode())
            cohort.tails.append(self._text(columns.point_cells(unit), numbers=True))
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
                          self._columns, run_stamp(self.run_at), tuple(warnings), self._spool, self.form)

    def close(self) -> None:
        """Remove the units' text kept so far (``ScoredRows.close`` does, once they are written)."""
        if self._spool is not None:
            self._spool.close()

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
                    origin = origin_of(origins[code]) or Span(f"<unit {code}>", 0, 0, 0, 0)
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
    positions = [0] * len(keys)
    for members in _groups(cohort, ranking).values():
        for index, position in zip(members, rank_positions([keys[i] for i in members], ranking.ties)):
            positions[index] = position
    return positions


def _places(cohort: _Cohort, ranking: m.Ranking) -> list[tuple[str, int]]:
    """Each unit's group in ``ranking`` and how many units the group has."""
    places: list[tuple[str, int]] = [("", 0)] * len(cohort.codes)
    for group, members in _groups(cohort, ranking).items():
        place = (group, len(members))
        for index in members:
            places[index] = place
    return places


def _groups(cohort: _Cohort, ranking: m.Ranking) -> dict[str, list[int]]:
    """The units of each group ``ranking`` ranks within (a district, or the whole tier), by index."""
    groups: dict[str, list[int]] = defaultdict(list)
    for index, parent in enumerate(cohort.parents):
        groups[ranking_group(ranking, cohort.tier.tier, parent)].append(index)
    return groups


class _RanksText:
    """The ranks' object of a cohort's units in results JSON: each ranking's position, the size of the unit's
    group, the group and the value ranked by."""

    def __init__(self, cohort: _Cohort):
        self.cohort = cohort
        self.names = [r.name for r in cohort.tier.tier.rankings]
        self.places = [_places(cohort, r) for r in cohort.tier.tier.rankings]

    def __call__(self, index: int) -> str:
        ranks, values = self.cohort.ranks or [], self.cohort.values
        return ranks_json((name, ranks[k][index], self.places[k][index][1], self.places[k][index][0], values[k][index])
                          for k, name in enumerate(self.names))


def compares_units(tier: CompiledTier) -> bool:
    """Whether a unit's points depend on the other units of its cohort (normalised rules, cohort functions)."""
    return bool(tier.normalised) or _calls_cohort_function(tier.tier)


def _calls_cohort_function(value: Any) -> bool:
    if isinstance(value, m.Call) and value.function in m.COHORT_FUNCTIONS:
        return True
    names = _field_names(value.__class__)
    if names:
        return any(_calls_cohort_function(getattr(value, name)) for name in names)
    if isinstance(value, (tuple, list)):
        return any(_calls_cohort_function(item) for item in value)
    if isinstance(value, dict):
        return any(_calls_cohort_function(item) for item in value.values())
    return False


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The fields of an attrs class (none for any other class)."""
    return tuple(field.name for field in attrs.fields(cls)) if attrs.has(cls) else ()


@attrs.frozen(eq=False)  # compared by identity: attrs would write equality and hashing for every process
class ScoredRows:
    """The results rows of a stream of assessments, written one by one in ``Results.write_csv``'s order."""

    ruleset: m.Ruleset
    cohorts: dict[CohortKey, _Cohort]
    columns: RowColumns  # of every tier scored
    tier_columns: dict[str, RowColumns]  # of each tier alone, as a unit's row was kept
    run_at: str
    warnings: tuple[Diagnostic, ...]
    spool: _Spool | None = None  # the units' JSON text, when scored for JSON
    form: Form = "csv"

    def __len__(self) -> int:
        return sum(len(cohort.codes) for cohort in self.cohorts.values())

    def table_cohorts(self) -> Iterator[CohortRows]:
        """The cohorts of a table (scored with ``form="table"``), tier by tier in the ruleset's order, then by year
        and source; each gives its rows in the order of its first ranking's groups and positions, then codes."""
        if self.form != "table":
            raise UsageError(f"the units were kept as {self.form}: score with form='table' to write a table")
        tiers = {tier.id: number for number, tier in enumerate(self.ruleset.tiers)}
        for (tier, year, source), cohort in sorted(self.cohorts.items(), key=lambda item: (tiers[item[0][0]], item[0][1:])):
            if cohort.codes:
                yield CohortRows(cohort.tier.tier, year, source, len(cohort.codes), _TableRows(cohort))

    def write_csv(self, out: TextIO, done: Callable[[int], None] | None = None) -> None:
        """Write the rows to ``out``; ``done(n)`` is told of every n rows written (for a progress bar)."""
        if self.form != "csv":
            raise UsageError(f"the units were kept as {self.form}: score with form='csv' to write CSV")
        text = _CsvText()
        out.write(text(self.columns.header()) + "\n")
        run = text(self.columns.run_cells(self.run_at))
        for cohort in self.cohorts.values():
            lines = self._lines(cohort, run)
            for index in _in_code_order(cohort, done):
                out.write(lines(index))

    def write_json(self, out: TextIO, done: Callable[[int], None] | None = None) -> None:
        """Write the results as ``Results.write_json`` writes them (the scorer made with ``form="json"``)."""
        if self.spool is None:
            raise UsageError(f"the units were kept as {self.form}: score with form='json' to write JSON")
        with JsonArray(out, results_head(self.ruleset, self.run_at)) as units:
            for cohort in self.cohorts.values():
                ranks = _RanksText(cohort)
                for index in _in_code_order(cohort, done):
                    before, after = self.spool.read(cohort.spans, index)
                    units.add(before + ranks(index) + after)

    def close(self) -> None:
        """Remove the units' JSON text (written or not)."""
        if self.spool is not None:
            self.spool.close()

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


def _in_code_order(cohort: _Cohort, done: Callable[[int], None] | None) -> Iterator[int]:
    """The indexes of the cohort's units in the order of their codes; ``done(n)`` is told of every n given."""
    order = sorted(range(len(cohort.codes)), key=cohort.codes.__getitem__)
    return iter(order) if done is None else counted(order, done)


T = TypeVar("T")


def counted(items: Iterable[T], done: Callable[[int], None]) -> Iterator[T]:
    """``items`` one by one; ``done(n)`` is told of them a thousand at a time (for a progress bar)."""
    count = 0
    for count, item in enumerate(items, 1):
        yield item
        if count % 1000 == 0:
            done(1000)
    done(count % 1000)


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



_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


class CohortRows(NamedTuple):
    """A cohort's rows for a table: ``rows()`` gives each unit's cells (as ``StreamScorer``'s ``cells`` made them)
    and its place in each ranking of the tier (position, size of its group, group), in the table's order. A named
    tuple: a tenth of what an attrs class costs to make, in every scoring process."""

    tier: m.Tier
    year: int
    source: str
    size: int
    rows: Callable[[], Iterator[tuple[list[str], list[tuple[int, int, str]]]]]


class _TableRows:
    """A cohort's table rows, given as often as asked; the order is worked out once: by code, then (a stable
    sort) by the first ranking's group and position, both as one integer."""

    def __init__(self, cohort: _Cohort):
        self.cohort = cohort
        rankings = cohort.tier.tier.rankings
        self.places = [_places(cohort, r) for r in rankings]
        self.order = array("q", sorted(range(len(cohort.codes)), key=cohort.codes.__getitem__))
        if rankings:
            numbers = {group: n for n, group in enumerate(sorted({group for group, _ in self.places[0]}))}
            first, size = (cohort.ranks or [])[0], len(cohort.codes) + 1
            self.order = array("q", sorted(self.order, key=lambda i: numbers[self.places[0][i][0]] * size + first[i]))

    def __call__(self) -> Iterator[tuple[list[str], list[tuple[int, int, str]]]]:
        heads, ranks, places = self.cohort.heads, self.cohort.ranks or [], self.places
        for i in self.order:
            yield json.loads(heads[i]), [(column[i], place[i][1], place[i][0]) for column, place in zip(ranks, places)]
