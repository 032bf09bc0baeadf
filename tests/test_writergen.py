"""The generated writers of explanations and results JSON (engine/writergen.py): no ruleset text in their source,
names written as Python code stay data, and the same text as the node-by-node writers and the plain references,
on the shipped rulesets and on generated rulesets and units (a differential property test)."""

from __future__ import annotations

import ast
import decimal
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from strategies import GeneratedRuleset
from test_codegen import MODEST, TEMPLATES, _without_outputs, ruleset_and_units
from test_explain_json import check_against_references

import cqdt_rules as cq
from cqdt_rules import api
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.engine import codegen, explain, results, writergen
from cqdt_rules.engine.codegen import node_details
from cqdt_rules.engine.compiler import NodeResults, compile_ruleset
from cqdt_rules.engine.evaluator import evaluate
from cqdt_rules.formatting import format_number
from cqdt_rules.i18n import BRANCH_VI, branch_text
from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "examples" / "gialai"

# Every constant the generated source may hold: the writer's own fragments and the branch templates of the details
# blocks it holds (engine/codegen.py), nothing else.
FRAGMENTS = {"/", '"', '{"a": "', '", "b": "', '"}', True, False, 3, 4, 7, 0, 1, None} | TEMPLATES
NAMES = re.compile(r"[kpwfacmrxhy]\d+|[buvst]\d+_\d+|[Kpwfrotabsvxy]|row|values|evidence|cohort_max|before|after|write"
                   r"|factory"
                   r"|str|type|len|id|TypeError|IndexError|context|listed|left|scale|best")


def _sources(scored: cq.Results) -> list[str]:
    """The source of every writer of the tiers of ``scored`` scored by generated functions: explanations in
    both languages and JSON."""
    found, seen = [], set()
    for unit in scored:
        if unit.tier.id in seen or not isinstance(unit.nodes, NodeResults):
            continue
        seen.add(unit.tier.id)
        shape = unit.nodes.shape
        details = node_details(unit.nodes.unit_inputs()[0])
        assert details is not None
        for plan in (explain.writer_plan(unit.tier, "en", shape), explain.writer_plan(unit.tier, "vi", shape),
                     results.writer_plan(unit.tier, shape)):
            found.append(writergen.generate(details, *plan)[0])
    return found


def _assert_no_ruleset_text(source: str) -> None:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant):
            assert node.value in FRAGMENTS, f"constant {node.value!r} in generated code"
        elif isinstance(node, ast.Name):
            assert NAMES.fullmatch(node.id), f"name {node.id!r} in generated code"
        elif isinstance(node, (ast.FunctionDef, ast.arg)):
            name = node.name if isinstance(node, ast.FunctionDef) else node.arg
            assert NAMES.fullmatch(name), name


def test_shipped_and_golden_rulesets_generate_writers_without_ruleset_text() -> None:
    scored = [cq.score(cq.load(ruleset), cq.load_assessments(SAMPLES / data), run_at="fixed")
              for ruleset, data in (("egov_2020", "egov-2022-audit.yaml"), ("dti_2023", "dti-2023-audit.yaml"))]
    for case in sorted(p for p in (ROOT / "tests" / "golden" / "good").iterdir() if p.is_dir()):
        units = next(p for p in (case / "units.yaml", case / "units.csv") if p.is_file())
        checked = api.load_text((case / "ruleset.cqdt").read_text(encoding="utf-8"), str(case / "ruleset.cqdt"))
        scored.append(api.score(checked, load_assessments(units), run_at="fixed"))
    sources = [source for results_ in scored for source in _sources(results_)]
    for source in sources:
        _assert_no_ruleset_text(source)
    assert len(sources) >= 15  # the egov and dti tiers and most goldens, three writers each


def test_a_text_kept_by_the_values_object_is_that_objects_text() -> None:
    """A node reading one pair keeps its text by the pair's object and by its texts: a unit showing the same
    object, another object of the same texts, or an equal pair written otherwise (15.0/20) gets the text the
    node-by-node writer gives it, whatever was kept before."""
    ruleset = api.load_text(UNROUNDED, "unrounded.cqdt").ruleset
    pairs = (["15", "20"], ["15", "20"], ["15.0", "20"], ["15", "20.00"], ["15", "20"])
    units = [Assessment(f"X{n}", f"Xã {n}", "xa", 2022, "audit", {"mot": pair, "hai": ["1", "9"], "co": "yes"})
             for n, pair in enumerate(pairs)]
    fast = evaluate(compile_ruleset(ruleset), units, "fixed")
    closures = evaluate(compile_ruleset(ruleset, generate=False), units, "fixed")
    expected = [plain.explain() for plain in closures]
    assert len({text.split("\n", 2)[2] for text in expected}) == 3  # the pairs' own texts show
    _clear_text_stores()
    for _ in range(2):  # the second time, every node's text is kept
        assert [unit.explain() for unit in fast] == expected
        assert [unit.explain() for unit in reversed(list(fast))] == expected[::-1]


def test_each_units_first_lines_name_its_own_source_district_and_rank() -> None:
    """The first two lines' fixed texts are set out once per tier; each unit's own source, district, total and
    rank still show, in each language."""
    ruleset = api.load_text(UNROUNDED, "unrounded.cqdt").ruleset
    units = [Assessment(code, f"Xã {code}", "xa", 2022, source, {"mot": ["1", "2"], "hai": ["1", "9"], "co": answer},
                        parent=parent)
             for code, source, answer, parent in (("A", "audit", "yes", "622"), ("B", "self", "no", None),
                                                  ("C", "audit", "no", "623"))]
    fast = evaluate(compile_ruleset(ruleset), units, "fixed")
    first = {unit.code: unit.explain().split("\n")[:2] for unit in fast}
    assert first["A"][0] == "A Xã A (tier xa, 2022, audit), district 622"
    assert first["B"][0] == "B Xã B (tier xa, 2022, self)"
    assert first["C"][0] == "C Xã C (tier xa, 2022, audit), district 623"
    for code, rank in (("A", "1/2"), ("B", "1/1"), ("C", "2/2")):  # each source ranked on its own
        assert first[code][1] == f"total {format_number(fast.unit(code).total, 'en')} / 13; rank {rank} (khoi, tier xa)"
    vietnamese = fast.unit("B").explain("vi").split("\n")[:2]
    assert vietnamese[0] == "B Xã B (khối xa, năm 2022, tự đánh giá)"
    assert vietnamese[1] == f"tổng điểm {format_number(fast.unit('B').total, 'vi')} / 13; hạng 1/1 (Xếp hạng, khối xa)"


HOSTILE = r'''ruleset hostile_names {
  title "Kiểm thử" version "1" status hypothetical years 2022..2022 rounding 3 on_zero_denominator 0
}
tier xa "UBND xã \"); import os; os._exit(3) #" max 20 {
  ranking khoi "{k0}\" + str(values) + \"" by total
  group k1 "\"\"\"; raise SystemExit; \"\"\"" max 20 {
    provenance hypothetical "{{p2}}"
    criterion p2 "{before}{after}" en "'); os._exit(4) #" max 10 {
      input values pair "f'{get}'"
      ratio values
      provenance hypothetical "\\\"; import sys; sys.exit(5) #"
    }
    criterion w3 "%s{}{0}" max 10 {
      input get yesno "k0"
      yes get
      provenance official "}}{{ %(x)s"
    }
  }
}
'''
HOSTILE_TEXTS = ("import os", "SystemExit", "os._exit", "import sys", "{before}{after}", "f'{get}'", "%s{}{0}",
                 "}}{{ %(x)s", "{{p2}}", '" + str(values) + "')


def test_names_written_as_python_code_stay_data() -> None:
    """Titles, provenance and labels that are Python code, and indicators named like the writer's own variables,
    reach the writers only through the constants table, and the text is the references' text."""
    checked = api.load_text(HOSTILE, "hostile_names.cqdt")
    units = [Assessment(code, f"Xã {code}", "xa", 2022, "audit", {"values": pair, "get": answer})
             for code, pair, answer in (("A", ["3", "4"], "yes"), ("B", ["5", "5"], "no"), ("C", ["0", "0"], "yes"),
                                        ("D", ["1234", "4321"], "no"))]
    scored = api.score(checked, units, run_at="fixed")
    assert all(isinstance(unit.nodes, NodeResults) for unit in scored)  # the generated path is taken
    sources = _sources(scored)
    assert len(sources) == 3
    for source in sources:
        assert not any(text in source for text in HOSTILE_TEXTS)
        _assert_no_ruleset_text(source)
    assert check_against_references(scored) == 4
    assert "os._exit(4)" in scored.unit("A").explain("en") and "import sys" in scored.unit("A").explain("vi")


@MODEST
@given(ruleset_and_units())
def test_generated_writers_write_what_the_node_by_node_writers_write(case: tuple[GeneratedRuleset,
                                                                                 list[Assessment]]) -> None:
    """On generated rulesets and units: explanations (both languages) and results JSON of the generated writers
    (each node's details computed and its text written in one function, texts kept by the values they depend on)
    are those of the node-by-node writers (reading the closures' ``NodeResult`` objects) and of the references,
    the first time and from what they kept."""
    generated, units = case
    ruleset = _without_outputs(api.load_text(generated.text, "generated.cqdt").ruleset)
    fast = evaluate(compile_ruleset(ruleset), units, "fixed")
    closures = evaluate(compile_ruleset(ruleset, generate=False), units, "fixed")
    for source in _sources(fast):
        _assert_no_ruleset_text(source)
    for unit, plain in zip(fast, closures, strict=True):
        assert not isinstance(plain.nodes, NodeResults)
        for lang in ("en", "vi"):
            _clear_text_stores()
            expected = plain.explain(lang)
            _clear_text_stores()  # the generated writer works out every number and branch it writes
            assert unit.explain(lang) == expected
            assert unit.explain(lang) == expected  # and writes them again from what it kept
    expected = closures.to_json()
    _clear_text_stores()
    assert fast.to_json() == expected
    assert fast.to_json() == expected
    check_against_references(fast)


def _clear_text_stores() -> None:
    """Empty the texts the writers keep across units (numbers and translated branches by their text)."""
    for store in (*explain._NUMBERS.values(), *explain._BRANCHES.values()):
        store.clear()


FIELD_FREE = st.text(st.sampled_from("ab {}%×→.0\"\\"), max_size=6).map(
    lambda text: text.replace("{", "{{").replace("}", "}}"))
ARGUMENTS = st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=None), st.text("xy {}%'", max_size=5),
                      st.integers())


@given(st.lists(FIELD_FREE, min_size=1, max_size=6), st.data())
def test_a_kept_filler_writes_what_format_writes(texts: list[str], data: st.DataObject) -> None:
    """A branch written by its template's filler is ``str.format``'s text, whatever the template's texts hold
    (braces, percent signs) and whatever numbers or texts the why holds."""
    template = "{}".join(texts)
    arguments = data.draw(st.lists(ARGUMENTS, min_size=len(texts) - 1, max_size=len(texts) - 1))
    why = (template, *arguments)
    writergen._FILLERS.pop(template, None)
    assert writergen.branch_of(why) == template.format(*arguments)
    filler = writergen._FILLERS.pop(template, None)  # kept: the store holds no made-up templates after the test
    if len(texts) <= len(writergen._FILL):
        assert filler is not None
    if filler is not None:
        assert filler(why) == template.format(*arguments)


def test_templates_with_other_fields_are_not_kept() -> None:
    for template in ("{0}/{1}", "{:.2f}", "{!r}", "{name}"):
        assert codegen.texts_between_fields(template) is None
    assert codegen.texts_between_fields("a {{b}} {} c % {}") == ["a {b} ", " c % ", ""]


@given(st.one_of(st.decimals(allow_nan=False, allow_infinity=False, places=None), st.integers(0, 10 ** 7).map(Decimal),
                 st.decimals(0, 1000, places=3), st.decimals(0, 1000, places=30)),
       st.sampled_from(("en", "vi")))
def test_plain_numbers_are_written_as_format_number_writes_them(number: Decimal, lang: str) -> None:
    plain = explain._plain(str(number), lang)
    if plain is not None:
        assert plain == format_number(number, lang)
    if re.fullmatch(r"\d+(\.\d+)?", str(number)) and len(str(number)) <= 28:  # the precision of the default context
        assert plain is not None
    text, marks = str(number), explain._marks(explain._shown(lang))
    assert marks is not None
    group, point, most, _ = marks
    if 4 <= len(text) <= 6 and text.isdigit():  # as the generated writers write it (``Words.marks``)
        assert text[:-3] + group + text[-3:] == format_number(number, lang)
    if -1 < text.find(".") < 4 and len(text) <= most + 1 and text.replace(".", "", 1).isdigit():
        assert text.replace(".", point) == format_number(number, lang)
    assert explain._number_once(number, explain._shown(lang)) == format_number(number, lang)  # (a unit's total)


UNROUNDED = '''ruleset unrounded {
  title "Không làm tròn" version "1" status hypothetical years 2022..2022 on_zero_denominator 0
}
tier xa "UBND xã" max 13 {
  ranking khoi "Xếp hạng" by total
  group G "Nhóm" max 12 capped {
    criterion R1 "Tỷ lệ một" max 7 {
      input mot pair "a / b"
      ratio mot
    }
    criterion R2 "Tỷ lệ hai" max 11 {
      input hai pair "a / b"
      ratio hai
    }
  }
  criterion Y "Có" max 1 {
    input co yesno "Có"
    yes co
  }
}
'''


def test_long_numbers_are_written_in_the_callers_precision_as_node_by_node() -> None:
    """Points computed to the engine's 60 digits (no rounding declared) and a group capped by such a sum are
    written as the node-by-node writers write them, in the caller's decimal context (which decides how many digits
    of a long number are shown), whatever context the generated writer computes in."""
    ruleset = api.load_text(UNROUNDED, "unrounded.cqdt").ruleset
    units = [Assessment(code, f"Xã {code}", "xa", 2022, "audit", {"mot": mot, "hai": hai, "co": co})
             for code, mot, hai, co in (("A", ["1", "3"], ["10", "11"], "yes"), ("B", ["2", "7"], ["1", "9"], "no"),
                                        ("C", ["5", "6"], ["22", "23"], "yes"))]
    fast = evaluate(compile_ruleset(ruleset), units, "fixed")
    closures = evaluate(compile_ruleset(ruleset, generate=False), units, "fixed")
    assert all(isinstance(unit.nodes, NodeResults) for unit in fast)
    assert any(len(str(unit.points("R1"))) > 40 for unit in fast)  # long points, past the default precision
    assert any("capped" in unit.nodes["G"].flags for unit in fast)
    for unit, plain in zip(fast, closures, strict=True):
        for lang in ("en", "vi"):
            texts = []
            for results_ in (plain, unit):  # each from empty stores: neither reads the other's texts
                _clear_text_stores()
                texts.append(results_.explain(lang))
            assert texts[0] == texts[1]
            if unit.code == "A":  # 1/3 × 7: 2.333…, 28 digits in the default context
                assert f": {'2,' if lang == 'vi' else '2.'}{'3' * 27} / 7\n" in texts[0]
    assert fast.to_json() == closures.to_json()


@given(st.one_of(st.text(st.sampled_from("0123456789/×≥%→ -+E()'"), max_size=20),
                 st.text(st.sampled_from("0123456789/×≥%→ -+.E()'đĐaAnoxy"), max_size=20)))
def test_a_branch_of_numbers_and_signs_is_its_own_translation(branch: str) -> None:
    """The translation of a branch without letters nor decimal point is the branch: no phrase ``branch_text``
    translates could match it, and it has no decimal number to write the Vietnamese way. The generated writers
    show as it is a branch without a decimal point that upper case leaves as it is (``Words.signs_as_is``)."""
    assert all(re.search("[a-z]", english) for english, _ in BRANCH_VI)
    assert explain._translated(explain._shown("vi"), branch) == branch_text(branch, "vi")
    if "." not in branch and branch.upper() == branch:
        assert branch_text(branch, "vi") == branch


PIECES = [english for english, _ in BRANCH_VI] + ["→", "≥", "%", "0.5", "12.25", "-3.5", ".", ",", "x", "/", " ", "đ"]


@given(st.text(st.sampled_from("0123456789./-"), min_size=1, max_size=12), st.lists(st.sampled_from(PIECES), max_size=6))
def test_a_branch_starting_with_numbers_is_translated_as_a_whole(numbers: str, rest: list[str]) -> None:
    """A branch that starts with numbers and signs and a space, as a pair's ratio or bands writes it, is translated
    in two texts (the rest kept) as ``branch_text`` translates it whole, the first time and from what was kept."""
    branch = numbers + " " + "".join(rest)
    _clear_text_stores()
    assert explain._translated(explain._shown("vi"), branch) == branch_text(branch, "vi")
    assert explain._translated(explain._shown("vi"), branch) == branch_text(branch, "vi")


UNROUNDED_ITEMS = UNROUNDED.replace('''  criterion Y "Có" max 1 {''', '''  criterion N "Số lượng" max 1000000000 {
    input so number "Số"
    per_item so each 0.125
  }
  criterion Y "Có" max 1 {''').replace("max 13 {", "max 1000000013 {")


def test_texts_kept_under_one_decimal_context_are_not_read_under_another() -> None:
    """A caller's decimal context decides how many digits of a long number an explanation shows: texts kept while
    explaining under one precision (numbers, translated branches, a node's text kept by its values) are not read
    back under another. Each writer, after explaining under the default context, writes under a smaller precision
    (and another rounding) what the node-by-node writer writes under it from empty stores."""
    ruleset = api.load_text(UNROUNDED_ITEMS, "unrounded.cqdt").ruleset
    units = [Assessment(code, f"Xã {code}", "xa", 2022, "audit",
                        {"mot": mot, "hai": ["1", "9"], "co": "yes", "so": so})
             for code, mot, so in (("A", ["1", "3"], "1234567.891"), ("B", ["2", "7"], "123456"))]
    fast = evaluate(compile_ruleset(ruleset), units, "fixed")
    closures = evaluate(compile_ruleset(ruleset, generate=False), units, "fixed")
    assert all(isinstance(unit.nodes, NodeResults) for unit in fast)
    contexts = [{"prec": 7}, {"prec": 12, "rounding": decimal.ROUND_DOWN}, {"prec": 5}]
    for lang in ("en", "vi"):
        for results_ in (fast, closures):
            for changed in contexts:
                _clear_text_stores()
                with decimal.localcontext(**changed):
                    expected = [plain.explain(lang) for plain in closures]
                _clear_text_stores()
                before = [unit.explain(lang) for unit in results_]  # kept under the default context
                with decimal.localcontext(**changed):
                    assert [unit.explain(lang) for unit in results_] == expected
                assert [unit.explain(lang) for unit in results_] == before
                assert expected != before  # the context shows in the text
