"""Properties of the whole pipeline, checked on generated input (Hypothesis).

- Any text either loads or raises our RulesetError, every diagnostic pointing inside the text.
- On generated rulesets and units: points lie in 0..max; a group is the capped sum of its
  children; the level never drops when the total rises; ranks do not depend on input order; and the
  compiled engine agrees exactly with the naive reference evaluator in tests/reference.py.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
import reference
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from strategies import (
    GeneratedRuleset,
    assessments_for,
    fuzz_texts,
    generated_rulesets,
    num,
)

from cqdt_rules import api
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import RulesetError
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment

pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")

# No "explain" phase: it only decorates a failure report, and costs minutes on a failing run.
PHASES = tuple(p for p in Phase if p is not Phase.explain)
MODEST = settings(max_examples=100, deadline=None, phases=PHASES,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _score(generated: GeneratedRuleset, units: list[Assessment]) -> tuple[api.CheckedRuleset, Results]:
    checked = api.load_text(generated.text, "generated.cqdt")
    return checked, api.score(checked, units, run_at="fixed")


@st.composite
def ruleset_and_units(draw: st.DrawFn) -> tuple[GeneratedRuleset, list[Assessment]]:
    generated = draw(generated_rulesets())
    return generated, draw(assessments_for(generated))


# ---------------------------------------------------------------- (a) any text
@settings(max_examples=150, deadline=None, phases=PHASES)
@given(fuzz_texts())
def test_any_text_loads_or_raises_a_positioned_ruleset_error(text: str) -> None:
    try:
        api.load_text(text, "fuzz.cqdt")
    except RulesetError as exc:
        assert exc.diagnostics, "a RulesetError without a diagnostic"
        lines = text.split("\n")
        for d in exc.diagnostics:
            assert d.span.path == "fuzz.cqdt"
            assert 1 <= d.span.line <= len(lines), (d, len(lines))
            assert 1 <= d.span.column <= len(lines[d.span.line - 1]) + 1, (d, lines[d.span.line - 1])
        rendered = exc.render()
        assert rendered.startswith("fuzz.cqdt:") and "Traceback" not in rendered
        assert "$END" not in rendered and "Token(" not in rendered


# ---------------------------------------------------------------- (b) generated rulesets
@MODEST
@given(ruleset_and_units())
def test_points_lie_between_zero_and_max(case: tuple[GeneratedRuleset, list[Assessment]]) -> None:
    generated, units = case
    checked, results = _score(generated, units)
    tier = checked.ruleset.tier(generated.tier)
    for unit in results:
        for node in tier.walk():
            assert 0 <= unit.points(node.id) <= node.max, (unit.code, node.id, unit.node(node.id))
        assert 0 <= unit.total <= tier.max


@MODEST
@given(ruleset_and_units())
def test_group_points_are_the_capped_sum_of_its_children(case: tuple[GeneratedRuleset, list[Assessment]]) -> None:
    generated, units = case
    checked, results = _score(generated, units)
    tier = checked.ruleset.tier(generated.tier)
    for unit in results:
        for node in tier.walk():
            if node.children:
                children = sum((unit.points(c.id) for c in node.children), Decimal(0))
                rounding = node.rounding or checked.ruleset.header.rounding  # a declared `round` applies to groups too
                expected = reference.to_decimal(Fraction(min(children, node.max)), rounding)
                assert unit.points(node.id) == expected, (unit.code, node.id)


@MODEST
@given(ruleset_and_units())
def test_level_on_total_never_lower_for_a_higher_total(case: tuple[GeneratedRuleset, list[Assessment]]) -> None:
    generated, units = case
    checked, results = _score(generated, units)
    tier = checked.ruleset.tier(generated.tier)
    for scale in tier.levels:
        if not isinstance(scale.on, m.TotalRef) or any(level.requires for level in scale.levels):
            continue  # only scales on the total without prerequisites are a function of the total alone
        order = [level.id for level in scale.levels] + [None]
        for u in results:
            for v in results:
                if u.total >= v.total:
                    assert order.index(u.levels[scale.name].id) <= order.index(v.levels[scale.name].id), (u.total, v.total)


@settings(max_examples=80, deadline=None, phases=PHASES)
@given(st.data())
def test_raising_a_direct_score_never_lowers_the_level(data: st.DataObject) -> None:
    maximum = data.draw(st.integers(1, 200))
    percent = data.draw(st.booleans())
    top = 100 if percent else maximum
    cuts = sorted(data.draw(st.lists(st.integers(0, top), min_size=1, max_size=5, unique=True)), reverse=True)
    rows = " ".join(f'M{i} "Mức {i}" >= {c}{"%" if percent else ""}' for i, c in enumerate(cuts))
    text = f"""ruleset muc {{ title "Thang mức" years 2022..2022 rounding 3 }}
tier xa "Xã" max {maximum} {{
  levels muc "Mức" {{ {rows} below "Không xếp hạng" }}
  criterion A "Điểm thẩm định" max {maximum} {{
    input diem score "Điểm" audit_only
    direct diem
    provenance hypothetical "thử"
  }}
}}
"""
    checked = api.load_text(text, "levels.cqdt")
    scores = sorted(data.draw(st.lists(st.integers(0, maximum * 1000), min_size=2, max_size=8, unique=True)))
    units = [Assessment(f"{i}", f"Xã {i}", "xa", 2022, "audit", {"diem": num(Decimal(s) / 1000)}) for i, s in enumerate(scores)]
    results = api.score(checked, units, run_at="fixed")
    order = [f"M{i}" for i in range(len(cuts))] + [None]
    ranks = [order.index(results.unit(f"{i}").level.id) for i in range(len(scores))]  # type: ignore[union-attr]
    assert ranks == sorted(ranks, reverse=True), (cuts, scores, ranks)


@MODEST
@given(ruleset_and_units(), st.randoms(use_true_random=False))
def test_ranks_do_not_depend_on_input_order(case: tuple[GeneratedRuleset, list[Assessment]], rnd: object) -> None:
    generated, units = case
    shuffled = list(units)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    _, first = _score(generated, units)
    _, second = _score(generated, shuffled)

    def by_unit(results: Results) -> dict[object, object]:
        return {u.assessment.key: ({k: (r.rank, r.of, r.group) for k, r in u.ranks.items()}, u.total) for u in results}

    assert by_unit(first) == by_unit(second)
    assert first.to_dict() == second.to_dict()


@settings(MODEST, max_examples=150)
@given(ruleset_and_units())
def test_engine_agrees_with_the_reference_evaluator(case: tuple[GeneratedRuleset, list[Assessment]]) -> None:
    generated, units = case
    checked, results = _score(generated, units)
    expected = reference.reference_scores(checked.ruleset, units)
    assert len(results) == len(expected)
    for unit in results:
        ref = expected[unit.assessment.key]
        got_points = {node_id: r.points for node_id, r in unit.nodes.items()}
        assert got_points == ref.points, unit.explain()
        assert unit.total == ref.total
        assert unit.outputs == ref.outputs
        assert {name: level.id for name, level in unit.levels.items()} == ref.levels
        assert {name: rank.rank for name, rank in unit.ranks.items()} == ref.ranks
