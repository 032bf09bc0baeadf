"""The generated per-tier functions (engine/codegen.py): no ruleset text in their source, and the same
results as the closures and as the naive reference evaluator, on the shipped rulesets and on generated
rulesets and units (a differential property test)."""

from __future__ import annotations

import ast
from decimal import Decimal
import re
import sys
from pathlib import Path

import attrs
import reference
from hypothesis import HealthCheck, Phase, given, settings
from strategies import GeneratedRuleset, assessments_for, generated_rulesets
from hypothesis import strategies as st

from cqdt_rules import api
from cqdt_rules.engine import codegen
from cqdt_rules.engine.compiler import NodeResults, _post_order, _TierCompiler, compile_ruleset
from cqdt_rules.engine.evaluator import evaluate
from cqdt_rules.engine.results import _ENCODE, Results, _node_dict, _NodeJson
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
PHASES = tuple(p for p in Phase if p is not Phase.explain)
MODEST = settings(max_examples=120, deadline=None, phases=PHASES,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Every string the generated source may hold: the branch templates of engine/compiler.py, nothing else.
TEMPLATES = {
    "{}/{} ≥ 100% → full points", "{}/{} × {}", "{} × {}", "assessed score {}", "every unit of the {} has 0 → 0",
    "{} / {} (best of the {}) × {}", "'{}' → else {}", "sum {} capped at {}", "; capped at {}", "; raised to 0",
    "{}/{} {} → {}", "{} {} → {}", "{}/{} below every band → {}", "{} below every band → {}", "cohort best is 0",
    "floored",
}
NAMES = re.compile(r"(k|p|w|f|r|v)\d+(_\d+)?|[pwfr]_all|[pwfrotab]|values|row|evidence|cohort_max|get|left|scale|best"
                   r"|K|factory|score_unit|explain_unit")


def _sources(ruleset: m.Ruleset) -> list[str]:
    helpers = sys.modules["cqdt_rules.engine.compiler"]
    found = []
    for tier in ruleset.tiers:
        if codegen.can_generate(tier):
            compiler = _TierCompiler(ruleset, tier)
            source, _ = codegen.generate(compiler, tuple(n.id for n in tier.walk()), _post_order(tier.nodes), helpers)
            found.append(source)
    return found


def _assert_no_ruleset_text(source: str) -> None:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant):
            assert node.value in TEMPLATES or node.value in (0, 1, None), f"constant {node.value!r} in generated code"
        elif isinstance(node, ast.Name):
            assert NAMES.fullmatch(node.id), f"name {node.id!r} in generated code"
        elif isinstance(node, (ast.FunctionDef, ast.arg)):
            name = node.name if isinstance(node, ast.FunctionDef) else node.arg
            assert NAMES.fullmatch(name), name


def _shipped() -> list[Path]:
    return sorted([*(ROOT / "rulesets").rglob("*.cqdt"), *(ROOT / "tests" / "golden" / "good").rglob("*.cqdt")])


def test_shipped_and_golden_rulesets_generate_source_without_ruleset_text() -> None:
    generated = 0
    for path in _shipped():
        for source in _sources(api.load(path).ruleset):
            _assert_no_ruleset_text(source)
            generated += 1
    assert generated >= 5  # the egov tiers and most goldens are written out


def test_the_generated_egov_functions_give_the_closures_results_on_the_sample() -> None:
    checked = api.load("egov_2020")
    assert all(t.unit_fn is not None for t in checked.compiled.tiers.values())
    units = api.load_assessments(ROOT / "examples" / "gialai" / "egov-2022-self.yaml") \
        + api.load_assessments(ROOT / "examples" / "gialai" / "egov-2022-audit.yaml")
    closures = compile_ruleset(checked.ruleset, generate=False)
    assert evaluate(checked.compiled, units, "fixed").to_dict() == evaluate(closures, units, "fixed").to_dict()


def _without_outputs(ruleset: m.Ruleset) -> m.Ruleset:
    """The ruleset with its outputs (and what reads them) taken out, so that more tiers are written out."""
    def keeps(ref: m.ValueRef) -> bool:
        return not isinstance(ref, m.OutputRef)

    tiers = []
    for tier in ruleset.tiers:
        levels = tuple(s for s in tier.levels if keeps(s.on) and all(keeps(r.ref) for lv in s.levels for r in lv.requires))
        rankings = tuple(r for r in tier.rankings if keeps(r.by) and all(keeps(t.ref) for t in r.tiebreaks))
        tiers.append(attrs.evolve(tier, outputs=(), levels=levels, rankings=rankings))
    return attrs.evolve(ruleset, tiers=tuple(tiers))


@st.composite
def ruleset_and_units(draw: st.DrawFn) -> tuple[GeneratedRuleset, list[Assessment]]:
    generated = draw(generated_rulesets())
    return generated, draw(assessments_for(generated))


@MODEST
@given(ruleset_and_units())
def test_generated_code_agrees_with_the_closures_and_the_reference(case: tuple[GeneratedRuleset, list[Assessment]]) -> None:
    generated, units = case
    ruleset = _without_outputs(api.load_text(generated.text, "generated.cqdt").ruleset)
    fast = compile_ruleset(ruleset)
    for source in _sources(ruleset):
        _assert_no_ruleset_text(source)
    results = evaluate(fast, units, "fixed")
    _assert_both_functions_give_the_same_points(results)
    assert results.to_dict() == evaluate(compile_ruleset(ruleset, generate=False), units, "fixed").to_dict()
    _assert_json_lines_as_encoded(results)
    expected = reference.reference_scores(ruleset, units)
    for unit in results:
        ref = expected[unit.assessment.key]
        assert {node_id: r.points for node_id, r in unit.nodes.items()} == ref.points, unit.explain()
        assert unit.total == ref.total
        assert {name: level.id for name, level in unit.levels.items()} == ref.levels
        assert {name: rank.rank for name, rank in unit.ranks.items()} == ref.ranks


def _assert_both_functions_give_the_same_points(results: Results) -> None:
    """The points-only function (what a unit's points are computed again from when read) and the function with
    the details (whose points explanations and results JSON write) give every node the same points, to the text."""
    import decimal

    for unit in results:
        nodes = unit.nodes
        if isinstance(nodes, NodeResults):
            score_unit, explain_unit = nodes._functions  # type: ignore[attr-defined]
            arguments = (nodes._values, nodes._evidence, nodes._cohort_max)  # type: ignore[attr-defined]
            with decimal.localcontext(ARITHMETIC):
                points_only, explained = score_unit(*arguments)[0], explain_unit(*arguments)[0]
            assert [str(p) for p in points_only] == [str(p) for p in explained] == [str(p) for p in nodes.all_points()]


def _assert_json_lines_as_encoded(results: Results) -> None:
    """Each node's line of ``to_json()``, written around the tier's fixed parts, is the JSON encoder's text of
    the node's dictionary (one ``_NodeJson`` per node for all the units, as the writer keeps them)."""
    declared: dict[tuple[str, str], _NodeJson] = {}
    for unit in results:
        for node_id, result in unit.nodes.items():
            node = unit.tier.node(node_id)
            writer = declared.setdefault((unit.tier.id, node_id), _NodeJson(node))
            text = writer.text(result.points, result.why, result.flags, result.reads, result.values)
            assert text == _ENCODE(_node_dict(node, result))


def test_json_lines_of_the_shipped_rulesets_are_as_encoded() -> None:
    for ruleset, data in (("egov_2020", "egov-2022-self.yaml"), ("dti_2023", "dti-2023-audit.yaml")):
        results = api.score(api.load(ruleset), api.load_assessments(ROOT / "examples" / "gialai" / data))
        _assert_both_functions_give_the_same_points(results)
        _assert_json_lines_as_encoded(results)


EDGES = """ruleset bien {
  title "Biên" en "Edges"
  version "1"
  status hypothetical
  years 2022..2023
  rounding 2 half_up
  on_zero_denominator 0
  on_missing_evidence zero
}
levels muc "Mức" {
  I "Mức I" >= 60%
  II "Mức II" >= 37.5%
  below "Chưa đạt"
}
tier xa "UBND xã" max 14.5 {
  total round 1
  group A "Nhóm A" max 6 capped {
    criterion A1 "Tỉ lệ" max 4 {
      input r pair "r"
      ratio r
    }
    criterion A2 "Số" max 3 {
      input n number "n" range -5..5
      per_item n each 0.75
    }
    criterion A3 "Chuẩn hoá" max 2 {
      input m number "m" range -5..5
      normalised m within tier
      round 1 down
    }
  }
  group B "Nhóm B" max 7.5 {
    round 0
    criterion B1 "Điểm" max 2.5 {
      input s score "s"
      direct s
      round 0
    }
    criterion B2 "Tỉ lệ" max 3.5 {
      input q pair "q"
      ratio q
      round 0 up
    }
    criterion B3 "Tỉ lệ" max 1.5 {
      input q2 pair "q2"
      ratio q2
      round 0 up
    }
  }
  group C "Nhóm C" max 1 capped {
    criterion C1 "Có" max 1 {
      input c1 yesno "c1"
      yes c1
    }
    criterion C2 "Có" max 1 {
      input c2 yesno "c2"
      yes c2
    }
  }
}
"""
"""Every step the points-only function may leave out, and every one it must keep: a capped group, a number that
may be negative (read per item and normalised), a group and a total rounded to fewer decimals than their children, maxima above what their
rounding can show, rounding up and down, a capped group whose children are at its precision."""


def test_the_points_only_function_keeps_every_step_that_can_change_points() -> None:
    checked = api.load_text(EDGES, "edges.cqdt")
    pairs = (["0", "0"], ["0", "3"], ["1", "3"], ["2", "3"], ["3", "3"], ["1", "8"], ["7", "8"], ["8", "8"])
    units = []
    for i, (r, n, s, q) in enumerate(zip(pairs, ("-5", "-0.004", "0", "0.004", "3.99", "5", "1.337", "-1"),
                                         ("0", "0.4", "0.5", "2.5", "2.49", "1", "0.01", "2"), reversed(pairs))):
        values = {"r": r, "n": n, "s": s, "q": q, "q2": r, "m": n, "c1": i % 2 == 0, "c2": i % 3 == 0}
        units.append(Assessment(f"U{i}", f"Xã {i}", "xa", 2022, "self", values, {}))
    full = {"r": ["3", "3"], "n": "5", "s": "2.5", "q": ["8", "8"], "q2": ["8", "8"], "m": "5", "c1": True, "c2": True}
    units.append(Assessment("U9", "Xã 9", "xa", 2022, "self", full, {}))  # B's 7.5 would round up to 8
    tier = checked.compiled.tiers["xa"]
    assert tier.unit_fn is not None
    results = evaluate(checked.compiled, units, "fixed")
    assert results.to_dict() == evaluate(compile_ruleset(checked.ruleset, generate=False), units, "fixed").to_dict()
    expected = reference.reference_scores(checked.ruleset, units)
    for unit in results:
        ref = expected[unit.assessment.key]
        assert {node_id: r.points for node_id, r in unit.nodes.items()} == ref.points, unit.explain()
        assert (unit.total, {name: level.id for name, level in unit.levels.items()}) == (ref.total, ref.levels)
    assert any("capped" in u.nodes["A"].flags for u in results)
    assert any("floored" in u.nodes["A2"].flags for u in results)
    assert any("floored" in u.nodes["A3"].flags for u in results)
    assert any("capped" in u.nodes["B3"].flags for u in results)
    assert (results.unit("U9").points("B"), results.unit("U9").points("C")) == (Decimal("7.5"), 1)
    assert len({u.level.id if u.level else None for u in results}) == 3  # every level is reached
