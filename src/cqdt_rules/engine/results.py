"""Scoring results: per unit and node, with explanations, rankings and the documented export schema."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO, cast

import attrs

from cqdt_rules.engine.compiler import NodeResult, NodeResults, TierShape, Why, node_rows, round_to
from cqdt_rules.engine.explain import KEPT_PER_NODE, SameObjects, explain_unit, keep
from cqdt_rules.engine.writergen import NodePlan, UnitWriter, Words, unit_writer
from cqdt_rules.errors import Diagnostic, UsageError, did_you_mean
from cqdt_rules.files import written
from cqdt_rules.i18n import LANGS
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.slots import slot_setters
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment, Pair, ReadOnlyDict, RowAssessment, StandIn, normal_code
from cqdt_rules.tables import csv_writer

SCHEMA = "cqdt-results/1"
SCHEMA_FILE = Path(__file__).with_name("cqdt-results.schema.json")
"""The JSON Schema (draft 2020-12) of ``Results.to_json()``, shipped with the package."""


def results_schema() -> dict[str, Any]:
    """The JSON Schema of the results files, to validate them in another system."""
    schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return schema


@attrs.frozen
class LevelResult:
    scale: str
    id: str | None  # None: below the lowest level
    label: str
    unmet: tuple[str, ...] = ()  # prerequisites that kept the unit from a higher level

    @property
    def ranked(self) -> bool:
        return self.id is not None


@attrs.frozen
class RankResult:
    ranking: str
    rank: int
    of: int
    group: str  # the tier id, or the district code for rankings within a district
    value: Decimal | None


class SoleRank(Mapping[str, RankResult]):
    """The ranks of a unit of a tier with one ranking, as the scalar engine keeps them: its one ``RankResult`` behind
    a slot of its own (some 50 bytes), not a dictionary per unit (some 180). It reads, compares and pickles as the
    dictionary ``{ranking: RankResult}`` (its views are that dictionary's, made when asked for) and refuses changes,
    as the shared ``ReadOnlyDict`` does (``attrs.evolve(unit, ranks={...})`` gives a unit other ranks)."""

    __slots__ = ("_result",)

    def __init__(self, result: RankResult):
        self._result = result

    def __getitem__(self, name: str) -> RankResult:
        result = self._result
        if name != result.ranking:
            raise KeyError(name)
        return result

    def __iter__(self) -> Iterator[str]:
        return iter((self._result.ranking,))

    def __len__(self) -> int:
        return 1

    def __contains__(self, name: object) -> bool:
        return name == self._result.ranking

    def _as_dict(self) -> dict[str, RankResult]:
        return {self._result.ranking: self._result}

    def keys(self) -> KeysView[str]:
        return self._as_dict().keys()

    def items(self) -> ItemsView[str, RankResult]:
        return self._as_dict().items()

    def values(self) -> ValuesView[RankResult]:
        return self._as_dict().values()

    def __repr__(self) -> str:
        return repr(self._as_dict())

    def __reduce__(self) -> tuple[Any, ...]:
        return SoleRank, (self._result,)


@attrs.frozen
class UnitResult:
    assessment: Assessment
    tier: m.Tier = attrs.field(eq=False, repr=False)
    nodes: Mapping[str, NodeResult] = attrs.field(hash=False)
    total: Decimal
    outputs: dict[str, Decimal | None] = attrs.field(hash=False)
    levels: dict[str, LevelResult] = attrs.field(hash=False)
    ranks: Mapping[str, RankResult] = attrs.field(hash=False)
    computed: dict[m.Expr, Decimal | None] = attrs.field(factory=dict, hash=False, eq=False, repr=False)
    """The exact value of each expression a ranking of the tier is by (beyond published values)."""

    @property
    def code(self) -> str:
        return self.assessment.code

    @property
    def name(self) -> str:
        return self.assessment.name

    @property
    def parent(self) -> str | None:
        return self.assessment.parent

    @property
    def max(self) -> Decimal:
        return self.tier.max

    @property
    def headline(self) -> tuple[str | None, Decimal | None, int | None]:
        """The unit's headline figure as (label, value, decimals): the total (label None, the tier's total
        rounding), or in an index tier (``headline OUTPUT``) that output's label, value and rounding."""
        output = self.tier.output(self.tier.headline) if self.tier.headline else None
        if output is None:
            return None, self.total, self.tier.total_rounding.digits if self.tier.total_rounding else None
        return output.label, self.outputs.get(output.name), output.rounding.digits if output.rounding else None

    def node(self, node_id: str) -> NodeResult:
        try:
            return self.nodes[node_id]
        except (KeyError, TypeError):  # TypeError: an unhashable id, such as a list
            pass
        if not isinstance(node_id, str):
            raise UsageError(f"a node id is text, such as '{next(iter(self.nodes), 'A1')}', not {type(node_id).__name__}")
        hint = did_you_mean(node_id, self.nodes)
        raise UsageError(f"no node '{node_id}' in tier '{self.tier.id}'" + (f"; {hint}" if hint else ""))

    def points(self, node_id: str) -> Decimal:
        return self.node(node_id).points

    @property
    def missing_evidence(self) -> tuple[str, ...]:
        """The criteria that scored 0 for want of the evidence the ruleset requires (a 'yes' without its
        document scores 0 by design, under ``on_missing_evidence zero``)."""
        nodes = self.nodes
        if isinstance(nodes, NodeResults):
            return nodes.flagged("missing evidence")
        return tuple(node_id for node_id, result in nodes.items() if "missing evidence" in result.flags)

    @property
    def level(self) -> LevelResult | None:
        """The result of the tier's first level scale (most rulesets declare one)."""
        return next(iter(self.levels.values()), None)

    def rank(self, ranking: str | None = None) -> int:
        """The unit's rank in ``ranking`` (the tier's first by default)."""
        ranks = self.ranks
        if ranking is None and ranks:
            return next(iter(ranks.values())).rank
        if ranking is not None and ranking in ranks:
            return ranks[ranking].rank
        names = ", ".join(ranks)
        if not names:
            raise UsageError(f"unit '{self.code}' has no rank: tier '{self.tier.id}' declares no ranking")
        raise UsageError(f"unit '{self.code}' has no rank in ranking '{ranking}'; its rankings: {names}")

    def explain(self, lang: str = "en") -> str:
        """Why the unit got its points, node by node, in ``lang`` ("en" or "vi")."""
        if lang not in LANGS:
            raise UsageError(f"no explanation in language '{lang}': use 'en' or 'vi'")
        return explain_unit(self, lang, identity_of(self))


class RowUnitResult(StandIn, UnitResult, stands_for=UnitResult):
    """The result of a unit read from a table (``RowAssessment``) whose checking changed its values alone: it keeps
    the unit as read, which its caller keeps too, and its checked values once, in its node results
    (``NodeResults``), not a checked copy of the unit (some 170 bytes a unit); the checked unit (``assessment``) is
    made when asked for (``RowAssessment.checked``, a microsecond). It compares, hashes, shows and pickles as the
    ``UnitResult`` of the same fields (pickled, it is one); ``attrs.evolve`` and ``copy`` make a ``UnitResult``."""

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> UnitResult:  # type: ignore[misc]
        return UnitResult(*args, **kwargs)  # a result made from its fields (``attrs.evolve``) has its own

    @property  # read-only: the slot holds the unit as read
    def assessment(self) -> Assessment:
        read: RowAssessment = _get_assessment(self)
        return read.checked(read.code, read.name, read.parent, self.nodes.unit_inputs()[1])  # type: ignore[attr-defined]

    @property
    def code(self) -> str:
        return identity_of(self).code

    @property
    def name(self) -> str:
        return identity_of(self).name

    @property
    def parent(self) -> str | None:
        return identity_of(self).parent

    __hash__ = UnitResult.__hash__  # equal to the UnitResult of the same fields, with the same hash

    def __reduce__(self) -> tuple[Any, ...]:
        return UnitResult, tuple(getattr(self, field.name) for field in attrs.fields(UnitResult))


_get_assessment = vars(UnitResult)["assessment"].__get__


def _check_writable(out: object) -> None:
    if not callable(getattr(out, "write", None)):
        raise UsageError(f"write to an open text file or a path, not {type(out).__name__}")


def _no_result_for(code: str, of_code: list[UnitResult], year: int | None, source: str | None) -> None:
    """The UsageError for a unit that has results, but none of ``year`` and ``source``: what it has instead."""
    years = sorted({identity_of(u).year for u in of_code})
    sources = sorted({identity_of(u).source for u in of_code})
    if year is not None and year not in years:
        raise UsageError(f"unit '{code}' has no result for year {year}; its years: {', '.join(map(str, years))}")
    if source is not None and source not in sources:
        raise UsageError(f"unit '{code}' has no result from source '{source}'; its sources: {', '.join(sources)}")
    pairs = ", ".join(sorted(f"{identity_of(u).year} {identity_of(u).source}" for u in of_code))
    raise UsageError(f"unit '{code}' has no result for year {year} from source '{source}'; its results: {pairs}")


def identity_of(unit: UnitResult) -> Assessment:
    """An assessment with the unit's code, name, tier, year, source, parent, note and evidence, for a reader of those
    alone: ``unit.assessment``, or of a ``RowUnitResult`` the unit as read, which has the same (its values are the
    texts read), without making the checked unit."""
    found: Assessment = _get_assessment(unit)
    return found


NOTHING: Any = ReadOnlyDict()
"""The empty ``outputs`` and ``computed`` every unit of a tier without them shares."""


_NEW = object.__new__
_set_ranking, _set_rank, _set_of, _set_group, _set_value = slot_setters(
    RankResult, ("ranking", "rank", "of", "group", "value"))
_set_assessment, _set_tier, _set_nodes, _set_total, _set_outputs, _set_levels, _set_ranks, _set_computed = \
    slot_setters(UnitResult, ("assessment", "tier", "nodes", "total", "outputs", "levels", "ranks", "computed"))


def new_rank_result(ranking: str, rank: int, of: int, group: str, value: Decimal | None) -> RankResult:
    """``RankResult(...)``, at half the cost (the engines make one per unit and ranking): the slots set directly,
    as ``model.slots`` allows."""
    made: RankResult = _NEW(RankResult)
    _set_ranking(made, ranking)
    _set_rank(made, rank)
    _set_of(made, of)
    _set_group(made, group)
    _set_value(made, value)
    return made


set_ranks, set_levels, set_total = _set_ranks, _set_levels, _set_total
"""What the engine gives a unit it has just made once its cohort is scored: its ranks (``SoleRank`` or a
dictionary), its levels (a mapping shared by the units that reach the same), its total again (an equal one, written
the same, shared by the units of its cohort with that total)."""


def new_unit_result(assessment: Assessment, tier: m.Tier, nodes: Mapping[str, NodeResult], total: Decimal,
                    outputs: dict[str, Decimal | None], levels: dict[str, LevelResult], ranks: Mapping[str, RankResult],
                    computed: dict[m.Expr, Decimal | None] | None = None, kind: type[UnitResult] = UnitResult
                    ) -> UnitResult:
    """``UnitResult(...)``, at half the cost, as ``new_rank_result``; ``computed`` empty (``NOTHING``) unless given.
    ``kind`` ``RowUnitResult``: ``assessment`` is the unit as read, and ``nodes`` the ``NodeResults`` of its checked
    values."""
    made: UnitResult = _NEW(kind)
    _set_assessment(made, assessment)
    _set_tier(made, tier)
    _set_nodes(made, nodes)
    _set_total(made, total)
    _set_outputs(made, outputs)
    _set_levels(made, levels)
    _set_ranks(made, ranks)
    _set_computed(made, NOTHING if computed is None else computed)
    return made


@attrs.frozen
class Results:
    ruleset: m.Ruleset = attrs.field(eq=False, repr=False)
    units: tuple[UnitResult, ...]
    run_at: str
    # which engine scored each tier: "batch", or "scalar: <why the batch engine could not>"; empty for the scalar engine
    engines: dict[str, str] = attrs.field(factory=dict, eq=False, hash=False)
    warnings: tuple[Diagnostic, ...] = attrs.field(default=(), eq=False, repr=False)
    """What the data checks could not settle but did not refuse (parents that could not be checked)."""
    _of_tier: dict[str, tuple[UnitResult, ...]] = attrs.field(factory=dict, init=False, eq=False, repr=False,
                                                               hash=False)
    """``tier_units`` of each tier asked for, found once (reports and analyses ask for a tier's units many times)."""

    def __iter__(self) -> Iterator[UnitResult]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)

    def unit(self, code: str, year: int | None = None, source: str | None = None) -> UnitResult:
        if not isinstance(code, str):
            raise UsageError(f"a unit code is text, such as '{self.units[0].code if self.units else '622'}', "
                             f"not {type(code).__name__}")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise UsageError(f"a year is a whole number, such as year=2022, not {type(year).__name__}")
        code = normal_code(code)  # as the data's codes were read: fullwidth digits, spaces around, invisible marks
        of_code = [u for u in self.units if u.code == code]
        found = [u for u in of_code if (year is None or identity_of(u).year == year)
                 and (source is None or identity_of(u).source == source)]
        if not of_code:
            hint = did_you_mean(code, {u.code for u in self.units})
            raise UsageError(f"no result for unit '{code}'" + (f"; {hint}" if hint else ""))
        if not found:
            _no_result_for(code, of_code, year, source)
        if len(found) > 1:
            years = ", ".join(map(str, sorted({identity_of(u).year for u in found})))
            sources = ", ".join(sorted({identity_of(u).source for u in found}))
            raise UsageError(f"unit '{code}' has {len(found)} results (years {years}, sources {sources}): "
                             "say which year and source (--year, --source)")
        return found[0]

    def of_year(self, year: int) -> Results:
        """The results of one assessment year (cohorts are per year, so nothing else changes)."""
        return attrs.evolve(self, units=tuple(u for u in self.units if identity_of(u).year == year))

    def of_source(self, source: str) -> Results:
        """The results of one source (self, district, audit): cohorts never mix sources."""
        return attrs.evolve(self, units=tuple(u for u in self.units if identity_of(u).source == source))

    def tier_units(self, tier: str) -> tuple[UnitResult, ...]:
        """The units of tier ``tier``, in the results' order (none when the ruleset's tier has no results)."""
        found = self._of_tier.get(tier)
        if found is None:
            tiers = [t.id for t in self.ruleset.tiers]
            if tier not in tiers:
                if not isinstance(tier, str):
                    raise UsageError(f"a tier is text, such as '{tiers[0] if tiers else 'xa'}', not {type(tier).__name__}")
                raise UsageError(f"the ruleset has no tier '{tier}'; its tiers: {', '.join(tiers)}")
            found = self._of_tier[tier] = tuple(u for u in self.units if u.tier.id == tier)
        return found

    def ranking(self, tier: str, name: str | None = None, group: str | None = None) -> list[UnitResult]:
        """Units of ``tier`` ordered by their position in ranking ``name`` (the tier's first by default),
        optionally only those of one ranking group (a district code). An unknown tier, ranking or group is an
        error, never an empty list."""
        units = self.tier_units(tier)
        if not units:
            raise UsageError(f"no results for tier '{tier}'")
        names = [r.name for r in units[0].tier.rankings]
        if not names:
            raise UsageError(f"tier '{tier}' declares no ranking")
        if name is None:
            name = names[0]
        elif name not in names:
            raise UsageError(f"tier '{tier}' has no ranking '{name}'; its rankings: {', '.join(names)}")
        chosen = [u for u in units if name in u.ranks and (group is None or u.ranks[name].group == group)]
        if group is not None and not chosen:
            groups = sorted({u.ranks[name].group for u in units if name in u.ranks})
            raise UsageError(f"ranking '{name}' of tier '{tier}' has no group '{group}'; its groups: {', '.join(groups)}")
        return sorted(chosen, key=lambda u: (u.ranks[name].group, u.ranks[name].rank, u.code))

    # ------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        return {**self._head(), "units": [_unit_dict(u) for u in self.units]}

    def _head(self) -> dict[str, Any]:
        return results_head(self.ruleset, self.run_at)

    def to_json(self) -> str:
        """The results as JSON (schema ``cqdt-results/1``), laid out as ``write_json`` says."""
        texts = UnitJson()
        return joined_json(self._head(), (texts.text_parts(u) for u in self.units))

    def write_json(self, out: TextIO | str | os.PathLike[str]) -> None:
        """Write ``to_json()`` to ``out`` (an open text file, or a path: the file is written whole, as
        ``cqdt_rules.files.written`` writes it) unit by unit, never holding the whole text."""
        if isinstance(out, (str, os.PathLike)):
            with written(Path(out)) as file:
                self.write_json(file)
            return
        _check_writable(out)
        write_json(out, self._head(), self.units)

    def to_csv(self) -> str:
        """One row per unit: identity, total, outputs, levels, ranks, then every node's points."""
        buffer = io.StringIO()
        self.write_csv(buffer)
        return buffer.getvalue()

    def write_csv(self, out: TextIO | str | os.PathLike[str]) -> None:
        """Write ``to_csv()`` to ``out`` (an open text file, or a path: the file is written whole) row by row."""
        if isinstance(out, (str, os.PathLike)):
            with written(Path(out), newline="") as file:
                self.write_csv(file)
            return
        _check_writable(out)
        writer = csv_writer(out)  # no text cell a spreadsheet would read as a formula
        for row in self.rows():
            writer.writerow(row)  # None is written as an empty cell

    def to_arrow(self) -> Any:
        """The rows of ``to_csv`` as a pyarrow Table: exact decimals (decimal128), ranks as integers, nulls for
        what has no value. Needs pyarrow (``pip install 'cqdt-rules[frames]'``)."""
        try:
            import pyarrow as pa
        except ImportError:
            raise UsageError("results.to_arrow() needs pyarrow (pip install 'cqdt-rules[frames]')") from None
        header, *rows = self.rows()
        return pa.table({name: pa.array([row[i] for row in rows]) for i, name in enumerate(header)})

    def to_pandas(self) -> Any:
        """The rows of ``to_csv`` as a pandas DataFrame (points, totals and outputs stay exact ``Decimal``s)."""
        try:
            import pandas as pd
        except ImportError:
            raise UsageError("results.to_pandas() needs pandas (pip install 'cqdt-rules[frames]')") from None
        header, *rows = self.rows()
        return pd.DataFrame.from_records(rows, columns=header)

    def rows(self) -> Iterator[list[Any]]:
        """The header, then one row per unit, as ``to_csv`` writes them (None where a unit has no value)."""
        columns = RowColumns(self.ruleset, {u.tier.id for u in self.units})
        yield columns.header()
        run = columns.run_cells(self.run_at)
        for u in self.units:
            yield columns.row(run, u)


class RowColumns:
    """The columns of the results rows of some tiers: identity, total, then the outputs, level scales, rankings
    and nodes of those tiers (each the union over them, in the ruleset's order)."""

    def __init__(self, ruleset: m.Ruleset, tier_ids: Iterable[str]):
        chosen = set(tier_ids)
        tiers = [t for t in ruleset.tiers if t.id in chosen]
        self.ruleset = ruleset
        self.outputs = _ordered_union(o.name for t in tiers for o in t.outputs)
        self.scales = _ordered_union(s.name for t in tiers for s in t.levels)
        self.rankings = _ordered_union(r.name for t in tiers for r in t.rankings)
        self.node_ids = _ordered_union(n.id for t in tiers for n in t.walk())

    def header(self) -> list[str]:
        return (["ruleset", "ruleset_version", "ruleset_status", "ruleset_hash", "run_at", "year", "source", "tier",
                 "code", "name", "parent", "total", "max"] + self.outputs + [f"level_{s}" for s in self.scales]
                + [f"rank_{r}" for r in self.rankings] + [f"points_{n}" for n in self.node_ids])

    def run_cells(self, run_at: str) -> list[Any]:
        """The cells every row starts with: the ruleset and the run."""
        header = self.ruleset.header
        return [header.id, header.version or "", header.status or "", self.ruleset.content_hash, run_at]

    def unit_cells(self, u: UnitResult) -> list[Any]:
        """A unit's cells from its year to its levels."""
        a = identity_of(u)
        row: list[Any] = [a.year, a.source, u.tier.id, a.code, a.name, a.parent or "", u.total, u.max]
        row += [plain_value(u.outputs.get(o)) if isinstance(u.outputs.get(o), bool) else u.outputs.get(o) for o in self.outputs]
        row += [u.levels[s].label if s in u.levels else None for s in self.scales]
        return row

    def row(self, run: list[Any], u: UnitResult) -> list[Any]:
        """A unit's row, after ``run`` (``run_cells``)."""
        return run + self.unit_cells(u) + self.rank_cells(u) + self.point_cells(u)

    def rank_cells(self, u: UnitResult) -> list[Any]:
        return [u.ranks[r].rank if r in u.ranks else None for r in self.rankings]

    def point_cells(self, u: UnitResult) -> list[Any]:
        return _node_points(u.nodes, self.node_ids)


def _node_points(nodes: Mapping[str, NodeResult], node_ids: list[str]) -> list[Decimal | None]:
    """The points of each node in ``node_ids`` (None where the unit's tier has no such node)."""
    if isinstance(nodes, NodeResults):  # its points read once, without making the nodes' results
        points, index = nodes.all_points(), nodes.shape.index
        return [points[index[n]] if n in index else None for n in node_ids]
    return [nodes[n].points if n in nodes else None for n in node_ids]


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # compact: C's encoder (indent would use the Python one)


def results_head(ruleset: m.Ruleset, run_at: str) -> dict[str, Any]:
    """What results JSON says before its units: the schema, the ruleset and the run."""
    header = ruleset.header
    return {
        "schema": SCHEMA,
        "ruleset": {
            "id": header.id, "title": header.title, "version": header.version, "status": header.status,
            "content_hash": ruleset.content_hash, "path": ruleset.path, "amends": list(ruleset.amends),
        },
        "run_at": run_at,
    }


def write_json(out: TextIO, head: dict[str, Any], units: Iterable[UnitResult]) -> None:
    """Results JSON, written unit by unit as the units come (a large cohort is never held as one text): the
    run (schema, ruleset, run_at) on the first line, then for each unit a line with its own fields and
    one line per node. Each line is encoded by the JSON library's C encoder; an indented layout would
    go through its much slower Python encoder."""
    texts = UnitJson()
    with JsonArray(out, head) as array:
        for unit in units:
            array.add(*texts.text_parts(unit))


class _TextParts(list[str]):
    """What ``write_json`` writes, kept in order and joined once: ``io.StringIO`` copies text that is not all ASCII
    (a unit's titles) into a buffer of four bytes a character, then once more to give it back. ``JsonArray`` keeps
    each unit's text in the parts it is made of."""

    def write(self, text: str) -> int:
        self.append(text)
        return len(text)


def joined_json(head: dict[str, Any], unit_texts: Iterable[Iterable[str]], after: str = "") -> str:
    """Results JSON as one text: ``head``, then each unit's text given as the texts it is made of (``UnitJson``),
    every text joined at once (each copied once, into the whole); ``after``: members written after the units."""
    parts = _TextParts()
    with JsonArray(cast(TextIO, parts), head, after) as array:
        for texts in unit_texts:
            array.add(*texts)
    return "".join(parts)


class JsonArray:
    """Results JSON written a unit at a time: ``add`` each unit's text (as ``UnitJson`` makes it), in order;
    ``after``: members of the document written after the units (``, "notes": [...]``)."""

    def __init__(self, out: TextIO, head: dict[str, Any], after: str = ""):
        self.out = out
        self.after = after
        self.kept = out if isinstance(out, _TextParts) else None
        self.separator = "\n"
        out.write(_ENCODE(head)[:-1] + ', "units": [')

    def add(self, *unit_text: str) -> None:
        """Write a unit's text, given whole or in parts: to a file, joined and written at once; to ``to_json``'s
        parts, kept as they are (joined with the whole text, they are copied once)."""
        if self.kept is not None:
            self.kept.append(self.separator)
            self.kept.extend(unit_text)
        else:
            self.out.write(self.separator)
            self.out.write("".join(unit_text))
        self.separator = ",\n"

    def __enter__(self) -> JsonArray:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.out.write(f"\n]{self.after}}}")


class UnitJson:
    """Each unit's text in results JSON less its ranks, which are known only once its cohort is scored: the text
    before the ranks' object and the text after it (``ranks_json`` writes the object between them).

    A node's text is written piece by piece as the JSON library's encoder would write ``_node_dict``: what the
    ruleset fixes (id, title, provenance) encoded once per tier, each string of the unit's own through the
    encoder's own string function. One encoder call per node was two thirds of the time of writing JSON."""

    def __init__(self) -> None:
        self._writer: tuple[object, m.Tier, TierShape, UnitWriter | None] | None = None
        """The last tier's generated writer (None: it has none), by its details function, tier and shape: a cohort's
        units share them."""

    def text(self, u: UnitResult) -> str:
        """The unit's whole text, ranks and all."""
        return "".join(self.text_parts(u))

    def text_parts(self, u: UnitResult) -> tuple[str, ...]:
        """The unit's whole text, ranks and all, as the texts it is made of (to be joined)."""
        ranks = ", ".join([_rank_json(k, v.rank, v.of, v.group, _value_json(v.value)) for k, v in u.ranks.items()])
        return self._after_ranks(u, f'{_unit_fields_json(u)}, "ranks": {{{ranks}}}')

    def parts(self, u: UnitResult) -> tuple[str, str]:
        """The unit's text before its ranks' object and after it."""
        return _unit_fields_json(u) + ', "ranks": ', "".join(self._after_ranks(u, ""))

    def _after_ranks(self, u: UnitResult, before: str) -> tuple[str, ...]:
        """``before``, then the unit's text after its ranks, as the texts it is made of."""
        tier, nodes = u.tier, u.nodes
        if isinstance(nodes, NodeResults) and len(nodes):  # a tier scored by generated functions: so is its writer
            details, values, evidence, cohort_max = nodes.unit_inputs()
            kept = self._writer
            if kept is None or kept[0] is not details or kept[1] is not tier or kept[2] is not nodes.shape:
                found = unit_writer(nodes, _WRITER, writer_plan, tier)
                kept = self._writer = (details, tier, nodes.shape, found[0] if found is not None else None)
            if kept[3] is not None:  # it lists the criteria missing evidence as it computes them
                return cast(tuple[str, ...], kept[3](values, evidence, cohort_max, before, "\n]}"))  # (Words.in_parts)
        missing = ", ".join(map(_STRING, u.missing_evidence))
        declared = _declared(tier)
        text = ",".join(["\n  " + declared[node_id].text(points, why, flags, reads, values)
                         for node_id, points, why, flags, reads, values in node_rows(nodes)])
        return before, f', "missing_evidence": [{missing}], "nodes": [{text}\n]}}'


def _declared(tier: m.Tier) -> dict[str, _NodeJson]:
    """The tier's nodes' fixed text, by node id: set out once per tier (``Tier.memo``), for every write."""
    declared: dict[str, _NodeJson] | None = tier.memo.get(_NodeJson)
    if declared is None:
        declared = tier.memo[_NodeJson] = {node.id: _NodeJson(node) for node in tier.walk()}
    return declared


_WRITER = "results JSON writer"
"""The key of the tier's generated writer of results JSON, which writes every node as ``_NodeJson.text`` does."""


def writer_plan(tier: m.Tier, shape: TierShape) -> tuple[list[NodePlan], Words, str]:
    """What ``writergen`` writes of each node of the tier (in the order of ``shape``) in results JSON, how it writes
    values and branches, and what it writes between two nodes."""
    declared = _declared(tier)
    plans = [declared[node_id].plan(reads) for node_id, reads in zip(shape.order, shape.reads)]
    listed = ("missing evidence", ', "missing_evidence": [', '], "nodes": [\n  ')
    words = Words("json", '"yes"', '"no"', _value_json, branch=(None, _STRING), listed=listed, in_parts=True)
    return plans, words, ",\n  "


_STRING: Callable[[str], str] = json.encoder.encode_basestring  # the encoder's own string function (C)


class _NodeJson:
    """One node's text in results JSON, ``_node_dict`` encoded, in three parts: the front (id, title, points, max,
    share, up to the inputs), kept by the points' exact text; the inputs, written for each unit; the back (branch,
    flags, provenance), kept by the why and flags objects (``SameObjects``)."""

    def __init__(self, node: m.Node):
        self.node = node
        self.head = _ENCODE({"id": node.id, "title": node.title})[:-1]
        self.tail = _ENCODE({"provenance": _provenance(node)})[1:]
        self.fronts: dict[str, str] = {}
        self.backs: SameObjects[str] = SameObjects()
        self.inputs: tuple[tuple[str, ...], list[tuple[str, str]]] = ((), [])  # reads, and each one's name and key

    def text(self, points: Decimal, why: Why, flags: tuple[str, ...], reads: tuple[str, ...],
             values: Mapping[str, Any]) -> str:
        front, back = self._first(points), self._rest(why, flags)
        kept, keys = self.inputs
        if reads is not kept:  # the same tuple for every unit of an engine: its keys are written once
            keys = [(name, f"{_STRING(name)}: ") for name in dict.fromkeys(reads)]
            self.inputs = (reads, keys)
        return front + ", ".join([key + _value_json(values.get(name)) for name, key in keys]) + back

    def plan(self, reads: tuple[str, ...]) -> NodePlan:
        """What the tier's generated writer writes of the node (``writergen``), reading ``reads``."""
        kinds = {indicator.name: indicator.kind for indicator in self.node.inputs}
        shown = tuple((name, (", " if j else "") + f"{_STRING(name)}: ", kinds.get(name))
                      for j, name in enumerate(dict.fromkeys(reads)))
        node, first, firsts = self.node, None, None
        if node.max == 0 or node.share_digits is None:  # no share to work out: the points between two texts
            first = (f'{self.head}, "points": "', f'", "max": "{node.max!s}", "share": null, "inputs": {{')
        else:
            firsts = (self.fronts, self._new_front)
        return NodePlan(first, firsts, shown, ('}, "branch": ', f', "flags": [], {self.tail}'), self._rest,
                        _STRING(node.id))

    def _first(self, points: Decimal) -> str:
        return self.fronts.get(str(points)) or self._new_front(points)

    def _rest(self, why: Why, flags: tuple[str, ...]) -> str:
        back = self.backs.get(why, flags)
        return back if back is not None else self.backs.put(why, flags, self._back(why, flags))

    def _new_front(self, points: Decimal) -> str:
        node, shown = self.node, str(points)
        share = "null" if node.max == 0 or node.share_digits is None \
            else f'"{_quantize(ARITHMETIC.divide(points, node.max), node.share_digits)!s}"'
        return keep(self.fronts, shown, f'{self.head}, "points": "{shown}", "max": "{node.max!s}", "share": {share}, '
                                        '"inputs": {', KEPT_PER_NODE)

    def _back(self, why: Why, flags: tuple[str, ...]) -> str:
        template, *arguments = why
        return (f'}}, "branch": {_STRING(str(template).format(*arguments))}, '
                f'"flags": [{", ".join(map(_STRING, flags))}], {self.tail}')


def _value_json(value: Any) -> str:
    """An input's value in results JSON, as the encoder writes ``plain_value(value)``."""
    kind = type(value)
    if kind is Decimal:
        return f'"{value!s}"'
    if kind is bool:
        return '"yes"' if value else '"no"'
    if kind is Pair:
        return f'{{"a": "{value.a!s}", "b": "{value.b!s}"}}'
    plain = plain_value(value)
    return _STRING(plain) if isinstance(plain, str) else _ENCODE(plain)


def ranks_json(ranks: Iterable[tuple[str, int, int, str, Any]]) -> str:
    """A unit's ranks' object in results JSON, from each ranking's (name, rank, of, group, value as text): as the
    encoder writes ``_rank_fields`` of each (one encoder call costs more than writing the text here)."""
    return "{" + ", ".join([_rank_json(name, rank, of, group, _json(value)) for name, rank, of, group, value in ranks]) + "}"


def _rank_json(name: str, rank: int, of: int, group: str, value: str) -> str:
    """One ranking's entry in a unit's ranks' object, ``value`` already in JSON."""
    return f'{_STRING(name)}: {{"rank": {_json(rank)}, "of": {_json(of)}, "group": {_json(group)}, "value": {value}}}'


def _json(value: Any) -> str:
    """``value`` in JSON, as the encoder writes it (texts, none and integers here, the rest by the encoder)."""
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    return _ENCODE(value)


def _rank_fields(rank: int, of: int, group: str, value: Any) -> dict[str, Any]:
    return {"rank": rank, "of": of, "group": group, "value": value}


def _ordered_union(items: Any) -> list[str]:
    return list(dict.fromkeys(items))


def plain_value(value: Any) -> Any:
    """A value as results JSON writes it: decimals as text, yes/no, a pair as its two numbers, "" for none."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Pair):
        return {"a": str(value.a), "b": str(value.b)}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _unit_dict(u: UnitResult) -> dict[str, Any]:
    node = u.tier.node
    return {
        **_unit_fields(u),
        "ranks": {k: _rank_fields(v.rank, v.of, v.group, plain_value(v.value)) for k, v in u.ranks.items()},
        "missing_evidence": list(u.missing_evidence),
        "nodes": [_node_dict(node(n.id), n) for n in u.nodes.values()],
    }


def _unit_fields(u: UnitResult) -> dict[str, Any]:
    """A unit's fields in results JSON before its ranks."""
    a = identity_of(u)
    return {
        "code": a.code, "name": a.name, "tier": a.tier, "parent": a.parent, "year": a.year, "source": a.source,
        "note": a.note,
        "total": str(u.total), "max": str(u.max),
        "outputs": {k: plain_value(v) for k, v in u.outputs.items()},
        "levels": {k: {"id": v.id, "label": v.label, "unmet": list(v.unmet)} for k, v in u.levels.items()},
    }


def _unit_fields_json(u: UnitResult) -> str:
    """``_unit_fields(u)`` as the encoder writes it, less its closing brace."""
    a = identity_of(u)
    return (f'{{"code": {_json(a.code)}, "name": {_json(a.name)}, "tier": {_json(a.tier)}, '
            f'"parent": {_json(a.parent)}, "year": {_json(a.year)}, "source": {_json(a.source)}, '
            f'"note": {_json(a.note)}, "total": {_json(str(u.total))}, "max": {_json(str(u.max))}, '
            f'{_LEVELS.get(u.levels, u.outputs) or _levels_json(u.levels, u.outputs)}')


_LEVELS: SameObjects[str] = SameObjects()
"""The outputs and levels of units in results JSON, by those dictionaries when they are read-only: the engines give
the units that reach the same levels one such dictionary, and the units of a tier without outputs one empty one."""


def _levels_json(levels: Mapping[str, LevelResult], outputs: Mapping[str, Decimal | None]) -> str:
    written = ", ".join([f"{_STRING(k)}: {_json(plain_value(v))}" for k, v in outputs.items()])
    shown = ", ".join([f'{_STRING(k)}: {{"id": {_json(v.id)}, "label": {_json(v.label)}, '
                       f'"unmet": [{", ".join([_json(x) for x in v.unmet])}]}}' for k, v in levels.items()])
    text = f'"outputs": {{{written}}}, "levels": {{{shown}}}'
    if type(levels) is ReadOnlyDict and type(outputs) is ReadOnlyDict:  # (a dictionary that may change is not kept)
        _LEVELS.put(levels, outputs, text)
    return text


def _node_dict(node: m.Node, result: NodeResult) -> dict[str, Any]:
    return {
        "id": node.id, "title": node.title, "points": str(result.points), "max": str(result.max),
        "share": None if node.share_digits is None or result.share is None
        else str(_quantize(result.share, node.share_digits)),
        "inputs": {k: plain_value(v) for k, v in result.inputs},
        "branch": result.branch, "flags": list(result.flags),
        "provenance": _provenance(node),
    }


def _provenance(node: m.Node) -> dict[str, str] | None:
    return None if node.provenance is None else {"status": node.provenance.status, "text": node.provenance.text}


def _quantize(value: Decimal, digits: int) -> Decimal:
    return round_to(value, m.Rounding(digits))
