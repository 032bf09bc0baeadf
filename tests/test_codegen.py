"""The generated per-tier functions (engine/codegen.py): no ruleset text in their source, and the same
results as the closures and as the naive reference evaluator, on the shipped rulesets and on generated
rulesets and units (a differential property test)."""

from __future__ import annotations

import ast
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
from cqdt_rules.engine.compiler import _post_order, _TierCompiler, compile_ruleset
from cqdt_rules.engine.evaluator import evaluate
from cqdt_rules.engine.results import _ENCODE, Results, _node_dict, _NodeJson
from cqdt_rules.model import ruleset as m
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
NAMES = re.compile(r"(k|p|w|f|r|v)\d+(_\d+)?|[pwfr]_all|[pwfrotab]|values|evidence|cohort_max|get|left|scale|best"
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
    assert results.to_dict() == evaluate(compile_ruleset(ruleset, generate=False), units, "fixed").to_dict()
    _assert_json_lines_as_encoded(results)
    expected = reference.reference_scores(ruleset, units)
    for unit in results:
        ref = expected[unit.assessment.key]
        assert {node_id: r.points for node_id, r in unit.nodes.items()} == ref.points, unit.explain()
        assert unit.total == ref.total
        assert {name: level.id for name, level in unit.levels.items()} == ref.levels
        assert {name: rank.rank for name, rank in unit.ranks.items()} == ref.ranks


def test_node_details_are_computed_only_when_read_and_in_the_engines_arithmetic() -> None:
    """Scoring computes points only; why, flags and raw values come when a node is read, whatever decimal
    context the caller has set by then."""
    import decimal

    checked = api.load("egov_2020")
    units = api.load_assessments(ROOT / "examples" / "gialai" / "egov-2022-audit-xa.csv")
    results = api.score(checked, units)
    assert all(u.nodes._details is None for u in results)  # type: ignore[attr-defined]
    closures = evaluate(compile_ruleset(checked.ruleset, generate=False), units, results.run_at)
    with decimal.localcontext(decimal.Context(prec=3, rounding=decimal.ROUND_DOWN)):
        read_late = results.to_dict()
    assert read_late == closures.to_dict()
    assert [u.missing_evidence for u in results] == [u.missing_evidence for u in closures]


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
        _assert_json_lines_as_encoded(results)
