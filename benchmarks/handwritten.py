"""The baseline: a plain hand-written scorer for the benchmark's rule table, standard library only.

This is what a careful programmer would write without the engine: read a rule table (JSON),
turn its numbers into ``Decimal`` once, then score each unit with a loop over the table and an
explicit ``if``/``elif`` per rule kind. It follows the ruleset's declared semantics exactly
(capping, flooring, 3-digit half-up rounding, exact cross-multiplied band comparisons, evidence
policy ``zero``) so its totals can be checked against the engine's, unit by unit. It produces no
explanations, flags or trace, and it does not check the input values: it trusts them.

Nothing here imports ``cqdt_rules``.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def prepare(table: dict[str, Any]) -> dict[str, Any]:
    """Turn a JSON-loaded rule table into the scorer's working form (numbers as Decimal, 'full' resolved)."""
    header = table["header"]
    default_on_zero = header["on_zero_denominator"]
    quantum = Decimal(1).scaleb(-int(header["rounding_digits"]))
    evidence = {ind["name"] for g in table["groups"] for c in g["criteria"] for ind in c["inputs"] if ind.get("evidence")}

    def points(spec: str | None, maximum: Decimal, fallback: str | None = None) -> Decimal:
        spec = fallback if spec is None else spec
        return maximum if spec == "full" else Decimal(spec)

    def rule(r: dict[str, Any], maximum: Decimal) -> dict[str, Any]:
        kind = r["kind"]
        out: dict[str, Any] = {"kind": kind}
        if kind in ("yes", "ratio", "bands_pair", "bands_count", "category", "per_item"):
            out["ind"] = r["indicator"]
        if kind == "category":
            out["table"] = {value: points(p, maximum) for value, p in r["arms"]}
            out["otherwise"] = None if r["otherwise"] is None else points(r["otherwise"], maximum)
        elif kind == "ratio":
            out["on_zero"] = points(r.get("on_zero"), maximum, default_on_zero)
        elif kind in ("bands_pair", "bands_count"):
            out["bands"] = [(cmp, Decimal(t), points(p, maximum)) for cmp, t, p in r["bands"]]
            out["otherwise"] = points(r["otherwise"], maximum, "0")
            out["on_zero"] = points(None, maximum, default_on_zero)
        elif kind == "per_item":
            out["each"] = Decimal(r["each"])
        elif kind == "best_of":
            out["alternatives"] = [rule(a, maximum) for a in r["alternatives"]]
        elif kind == "formula":
            out["variant"] = r["variant"]
            out.update({k: (Decimal(v) if k in ("w", "r", "t", "d") else v) for k, v in r["args"].items()})
        return out

    def reads(r: dict[str, Any]) -> list[str]:
        if r["kind"] == "best_of":
            return [n for a in r["alternatives"] for n in reads(a)]
        if r["kind"] == "formula":
            return list(r["args"][k] for k in ("n", "p", "s") if k in r["args"])
        return [r["indicator"]]

    groups = []
    for g in table["groups"]:
        criteria = []
        for c in g["criteria"]:
            maximum = Decimal(c["max"])
            criteria.append({
                "id": c["id"], "max": maximum, "rule": rule(c["rule"], maximum),
                "reads": reads(c["rule"]), "evidence": [n for n in reads(c["rule"]) if n in evidence],
            })
        groups.append({"id": g["id"], "max": Decimal(g["max"]), "criteria": criteria})
    levels = [(lv["id"], Decimal(lv["percent"])) for lv in table["levels"]]
    return {"groups": groups, "max": Decimal(table["max"]), "quantum": quantum, "levels": levels}


def load(text: str) -> dict[str, Any]:
    """Read a JSON rule table and prepare it: the hand-written counterpart of parse + check + compile."""
    return prepare(json.loads(text))


def _rule_points(rule: dict[str, Any], values: dict[str, Any], maximum: Decimal) -> Decimal:
    kind = rule["kind"]
    if kind == "yes":
        return maximum if values[rule["ind"]] else ZERO
    if kind == "category":
        value = values[rule["ind"]]
        if value in rule["table"]:
            return rule["table"][value]
        return rule["otherwise"]
    if kind == "ratio":
        a, b = values[rule["ind"]]
        if b == 0:
            return rule["on_zero"]
        if a >= b:
            return maximum
        return a * maximum / b
    if kind == "bands_pair" or kind == "bands_count":
        if kind == "bands_pair":
            a, b = values[rule["ind"]]
            if b == 0:
                return rule["on_zero"]
            left, scale = a * HUNDRED, b
        else:
            left, scale = values[rule["ind"]], ONE
        for comparator, threshold, points in rule["bands"]:
            right = threshold * scale
            if comparator == ">=":
                hit = left >= right
            elif comparator == ">":
                hit = left > right
            else:
                hit = left == right
            if hit:
                return points
        return rule["otherwise"]
    if kind == "per_item":
        return values[rule["ind"]] * rule["each"]
    if kind == "best_of":
        return max(_rule_points(alt, values, maximum) for alt in rule["alternatives"])
    if kind == "formula":
        if rule["variant"] == 1:
            n = values[rule["n"]]
            a, b = values[rule["p"]]
            if b > 0:
                return min(maximum, n * rule["w"] + a * rule["r"] / b)
            return min(maximum, n * rule["w"])
        s = values[rule["s"]]
        return min(maximum, max(ZERO, s - rule["t"]) / rule["d"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    raise ValueError(f"unknown rule kind {kind!r}")


def score_unit(prepared: dict[str, Any], values: dict[str, Any],
               evidence: dict[str, tuple[str, ...]]) -> tuple[dict[str, Decimal], Decimal, str | None]:
    """Points of every criterion and group, the rounded total, and the level id (None: below every level).

    ``values``: yes/no → bool, count/number → Decimal, pair → (a, b) of Decimal, category → str.
    """
    quantum = prepared["quantum"]
    points: dict[str, Decimal] = {}
    total = ZERO
    for group in prepared["groups"]:
        group_sum = ZERO
        for criterion in group["criteria"]:
            maximum = criterion["max"]
            if any(values.get(name) is None for name in criterion["reads"]):
                raw = ZERO  # not assessed
            elif any(not evidence.get(name) for name in criterion["evidence"]):
                raw = ZERO  # missing evidence scores 0 (on_missing_evidence zero)
            else:
                raw = _rule_points(criterion["rule"], values, maximum)
            if raw > maximum:
                raw = maximum
            elif raw < 0:
                raw = ZERO
            value = raw.quantize(quantum, ROUND_HALF_UP)
            points[criterion["id"]] = value
            group_sum += value
        if group_sum > group["max"]:
            group_sum = group["max"]
        group_sum = group_sum.quantize(quantum, ROUND_HALF_UP)  # a group is rounded as declared too
        points[group["id"]] = group_sum
        total += group_sum
    total = total.quantize(quantum, ROUND_HALF_UP)
    level = None
    for level_id, percent in prepared["levels"]:
        if total * HUNDRED >= percent * prepared["max"]:
            level = level_id
            break
    return points, total, level
