"""The quick paths of checking data give what the whole way gives: ``AssessmentChecker.check`` (which checks a unit
that has nothing wrong with it with less work) against ``check_whole_way`` unit by unit, ``check_parents`` against
the parents' check link by link, and ``evaluator.checked_data`` against its checks made in turn, on units with every
kind of problem the checks report (control characters, empty and clashing codes, duplicates, unknown sources, tiers,
indicators and evidence, missing parents, bad values, wrong years, data made for another ruleset)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cqdt_rules as cq
from cqdt_rules.engine import evaluator
from cqdt_rules.errors import CqdtError, Diagnostic, Span
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.slots import init_only_sets_slots, slot_setters
from cqdt_rules.model.units import Assessment, Pair
from cqdt_rules.model.checking import AssessmentChecker, _evolver
from cqdt_rules.model.parents import check_parent_links, check_parents, parent_link

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "gialai"
RULESET = cq.load("egov_2020")
SAMPLE = [*cq.load_assessments(EXAMPLES / "egov-2022-audit-huyen.csv"), *cq.load_assessments(EXAMPLES / "egov-2022-audit-xa.csv")]
DISTRICTS = sorted({a.code for a in SAMPLE if a.tier == "huyen"})

CODES = st.sampled_from(["23557", "23560", "622", "623", "X1", "x1", "Ｘ1", " X1 ", "X1\u200b", "", " ", "X\x1b1", "ab", "AB"])
TEXTS = st.sampled_from(["Xã 1", "Xã\t1", "Xa\u0300 1", "Phường\nYên", "x\x07", "", "SYNTHETIC: dữ liệu"])
ODD_VALUES = st.sampled_from(["yes", "có", "maybe", "", None, "1", "3", "1.8", "-1", ["3", "5"], ["5", "3"], ["1", "x"],
                              ("2", "2"), ["1", "2", "3"], True, 7, {"a": "1", "b": "2"}, "kiem_nhiem_co_trinh_do"])


@st.composite
def units(draw: st.DrawFn) -> list[Assessment]:
    """A few units of the sample (read from CSV, with positions, or rebuilt as Python data), some changed."""
    chosen = draw(st.lists(st.sampled_from(SAMPLE), min_size=1, max_size=8))
    made = []
    for base in chosen:
        fields = draw(st.lists(st.sampled_from(["code", "name", "parent", "note", "tier", "source", "year", "values",
                                                "evidence"]), max_size=2, unique=True))
        changes = {field: draw(_changed(field, base)) for field in fields}
        unit = attrs.evolve(base, **changes)
        if draw(st.booleans()):  # as Python data: no positions
            unit = Assessment(unit.code, unit.name, unit.tier, unit.year, unit.source, dict(unit.values),
                              dict(unit.evidence), unit.parent, unit.note)
        made.append(unit)
    return made


def _changed(field: str, base: Assessment) -> st.SearchStrategy[Any]:
    if field == "code":
        return CODES
    if field in ("name", "note"):
        return TEXTS
    if field == "parent":
        return st.one_of(st.none(), CODES, st.sampled_from([*DISTRICTS[:3], base.code]))
    if field == "tier":
        return st.sampled_from(["xa", "huyen", "so", "tinh", " xa"])
    if field == "source":
        return st.sampled_from(["audit", "self", "district", "bogus"])
    if field == "year":
        return st.sampled_from([2022, 2019, 2021])
    names = sorted(base.values)
    if field == "values":
        return st.one_of(
            st.builds(lambda name, value: {**base.values, name: value}, st.sampled_from(names), ODD_VALUES),
            st.builds(lambda name: {k: v for k, v in base.values.items() if k != name}, st.sampled_from(names)),
            st.just({**base.values, "khong_co_chi_tieu": "1"}), st.just({k: "1" for k in base.values}))
    return st.one_of(st.just({**base.evidence, "khong_co_chi_tieu": ("QĐ 1",)}),
                     st.builds(lambda name, refs: {**base.evidence, name: refs}, st.sampled_from(names),
                               st.sampled_from([("QĐ 1",), ("QĐ\n1",), ("QĐ\x1b",), ()])))


def every_field(assessment: Assessment | None) -> Any:
    """All of an assessment, positions too (its equality leaves them out)."""
    return None if assessment is None else attrs.astuple(assessment, recurse=False)


class WholeWay(AssessmentChecker):
    def check(self, assessment: Assessment) -> Assessment | None:
        return self.check_whole_way(assessment)


@SETTINGS
@given(units())
def test_a_unit_is_checked_as_the_whole_way_checks_it(given_units: list[Assessment]) -> None:
    quick, whole = AssessmentChecker(RULESET.ruleset), WholeWay(RULESET.ruleset)
    for unit in given_units:
        assert every_field(quick.check(unit)) == every_field(whole.check(unit))
    assert (quick.problems, quick.seen, quick._written) == (whole.problems, whole.seen, whole._written)


XA = next(a for a in SAMPLE if a.tier == "xa")
PROBLEMS = {
    "control character in the code": {"code": "X\x1b1"}, "in the name": {"name": "Xã\t1"}, "in the note": {"note": "a\x07"},
    "in the parent": {"parent": "62\x002"}, "in the tier": {"tier": "x\x85a"}, "in the source": {"source": "au\x1bdit"},
    "in the evidence": {"evidence": {"cong_chuc_cntt": ("QĐ \x1b1",)}}, "empty code": {"code": " \u200b"},
    "unknown source": {"source": "bogus"}, "unknown tier": {"tier": "tinh"}, "no parent": {"parent": None},
    "unknown indicator": {"values": {**XA.values, "khong_co": "1"}}, "missing value": {"values": {"may_tinh": ["1", "2"]}},
    "bad value": {"values": {**XA.values, "may_tinh": ["5", "3"]}}, "evidence of no indicator": {"evidence": {"khong_co": ("QĐ 1",)}},
    "a note over two lines (allowed)": {"note": "a\nb"}, "audit-only value in a self-assessment": {"source": "self"},
}


@pytest.mark.parametrize("change", PROBLEMS.values(), ids=PROBLEMS.keys())
def test_each_kind_of_problem_is_found_as_the_whole_way_finds_it(change: dict[str, Any]) -> None:
    """Each problem on its own, then the same unit twice (a duplicate), in a file and as Python data."""
    for unit in (XA, Assessment(XA.code, XA.name, XA.tier, XA.year, XA.source, dict(XA.values), dict(XA.evidence), XA.parent)):
        changed = attrs.evolve(unit, **change)
        quick, whole = AssessmentChecker(RULESET.ruleset), WholeWay(RULESET.ruleset)
        for checker in (quick, whole):
            checker.check(changed)
            checker.check(changed)
        assert whole.problems and (quick.problems, quick.seen) == (whole.problems, whole.seen)


def test_the_quick_path_checks_the_sample_without_the_whole_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a check of results (the test above is): that valid data never need the whole way."""
    def refused(self: AssessmentChecker, assessment: Assessment) -> None:
        raise AssertionError(f"{assessment.code} went the whole way")

    monkeypatch.setattr(AssessmentChecker, "check_whole_way", refused)
    checker = AssessmentChecker(RULESET.ruleset)
    assert all(checker.check(unit) is not None for unit in SAMPLE) and not checker.problems


@st.composite
def parented(draw: st.DrawFn) -> tuple[list[Assessment], dict[str, str] | None, list[str] | None]:
    """Checked-looking units whose parents are missing, themselves, of their own tier, of mixed tiers or unknown."""
    codes = [f"U{i}" for i in range(6)]
    made = []
    for code in draw(st.lists(st.sampled_from(codes), min_size=1, max_size=6, unique=True)):
        tier = draw(st.sampled_from(["xa", "huyen", "so"]))
        parent = draw(st.one_of(st.none(), st.sampled_from([*codes, "D9", ""])))
        origin = draw(st.one_of(st.none(), st.just(Span("units.csv", int(code[1:]) + 2, 1, int(code[1:]) + 2, 9))))
        made.append(Assessment(code, code, tier, draw(st.sampled_from([2022, 2023])), "audit", {}, {}, parent,
                               origin=origin, field_spans={"parent": Span("units.csv", 9, 4, 9, 6)} if origin else {}))
    unit_list = draw(st.one_of(st.none(), st.just({"D9": "huyen", "U0": "so"}), st.just({})))
    grouped = draw(st.one_of(st.none(), st.just(["xa"]), st.just([])))
    return made, unit_list, grouped


@SETTINGS
@given(parented())
def test_parents_are_checked_as_link_by_link(case: tuple[list[Assessment], dict[str, str] | None, list[str] | None]) -> None:
    members, unit_list, grouped = case
    by_cohort: dict[tuple[int, str], dict[str, str]] = {}
    for a in members:
        by_cohort.setdefault((a.year, a.source), {})[a.code] = a.tier
    links = [link for link in map(parent_link, members) if link is not None]
    expected = check_parent_links(links, lambda year, source, code: by_cohort[(year, source)].get(code),
                                  lambda: {code for codes in by_cohort.values() for code in codes}, unit_list, grouped)
    assert check_parents(members, unit_list, grouped) == expected


def outcome(check: Any, *args: Any) -> Any:
    """What a check returns, or the kind and diagnostics of the error it raises."""
    try:
        return check(*args)
    except CqdtError as error:
        return type(error), [(d.span, d.message, d.hint) for d in getattr(error, "diagnostics", [])], str(error)


def in_turn(ruleset: m.Ruleset, given_units: list[Assessment], any_year: bool,
            unit_list: dict[str, str] | None) -> Any:
    """``checked_data`` with every check made in turn."""
    checked, warnings = evaluator._checked_in_turn(ruleset, tuple(given_units), any_year, unit_list)
    cohorts: dict[Any, list[Assessment]] = {}
    for a in checked:
        cohorts.setdefault((a.tier, a.year, a.source), []).append(a)
    return cohorts, tuple(warnings)


def comparable(found: Any) -> Any:
    if isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], dict):
        cohorts, warnings = found
        return {key: [every_field(a) for a in members] for key, members in cohorts.items()}, warnings
    return found


OTHER_RULESET = cq.load("dti_2023").ruleset


@SETTINGS
@given(units(), st.booleans(), st.sampled_from([None, {}, {"622": "huyen"}]), st.booleans())
def test_data_are_refused_as_each_check_in_turn_refuses_them(given_units: list[Assessment], any_year: bool,
                                                            unit_list: dict[str, str] | None, other: bool) -> None:
    """The same checked cohorts and warnings, or the same error, as the checks made one after the other (the data's
    shape first: the sample given to the 2023 ruleset fits it no better than its own ruleset's data)."""
    ruleset = OTHER_RULESET if other else RULESET.ruleset
    quick = outcome(evaluator.checked_data, ruleset, given_units, any_year, unit_list)
    assert comparable(quick) == comparable(outcome(in_turn, ruleset, given_units, any_year, unit_list))


@pytest.mark.parametrize("name", ["egov-2022-audit.yaml", "egov-2022-self.yaml", "dti-2023-audit.yaml"])
def test_valid_data_are_checked_at_once(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a check of results (the test above is): that the bundled data never need the checks in turn."""
    def refused(*args: Any) -> None:
        raise AssertionError("checked in turn")

    monkeypatch.setattr(evaluator, "_checked_in_turn", refused)
    ruleset = (RULESET if name.startswith("egov") else cq.load("dti_2023")).ruleset
    cohorts, _ = evaluator.checked_data(ruleset, cq.load_assessments(EXAMPLES / name), False)
    assert sum(map(len, cohorts.values())) == 257


def test_codes_that_differ_in_case_alone_are_refused_on_the_quick_path() -> None:
    first, second = (attrs.evolve(a, code=code) for a, code in zip(SAMPLE[:2], ("ab1", "AB1")))
    checker = AssessmentChecker(RULESET.ruleset)
    assert checker.check(first) is not None and checker.check(second) is None
    assert [d.message for d in checker.problems] == ["unit code 'AB1' differs from code 'ab1' only in letter case"]


def test_a_year_the_ruleset_does_not_cover_is_refused_on_the_quick_path() -> None:
    """A district of 2019 alone: nothing but its year is wrong."""
    district = attrs.evolve(next(a for a in SAMPLE if a.tier == "huyen"), year=2019)
    found = outcome(evaluator.checked_data, RULESET.ruleset, [district], False, None)
    assert found == outcome(in_turn, RULESET.ruleset, [district], False, None)
    assert isinstance(found[0], type) and "is assessed for 2019" in found[2]


def test_the_evidence_policy_is_checked_on_the_quick_path() -> None:
    """Under ``on_missing_evidence error`` a value without its evidence is refused however the data are checked."""
    ruleset = attrs.evolve(RULESET.ruleset, header=attrs.evolve(RULESET.ruleset.header, on_missing_evidence="error"))
    lacking = [attrs.evolve(a, evidence={}) for a in SAMPLE if a.tier == "xa"][:3]
    found = outcome(evaluator.checked_data, ruleset, lacking, False, None)
    assert found == outcome(in_turn, ruleset, lacking, False, None)
    assert isinstance(found[0], type) and "has no evidence for" in found[2]


def test_a_value_of_an_unexpected_type_raises_as_the_checks_in_turn_raise() -> None:
    odd = attrs.evolve(SAMPLE[0], code=5)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        evaluator._checked_in_turn(RULESET.ruleset, (odd,), False, None)
    with pytest.raises(AttributeError):
        evaluator.checked_data(RULESET.ruleset, [odd], False, None)


@attrs.frozen
class Converted:
    """Fields like an assessment's, one converted: its ``__init__`` does more than set slots."""

    code: str
    name: str
    parent: str | None
    values: dict[str, Any]
    year: int = attrs.field(converter=int)


@pytest.mark.parametrize("cls", [Assessment, Converted])
def test_a_checked_assessment_is_the_unit_evolved(cls: type[Any]) -> None:
    """With every field kept (positions too) but the four checking changes, whether its slots are set one by one
    (an assessment's ``__init__`` does nothing else) or its class is called (``Converted``'s converts a field)."""
    assert init_only_sets_slots(cls) == (cls is Assessment)
    unit: Any = SAMPLE[0] if cls is Assessment else Converted("X1", "Xã", None, {}, "2022")
    changes: dict[str, Any] = {"code": "C1", "name": "Tên", "parent": "P1", "values": {"v": 1}}
    made = _evolver(cls)(unit, *changes.values())
    assert type(made) is cls and attrs.astuple(made, recurse=False) == attrs.astuple(attrs.evolve(unit, **changes), recurse=False)


def test_a_maker_refuses_a_class_whose_fields_or_init_changed() -> None:
    assert len(slot_setters(Pair, ("a", "b"))) == 2
    with pytest.raises(TypeError, match="out of date"):
        slot_setters(Pair, ("a",))  # a field the maker would leave out
    with pytest.raises(TypeError, match="out of date"):
        slot_setters(Converted, ("code", "name", "parent", "values", "year"))  # its __init__ converts the year


def test_diagnostics_compare_with_their_positions() -> None:
    """The tests above compare diagnostics with ``==``: it must see a different position."""
    here, there = Span("a.csv", 2, 1, 2, 3), Span("a.csv", 3, 1, 3, 3)
    assert Diagnostic(here, "x") != Diagnostic(there, "x")
