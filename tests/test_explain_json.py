"""Explanations and results JSON, written from text kept per tier (``engine/explain.py``, ``engine/results.py``),
against plain references built from the public results: for every unit of both shipped rulesets on every sample
data file, of the golden cases (the closures' engine, formulas, outputs) and of the batch engine, in both
languages. The explanation reference is written here node by node from ``NodeResult`` objects with
``format_number`` and ``branch_text``, nothing kept; the JSON reference is ``Results.to_dict()``, which builds
every node's dict from its ``NodeResult`` and the model's node."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import jsonschema
import pytest

import cqdt_rules as cq
from cqdt_rules import api
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.engine.results import Results, UnitResult, results_schema
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import branch_text
from cqdt_rules.model.units import Assessment, Pair

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "gialai"
QUICK = {"egov-2022-audit.yaml", "dti-2023-audit.yaml"}  # the others (and the batch engine) join the full run
SHIPPED = [pytest.param(ruleset, name, marks=() if name in QUICK else pytest.mark.slow) for ruleset, name in
           [("egov_2020", name) for name in ("egov-2020-audit.yaml", "egov-2021-audit.yaml", "egov-2021-self.yaml",
                                             "egov-2022-audit.yaml", "egov-2022-self.yaml")]
           + [("dti_2023", name) for name in ("dti-2023-audit.yaml", "dti-2023-self.yaml", "dti-2024-audit.yaml")]]
GOOD = sorted(p for p in (ROOT / "tests" / "golden" / "good").iterdir() if p.is_dir())
LANGS = ("en", "vi")

_WORDS = {
    "vi": {"read": "số liệu", "why": "cách tính", "flags": "ghi chú", "provenance": "nguồn", "not assessed": "(chưa đánh giá)",
           "yes": "có", "no": "không"},
    "en": {"read": "read", "why": "why", "flags": "flags", "provenance": "provenance", "not assessed": "(not assessed)",
           "yes": "yes", "no": "no"},
}
_FLAGS_VI = {"not assessed": "chưa đánh giá", "missing evidence": "thiếu tài liệu kiểm chứng", "capped": "vượt tối đa",
             "floored": "nâng lên 0", "informational": "chỉ để thông tin", "cohort best is 0": "cao nhất trong nhóm bằng 0"}
_STATUS_VI = {"official": "chính thức", "reconstructed": "tái dựng", "hypothetical": "giả định"}


def _value(value: object, lang: str) -> str:
    if value is None:
        return _WORDS[lang]["not assessed"]
    if isinstance(value, bool):
        return _WORDS[lang]["yes" if value else "no"]
    if isinstance(value, Pair):
        return f"{format_number(value.a, lang)}/{format_number(value.b, lang)}"
    if isinstance(value, Decimal):
        return format_number(value, lang)
    return str(value)


def reference_node_lines(unit: UnitResult, lang: str) -> list[str]:
    """The lines of every node of ``unit.explain(lang)``, from its ``NodeResult`` objects, worked out afresh."""
    words, lines = _WORDS[lang], []
    for node_id, result in unit.nodes.items():
        node = unit.tier.node(node_id)
        indent = "  " * (unit.tier.depths[node_id] + 1)
        title = node.title_en if lang == "en" and node.title_en else node.title
        lines.append(f"{indent}{node_id} {title}: {format_number(result.points, lang)} / {format_number(node.max, lang)}")
        branch = branch_text(result.branch, lang)
        if node.rule is None:
            if "capped" in result.flags:
                lines.append(f"{indent}  {branch}")
            continue
        if result.inputs:
            lines.append(f"{indent}  {words['read']}: " + ", ".join(f"{k} = {_value(v, lang)}" for k, v in result.inputs))
        lines.append(f"{indent}  {words['why']}: {branch}")
        if result.flags:
            flags = [_FLAGS_VI.get(f, f) if lang == "vi" else f for f in result.flags]
            lines.append(f"{indent}  {words['flags']}: {', '.join(flags)}")
        if node.provenance is not None:
            status = node.provenance.status
            shown = _STATUS_VI.get(status, status) if lang == "vi" else status
            lines.append(f"{indent}  {words['provenance']} ({shown}): {node.provenance.text}")
    return lines


def check_against_references(results: Results) -> int:
    """Every unit's explanation in both languages against the reference (its first two lines, the unit and its
    summary, as written; every node's lines as the reference writes them), and the JSON against ``to_dict`` and
    the schema; the number of units checked."""
    for unit in results:
        for lang in LANGS:
            text = unit.explain(lang).split("\n")
            assert text[0].startswith(f"{unit.code} {unit.name} (")
            assert text[2:] == reference_node_lines(unit, lang), (unit.code, lang)
    document = json.loads(results.to_json())
    assert document == results.to_dict()
    jsonschema.Draft202012Validator(results_schema()).validate(document)
    return len(results)


@pytest.mark.parametrize(("ruleset", "data"), SHIPPED)
def test_shipped_rulesets_explain_and_json_as_the_references(ruleset: str, data: str) -> None:
    results = cq.score(cq.load(ruleset), cq.load_assessments(SAMPLES / data), run_at="fixed", any_year=True)
    assert check_against_references(results) > 200


@pytest.mark.parametrize("case", GOOD, ids=lambda p: p.name)
def test_golden_cases_explain_and_json_as_the_references(case: Path) -> None:
    units = next(p for p in (case / "units.yaml", case / "units.csv") if p.is_file())
    checked = api.load_text((case / "ruleset.cqdt").read_text(encoding="utf-8"), str(case / "ruleset.cqdt"))
    assert check_against_references(api.score(checked, load_assessments(units), run_at="fixed")) > 0


@pytest.mark.slow
def test_batch_engine_results_explain_and_json_as_the_references() -> None:
    pytest.importorskip("numpy")  # the batch extra; the quick subset has it
    results = cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLES / "egov-2022-audit.yaml"), run_at="fixed",
                       engine="batch")
    assert check_against_references(results) > 200


DIRECT = """ruleset kept_text {
  title "Kiểm thử" version "1" status hypothetical years 2022..2022 rounding 3
}
tier xa "UBND xã" max 10 {
  ranking khoi "Xếp hạng" by total
  criterion D1 "Điểm trực tiếp" max 10 {
    input diem score "Điểm"
    direct diem
  }
}
"""


def test_equal_numbers_written_differently_keep_their_own_text() -> None:
    """7.5 and 7.50 are equal numbers but are shown as written: text kept per number must tell them apart."""
    checked = api.load_text(DIRECT, "kept_text.cqdt")
    units = [Assessment(code, code, "xa", 2022, "audit", {"diem": value}) for code, value in
             (("A", "7.5"), ("B", "7.50"), ("C", "7.5"), ("D", "7.500"))]
    results = api.score(checked, units, run_at="fixed")
    shown = {u.code: u.explain("vi") for u in results}
    assert "diem = 7,5\n" in shown["A"] and "diem = 7,50\n" in shown["B"] and "diem = 7,500\n" in shown["D"]
    assert shown["B"].endswith("cách tính: điểm thẩm định 7,50") and shown["C"].endswith("cách tính: điểm thẩm định 7,5")
    assert results.unit("D").explain("en").endswith("read: diem = 7.500\n    why: assessed score 7.500")
    inputs = {u["code"]: u["nodes"][0]["inputs"]["diem"] for u in json.loads(results.to_json())["units"]}
    assert inputs == {"A": "7.5", "B": "7.50", "C": "7.5", "D": "7.500"}
    assert check_against_references(results) == 4


def test_explaining_twice_and_after_other_units_gives_the_same_text() -> None:
    """Text kept between calls (per tier, per number, per why object) never leaks from one unit into another."""
    results = cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLES / "egov-2022-audit.yaml"), run_at="fixed")
    first = [u.explain(lang) for lang in LANGS for u in results]
    other = cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLES / "egov-2021-audit.yaml"), run_at="fixed")
    [u.explain(lang) for lang in LANGS for u in other]
    assert [u.explain(lang) for lang in LANGS for u in reversed(results.units)] == \
        [text for block in (first[:len(results)], first[len(results):]) for text in reversed(block)]


def test_text_kept_in_small_stores_is_still_right(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stores emptied every few texts (numbers, branches, a node's first line and JSON front, why and flags) give the
    same text as ever."""
    from cqdt_rules.engine import explain, results as results_module

    for module, name in ((explain, "_KEPT"), (explain, "KEPT_PER_NODE"), (results_module, "KEPT_PER_NODE"),
                         (explain, "SAME_OBJECTS_KEPT")):
        monkeypatch.setattr(module, name, 2)
    scored = cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLES / "egov-2021-self.yaml"), run_at="fixed")
    assert check_against_references(scored) > 200


def test_levels_changed_in_place_are_written_as_they_are_now() -> None:
    """Results JSON keeps the text of the levels the engines share (read-only dictionaries), never of a dictionary
    that may change: a unit given levels of its own, changed after a write, is written as it is now."""
    scored = cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLES / "egov-2022-audit.yaml"), run_at="fixed")
    unit = attrs.evolve(scored.units[0], levels=dict(scored.units[0].levels))
    alone = Results(scored.ruleset, (unit,), "fixed")
    assert '"levels": {}' not in alone.to_json()
    unit.levels.clear()
    assert '"levels": {}' in alone.to_json()
