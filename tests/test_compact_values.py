"""Checked values handed on compactly (issue: fast from the first keystroke to the last byte, memory): the checker
gives each unit its values as one tuple in the tier's indicator order behind an index shared by every unit of the
tier (``IndicatorValues``), on the quick path and the whole way alike, and that view reads, compares and pickles as
the dictionary of its values; the engine's generated functions read it by position and score a plain mapping of
the same values the same."""

from __future__ import annotations

import copy
import pickle
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cqdt_rules as cq
from cqdt_rules.engine.scoring import compiled_ruleset
from cqdt_rules.model.checking import AssessmentChecker, check_assessments, tier_values, values_index
from cqdt_rules.model.units import IndicatorValues, Pair

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "gialai"
RULESET = cq.load("egov_2020")
SAMPLE = cq.load_assessments(EXAMPLES / "egov-2022-audit-xa.csv")

values = st.one_of(st.none(), st.booleans(), st.decimals(allow_nan=False, allow_infinity=False, places=3),
                   st.builds(Pair, st.integers(0, 9).map(Decimal), st.integers(0, 9).map(Decimal)), st.text(max_size=3))
entries = st.dictionaries(st.text(max_size=4), values, max_size=6)


@given(entries, st.text(max_size=4))
def test_the_view_reads_as_the_dictionary_of_its_values(plain: dict[str, Any], other: str) -> None:
    view = IndicatorValues({name: i for i, name in enumerate(plain)}, tuple(plain.values()))
    assert view == plain and plain == view and not view != plain and dict(view) == plain and {**view} == plain
    assert list(view) == list(plain) and list(view.items()) == list(plain.items()) and len(view) == len(plain)
    assert view.keys() == plain.keys() and repr(view) == repr(plain)
    assert all(view[name] is value and view.get(name) is value and name in view for name, value in plain.items())
    assert (other in view) == (other in plain) and view.get(other, "absent") == plain.get(other, "absent")
    if other not in plain:
        with pytest.raises(KeyError):
            view[other]
    for again in (pickle.loads(pickle.dumps(view)), copy.deepcopy(view)):
        assert type(again) is IndicatorValues and again == view and again.row == view.row
    with pytest.raises(TypeError):
        hash(view)  # unhashable, as a dictionary is


def test_views_differ_where_their_values_do() -> None:
    index = {"a": 0, "b": 1}
    assert IndicatorValues(index, (Decimal(1), True)) == IndicatorValues(dict(index), (Decimal("1.0"), True))
    assert IndicatorValues(index, (Decimal(1), True)) != IndicatorValues(index, (Decimal(1), False))
    assert IndicatorValues(index, (Decimal(1), None)) != {"a": Decimal(1)}
    assert IndicatorValues({"b": 0, "a": 1}, (True, Decimal(1))) == IndicatorValues(index, (Decimal(1), True))


def test_units_checked_quickly_share_one_index_and_keep_no_dictionary_of_values() -> None:
    checked = check_assessments(RULESET.ruleset, SAMPLE)
    tier = next(t for t in RULESET.ruleset.tiers if t.id == "xa")
    index = values_index(tier)
    assert list(index) == [ind.name for ind in tier.indicators]
    assert all(type(unit.values) is IndicatorValues and unit.values.index is index and type(unit.values.row) is tuple
               for unit in checked)
    assert all(dict(unit.values) == dict(tier_values(tier).coerce(read, unit.code)[0]) for unit, read in zip(checked, SAMPLE))


def test_units_checked_the_whole_way_are_handed_on_as_the_quick_path_hands_them() -> None:
    checker = AssessmentChecker(RULESET.ruleset)
    quick = [checker.check(unit) for unit in SAMPLE[:20]]
    checker = AssessmentChecker(RULESET.ruleset)
    whole = [checker.check_whole_way(unit) for unit in SAMPLE[:20]]
    assert not checker.problems
    for a, b in zip(quick, whole):
        assert a is not None and b is not None and a == b
        assert type(b.values) is IndicatorValues and b.values.index is a.values.index


def test_a_value_given_by_its_default_is_handed_on_compactly() -> None:
    """A unit without a value whose indicator declares a default goes the whole way (``coerce_each``): its values
    are still one view over the tier's index, holding the default."""
    text = (EXAMPLES.parent.parent / "rulesets" / "2020" / "egov.cqdt").read_text(encoding="utf-8")
    with_default = re.sub(r"(input tin_bai_thang .*range 0\.\.10000)", r"\1 default 5", text)
    if with_default == text:
        pytest.fail("the shipped ruleset no longer declares tin_bai_thang as this test expects")
    ruleset = cq.load_text(with_default)
    unit = SAMPLE[0]
    given = {name: value for name, value in unit.values.items() if name != "tin_bai_thang"}
    checked = check_assessments(ruleset.ruleset, [cq.Assessment(unit.code, unit.name, unit.tier, unit.year,
                                                                unit.source, given, dict(unit.evidence), unit.parent)])
    tier = next(t for t in ruleset.ruleset.tiers if t.id == "xa")
    assert type(checked[0].values) is IndicatorValues and checked[0].values.index is values_index(tier)
    assert checked[0].values["tin_bai_thang"] == Decimal(5)


def test_the_generated_functions_score_a_plain_mapping_as_the_view() -> None:
    compiled = compiled_ruleset(RULESET).tiers["xa"]
    assert compiled.generated is not None
    score_unit, explain_unit = compiled.generated
    for unit in check_assessments(RULESET.ruleset, SAMPLE[:30]):
        plain = dict(unit.values)
        assert score_unit(unit.values, unit.evidence, {}) == score_unit(plain, unit.evidence, {})
        assert explain_unit(unit.values, unit.evidence, {}) == explain_unit(plain, unit.evidence, {})
    with pytest.raises(KeyError):  # the points are computed from checked values only, which hold every indicator
        score_unit({}, {}, {})


def test_scored_units_keep_the_compact_values() -> None:
    results = cq.score(RULESET, SAMPLE)
    assert all(type(u.assessment.values) is IndicatorValues for u in results.units)
    first = results.units[0]
    assert pickle.loads(pickle.dumps(first.assessment)) == first.assessment
