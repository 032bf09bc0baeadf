"""Ruleset tests: read a declarative test file beside a ruleset, run its cases, measure coverage.

A test file (``<ruleset>.tests.yaml``) lists cases: one unit (or a cohort of units) with its
indicator values, written as in the data files, and the expected points of any node, the total,
level, rank and outputs. Numbers are compared exactly unless the case or the file declares a
``tolerance``. Coverage names the criteria, bands, category values, yes/no answers, ``best_of``
alternatives and levels that no case exercised, each with its line in the ruleset.

The format, with every key (``docs`` and the report of ``cqdt test`` use the same words)::

    ruleset: egov.cqdt        # optional: the ruleset, relative to this file, or a shipped id
    year: 2022                # optional defaults for every case
    source: audit
    tolerance: 0              # exact unless a tolerance is declared (here or per case)
    evidence: all             # every required evidence present unless a unit says otherwise
    min_coverage: 100         # optional: fail when coverage (percent) is lower

    bases:                    # named value sets that units start from
      so_full:
        tier: so
        values: {may_tinh: 50/50, internet_bang_rong: có, ...}

    cases:
      - name: "3/1600 × 4 = 0,0075 → 0,008"
        tier: so
        unit:
          base: so_full
          values: {giai_ngan_cntt: 3/1600}
          missing_evidence: [phuong_an_attt]
        expect:
          points: {A4.2: 0.008, A1.4.a: 0}
          total: 134.008      # 140 − (4 − 0,008) − 2
          level: I            # level id, its label, or 'below'
          rank: 1
          flags: {A1.4.a: [missing evidence]}
      - name: a cohort (ranks, normalised criteria)
        tier: huyen
        cohort:
          - {code: H1, base: huyen_full, expect: {rank: 1}}
          - {code: H2, base: huyen_zero, expect: {rank: 2}}
      - name: rejected data
        tier: so
        unit: {base: so_full, values: {may_tinh: 51/50}}
        error: "greater than b"   # the case passes when scoring refuses the data with this text, in English
                                  # or in Vietnamese ("lớn hơn b")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
import yaml

from cqdt_rules.data.yaml_units import yaml_value
from cqdt_rules.data.yamlfile import compose_yaml, is_null
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import LANGS, branch_text, translate
from cqdt_rules.engine import loading, scoring
from cqdt_rules.engine.evaluator import meets, published_value
from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.errors import (
    DataError,
    Diagnostic,
    DiagnosticsError,
    Span,
    UsageError,
    did_you_mean,
)
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.text import NotDecodable, decode
from cqdt_rules.model.units import SOURCES, SOURCES_HINT, Assessment, Pair, nfc

TEST_SUFFIX = ".tests.yaml"
EVIDENCE_PLACEHOLDER = "(ruleset test)"

_FILE_KEYS = ("ruleset", "year", "source", "tolerance", "evidence", "min_coverage", "bases", "cases", "note")
_CASE_KEYS = ("name", "tier", "year", "source", "note", "tolerance", "unit", "cohort", "expect", "error")
_UNIT_KEYS = ("code", "name", "tier", "parent", "base", "values", "evidence", "missing_evidence", "note", "expect")
_EXPECT_KEYS = ("points", "shares", "total", "level", "rank", "outputs", "flags")
_BELOW_WORDS = ("below", "none", "không xếp hạng")


class TestFileError(DiagnosticsError):
    """A ruleset test file that cannot be read: every problem, with its position in the file."""

    __test__ = False  # not a pytest test class
    kind = "test file"


# ---------------------------------------------------------------- the test file, as read
@attrs.frozen
class Expected:
    """What one unit of a case must score; every entry keeps its position in the test file."""

    points: tuple[tuple[str, Decimal, Span], ...] = ()
    shares: tuple[tuple[str, Decimal | None, Span], ...] = ()
    total: tuple[Decimal, Span] | None = None
    levels: tuple[tuple[str, str | None, Span], ...] = ()  # scale, level id (None: below every level)
    ranks: tuple[tuple[str, int, Span], ...] = ()
    outputs: tuple[tuple[str, Decimal | None, Span], ...] = ()
    flags: tuple[tuple[str, tuple[str, ...], Span], ...] = ()


@attrs.frozen
class CaseUnit:
    assessment: Assessment
    expected: Expected


@attrs.frozen
class Case:
    name: str
    tier: str
    units: tuple[CaseUnit, ...]
    tolerance: Decimal = Decimal(0)
    error: str | None = None
    note: str | None = None
    span: Span = attrs.field(default=Span("<memory>", 0, 0, 0, 0), eq=False)

    @property
    def location(self) -> str:
        return f"{self.span.path}:{self.span.line}"


@attrs.frozen
class RulesetTests:
    """A test file, read and checked against its ruleset."""

    __test__ = False

    path: str
    ruleset_ref: str | None
    cases: tuple[Case, ...]
    min_coverage: Decimal | None = None


# ---------------------------------------------------------------- results of a run
@attrs.frozen
class Difference:
    span: Span
    what: str
    expected: str
    actual: str

    def __str__(self) -> str:
        return self.shown("en")

    def shown(self, lang: str) -> str:
        """The difference as ``cqdt test`` prints it in ``lang``: its words translated, its numbers written as the
        language writes them."""
        return translate("{span}: {what}: expected {expected}, got {actual}", lang).format(
            span=self.span, what=translate(self.what, lang), expected=_shown_value(self.expected, lang),
            actual=_shown_value(self.actual, lang))


def _shown_value(text: str, lang: str) -> str:
    """A value a difference shows, in ``lang``: a phrase the catalogue knows translated (``3 of 5 (value 12.5)``),
    anything else as an explanation's branch is (its branch phrases and decimal numbers in the language's words)."""
    translated = translate(text, lang)
    return translated if translated != text else branch_text(text, lang)


@attrs.frozen
class CaseResult:
    case: Case
    differences: tuple[Difference, ...] = ()
    problem: str | None = None  # data refused, or an error that was expected but did not come
    results: Results | None = attrs.field(default=None, eq=False, repr=False)
    refusal: DataError | None = attrs.field(default=None, eq=False, repr=False)
    """Why the data was refused, rendered in the language the failure is described in."""

    @property
    def passed(self) -> bool:
        return not self.differences and self.problem is None

    def describe(self, lang: str = "en") -> str:
        """The failure in words, in ``lang``: each difference with its position, or the problem (and the errors the
        data was refused with)."""
        lines = [d.shown(lang) for d in self.differences]
        if self.problem:
            lines.append(translate(self.problem, lang))
        if self.refusal is not None:
            lines.append(self.refusal.render(lang))
        return "\n".join(lines)


@attrs.frozen
class CoverageItem:
    """One thing a test can exercise: a criterion, a band, a category value, a yes/no answer,
    a ``best_of`` alternative, or a level of a scale (per tier)."""

    key: tuple[Any, ...]
    tier: str
    kind: str  # criterion | band | category | answer | alternative | level
    node_id: str | None
    message: str  # what it is, an English template of the catalogue: "'{indicator}' = no"
    span: Span = attrs.field(eq=False)
    values: tuple[tuple[str, str], ...] = ()  # the template's values, as the ruleset writes them
    within: tuple[int, ...] = ()  # the best_of alternatives (numbered from 1) it lies within

    @property
    def label(self) -> str:
        return self.shown_label("en")

    def shown_label(self, lang: str) -> str:
        """What it is, in ``lang``: ``alternative 1: 'loai' = kha -> 2``."""
        within = "".join(translate("alternative {number}: ", lang).format(number=n) for n in self.within)
        return within + translate(self.message, lang).format(**dict(self.values))

    def shown(self, lang: str) -> str:
        """The item as the coverage list shows it in ``lang``: where in the ruleset, the tier, the node, what."""
        where = f"{self.span}: " if self.span.line else ""
        if self.node_id:
            return where + translate("tier {tier}, {node}: {what}", lang).format(
                tier=self.tier, node=self.node_id, what=self.shown_label(lang))
        return where + translate("tier {tier}: {what}", lang).format(tier=self.tier, what=self.shown_label(lang))

    def __str__(self) -> str:
        return self.shown("en")


KIND_TITLES = {
    "criterion": "criteria", "band": "bands", "category": "category values", "answer": "yes/no answers",
    "alternative": "best_of alternatives", "level": "levels",
}


@attrs.frozen
class Coverage:
    items: tuple[CoverageItem, ...]
    hit: frozenset[tuple[Any, ...]]

    @property
    def covered(self) -> tuple[CoverageItem, ...]:
        return tuple(i for i in self.items if i.key in self.hit)

    @property
    def missed(self) -> tuple[CoverageItem, ...]:
        return tuple(i for i in self.items if i.key not in self.hit)

    @property
    def percent(self) -> Decimal:
        if not self.items:
            return Decimal(100)
        return (Decimal(len(self.covered)) * 100 / len(self.items)).quantize(Decimal("0.1"))

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """Per kind of item: (covered, total), in a fixed order."""
        found: dict[str, tuple[int, int]] = {}
        for kind in KIND_TITLES:
            items = [i for i in self.items if i.kind == kind]
            found[kind] = (sum(1 for i in items if i.key in self.hit), len(items))
        return found


@attrs.frozen
class RunReport:
    tests: RulesetTests
    checked: loading.CheckedRuleset = attrs.field(eq=False, repr=False)
    cases: tuple[CaseResult, ...]
    coverage: Coverage

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        return tuple(c for c in self.cases if not c.passed)

    @property
    def coverage_ok(self) -> bool:
        return self.tests.min_coverage is None or self.coverage.percent >= self.tests.min_coverage

    @property
    def ok(self) -> bool:
        return not self.failed and self.coverage_ok


# ---------------------------------------------------------------- finding files
def default_test_path(ruleset_path: str | Path) -> Path:
    """``egov.cqdt`` → ``egov.tests.yaml`` in the same folder."""
    path = Path(ruleset_path)
    return path.with_name(path.name[: -len(path.suffix)] + TEST_SUFFIX if path.suffix else path.name + TEST_SUFFIX)


def ruleset_for(test_path: str | Path) -> Path:
    """The ruleset a test file is for: its ``ruleset:`` key (relative path or shipped id), else the
    ``.cqdt`` file of the same name beside it, else the only ``.cqdt`` file in its folder."""
    test_path = Path(test_path)
    declared = _declared_ruleset(test_path)
    if declared:
        candidate = test_path.parent / declared
        if candidate.exists():
            return loading.resolve_ruleset_path(candidate)
        return loading.resolve_ruleset_path(declared)
    stem = test_path.name[: -len(TEST_SUFFIX)] if test_path.name.endswith(TEST_SUFFIX) else test_path.stem
    sibling = test_path.with_name(stem + loading.RULESET_SUFFIX)
    if sibling.is_file():
        return sibling
    found = sorted(test_path.parent.glob("*" + loading.RULESET_SUFFIX))
    if len(found) == 1:
        return found[0]
    raise UsageError(f"cannot tell which ruleset '{test_path}' tests: add 'ruleset: <file or id>' to it, "
                     f"or put '{stem}{loading.RULESET_SUFFIX}' beside it")


def _declared_ruleset(test_path: Path) -> str | None:
    try:
        root = compose_yaml(read_test_text(test_path), str(test_path))
    except (OSError, TestFileError, DataError):
        return None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "ruleset" and isinstance(value, yaml.ScalarNode) and value.value:
                return str(value.value)
    return None


# ---------------------------------------------------------------- reading
def load_tests(path: str | Path, checked: loading.CheckedRuleset) -> RulesetTests:
    """Read and check a test file against ``checked``; raise TestFileError listing every problem."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no such test file: {path}")
    return load_tests_text(read_test_text(path), checked, str(path))


def read_test_text(path: Path) -> str:
    """A test file's text, decoded as a ruleset is (UTF-8, a byte-order mark dropped, ``\n`` line ends); a
    TestFileError at the first byte that is not UTF-8, naming the encoding the file seems to be in."""
    try:
        return decode(path.read_bytes())
    except NotDecodable as error:
        raise TestFileError([Diagnostic(Span(str(path), error.line, error.column, error.line, error.column + 1),
                                        str(error), hint="save the test file as UTF-8 (in a text editor: Save As, "
                                                         "encoding UTF-8)")]) from None


def load_tests_text(text: str, checked: loading.CheckedRuleset, path: str = "<memory>") -> RulesetTests:
    reader = _Reader(text, checked.ruleset, path)
    tests = reader.read()
    if reader.problems:
        raise TestFileError(reader.problems, {path: text})
    return tests


class _Reader:
    def __init__(self, text: str, ruleset: m.Ruleset, path: str):
        self.text = text
        self.ruleset = ruleset
        self.path = path
        self.problems: list[Diagnostic] = []
        self.tiers = {t.id: t for t in ruleset.tiers}
        years = ruleset.header.years
        self.year = years[0] if years else 2000
        self.source = "audit"
        self.tolerance = Decimal(0)
        self.evidence: Any = "all"
        self.bases: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        self._resolved: dict[str, dict[str, Any]] = {}

    # ------------------------------------------------------------ helpers
    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        return Span(self.path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    def error(self, node: yaml.Node | Span, message: str, hint: str | None = None) -> None:
        span = node if isinstance(node, Span) else self.span(node)
        self.problems.append(Diagnostic(span, message, hint=hint))

    def mapping(self, node: yaml.Node, what: str, known: Sequence[str]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"expected a mapping for {what}")
            return {}
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = str(key.value)
            if name in found:
                self.error(key, f"'{name}' is given twice in {what}")
            elif known and name not in known:
                self.error(key, f"unknown key '{name}' in {what}",
                           hint=did_you_mean(name, known) or f"keys: {', '.join(known)}")
                continue
            found[name] = (key, value)
        return found

    def plain_mapping(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"expected a mapping for {what}")
            return []
        return list(node.value)

    def scalar_text(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.value == "":
            self.error(node, f"expected text for {what}")
            return None
        return nfc(str(node.value))

    def number(self, node: yaml.Node, what: str, allow_null: bool = False) -> tuple[bool, Decimal | None]:
        """(ok, value): a decimal number as written (decimal point, or a Vietnamese decimal comma)."""
        if isinstance(node, yaml.ScalarNode):
            raw = str(node.value).strip()
            if is_null(node):
                if allow_null:
                    return True, None
                self.error(node, f"expected a number for {what}")
                return False, None
            text = raw.replace(" ", "")
            if re.fullmatch(r"-?\d+,\d+", text):
                text = text.replace(",", ".")
            try:
                value = Decimal(text)
            except InvalidOperation:
                value = None
            if value is not None and value.is_finite() and re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", text):
                return True, value
        self.error(node, f"expected a number for {what}, got '{getattr(node, 'value', '...')}'",
                   hint="write e.g. 118.348 (or 118,348)" + (", or null for 'no value'" if allow_null else ""))
        return False, None

    # ------------------------------------------------------------ file
    def read(self) -> RulesetTests:
        try:
            root = compose_yaml(self.text, self.path)
        except DataError as error:
            for found in error.diagnostics:
                self.error(found.span, found.message, hint=found.hint)
            return RulesetTests(self.path, None, ())
        if root is None:
            self.error(Span(self.path, 1, 1, 1, 1), "the test file is empty", hint="expected 'cases:' with a list of cases")
            return RulesetTests(self.path, None, ())
        top = self.mapping(root, "the test file", _FILE_KEYS)
        ruleset_ref = None
        if "ruleset" in top:
            ruleset_ref = self.scalar_text(top["ruleset"][1], "'ruleset'")
        if "year" in top:
            self.year = self.year_of(top["year"][1]) or self.year
        if "source" in top:
            self.source = self.source_of(top["source"][1]) or self.source
        if "tolerance" in top:
            ok, tolerance = self.number(top["tolerance"][1], "'tolerance'")
            self.tolerance = tolerance if ok and tolerance is not None else self.tolerance
        if "evidence" in top:
            self.evidence = self.evidence_default(top["evidence"][1])
        min_coverage = None
        if "min_coverage" in top:
            ok, min_coverage = self.number(top["min_coverage"][1], "'min_coverage' (a percentage)")
        if "bases" in top:
            for base_key, base_node in self.plain_mapping(top["bases"][1], "'bases'"):
                name = str(base_key.value)
                if name in self.bases:
                    self.error(base_key, f"base '{name}' is defined twice")
                self.bases[name] = (base_key, base_node)
        cases: list[Case] = []
        cases_node = top.get("cases", (None, None))[1]
        if not isinstance(cases_node, yaml.SequenceNode):
            self.error(cases_node if cases_node is not None else root, "expected 'cases:' with a list of cases")
        else:
            names: dict[str, yaml.Node] = {}
            for item in cases_node.value:
                case = self.case(item)
                if case is None:
                    continue
                if case.name in names:
                    self.error(item, f"two cases are named '{case.name}'",
                               hint=f"the first is at line {names[case.name].start_mark.line + 1}; names must be unique")
                names[case.name] = item
                cases.append(case)
        return RulesetTests(self.path, ruleset_ref, tuple(cases), min_coverage)

    def year_of(self, node: yaml.Node) -> int | None:
        if isinstance(node, yaml.ScalarNode) and re.fullmatch(r"\d{4}", str(node.value).strip()):
            return int(node.value)
        self.error(node, f"expected a year, got '{getattr(node, 'value', '...')}'")
        return None

    def source_of(self, node: yaml.Node) -> str | None:
        text = self.scalar_text(node, "'source'")
        if text is not None and text not in SOURCES:
            self.error(node, f"unknown source '{text}'", hint=SOURCES_HINT)
            return None
        return text

    def evidence_default(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.value in ("all", "none"):
            return node.value
        self.error(node, "expected 'all' or 'none' for the default 'evidence'",
                   hint="'all': every required evidence is present unless a unit says otherwise")
        return "all"

    # ------------------------------------------------------------ cases
    def case(self, node: yaml.Node) -> Case | None:
        fields = self.mapping(node, "a case", _CASE_KEYS)
        if not fields:
            return None
        name = self.scalar_text(fields["name"][1], "the case's 'name'") if "name" in fields else None
        if name is None:
            if "name" not in fields:
                self.error(node, "a case has no 'name'", hint="add e.g. name: \"Sở TT&TT: 118,348 → Mức I\"")
            return None
        year = self.year_of(fields["year"][1]) if "year" in fields else self.year
        source = self.source_of(fields["source"][1]) if "source" in fields else self.source
        tolerance = self.tolerance
        if "tolerance" in fields:
            ok, value = self.number(fields["tolerance"][1], "'tolerance'")
            tolerance = value if ok and value is not None else tolerance
        error = self.scalar_text(fields["error"][1], "'error' (a part of the expected message)") if "error" in fields else None
        note = self.scalar_text(fields["note"][1], "'note'") if "note" in fields else None
        tier_id = None
        if "tier" in fields:
            tier_id = self.scalar_text(fields["tier"][1], "'tier'")
            if tier_id is not None and tier_id not in self.tiers:
                self.error(fields["tier"][1], f"ruleset '{self.ruleset.id}' has no tier '{tier_id}'",
                           hint=did_you_mean(tier_id, self.tiers) or f"tiers: {', '.join(self.tiers)}")
                return None
        if ("unit" in fields) == ("cohort" in fields):
            self.error(node, f"case '{name}' needs either 'unit:' (one unit) or 'cohort:' (a list of units)")
            return None
        if "unit" in fields:
            if "expect" not in fields and error is None:
                self.error(node, f"case '{name}' has no 'expect:'", hint="say what the unit must score, or 'error:'")
            unit_nodes = [(fields["unit"][1], fields.get("expect", (None, None))[1])]
        else:
            if "expect" in fields:
                self.error(fields["expect"][0], "in a cohort, put 'expect:' under each unit")
            cohort = fields["cohort"][1]
            if not isinstance(cohort, yaml.SequenceNode) or not cohort.value:
                self.error(cohort, "expected a list of units for 'cohort'")
                return None
            unit_nodes = [(u, None) for u in cohort.value]
        units: list[CaseUnit] = []
        codes: dict[str, yaml.Node] = {}
        for index, (unit_node, expect_node) in enumerate(unit_nodes):
            built = self.unit(unit_node, expect_node, tier_id, year, source, index, single="unit" in fields)
            if built is None:
                continue
            unit, unit_tier = built
            if tier_id is None:
                tier_id = unit_tier
            if unit.assessment.code in codes:
                self.error(unit_node, f"two units of case '{name}' have the code '{unit.assessment.code}'")
            codes[unit.assessment.code] = unit_node
            units.append(unit)
        if tier_id is None:
            self.error(node, f"case '{name}' names no tier", hint="add 'tier: ...' to the case or to its base")
            return None
        if not units:
            return None
        return Case(name, tier_id, tuple(units), tolerance, error, note, self.span(node))

    # ------------------------------------------------------------ units and bases
    def unit(self, node: yaml.Node, expect_node: yaml.Node | None, tier_id: str | None, year: int | None,
             source: str | None, index: int, single: bool) -> tuple[CaseUnit, str | None] | None:
        fields = self.mapping(node, "a unit", _UNIT_KEYS if not single else [k for k in _UNIT_KEYS if k != "expect"])
        spec = self.unit_spec(fields, node, seen=())
        unit_tier = spec.get("tier")
        if tier_id is not None and unit_tier is not None and unit_tier != tier_id:
            self.error(node, f"the unit's base is for tier '{unit_tier}', the case for tier '{tier_id}'")
            return None
        tier_id = tier_id or unit_tier
        if tier_id is None or year is None or source is None:
            return None
        tier = self.tiers[tier_id]
        code = spec.get("code") or (f"U{index + 1}" if not single else "UNIT")
        evidence = self.evidence_for(tier, spec)
        assessment = Assessment(
            code=code, name=spec.get("name") or code, tier=tier_id, year=year, source=source,
            values=dict(spec["values"]), evidence=evidence, parent=spec.get("parent"), note=spec.get("note"),
            origin=self.span(node), value_spans=dict(spec["spans"]),
        )
        if not single and "expect" in fields:
            expect_node = fields["expect"][1]
        expected = self.expected(expect_node, tier) if expect_node is not None else Expected()
        return CaseUnit(assessment, expected), unit_tier

    def unit_spec(self, fields: Mapping[str, tuple[yaml.Node, yaml.Node]], node: yaml.Node,
                  seen: tuple[str, ...]) -> dict[str, Any]:
        """Merge a unit (or base) onto its base: values and evidence override, missing evidence adds up."""
        spec: dict[str, Any] = {"values": {}, "spans": {}, "evidence": None, "evidence_mode": None, "missing": set()}
        if "base" in fields:
            key_node, value_node = fields["base"]
            name = self.scalar_text(value_node, "'base'")
            if name is not None:
                base = self.base(name, value_node, seen)
                if base is not None:
                    spec = {**base, "values": dict(base["values"]), "spans": dict(base["spans"]),
                            "evidence": None if base["evidence"] is None else dict(base["evidence"]),
                            "missing": set(base["missing"])}
                    spec.pop("code", None)
                    spec.pop("name", None)
        for field in ("code", "name", "parent", "note", "tier"):
            if field in fields:
                text = self.scalar_text(fields[field][1], f"'{field}'")
                if text is not None:
                    if field == "tier" and text not in self.tiers:
                        self.error(fields[field][1], f"ruleset '{self.ruleset.id}' has no tier '{text}'",
                                   hint=did_you_mean(text, self.tiers) or f"tiers: {', '.join(self.tiers)}")
                        continue
                    spec[field] = text
        if "values" in fields:
            for value_key, value_node in self.plain_mapping(fields["values"][1], "'values'"):
                spec["values"][str(value_key.value)] = yaml_value(value_node)
                spec["spans"][str(value_key.value)] = self.span(value_node)
        if "evidence" in fields:
            value = fields["evidence"][1]
            if isinstance(value, yaml.ScalarNode) and value.value in ("all", "none"):
                spec["evidence_mode"], spec["evidence"] = value.value, None
            elif isinstance(value, yaml.MappingNode):
                refs = dict(spec["evidence"] or {})
                for ref_key, item in value.value:
                    refs[str(ref_key.value)] = _references(item)
                    spec["spans"].setdefault(str(ref_key.value), self.span(ref_key))
                spec["evidence"] = refs
            else:
                self.error(value, "expected 'all', 'none' or a mapping indicator → references for 'evidence'")
        if "missing_evidence" in fields:
            value = fields["missing_evidence"][1]
            names = ([str(v.value) for v in value.value if isinstance(v, yaml.ScalarNode)]
                     if isinstance(value, yaml.SequenceNode) else
                     [str(value.value)] if isinstance(value, yaml.ScalarNode) and value.value else None)
            if names is None:
                self.error(value, "expected a list of indicator names for 'missing_evidence'")
            else:
                spec["missing"] |= set(names)
                tier = self.tiers.get(spec.get("tier", ""))
                if tier is not None:
                    known = {i.name: i for i in tier.indicators}
                    for name in names:
                        if name not in known:
                            self.error(value, f"unknown indicator '{name}' in 'missing_evidence'",
                                       hint=did_you_mean(name, known))
        return spec

    def base(self, name: str, where: yaml.Node, seen: tuple[str, ...]) -> dict[str, Any] | None:
        if name in seen:
            self.error(where, f"base '{name}' is based on itself ({' → '.join(seen + (name,))})")
            return None
        if name in self._resolved:
            return self._resolved[name]
        if name not in self.bases:
            self.error(where, f"no base named '{name}'",
                       hint=did_you_mean(name, self.bases) or (f"bases: {', '.join(self.bases)}" if self.bases else
                                                               "define it under 'bases:'"))
            return None
        key, node = self.bases[name]
        fields = self.mapping(node, f"base '{name}'", [k for k in _UNIT_KEYS if k != "expect"])
        spec = self.unit_spec(fields, node, seen + (name,))
        self._resolved[name] = spec
        return spec

    def evidence_for(self, tier: m.Tier, spec: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
        mode = spec.get("evidence_mode") or (None if spec.get("evidence") is not None else self.evidence)
        refs: dict[str, tuple[str, ...]] = {}
        if mode == "all":
            refs = {i.name: (EVIDENCE_PLACEHOLDER,) for i in tier.indicators if i.evidence_required}
        refs.update(spec.get("evidence") or {})
        for name in spec.get("missing", ()):
            refs.pop(name, None)
        return {k: v for k, v in refs.items() if v}

    # ------------------------------------------------------------ expectations
    def expected(self, node: yaml.Node, tier: m.Tier) -> Expected:
        fields = self.mapping(node, "'expect'", _EXPECT_KEYS)
        node_ids = {n.id for n in tier.walk()}
        found: dict[str, Any] = {}
        if "points" in fields:
            found["points"] = tuple(self.node_numbers(fields["points"][1], tier, node_ids, "points", allow_null=False))
        if "shares" in fields:
            found["shares"] = tuple(self.node_numbers(fields["shares"][1], tier, node_ids, "shares", allow_null=True))
        if "total" in fields:
            ok, total = self.number(fields["total"][1], "'total'")
            if ok and total is not None:
                found["total"] = (total, self.span(fields["total"][1]))
        if "level" in fields:
            found["levels"] = tuple(self.levels(fields["level"][1], tier))
        if "rank" in fields:
            found["ranks"] = tuple(self.ranks(fields["rank"][1], tier))
        if "outputs" in fields:
            outputs = {o.name for o in tier.outputs}
            entries = []
            for out_key, out_node in self.plain_mapping(fields["outputs"][1], "'outputs'"):
                name = str(out_key.value)
                if name not in outputs:
                    self.error(out_key, f"tier '{tier.id}' has no output '{name}'",
                               hint=did_you_mean(name, outputs) or (f"outputs: {', '.join(outputs)}" if outputs else "it declares none"))
                    continue
                ok, number = self.number(out_node, f"output '{name}'", allow_null=True)
                if ok:
                    entries.append((name, number, self.span(out_node)))
            found["outputs"] = tuple(entries)
        if "flags" in fields:
            flag_entries = []
            for flag_key, flag_node in self.plain_mapping(fields["flags"][1], "'flags'"):
                node_id = str(flag_key.value)
                if node_id not in node_ids:
                    self.error(flag_key, f"tier '{tier.id}' has no node '{node_id}'", hint=did_you_mean(node_id, node_ids))
                    continue
                if isinstance(flag_node, yaml.SequenceNode):
                    flags = tuple(str(v.value) for v in flag_node.value if isinstance(v, yaml.ScalarNode))
                elif isinstance(flag_node, yaml.ScalarNode):
                    flags = tuple(f.strip() for f in str(flag_node.value).split(",") if f.strip())
                else:
                    self.error(flag_node, "expected a list of flags (e.g. [missing evidence])")
                    continue
                flag_entries.append((node_id, flags, self.span(flag_node)))
            found["flags"] = tuple(flag_entries)
        return Expected(**found)

    def node_numbers(self, node: yaml.Node, tier: m.Tier, node_ids: set[str], what: str,
                     allow_null: bool) -> Iterable[tuple[str, Decimal | None, Span]]:
        for key, value in self.plain_mapping(node, f"'{what}'"):
            node_id = str(key.value)
            if node_id not in node_ids:
                self.error(key, f"tier '{tier.id}' has no node '{node_id}'",
                           hint=did_you_mean(node_id, node_ids) or "write the node id as in the ruleset, e.g. A1.2.a")
                continue
            ok, number = self.number(value, f"{what} of {node_id}", allow_null=allow_null)
            if ok:
                yield node_id, number, self.span(value)

    def levels(self, node: yaml.Node, tier: m.Tier) -> Iterable[tuple[str, str | None, Span]]:
        scales = {s.name: s for s in tier.levels}
        if not scales:
            self.error(node, f"tier '{tier.id}' declares no levels")
            return
        if isinstance(node, yaml.MappingNode):
            pairs = [(str(k.value), v, k) for k, v in node.value]
        else:
            if len(scales) > 1:
                self.error(node, f"tier '{tier.id}' has {len(scales)} level scales: name the scale",
                           hint=f"write level: {{{next(iter(scales))}: ...}}")
                return
            pairs = [(next(iter(scales)), node, node)]
        for scale_name, value, where in pairs:
            scale = scales.get(scale_name)
            if scale is None:
                self.error(where, f"tier '{tier.id}' has no level scale '{scale_name}'", hint=did_you_mean(scale_name, scales))
                continue
            if not isinstance(value, yaml.ScalarNode):
                self.error(value, "expected a level id or label")
                continue
            text = "" if is_null(value) and value.value else nfc(str(value.value).strip())
            level_id = _level_id(scale, text)
            if level_id is False:
                choices = [lv.id for lv in scale.levels] + ["below"]
                self.error(value, f"scale '{scale.name}' has no level '{text}'",
                           hint=did_you_mean(text, choices + [lv.label for lv in scale.levels]) or f"levels: {', '.join(choices)}")
                continue
            yield scale.name, level_id if isinstance(level_id, str) else None, self.span(value)

    def ranks(self, node: yaml.Node, tier: m.Tier) -> Iterable[tuple[str, int, Span]]:
        rankings = [r.name for r in tier.rankings]
        if not rankings:
            self.error(node, f"tier '{tier.id}' declares no ranking")
            return
        pairs = ([(str(k.value), v, k) for k, v in node.value] if isinstance(node, yaml.MappingNode)
                 else [(rankings[0], node, node)])
        for name, value, where in pairs:
            if name not in rankings:
                self.error(where, f"tier '{tier.id}' has no ranking '{name}'", hint=did_you_mean(name, rankings))
                continue
            if not (isinstance(value, yaml.ScalarNode) and re.fullmatch(r"\d+", str(value.value).strip())
                    and int(value.value) >= 1):
                self.error(value, f"expected a rank position (1, 2, ...) for ranking '{name}'")
                continue
            yield name, int(value.value), self.span(value)


def _level_id(scale: m.LevelScale, text: str) -> str | None | bool:
    """The level id ``text`` names (its id or label), None for 'below', False when it names none."""
    for level in scale.levels:
        if text in (level.id, level.label):
            return level.id
    if text == "" or text.lower() in _BELOW_WORDS or text == scale.below:
        return None
    return False


def _references(node: yaml.Node) -> tuple[str, ...]:
    if isinstance(node, yaml.SequenceNode):
        return tuple(nfc(str(v.value)) for v in node.value if isinstance(v, yaml.ScalarNode) and v.value)
    if isinstance(node, yaml.ScalarNode) and node.value and node.value not in ("~", "null"):
        return (nfc(str(node.value)),)
    return ()


# ---------------------------------------------------------------- running
def _refused_with(refusal: DataError, expected: str) -> bool:
    """Whether the refusal's message holds ``expected`` in any language: a test's author copies the message a run
    in their language showed, and the test passes whatever language it runs in."""
    return any(expected.lower() in refusal.render(lang).lower() for lang in LANGS)


def run_case(checked: loading.CheckedRuleset, case: Case) -> CaseResult:
    """Score the case's units together (one cohort) and compare with what it expects."""
    assessments = [u.assessment for u in case.units]
    try:
        results = scoring.score(checked, assessments, run_at="ruleset-test")
    except DataError as exc:
        refusal = DataError(exc.diagnostics, _sources(exc))
        if case.error is not None:
            if _refused_with(refusal, case.error):
                return CaseResult(case)
            return CaseResult(case, problem=f"the data was refused, but not with '{case.error}':", refusal=refusal)
        return CaseResult(case, problem="the data was refused:", refusal=refusal)
    if case.error is not None:
        return CaseResult(case, problem=f"expected the data to be refused with '{case.error}', but it was scored",
                          results=results)
    differences: list[Difference] = []
    for unit in case.units:
        result = results.unit(unit.assessment.code, unit.assessment.year, unit.assessment.source)
        differences.extend(compare_unit(result, unit.expected, case.tolerance, len(case.units) > 1))
    return CaseResult(case, tuple(differences), results=results)


def _sources(exc: DiagnosticsError) -> dict[str, str]:
    sources = dict(exc.sources)
    for path in {d.span.path for d in exc.diagnostics} - set(sources):
        file = Path(path)
        if file.is_file():
            sources[path] = file.read_text(encoding="utf-8-sig")
    return sources


def _text(value: Any) -> str:
    if value is None:
        return "no value"
    if isinstance(value, Decimal):
        return _plain_decimal(value)
    return str(value)


def _plain_decimal(value: Decimal) -> str:
    return format(value, "f")


def _close(actual: Decimal | None, expected: Decimal | None, tolerance: Decimal) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return abs(actual - expected) <= tolerance


def compare_unit(unit: UnitResult, expected: Expected, tolerance: Decimal, in_cohort: bool = False) -> list[Difference]:
    """Every way ``unit`` differs from ``expected``."""
    prefix = f"unit {unit.code}: " if in_cohort else ""
    found: list[Difference] = []
    for node_id, value, span in expected.points:
        actual = unit.nodes[node_id].points
        if not _close(actual, value, tolerance):
            found.append(Difference(span, f"{prefix}points of {node_id}", _text(value), _text(actual) + _why(unit, node_id)))
    for node_id, share_value, span in expected.shares:
        share, _ = published_value(unit, m.ShareRef(node_id))
        if unit.nodes[node_id].max == 0:
            share = None
        if not _close(share, share_value, tolerance):
            found.append(Difference(span, f"{prefix}share of {node_id}", _text(share_value), _text(share)))
    if expected.total is not None:
        total, total_span = expected.total
        if not _close(unit.total, total, tolerance):
            found.append(Difference(total_span, f"{prefix}total", _text(total), _text(unit.total)))
    for scale, level_id, span in expected.levels:
        got = unit.levels[scale]
        if got.id != level_id:
            want = next((lv.label for s in unit.tier.levels if s.name == scale for lv in s.levels if lv.id == level_id),
                        None) if level_id else next(s.below for s in unit.tier.levels if s.name == scale)
            found.append(Difference(span, f"{prefix}level ({scale})", f"{want}", f"{got.label}"
                                    + (f" (not higher: {'; '.join(got.unmet)})" if got.unmet else "")))
    for ranking, position, span in expected.ranks:
        got_rank = unit.ranks[ranking]
        if got_rank.rank != position:
            found.append(Difference(span, f"{prefix}rank ({ranking})", str(position),
                                    f"{got_rank.rank} of {got_rank.of} (value {_text(got_rank.value)})"))
    for name, output_value, span in expected.outputs:
        output = unit.outputs.get(name)
        if not _close(output, output_value, tolerance):
            found.append(Difference(span, f"{prefix}output {name}", _text(output_value), _text(output)))
    for node_id, flags, span in expected.flags:
        actual_flags = unit.nodes[node_id].flags
        missing = [f for f in flags if f not in actual_flags]
        if missing:
            found.append(Difference(span, f"{prefix}flags of {node_id}", ", ".join(flags),
                                    ", ".join(actual_flags) or "no flags"))
    return found


def _why(unit: UnitResult, node_id: str) -> str:
    branch = unit.nodes[node_id].branch
    return f" ({branch})" if branch else ""


def run_tests(checked: loading.CheckedRuleset, tests: RulesetTests) -> RunReport:
    """Run every case and measure coverage."""
    results = tuple(run_case(checked, case) for case in tests.cases)
    return RunReport(tests, checked, results, measure_coverage(checked, results))


def run_file(ruleset: str | Path, test_path: str | Path | None = None) -> RunReport:
    """Load a ruleset and its test file (by default the ``.tests.yaml`` beside it) and run it."""
    checked = loading.load(ruleset)
    path = Path(test_path) if test_path is not None else default_test_path(checked.ruleset.path)
    if not path.is_file():
        raise UsageError(f"no test file '{path}'" + ("" if test_path else f" beside the ruleset; write one, or name it: "
                                                      f"cqdt test {ruleset} TESTFILE"))
    return run_tests(checked, load_tests(path, checked))


# ---------------------------------------------------------------- coverage
def coverage_items(ruleset: m.Ruleset) -> tuple[CoverageItem, ...]:
    """Everything a test can exercise, per tier, in ruleset order."""
    items: list[CoverageItem] = []
    for tier in ruleset.tiers:
        for node in tier.walk():
            if node.rule is None:
                continue
            items.append(CoverageItem((tier.id, node.id, "criterion"), tier.id, "criterion", node.id,
                                      "criterion {node} ({rule})", node.span,
                                      (("node", node.id), ("rule", _rule_word(node.rule)))))
            items.extend(_rule_items(tier, node, node.rule, ()))
        for scale in tier.levels:
            for level in scale.levels:
                values = (("label", level.label), ("scale", scale.name))
                items.append(CoverageItem((tier.id, None, "level", scale.name, level.id), tier.id, "level", None,
                                          "level '{label}' ({scale})", level.span, values))
                if level.requires:
                    items.append(CoverageItem((tier.id, None, "requires", scale.name, level.id), tier.id, "level", None,
                                              "level '{label}' ({scale}) refused for an unmet prerequisite",
                                              level.requires[0].span, values))
            items.append(CoverageItem((tier.id, None, "level", scale.name, None), tier.id, "level", None,
                                      "below every level: '{label}' ({scale})", scale.span,
                                      (("label", scale.below), ("scale", scale.name))))
    return tuple(items)


_RULE_WORDS = {
    m.YesRule: "yes", m.CategoryRule: "category", m.RatioRule: "ratio", m.BandsRule: "bands",
    m.PerItemRule: "per_item", m.BestOfRule: "best_of", m.NormalisedRule: "normalised",
    m.DirectRule: "direct", m.InformationalRule: "informational", m.FormulaRule: "formula",
}


def _rule_word(rule: m.Rule) -> str:
    return _RULE_WORDS.get(type(rule), type(rule).__name__)


def _points_text(points: m.PointsSpec) -> str:
    return "full" if points == "full" else _plain_decimal(Decimal(points))


def _band_text(band: m.Band) -> str:
    return f"{band.comparator} {_plain_decimal(band.threshold.value)}{'%' if band.threshold.percent else ''} -> {_points_text(band.points)}"


def _rule_items(tier: m.Tier, node: m.Node, rule: m.Rule, prefix: tuple[Any, ...]) -> list[CoverageItem]:
    base = (tier.id, node.id) + prefix
    within = tuple(p[1] + 1 for p in _pairs(prefix))

    def item(key: tuple[Any, ...], kind: str, message: str, span: Span, **values: str) -> CoverageItem:
        return CoverageItem(base + key, tier.id, kind, node.id, message, span, tuple(values.items()), within)

    found: list[CoverageItem] = []
    if isinstance(rule, m.YesRule):
        found.append(item(("yes",), "answer", "'{indicator}' = yes", rule.span, indicator=rule.indicator))
        found.append(item(("no",), "answer", "'{indicator}' = no", rule.span, indicator=rule.indicator))
    elif isinstance(rule, m.CategoryRule):
        for arm in rule.arms:
            found.append(item(("arm", arm.value), "category", "'{indicator}' = {value} -> {points}", arm.span,
                              indicator=rule.indicator, value=arm.value, points=_points_text(arm.points)))
        if rule.otherwise is not None:
            found.append(item(("else",), "category", "'{indicator}': else -> {points}", rule.span,
                              indicator=rule.indicator, points=_points_text(rule.otherwise)))
    elif isinstance(rule, m.BandsRule):
        for index, band in enumerate(rule.bands):
            found.append(item(("band", index), "band", "band '{band}'", band.span, band=_band_text(band)))
        if rule.otherwise is not None:
            found.append(item(("else",), "band", "band 'else -> {points}'", rule.span,
                              points=_points_text(rule.otherwise)))
        else:
            found.append(item(("else",), "band", "band 'else -> 0 (not declared)'", rule.span))
    elif isinstance(rule, m.BestOfRule):
        for index, alternative in enumerate(rule.alternatives):
            found.append(item(("alt", index), "alternative", "alternative {number} ({rule}) is the best",
                              alternative.span, number=str(index + 1), rule=_rule_word(alternative)))
            found.extend(_rule_items(tier, node, alternative, prefix + ("alt", index)))
    return found


def _pairs(prefix: tuple[Any, ...]) -> list[tuple[Any, Any]]:
    return [(prefix[i], prefix[i + 1]) for i in range(0, len(prefix) - 1, 2)]


def measure_coverage(checked: loading.CheckedRuleset, case_results: Iterable[CaseResult]) -> Coverage:
    """What the cases exercised: a criterion (and the band, category value, answer or alternative
    its unit reached) counts when a case states the criterion's expected points; a level counts
    when a case states the unit's expected level and the unit is at that level."""
    hit: set[tuple[Any, ...]] = set()
    for outcome in case_results:
        if outcome.results is None:
            continue
        for unit in outcome.case.units:
            try:
                result = outcome.results.unit(unit.assessment.code, unit.assessment.year, unit.assessment.source)
            except UsageError:
                continue
            hit |= unit_hits(checked, result, unit.expected, outcome.results)
    return Coverage(coverage_items(checked.ruleset), frozenset(hit))


def unit_hits(checked: loading.CheckedRuleset, unit: UnitResult, expected: Expected,
              results: Results | None = None) -> set[tuple[Any, ...]]:
    """The coverage keys one unit exercised under the checks ``expected`` makes."""
    tier = unit.tier
    hit: set[tuple[Any, ...]] = set()
    checked_nodes = {node_id for node_id, _, _ in expected.points}
    for node_id in checked_nodes:
        node = tier.node(node_id)
        if node.rule is None:
            continue
        hit.add((tier.id, node.id, "criterion"))
        flags = unit.nodes[node_id].flags
        if "not assessed" in flags or "missing evidence" in flags:
            continue  # the rule was not applied: no band or value was reached
        hit |= {(tier.id, node.id) + path for path in
                _rule_paths(checked, tier, node, node.rule, unit, results, ())}
    for scale_name, _, _ in expected.levels:
        scale = next(s for s in tier.levels if s.name == scale_name)
        got = unit.levels[scale_name]
        hit.add((tier.id, None, "level", scale_name, got.id))
        hit |= {(tier.id, None, "requires", scale_name, level_id) for level_id in _refused_levels(scale, unit)}
    return hit


def _refused_levels(scale: m.LevelScale, unit: UnitResult) -> list[str]:
    """Levels whose cut-off the unit met but whose prerequisites it did not (before the level it got)."""
    refused = []
    value, maximum = published_value(unit, scale.on)
    for level in scale.levels:
        if not meets(value, maximum, level.threshold):
            continue
        if all(meets(*published_value(unit, r.ref), r.threshold) for r in level.requires):
            break
        refused.append(level.id)
    return refused



def _rule_paths(checked: loading.CheckedRuleset, tier: m.Tier, node: m.Node, rule: m.Rule, unit: UnitResult,
                results: Results | None, prefix: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    """Which arm of ``rule`` the unit's values reach, recomputed from the model and the inputs."""
    values = unit.assessment.values
    if isinstance(rule, m.YesRule):
        value = values.get(rule.indicator)
        return [] if value is None else [prefix + (("yes",) if value else ("no",))]
    if isinstance(rule, m.CategoryRule):
        value = values.get(rule.indicator)
        if value is None:
            return []
        if any(arm.value == value for arm in rule.arms):
            return [prefix + ("arm", value)]
        return [prefix + ("else",)]
    if isinstance(rule, m.BandsRule):
        index = band_reached(rule, _indicator(tier, rule.indicator), values.get(rule.indicator))
        if index is None:
            return []
        return [prefix + (("else",) if index < 0 else ("band", index))]
    if isinstance(rule, m.BestOfRule):
        index = _best_alternative(checked, tier, node, rule, unit, results)
        if index is None:
            return []
        chosen = prefix + ("alt", index)
        return [chosen] + _rule_paths(checked, tier, node, rule.alternatives[index], unit, results, chosen)
    return []


def _indicator(tier: m.Tier, name: str) -> m.Indicator | None:
    return next((i for i in tier.indicators if i.name == name), None)


def band_reached(rule: m.BandsRule, indicator: m.Indicator | None, value: Any) -> int | None:
    """The index of the first band a (checked) value meets, -1 for 'else', None when no band applies
    (no value, or a pair with b = 0, which scores as the ruleset's zero-denominator rule says)."""
    if value is None:
        return None
    if isinstance(value, Pair):
        if value.b == 0:
            return None
        left, scale = value.a * 100, value.b
    else:
        left, scale = Decimal(value), Decimal(1)
    for index, band in enumerate(rule.bands):
        right = band.threshold.value * scale
        if band.comparator == ">=":
            hit = left >= right
        elif band.comparator == ">":
            hit = left > right
        else:
            hit = left == right
        if hit:
            return index
    return -1


_BEST_BRANCH = re.compile(r"best of \d+ alternatives: #(\d+)")


def _best_alternative(checked: loading.CheckedRuleset, tier: m.Tier, node: m.Node, rule: m.BestOfRule,
                      unit: UnitResult, results: Results | None) -> int | None:
    """The alternative that gave the points: each alternative is scored with the engine's own rule
    functions (the highest wins, the first on a tie); the explanation's '#k' is the fallback."""
    try:
        scores = _alternative_scores(checked, tier, node, rule, unit, results)
    except Exception:  # noqa: BLE001 - the engine's internals changed: fall back to the explanation
        scores = None
    if scores:
        return max(range(len(scores)), key=lambda i: (scores[i], -i))
    found = _BEST_BRANCH.search(unit.nodes[node.id].branch)
    return int(found.group(1)) - 1 if found else None


def _alternative_scores(checked: loading.CheckedRuleset, tier: m.Tier, node: m.Node, rule: m.BestOfRule,
                        unit: UnitResult, results: Results | None) -> list[Decimal]:
    from cqdt_rules.engine.compiler import Env, _TierCompiler
    from cqdt_rules.engine.evaluator import _cohort_maxima

    compiled_tier = checked.compiled.tiers[tier.id]
    builder = _TierCompiler(checked.ruleset, tier)
    members = [u.assessment for u in (results.units if results is not None else (unit,))
               if u.tier.id == tier.id and u.assessment.year == unit.assessment.year
               and u.assessment.source == unit.assessment.source]
    members.sort(key=lambda a: a.code)
    maxima = _cohort_maxima(compiled_tier, members)[[a.code for a in members].index(unit.code)]
    env = Env(compiled_tier, unit.assessment.values, unit.assessment.evidence, maxima)
    return [Decimal(builder._rule(alternative, node)(env)[0]) for alternative in rule.alternatives]


# ---------------------------------------------------------------- report
def format_report(report: RunReport, *, verbose: bool = True, show_covered: bool = False, lang: str = "en") -> str:
    """The text ``cqdt test`` prints: each case, the summary, then coverage with what was missed."""
    r = report.checked.ruleset
    lines = [translate("{path}: {count} case(s) for ruleset '{id}' ({version}, {file})", lang).format(
        path=report.tests.path, count=len(report.cases), id=r.id, version=r.header.version or "-", file=r.path)]
    ok, fail = translate("ok", lang), translate("FAIL", lang)
    width = max(len(ok), len(fail))
    for outcome in report.cases:
        if outcome.passed:
            if verbose:
                lines.append(f"  {ok:<{width}}  {outcome.case.name}")
            continue
        lines.append(f"  {fail:<{width}}  {outcome.case.name}  ({outcome.case.location})")
        for line in outcome.describe(lang).splitlines():
            lines.append(" " * (width + 4) + line)
    failed = len(report.failed)
    lines.append(translate("{passed} passed, {failed} failed", lang).format(passed=len(report.cases) - failed, failed=failed))
    lines.extend(format_coverage(report.coverage, report.tests.min_coverage, show_covered=show_covered, lang=lang))
    return "\n".join(lines) + "\n"


def format_coverage(coverage: Coverage, minimum: Decimal | None = None, show_covered: bool = False,
                    lang: str = "en") -> list[str]:
    lines = [translate("coverage: {percent}% ({covered} of {items} items exercised)", lang).format(
        percent=format_number(coverage.percent, lang), covered=len(coverage.covered), items=len(coverage.items))
        + (translate(", required {minimum}%", lang).format(minimum=format_number(minimum, lang))
           if minimum is not None else "")]
    parts = [f"{translate(KIND_TITLES[kind], lang)} {done}/{total}"
             for kind, (done, total) in coverage.by_kind().items() if total]
    lines.append("  " + ", ".join(parts))
    missed = coverage.missed
    if missed:
        lines.append(translate("not exercised ({count}):", lang).format(count=len(missed)))
        lines.extend(f"  {item.shown(lang)}" for item in missed)
    if show_covered:
        lines.append(translate("exercised:", lang))
        lines.extend(f"  {item.shown(lang)}" for item in coverage.covered)
    return lines


# ---------------------------------------------------------------- the `cqdt test` command
def add_test_arguments(parser: Any) -> None:
    parser.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    parser.add_argument("testfile", nargs="?",
                        help=f"the test file (default: the '{TEST_SUFFIX}' file beside the ruleset)")
    parser.add_argument("--fail-under", type=_percent, metavar="PERCENT",
                        help="also fail when coverage is below PERCENT (overrides the file's min_coverage)")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only failures, the summary and coverage")
    parser.add_argument("--show-covered", action="store_true", help="also list the items that were exercised")


def _percent(text: str) -> Decimal:
    """A coverage threshold: a number from 0 to 100 (argparse reports anything else as a usage error)."""
    import argparse

    try:
        value = Decimal(text)
    except ArithmeticError:
        raise argparse.ArgumentTypeError(f"expected a percentage 0..100, got '{text}'") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a coverage percentage lies in 0..100, not {text}")
    return value


def run_test_command(args: Any) -> int:
    """``cqdt test RULESET [TESTFILE]``: 0 when every case passes (and coverage is high enough), else 1."""
    import sys

    report = run_file(args.ruleset, args.testfile)
    if args.fail_under is not None:
        report = attrs.evolve(report, tests=attrs.evolve(report.tests, min_coverage=args.fail_under))
    sys.stdout.write(format_report(report, verbose=not args.quiet, show_covered=args.show_covered, lang=args.lang))
    if not report.coverage_ok:
        print(translate("coverage {percent}% is below the required {minimum}%", args.lang).format(
            percent=report.coverage.percent, minimum=report.tests.min_coverage))
    return 0 if report.ok else 1
