"""Property tests for my_ruleset.cqdt, written with cqdt_rules.testing.

Copy this file (and your ruleset) into your project, change RULESET and TIERS, and run pytest.
Needs the testing extra:  pip install "cqdt-rules[testing]" pytest

Each test states a rule that must hold for *every* unit the ruleset accepts; Hypothesis generates
the units (values on and around every band boundary, ratio edge and level cut-off, cohorts of
several units over several districts) and shrinks a failure to a small example.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cqdt_rules import Assessment, Pair, load, score
from cqdt_rules.testing import (
    assert_invariants,
    assert_monotone,
    assert_order_independent,
    boundary_values,
    cohorts,
    cutoff_totals,
    monotone_steps,
    units_near_cutoffs,
)

RULESET = load(Path(__file__).with_name("my_ruleset.cqdt"))
TIERS = [tier.id for tier in RULESET.ruleset.tiers]

# A few dozen examples per test keep the run short; raise max_examples in CI if you like.
# (deadline=None: the first example of a tier also builds the strategies' plan of the ruleset.)
EXAMPLES = settings(max_examples=40, deadline=None)


@pytest.mark.parametrize("tier", TIERS)
@given(data=st.data())
@EXAMPLES
def test_every_cohort_keeps_the_invariants(tier, data):
    """0 ≤ points ≤ max, groups are capped sums, levels follow the cut-offs, ranks follow the totals."""
    units = data.draw(cohorts(RULESET, tier, max_size=8))
    assert_invariants(RULESET, score(RULESET, units))


@pytest.mark.parametrize("tier", TIERS)
@given(data=st.data())
@EXAMPLES
def test_levels_on_and_around_the_cutoffs(tier, data):
    """A unit exactly on a cut-off reaches the level; one step below does not."""
    unit = data.draw(units_near_cutoffs(RULESET, tier))
    results = score(RULESET, [unit])
    assert_invariants(RULESET, results)
    cutoffs = [cut for _, _, cut in cutoff_totals(RULESET, tier)]
    assert min(abs(results.units[0].total - cut) for cut in cutoffs) <= Decimal("0.001")


@pytest.mark.parametrize("tier", TIERS)
@given(data=st.data())
@EXAMPLES
def test_more_never_scores_less(tier, data):
    """Where the rules declare an order (yes, ratio, bands, per item, ...), more never scores less."""
    unit, indicator, higher = data.draw(monotone_steps(RULESET, tier))
    assert_monotone(RULESET, unit, indicator, higher)


@pytest.mark.parametrize("tier", TIERS)
@given(data=st.data())
@EXAMPLES
def test_scores_do_not_depend_on_the_order_of_the_units(tier, data):
    units = data.draw(cohorts(RULESET, tier, min_size=2, max_size=6))
    order = data.draw(st.permutations(range(len(units))))
    assert_order_independent(RULESET, units, order)


def test_band_boundaries_are_generated():
    """The generated values include each band threshold exactly (80 % of 100 is 80/100)."""
    assert Pair(Decimal(80), Decimal(100)) in boundary_values(RULESET, "xa", "tap_huan")
    assert Pair(Decimal(79), Decimal(100)) in boundary_values(RULESET, "xa", "tap_huan")


def test_a_hand_computed_unit():
    """An ordinary example test, for comparison: one unit, its points written out by hand."""
    unit = Assessment(
        code="X1", name="Xã mẫu", tier="xa", year=2024, source="audit", parent="D1",
        values={"may_tinh": "18/24", "cap_quang": "có", "cong_chuc": "kiem_nhiem", "thiet_bi": 1,
                "tap_huan": "12/24", "truc_tuyen": "50/1000", "dung_han": "1/3", "san_pham": 2, "hai_long": "7.5"},
        evidence={"cong_chuc": ("QĐ 12/QĐ-UBND",)},
    )
    result = score(RULESET, [unit]).units[0]
    # A1 18/24 × 10 = 7,5; A2 5; A3 5; A4 1 × 2,5 = 2,5; A5 50 % → 6   → A = 26
    # B1 5 % → 4; B2 1/3 × 20 = 6,666… → 6,667; B3 2/2 × 10 = 10; B4 7,5 → B = 28,167
    assert result.points("A") == Decimal("26")
    assert result.points("B2") == Decimal("6.667")
    assert result.total == Decimal("54.167")
    assert result.level.label == "Chưa đạt"
