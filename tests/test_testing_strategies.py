"""cqdt_rules.testing: the public Hypothesis strategies and invariant checks, on the shipped rulesets."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_run import run_pytest

from cqdt_rules import api
from cqdt_rules.model.units import Assessment, Pair
from cqdt_rules.model.checking import check_assessments
from cqdt_rules.testing import (
    assert_groups_are_capped_sums,
    assert_invariants,
    assert_levels_follow_cutoffs,
    assert_monotone,
    assert_order_independent,
    assert_points_within_bounds,
    assert_ranks_follow_values,
    assessments,
    boundary_values,
    cohorts,
    cutoff_totals,
    monotone_indicators,
    monotone_steps,
    unit_values,
    units_near_cutoffs,
)

pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")

ROOT = Path(__file__).resolve().parent.parent
EGOV = api.load(ROOT / "rulesets/2020/egov.cqdt")
DTI = api.load(ROOT / "rulesets/2023_dts/dti.cqdt")
TIERS = [(EGOV, t.id) for t in EGOV.ruleset.tiers] + [(DTI, t.id) for t in DTI.ruleset.tiers]
IDS = [f"{r.ruleset.id}-{t}" for r, t in TIERS]
FEW = settings(max_examples=25, deadline=None)


def P(a: int | str, b: int | str) -> Pair:
    return Pair(Decimal(a), Decimal(b))


# ---------------------------------------------------------------- packaging
def test_the_core_package_does_not_import_hypothesis() -> None:
    code = ("import sys, cqdt_rules, cqdt_rules.cli.main, cqdt_rules.cli.commands, cqdt_rules.authoring.rulesettest\n"
            "from cqdt_rules.cli.main import build_parser\nbuild_parser()\n"
            "assert 'hypothesis' not in sys.modules, 'hypothesis imported'\n"
            "assert 'cqdt_rules.testing' not in sys.modules\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


# ---------------------------------------------------------------- values the rulesets accept
@pytest.mark.parametrize(("ruleset", "tier"), TIERS, ids=IDS)
@FEW
@given(data=st.data())
def test_generated_values_are_accepted_by_the_ruleset(ruleset: api.CheckedRuleset, tier: str, data: st.DataObject) -> None:
    for source in ("audit", "self"):
        values = data.draw(unit_values(ruleset, tier, source=source))
        unit = Assessment(code="U", name="U", tier=tier, year=ruleset.ruleset.header.years[0], source=source,
                          values=values, parent="D1")
        (checked,) = check_assessments(ruleset.ruleset, [unit])
        assert set(checked.values) == {i.name for i in ruleset.ruleset.tier(tier).indicators}


def test_boundary_values_sit_on_and_beside_every_band_threshold() -> None:
    # A2.2 (so): >= 80% -> 3, >= 50% -> 2, > 0% -> 1
    values = boundary_values(EGOV, "so", "tap_huan_cntt")
    for a in (79, 80, 81, 49, 50, 51, 0, 1):
        assert P(a, 100) in values
    assert P(0, 0) in values  # b = 0
    assert all(v.a <= v.b for v in values)  # a > b is not allowed for this indicator
    # counts: >= 3 -> 3, = 2 -> 2, = 1 -> 1
    assert {Decimal(n) for n in (0, 1, 2, 3, 4)} <= set(boundary_values(EGOV, "so", "van_ban_chi_dao"))
    # numbers: >= 8 -> 5, >= 4 -> 3, >= 1 -> 1
    assert {Decimal("7.999"), Decimal(8), Decimal("8.001"), Decimal("0.999")} <= set(boundary_values(EGOV, "so", "tin_bai_thang"))
    # a disbursement may exceed its plan
    assert any(v.a > v.b for v in boundary_values(EGOV, "so", "giai_ngan_cntt"))
    # per item with a cap (range 0..5, 1 point each, max 5): the cap and around it, within the range
    assert {Decimal(4), Decimal(5)} <= set(boundary_values(EGOV, "so", "thiet_bi_mot_cua"))
    assert Decimal(6) not in boundary_values(EGOV, "so", "thiet_bi_mot_cua")
    # a direct score: 0, the maximum, one step below it
    assert {Decimal(0), Decimal(20), Decimal("19.999")} <= set(boundary_values(DTI, "huyen", "hai_long"))
    assert boundary_values(DTI, "huyen", "truong_ban") == ["bi_thu_chu_tich", "pho", "khong"]
    assert boundary_values(DTI, "huyen", "ket_noi_soc") == [True, False]


def test_an_unknown_tier_or_indicator_is_refused() -> None:
    with pytest.raises(ValueError, match="has no tier 'tinh'"):
        unit_values(EGOV, "tinh")
    with pytest.raises(ValueError, match="has no indicator 'nope'"):
        boundary_values(EGOV, "so", "nope")


# ---------------------------------------------------------------- cohorts and invariants
@pytest.mark.parametrize(("ruleset", "tier"), TIERS, ids=IDS)
@FEW
@given(data=st.data())
def test_cohorts_keep_every_invariant(ruleset: api.CheckedRuleset, tier: str, data: st.DataObject) -> None:
    units = data.draw(cohorts(ruleset, tier, max_size=6))
    assert len({u.code for u in units}) == len(units)
    assert len({(u.tier, u.year, u.source) for u in units}) == 1
    results = api.score(ruleset, units)
    assert_invariants(ruleset, results)


@pytest.mark.parametrize(("ruleset", "tier"), TIERS, ids=IDS)
@FEW
@given(data=st.data())
def test_scores_do_not_depend_on_the_order_of_the_units(ruleset: api.CheckedRuleset, tier: str,
                                                         data: st.DataObject) -> None:
    units = data.draw(cohorts(ruleset, tier, min_size=2, max_size=5))
    assert_order_independent(ruleset, units, data.draw(st.permutations(range(len(units)))))


@pytest.mark.parametrize(("ruleset", "tier"), TIERS, ids=IDS)
@FEW
@given(data=st.data())
def test_units_near_cutoffs_land_on_or_one_step_beside_a_cutoff(ruleset: api.CheckedRuleset, tier: str,
                                                                data: st.DataObject) -> None:
    unit = data.draw(units_near_cutoffs(ruleset, tier))
    results = api.score(ruleset, [unit])
    total = results.units[0].total
    assert any(total - cut in (Decimal("-0.001"), 0, Decimal("0.001")) for _, _, cut in cutoff_totals(ruleset, tier))
    assert_levels_follow_cutoffs(results)


def test_cutoffs_on_the_published_dti_read_as_the_smallest_total_that_reaches_them() -> None:
    dti = api.load("dti_2023")
    # DTI = total / 1000 to 4 decimals, half up: 0,9 is published from a total of 899,95 on.
    assert cutoff_totals(dti, "huyen") == [("xep_loai", "tot", Decimal("899.95")), ("xep_loai", "kha", Decimal("699.95")),
                                           ("xep_loai", "trung_binh", Decimal("499.95"))]
    assert [cut for _, _, cut in cutoff_totals(api.load("egov_2020"), "so")] == [112, 105, 98, 91]


def test_every_cutoff_is_reached_exactly_and_from_just_below() -> None:
    """Over enough examples, units land on each cut-off and one step under it (Mức I at 112 and 111,999)."""
    seen: set[Decimal] = set()

    @settings(max_examples=150, deadline=None)
    @given(units_near_cutoffs(EGOV, "so"))
    def collect(unit: Assessment) -> None:
        seen.add(api.score(EGOV, [unit]).units[0].total)

    collect()
    assert {Decimal(112), Decimal("111.999"), Decimal(91), Decimal("90.999")} <= seen


@pytest.mark.parametrize(("ruleset", "tier"), TIERS, ids=IDS)
@FEW
@given(data=st.data())
def test_more_never_scores_less_where_the_rules_declare_an_order(ruleset: api.CheckedRuleset, tier: str,
                                                                  data: st.DataObject) -> None:
    unit, indicator, higher = data.draw(monotone_steps(ruleset, tier))
    assert_monotone(ruleset, unit, indicator, higher)


def test_monotone_indicators_leave_out_categories() -> None:
    names = monotone_indicators(EGOV, "so")
    assert "tap_huan_cntt" in names and "van_ban_chi_dao" in names and "may_tinh" in names
    assert "cong_chuc_cntt" not in names
    assert "truong_ban" not in monotone_indicators(DTI, "huyen")
    assert "so_ocop_tmdt" in monotone_indicators(DTI, "huyen")


# ---------------------------------------------------------------- the checks catch what they should
ODD = textwrap.dedent("""\
    ruleset odd {
      title "Odd"
      version "1"
      status hypothetical
      years 2020..
      rounding 3
      on_zero_denominator 0
      on_missing_evidence zero
    }
    tier xa "Xã" max 10 {
      criterion A "More is worse" max 5 {
        input x number "x" range 0..100
        bands x { >= 50 -> 1  >= 10 -> 5  else -> 0 }
        provenance hypothetical "x"
      }
      criterion B "Formula" max 5 {
        input y number "y" range 0..5
        formula 5 - y
        provenance hypothetical "x"
      }
    }
    """)


def test_a_band_list_that_pays_less_for_more_is_not_declared_monotone() -> None:
    odd = api.load_text(ODD, "odd.cqdt")
    assert monotone_indicators(odd, "xa") == ()
    unit = Assessment(code="U", name="U", tier="xa", year=2020, source="audit", values={"x": 10, "y": 0})
    with pytest.raises(AssertionError, match="raising x from 10 to 50 lowers A from 5.000 to 1.000"):
        assert_monotone(odd, unit, "x", Decimal(50))
    with pytest.raises(ValueError, match="no indicator with a monotone rule"):
        monotone_steps(odd, "xa")


def _scored(ruleset: api.CheckedRuleset, tier: str, n: int = 3):
    units = [Assessment(code=f"U{i}", name="U", tier=tier, year=2022, source="audit", parent="D1",
                        values={ind.name: v for ind, v in zip(ruleset.ruleset.tier(tier).indicators,
                                                              _first_values(ruleset, tier, i))},
                        evidence={ind.name: ("x",) for ind in ruleset.ruleset.tier(tier).indicators if ind.evidence})
             for i in range(n)]
    return api.score(ruleset, units)


def _first_values(ruleset: api.CheckedRuleset, tier: str, i: int) -> list[object]:
    found = []
    for ind in ruleset.ruleset.tier(tier).indicators:
        options = boundary_values(ruleset, tier, ind.name)
        found.append(options[(i * 3) % len(options)])
    return found


def test_the_checks_pass_on_real_results_and_fail_on_doctored_ones() -> None:
    results = _scored(EGOV, "so")
    assert_invariants(EGOV, results)
    first = results.units[0].code

    bad_points = attrs.evolve(results, units=tuple(
        attrs.evolve(u, nodes={**u.nodes, "A1.1": attrs.evolve(u.nodes["A1.1"], points=Decimal(6))}) if u.code == first else u
        for u in results.units))
    with pytest.raises(AssertionError, match=r"A1.1 has 6 points, outside 0..5"):
        assert_points_within_bounds(bad_points)
    with pytest.raises(AssertionError, match=r"group A1 has"):
        assert_groups_are_capped_sums(bad_points)

    levels = dict(results.units[0].levels)
    scale = next(iter(levels))
    wrong = "I" if levels[scale].id != "I" else "IV"
    bad_level = attrs.evolve(results, units=tuple(
        attrs.evolve(u, levels={scale: attrs.evolve(u.levels[scale], id=wrong)}) if u.code == first else u
        for u in results.units))
    with pytest.raises(AssertionError, match=f"muc_do level is {wrong}"):
        assert_levels_follow_cutoffs(bad_level)

    ranked = sorted(results.units, key=lambda u: u.ranks["khoi"].rank)
    best, worst = ranked[0], ranked[-1]
    assert best.total > worst.total
    bad_rank = attrs.evolve(results, units=tuple(
        attrs.evolve(u, ranks={"khoi": attrs.evolve(u.ranks["khoi"], rank=len(results.units) + 1)})
        if u.code == best.code else u for u in results.units))
    with pytest.raises(AssertionError, match="ranking khoi"):
        assert_ranks_follow_values(bad_rank)


@FEW
@given(unit=assessments(EGOV, "xa", evidence="random"))
def test_a_single_assessment_with_random_evidence(unit: Assessment) -> None:
    assert unit.parent == "D1"  # this tier ranks within districts
    assert_invariants(EGOV, api.score(EGOV, [unit]))


# ---------------------------------------------------------------- the example a user copies
def test_the_documented_user_example_runs_under_pytest() -> None:
    run = run_pytest("-q", str(ROOT / "examples/user_project"), cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "12 passed" in run.stdout
