"""Benchmark the engine against a plain hand-written scorer: loading a ruleset, scoring a cohort, egov 2020.

Run from the checkout (no timed assertions; figures only):

    PYTHONPATH=src python benchmarks/bench_engine.py            # full run, about a minute on 2 cores
    PYTHONPATH=src python benchmarks/bench_engine.py --quick    # smoke run, a few seconds
    PYTHONPATH=src python benchmarks/bench_engine.py --profile  # also print cProfile top costs

What is measured (see benchmarks/README.md for the reasoning):

1. parse, check and compile a generated 100-criterion ruleset (10 groups; yes, category, ratio,
   bands on pairs and on counts, per_item, best_of, formula), each phase separately, beside reading
   the same rules as a JSON rule table for the hand-written scorer (json.loads + Decimal conversion);
2. scoring a cohort of generated units with the engine (the compiled per-unit path, also with the
   garbage collector tuned as the CLI tunes it and with it off, the closures alone, data checking alone,
   and ``api.score`` end to end, also with the collector tuned) beside ``handwritten.score_unit``; every
   unit's total, every node's points and the level are first checked to be identical;
3. ``api.score`` on the shipped rulesets/2020/egov.cqdt for 257 generated units (20 departments,
   17 districts, 220 communes: the shape of Gia Lai's cohort).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for extra in (ROOT / "src", HERE):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import handwritten  # noqa: E402  (benchmarks/handwritten.py: standard library only)

from cqdt_rules import api  # noqa: E402
from cqdt_rules.engine import compiler, evaluator  # noqa: E402
from cqdt_rules.language import checker, parser  # noqa: E402
from cqdt_rules.model import ruleset as m  # noqa: E402
from cqdt_rules.model.units import Assessment
from cqdt_rules.model.checking import check_assessments  # noqa: E402

EGOV = ROOT / "rulesets" / "2020" / "egov.cqdt"
YEAR = 2021
TARGET = 2.0  # the compiled engine should be within 2x of the hand-written scorer
CLOCK = time.process_time  # CPU time of this process: other work on a shared machine inflates it far less

# 100 criteria: how many of each rule kind
KIND_COUNTS = {"yes": 20, "ratio": 14, "bands_pair": 14, "bands_count": 12, "category": 10,
               "per_item": 10, "best_of": 10, "formula": 10}
CATEGORIES = (("du", "Đủ theo quy định"), ("kiem_nhiem", "Kiêm nhiệm"), ("thieu", "Thiếu"), ("khong", "Không có"))
LEVELS = (("I", "Mức I", "80"), ("II", "Mức II", "65"), ("III", "Mức III", "50"))


# ---------------------------------------------------------------------------------------------
# The rule table (JSON-able) and its rendering as a .cqdt ruleset
# ---------------------------------------------------------------------------------------------
def _part(maximum: Decimal, fraction: str) -> str:
    """A share of a criterion's maximum as point text, e.g. 60% of 4 -> '2.4'."""
    return str((maximum * Decimal(fraction)).quantize(Decimal("0.1")))


def make_table(seed: int = 2020, groups: int = 10, per_group: int = 10) -> dict[str, Any]:
    """A deterministic rule table: ``groups`` groups of ``per_group`` criteria, consistent maxima."""
    rng = random.Random(seed)
    kinds = [kind for kind, count in KIND_COUNTS.items() for _ in range(count)]
    while len(kinds) < groups * per_group:
        kinds += kinds
    kinds = kinds[:groups * per_group]
    rng.shuffle(kinds)
    formula_variant = 0
    table_groups = []
    for gi in range(groups):
        criteria = []
        for ci in range(per_group):
            kind = kinds[gi * per_group + ci]
            node_id, base = f"G{gi + 1:02d}.{ci + 1:02d}", f"c{gi + 1:02d}{ci + 1:02d}"
            maximum_text = rng.choice(["1", "2", "2", "3", "4", "5", "2.5"])
            maximum = Decimal(maximum_text)
            inputs: list[dict[str, Any]]
            if kind == "yes":
                evidence = "Văn bản ban hành / biên bản xác nhận" if (gi * per_group + ci) % 4 == 0 else None
                inputs = [{"name": base, "type": "yesno", "label": f"Đơn vị đã thực hiện nội dung {node_id}",
                           "evidence": evidence}]
                rule: dict[str, Any] = {"kind": "yes", "indicator": base}
            elif kind == "ratio":
                inputs = [{"name": base, "type": "pair", "label": f"Số đạt / tổng số ({node_id})", "unit": "người",
                           "a_may_exceed_b": rng.random() < 0.25}]
                rule = {"kind": "ratio", "indicator": base, "on_zero": "full" if rng.random() < 0.3 else None}
            elif kind == "bands_pair":
                inputs = [{"name": base, "type": "pair", "label": f"Số hồ sơ đạt / tổng số hồ sơ ({node_id})", "unit": "hồ sơ"}]
                rule = {"kind": "bands_pair", "indicator": base, "otherwise": "0", "bands": [
                    [">=", rng.choice(["90", "80", "75"]), "full"],
                    [">=", rng.choice(["60", "50", "40"]), _part(maximum, "0.6")],
                    [">", "0", _part(maximum, "0.2")]]}
            elif kind == "bands_count":
                inputs = [{"name": base, "type": "count", "label": f"Số văn bản / phần mềm ({node_id})", "unit": "văn bản"}]
                rule = {"kind": "bands_count", "indicator": base, "otherwise": "0", "bands": [
                    [">=", rng.choice(["8", "10", "12"]), "full"],
                    [">=", rng.choice(["4", "5", "6"]), _part(maximum, "0.6")],
                    ["=", "2", _part(maximum, "0.3")],
                    [">", "0", _part(maximum, "0.2")]]}
            elif kind == "category":
                inputs = [{"name": base, "type": "category", "label": f"Bố trí nhân sự ({node_id})",
                           "categories": [list(c) for c in CATEGORIES]}]
                complete = rng.random() < 0.5
                arms = [["du", "full"], ["kiem_nhiem", _part(maximum, "0.5")], ["thieu", _part(maximum, "0.25")]]
                if complete:
                    arms.append(["khong", "0"])
                rule = {"kind": "category", "indicator": base, "arms": arms, "otherwise": None if complete else "0"}
            elif kind == "per_item":
                each = rng.choice(["0.5", "1"])
                limit = int(2 * maximum / Decimal(each)) + 1
                inputs = [{"name": base, "type": "count", "label": f"Số thiết bị ({node_id})", "unit": "thiết bị",
                           "range": ["0", str(limit)]}]
                rule = {"kind": "per_item", "indicator": base, "each": each}
            elif kind == "best_of":
                inputs = [{"name": base + "_p", "type": "pair", "label": f"Số xã đạt / tổng số xã ({node_id})", "unit": "xã"},
                          {"name": base + "_n", "type": "count", "label": f"Số mô hình ({node_id})", "unit": "mô hình"}]
                rule = {"kind": "best_of", "alternatives": [
                    {"kind": "ratio", "indicator": base + "_p", "on_zero": None},
                    {"kind": "bands_count", "indicator": base + "_n", "otherwise": "0",
                     "bands": [[">=", "6", "full"], [">=", "3", _part(maximum, "0.5")]]}]}
            else:
                formula_variant += 1
                if formula_variant % 2:
                    inputs = [{"name": base + "_n", "type": "count", "label": f"Số sáng kiến ({node_id})", "unit": "sáng kiến"},
                              {"name": base + "_p", "type": "pair", "label": f"Số đạt / tổng số ({node_id})", "unit": "hồ sơ"}]
                    rule = {"kind": "formula", "variant": 1,
                            "args": {"n": base + "_n", "p": base + "_p", "w": "0.5", "r": maximum_text}}
                else:
                    inputs = [{"name": base + "_s", "type": "number", "label": f"Số tin bài bình quân mỗi tháng ({node_id})",
                               "unit": "tin/tháng"}]
                    rule = {"kind": "formula", "variant": 2, "args": {"s": base + "_s", "t": "10", "d": "5"}}
            criteria.append({"id": node_id, "title": f"Tiêu chí {ci + 1} của nhóm {gi + 1}", "max": maximum_text,
                             "inputs": inputs, "rule": rule})
        total = sum((Decimal(c["max"]) for c in criteria), Decimal(0))
        capped = gi in (2, 6)  # two groups whose criteria may add up to more than the group's maximum
        table_groups.append({"id": f"G{gi + 1:02d}", "title": f"Nhóm tiêu chí {gi + 1}",
                             "max": str(total - 2 if capped else total), "capped": capped, "criteria": criteria})
    return {
        "header": {"id": "bench_100", "rounding_digits": 3, "on_zero_denominator": "0"},
        "tier": "t",
        "max": str(sum((Decimal(g["max"]) for g in table_groups), Decimal(0))),
        "groups": table_groups,
        "levels": [{"id": i, "label": label, "percent": pct} for i, label, pct in LEVELS],
    }


def _rule_text(rule: dict[str, Any]) -> str:
    kind = rule["kind"]
    if kind == "yes":
        return f"yes {rule['indicator']}"
    if kind == "ratio":
        return f"ratio {rule['indicator']}" + (f" on_zero_denominator {rule['on_zero']}" if rule.get("on_zero") else "")
    if kind in ("bands_pair", "bands_count"):
        pct = "%" if kind == "bands_pair" else ""
        arms = " ".join(f"{cmp} {t}{pct} -> {p}" for cmp, t, p in rule["bands"])
        return f"bands {rule['indicator']} {{ {arms} else -> {rule['otherwise']} }}"
    if kind == "category":
        arms = " ".join(f"{v} -> {p}" for v, p in rule["arms"])
        otherwise = f" else -> {rule['otherwise']}" if rule["otherwise"] is not None else ""
        return f"category {rule['indicator']} {{ {arms}{otherwise} }}"
    if kind == "per_item":
        return f"per_item {rule['indicator']} each {rule['each']}"
    if kind == "best_of":
        return "best_of {\n        " + "\n        ".join(_rule_text(a) for a in rule["alternatives"]) + "\n      }"
    a = rule["args"]
    if rule["variant"] == 1:
        return (f"formula if {a['p']}.b > 0 then min(full, {a['n']} * {a['w']} + {a['p']}.a * {a['r']} / {a['p']}.b) "
                f"else min(full, {a['n']} * {a['w']})")
    return f"formula round(min(full, max(0, {a['s']} - {a['t']}) / {a['d']}), 2)"


def _input_text(ind: dict[str, Any]) -> str:
    kind = ind["type"]
    if kind == "category":
        kind = "category(" + ", ".join(f'{name} "{label}"' for name, label in ind["categories"]) + ")"
    text = f'input {ind["name"]} {kind} "{ind["label"]}"'
    if ind.get("unit"):
        text += f' unit "{ind["unit"]}"'
    if ind.get("range"):
        text += f' range {ind["range"][0]}..{ind["range"][1]}'
    if ind.get("a_may_exceed_b"):
        text += " a_may_exceed_b"
    if ind.get("evidence"):
        text += f' evidence "{ind["evidence"]}"'
    return text


def render_cqdt(table: dict[str, Any]) -> str:
    """The rule table written as a ruleset, the way a person would write it."""
    h = table["header"]
    out = [
        "# Generated by benchmarks/bench_engine.py: a 100-criterion ruleset for timing the engine.",
        f"ruleset {h['id']} {{",
        '  title "Bộ tiêu chí thử nghiệm hiệu năng" en "Benchmark criteria"',
        '  version "1"', "  status hypothetical", "  years 2020..2030",
        f"  rounding {h['rounding_digits']} half_up",
        f"  on_zero_denominator {h['on_zero_denominator']}", "  on_missing_evidence zero", "}",
        'levels muc_do "Mức độ" {',
        *(f'  {i} "{label}" >= {pct}%' for i, label, pct in LEVELS),
        '  below "Chưa xếp mức"', "}",
        'ranking khoi "Xếp hạng trong khối" by total descending ties shared',
        f'tier {table["tier"]} "Đơn vị thử nghiệm" en "Benchmark units" max {table["max"]} {{',
        f"  total round {h['rounding_digits']} half_up",
    ]
    for g in table["groups"]:
        out.append(f'  group {g["id"]} "{g["title"]}" max {g["max"]}{" capped" if g["capped"] else ""} {{')
        out.append('    provenance hypothetical "sinh tự động cho benchmark"')
        for c in g["criteria"]:
            out.append(f'    criterion {c["id"]} "{c["title"]}" max {c["max"]} {{')
            out.extend(f"      {_input_text(ind)}" for ind in c["inputs"])
            out.append(f"      {_rule_text(c['rule'])}")
            out.append('      provenance hypothetical "sinh tự động cho benchmark"')
            out.append("    }")
        out.append("  }")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Generated unit values
# ---------------------------------------------------------------------------------------------
def raw_value(rng: random.Random, kind: str, *, value_range: tuple[Decimal, Decimal] | None = None,
              categories: Iterable[str] = (), may_exceed: bool = False) -> str:
    """A value as a data file gives it (text), e.g. 'có', '7', '12.5', '45/60', 'du'."""
    if kind == "yesno":
        return rng.choice(["có", "có", "có", "yes", "yes", "không", "no"])
    if kind == "count":
        low, high = (int(value_range[0]), int(value_range[1])) if value_range else (0, 14)
        return str(rng.randint(low, high))
    if kind == "number":
        return str(Decimal(rng.randint(0, 400)) / 10)
    if kind == "percent":
        return str(rng.randint(0, 100))
    if kind == "pair":
        b = 0 if rng.random() < 0.04 else rng.randint(1, 300)
        share = rng.random() ** 0.4  # skewed towards good results, as in real assessments
        a = min(round(b * share * (1.3 if may_exceed else 1)), b if not may_exceed else 2 * b)
        if b and rng.random() < 0.15:
            a = b
        return f"{a}/{b}"
    if kind == "category":
        return rng.choice(list(categories))
    raise ValueError(f"no generator for {kind!r} indicators")


def typed_value(kind: str, raw: str) -> Any:
    """The hand-written scorer's input: bool, Decimal, (a, b) or the category name (no checking)."""
    if kind == "yesno":
        return raw in ("có", "yes")
    if kind in ("count", "number", "percent"):
        return Decimal(raw)
    if kind == "pair":
        a, b = raw.split("/")
        return (Decimal(a), Decimal(b))
    return raw


def make_units(table: dict[str, Any], count: int, seed: int = 7) -> tuple[list[Assessment], list[tuple[dict[str, Any], dict[str, tuple[str, ...]]]]]:
    """``count`` units with raw (text) values for the engine, and the same values typed for the hand-written scorer."""
    rng = random.Random(seed)
    inputs = [ind for g in table["groups"] for c in g["criteria"] for ind in c["inputs"]]
    assessments, typed = [], []
    for n in range(count):
        values: dict[str, str] = {}
        evidence: dict[str, tuple[str, ...]] = {}
        for ind in inputs:
            value_range = (Decimal(ind["range"][0]), Decimal(ind["range"][1])) if ind.get("range") else None
            values[ind["name"]] = raw_value(rng, ind["type"], value_range=value_range,
                                            categories=[c[0] for c in ind.get("categories", ())],
                                            may_exceed=bool(ind.get("a_may_exceed_b")))
            if ind.get("evidence") and rng.random() < 0.85:
                evidence[ind["name"]] = ("QĐ số 12/QĐ-UBND",)
        code = f"U{n + 1:05d}"
        assessments.append(Assessment(code=code, name=f"Đơn vị {n + 1}", tier=table["tier"], year=YEAR, source="self",
                                      values=values, evidence=evidence))
        typed.append(({ind["name"]: typed_value(ind["type"], values[ind["name"]]) for ind in inputs}, evidence))
    return assessments, typed


def make_egov_units(ruleset: m.Ruleset, seed: int = 257) -> list[Assessment]:
    """257 units shaped like Gia Lai's cohort: 20 departments, 17 districts, 220 communes in those districts."""
    rng = random.Random(seed)
    shape = {"so": 20, "huyen": 17, "xa": 220}
    districts = [f"H{i + 1:02d}" for i in range(shape["huyen"])]
    units = []
    for tier in ruleset.tiers:
        prefix = {"so": "SO", "huyen": "H", "xa": "X"}.get(tier.id, tier.id.upper())
        for n in range(shape.get(tier.id, 20)):
            values: dict[str, str] = {}
            evidence: dict[str, tuple[str, ...]] = {}
            for ind in tier.indicators:
                values[ind.name] = raw_value(rng, ind.kind, value_range=ind.range,
                                             categories=[c.name for c in ind.categories], may_exceed=ind.a_may_exceed_b)
                if ind.evidence_required and rng.random() < 0.9:
                    evidence[ind.name] = ("văn bản minh chứng.pdf",)
            code = f"{prefix}{n + 1:03d}" if tier.id == "xa" else f"{prefix}{n + 1:02d}"
            units.append(Assessment(code=code, name=f"{tier.title} {n + 1}", tier=tier.id, year=YEAR, source="self",
                                    values=values, evidence=evidence,
                                    parent=rng.choice(districts) if tier.id == "xa" else None))
    return units


# ---------------------------------------------------------------------------------------------
# Engine paths measured separately
# ---------------------------------------------------------------------------------------------
def engine_closures_only(tier: compiler.CompiledTier, checked: Iterable[Assessment]) -> list[Decimal]:
    """Just the compiled closures: an Env per unit, every node, the rounded total (no UnitResult, no levels)."""
    totals = []
    top, rounding = tier.top_ids, tier.total_rounding
    for a in checked:
        results = compiler.Env(tier, a.values, a.evidence, {}).evaluate_all()
        totals.append(compiler.round_to(sum((results[i].points for i in top), compiler.ZERO), rounding))
    return totals


def engine_per_unit(tier: compiler.CompiledTier, checked: list[Assessment]) -> list[Any]:
    """The evaluator's per-unit path on already-checked values: cohort maxima, then one UnitResult (nodes,
    total, outputs, levels) per unit. No data checking, no ranking."""
    return [evaluator._score_unit(tier, a, best) for a, best in zip(checked, evaluator._cohort_maxima(tier, checked))]


def with_cli_collector(fn: Callable[[], Any]) -> Any:
    """Call ``fn`` with the cyclic garbage collector's gen-0 threshold as ``cqdt`` sets it while a command runs."""
    from cqdt_rules.cli.main import GC_GEN0_THRESHOLD

    thresholds = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, *thresholds[1:])
    try:
        return fn()
    finally:
        gc.set_threshold(*thresholds)


def with_collector_off(fn: Callable[[], Any]) -> Any:
    """Call ``fn`` with the cyclic garbage collector disabled: what the code costs without the collector's scans."""
    gc.disable()
    try:
        return fn()
    finally:
        gc.enable()


def hand_written(prepared: dict[str, Any], typed: list[tuple[dict[str, Any], dict[str, tuple[str, ...]]]]) -> list[Any]:
    return [handwritten.score_unit(prepared, values, evidence) for values, evidence in typed]


# ---------------------------------------------------------------------------------------------
# Timing helpers
# ---------------------------------------------------------------------------------------------
def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in seconds (garbage collected before each call)."""
    return timed_together({"": fn}, repeat)[""]


def timed_together(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Median wall time of each function over ``repeat`` rounds; each round runs every function once,
    in turn, so a slow spell on a shared machine hits all of them rather than skewing one ratio."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            start = CLOCK()
            fn()
            times[name].append(CLOCK() - start)
    return {name: statistics.median(found) for name, found in times.items()}


def gc_time(fn: Callable[[], Any]) -> tuple[float, float]:
    """(total, of which in the cyclic garbage collector) for one call, in seconds."""
    spent = [0.0, 0.0]

    def callback(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            spent[1] = CLOCK()
        else:
            spent[0] += CLOCK() - spent[1]

    gc.collect()
    gc.callbacks.append(callback)
    try:
        start = CLOCK()
        fn()
        total = CLOCK() - start
    finally:
        gc.callbacks.remove(callback)
    return total, spent[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:9.2f} ms"


def check_agreement(results: Any, typed: list[Any], prepared: dict[str, Any], codes: list[str]) -> tuple[int, int]:
    """Compare api.score's results with the hand-written scorer, unit by unit: total, every node's points, level.
    Raise SystemExit naming the first disagreement; return (units, nodes compared)."""
    by_code = {u.code: u for u in results}
    nodes_compared = 0
    for code, (values, evidence) in zip(codes, typed):
        points, total, level = handwritten.score_unit(prepared, values, evidence)
        unit = by_code[code]
        if unit.total != total:
            raise SystemExit(f"DISAGREEMENT unit {code}: engine total {unit.total} != hand-written {total}")
        for node_id, value in points.items():
            if unit.nodes[node_id].points != value:
                raise SystemExit(f"DISAGREEMENT unit {code}, {node_id}: engine {unit.nodes[node_id].points} "
                                 f"({unit.nodes[node_id].branch}) != hand-written {value}")
            nodes_compared += 1
        engine_level = unit.level.id if unit.level is not None else None
        if engine_level != level:
            raise SystemExit(f"DISAGREEMENT unit {code}: engine level {engine_level} != hand-written {level}")
    return len(codes), nodes_compared


def profile(title: str, fn: Callable[[], Any], top: int = 18) -> None:
    """cProfile with the cyclic garbage collector off: otherwise its pauses are charged to whichever
    function happened to allocate (Pair.__init__, a min() lambda...). GC time is reported separately."""
    profiler = cProfile.Profile()
    gc.collect()
    gc.disable()
    try:
        profiler.enable()
        fn()
        profiler.disable()
    finally:
        gc.enable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs().sort_stats("tottime").print_stats(top)
    print(f"\n--- profile: {title} (sorted by own time; garbage collector off) ---")
    print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


# ---------------------------------------------------------------------------------------------
# The three parts
# ---------------------------------------------------------------------------------------------
def part_load(table: dict[str, Any], text: str, repeat: int) -> None:
    json_text = json.dumps(table, ensure_ascii=False, indent=1)
    criteria = sum(len(g["criteria"]) for g in table["groups"])
    print(f"[1] Load a generated {criteria}-criterion ruleset ({len(table['groups'])} groups; "
          f"{len(text.splitlines())} lines, {len(text):,} chars of .cqdt; {len(json_text):,} chars as JSON); "
          f"median of {repeat}")

    # The first parse in a process also builds Lark's LALR tables (functools.cache in parser._lark).
    cache_clear = getattr(getattr(parser, "_lark", None), "cache_clear", None)
    if cache_clear is not None:
        cache_clear()
        start = CLOCK()
        parser.parse_text(text, "bench.cqdt")
        print(f"    first parse in a process (builds the grammar) {ms(CLOCK() - start)}   once per process")

    ruleset = parser.parse_text(text, "bench.cqdt")
    lark_parse = getattr(parser, "_lark", None)
    to_model = getattr(parser, "_ToModel", None)
    phases: dict[str, Callable[[], Any]] = {
        "parse": lambda: parser.parse_text(text, "bench.cqdt"),
        "check": lambda: checker.check(ruleset),
        "compile": lambda: compiler.compile_ruleset(ruleset),
        "load_text": lambda: api.load_text(text, "bench.cqdt"),
    }
    if lark_parse is not None and to_model is not None:  # private names: split parsing when they exist
        tree = lark_parse().parse(text)
        phases["lark"] = lambda: lark_parse().parse(text)
        phases["transform"] = lambda: to_model("bench.cqdt").transform(tree)
    t = timed_together(phases, repeat)
    if "lark" in t:
        print(f"    parse: Lark LALR parse                     {ms(t['lark'])}")
        print(f"    parse: tree -> model transform             {ms(t['transform'])}")
    print(f"    parse (parser.parse_text)                  {ms(t['parse'])}")
    print(f"    check (checker.check)                      {ms(t['check'])}")
    print(f"    compile (compiler.compile_ruleset)         {ms(t['compile'])}")
    print(f"    sum of the three phases                    {ms(t['parse'] + t['check'] + t['compile'])}")
    print(f"    api.load_text (all of it, + content hash)  {ms(t['load_text'])}")
    t_load = t["load_text"]

    t_json = timed(lambda: json.loads(json_text), repeat)
    t_hand = timed(lambda: handwritten.load(json_text), repeat)
    print(f"    hand-written: json.loads of the rule table {ms(t_json)}")
    print(f"    hand-written: json.loads + prepare()       {ms(t_hand)}   (Decimal conversion, 'full' resolved)")
    try:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        yaml_text = yaml.safe_dump(table, allow_unicode=True, sort_keys=False)
        t_yaml = timed(lambda: yaml.load(yaml_text, Loader=loader), repeat)
        print(f"    for scale: yaml.load of the same table     {ms(t_yaml)}   ({loader.__name__})")
    except ImportError:
        pass
    print(f"    ratio load_text / (json.loads + prepare) = {t_load / t_hand:.0f}x   "
          f"(once per run; the engine also reports positioned syntax errors and runs every static check)")


def part_score(table: dict[str, Any], text: str, units: int, repeat: int, want_profile: bool) -> None:
    checked_ruleset = api.load_text(text, "bench.cqdt")
    prepared = handwritten.load(json.dumps(table, ensure_ascii=False))
    assessments, typed = make_units(table, units)
    tier = checked_ruleset.compiled.tiers[table["tier"]]

    results = api.score(checked_ruleset, assessments, run_at="bench")
    compared_units, compared_nodes = check_agreement(results, typed, prepared, [a.code for a in assessments])
    levels = Counter(u.level.id if u.level and u.level.id else "below" for u in results)
    flags = Counter(flag for u in results for r in u.nodes.values() for flag in r.flags)
    print(f"\n[2] Score {units:,} generated units of that ruleset (one cohort); median of {repeat} interleaved rounds")
    print(f"    AGREE: engine and hand-written totals identical for {compared_units}/{units} units "
          f"({compared_nodes:,} node points and every level compared too)")
    print(f"    paths exercised: levels {dict(sorted(levels.items()))}; flags {dict(sorted(flags.items()))}")

    checked = list(check_assessments(checked_ruleset.ruleset, assessments))
    candidates: dict[str, Callable[[], Any]] = {
        "hand-written scorer (typed values, no checks)": lambda: hand_written(prepared, typed),
        "engine: compiled closures only (Env + nodes)": lambda: engine_closures_only(tier, checked),
        "engine: per-unit path (evaluator._score_unit)": lambda: engine_per_unit(tier, checked),
        "engine: per-unit path, collector tuned as the CLI": lambda: with_cli_collector(lambda: engine_per_unit(tier, checked)),
        "engine: per-unit path, collector off": lambda: with_collector_off(lambda: engine_per_unit(tier, checked)),
        "engine: data checking only (check_assessments)": lambda: check_assessments(checked_ruleset.ruleset, assessments),
        "engine: api.score end to end (raw text values)": lambda: api.score(checked_ruleset, assessments, run_at="bench"),
        "engine: api.score, collector tuned as the CLI": lambda: with_cli_collector(
            lambda: api.score(checked_ruleset, assessments, run_at="bench")),
    }
    runnable: dict[str, Callable[[], Any]] = {}
    for label, fn in candidates.items():
        if "closures" in label or "per-unit" in label:
            try:  # these use private names of compiler/evaluator: say so, do not crash, if they move
                fn()
            except (AttributeError, TypeError, KeyError) as exc:
                print(f"    {label}: n/a ({type(exc).__name__}: {exc}; update bench_engine.py to the new internals)")
                continue
        runnable[label] = fn
    times = timed_together(runnable, repeat)
    base = times["hand-written scorer (typed values, no checks)"]
    print(f"    {'':50s} {'time':>12s} {'units/s':>10s}  {'x hand-written':>14s}")
    for label, seconds in times.items():
        print(f"    {label:50s} {ms(seconds)} {units / seconds:10,.0f}  {seconds / base:13.2f}x")
    per_unit = times.get("engine: per-unit path (evaluator._score_unit)")
    closures = times.get("engine: compiled closures only (Env + nodes)")
    end_to_end = times["engine: api.score end to end (raw text values)"]
    if per_unit is not None:
        verdict = "MET" if per_unit / base <= TARGET else "NOT MET"
        print(f"    ratio engine per-unit path / hand-written = {per_unit / base:.2f}x   target <= {TARGET:.0f}x: {verdict}")
        total, in_gc = gc_time(lambda: engine_per_unit(tier, checked))
        print(f"          (one more run of the per-unit path: {ms(total).strip()}, of which {ms(in_gc).strip()} "
              f"in Python's cyclic garbage collector)")
    tuned = times.get("engine: per-unit path, collector tuned as the CLI")
    if tuned is not None:
        print(f"    ratio engine per-unit path, collector tuned as the CLI / hand-written = {tuned / base:.2f}x")
    if closures is not None:
        print(f"    ratio engine closures only / hand-written = {closures / base:.2f}x")
    print(f"    ratio engine api.score / hand-written     = {end_to_end / base:.2f}x   "
          "(not like for like: also checks and converts raw text values, and ranks the cohort)")
    total, in_gc = gc_time(lambda: api.score(checked_ruleset, assessments, run_at="bench"))
    print(f"          (one more run of api.score: {ms(total).strip()}, of which {ms(in_gc).strip()} in the garbage collector)")
    if want_profile:
        if per_unit is not None:
            profile(f"engine per-unit path, {units} units", lambda: engine_per_unit(tier, checked))
        profile(f"hand-written scorer, {units} units", lambda: hand_written(prepared, typed))
        profile(f"data checking, {units} units", lambda: check_assessments(checked_ruleset.ruleset, assessments))


def part_egov(repeat: int, want_profile: bool) -> None:
    text = EGOV.read_text(encoding="utf-8")
    t_load = timed(lambda: api.load_text(text, str(EGOV)), repeat)
    checked_ruleset = api.load_text(text, str(EGOV))
    units = make_egov_units(checked_ruleset.ruleset)
    shape = Counter(a.tier for a in units)
    t_score = timed(lambda: api.score(checked_ruleset, units, run_at="bench"), repeat)
    t_check = timed(lambda: check_assessments(checked_ruleset.ruleset, units), repeat)
    results = api.score(checked_ruleset, units, run_at="bench")
    nodes = sum(len(t.walk()) for t in checked_ruleset.ruleset.tiers)
    print(f"\n[3] rulesets/2020/egov.cqdt, {len(units)} generated units "
          f"({', '.join(f'{k} {v}' for k, v in shape.items())}; {nodes} nodes over 3 tiers); median of {repeat}")
    print(f"    api.load_text (parse + check + compile)    {ms(t_load)}")
    print(f"    api.score, all three tiers                 {ms(t_score)}   {len(units) / t_score:,.0f} units/s")
    print(f"    of which data checking (check_assessments) {ms(t_check)}")
    print(f"    scored {len(results)} units; levels "
          f"{dict(sorted(Counter(u.level.id if u.level and u.level.id else 'below' for u in results).items()))}")
    if want_profile:
        profile("egov api.score, 257 units", lambda: api.score(checked_ruleset, units, run_at="bench"))


def main(argv: list[str] | None = None) -> int:
    parser_ = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser_.add_argument("--quick", action="store_true", help="small cohort, few repetitions (a smoke run)")
    parser_.add_argument("--units", type=int, help="cohort size for part 2 (default 2000, 200 with --quick)")
    parser_.add_argument("--repeat", type=int, help="repetitions per measurement (median reported)")
    parser_.add_argument("--profile", action="store_true", help="also print cProfile top costs")
    parser_.add_argument("--wall", action="store_true", help="measure wall-clock time instead of this process's CPU time")
    args = parser_.parse_args(argv)
    global CLOCK
    if args.wall:
        CLOCK = time.perf_counter
    units = args.units or (200 if args.quick else 2000)
    load_repeat = args.repeat or (3 if args.quick else 9)
    score_repeat = args.repeat or (2 if args.quick else 5)

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    print(f"cqdt_rules engine benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {load}; {'wall-clock' if args.wall else 'CPU'} time; {'quick' if args.quick else 'full'} run")
    table = make_table()
    text = render_cqdt(table)
    part_load(table, text, load_repeat)
    part_score(table, text, units, score_repeat, args.profile)
    part_egov(score_repeat, args.profile)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
