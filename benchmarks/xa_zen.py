"""The shipped ``egov_2020`` tier ``xa`` as a GoRules ZEN decision graph (``pip install zen-engine``, the
``bench`` extra), scored one unit per ``evaluate`` call from Python: a generic JSON decision engine for scale.

One expression node computes every criterion, group, the total (rounded to 3 decimals inside the graph) and
the level. ZEN computes with rust_decimal, whose ``round`` is half away from zero (half-up for the
non-negative points here); its Python binding returns floats, read back through ``repr`` as ``Decimal``
(exact for 3-decimal values). Ranks are computed in Python on the returned totals."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

PAIRS = ("may_tinh", "phong_chong_ma_doc", "tap_huan_cntt", "to_cong_nghe_so", "muc_thong_tin", "ky_so_van_ban",
         "ho_so_cong_viec", "thu_dien_tu", "ho_so_truc_tuyen", "ho_so_dung_han", "so_hoa_ho_so")
WITH_EVIDENCE = ("cong_chuc_cntt", "ke_hoach_cds", "quy_che_httt", "ke_hoach_cchc")


def _ratio(name: str, maximum: int) -> str:
    a, b = name + "_a", name + "_b"
    return f"{b} == 0 ? 0 : ({a} >= {b} ? {maximum} : round({a} * {maximum} / {b}, 3))"


def _bands(name: str, bands: list[tuple[str, int, int]]) -> str:
    a, b = name + "_a", name + "_b"
    expression = "0"
    for operator, percent, points in reversed(bands):
        expression = f"({a} * 100 {operator} {percent} * {b} ? {points} : {expression})"
    return f"{b} == 0 ? 0 : {expression}"


EXPRESSIONS = [
    ("A1.1", _ratio("may_tinh", 4)),
    ("A1.2", "internet_cap_quang ? 3 : 0"),
    ("A1.3", "hoi_nghi_truyen_hinh ? 3 : 0"),
    ("A1.4", "thiet_bi_mot_cua >= 2 ? 2 : thiet_bi_mot_cua"),
    ("A1.5", _ratio("phong_chong_ma_doc", 3)),
    ("A2.1", "ev_cong_chuc_cntt ? (cong_chuc_cntt == 'chuyen_trach_co_trinh_do' or cong_chuc_cntt == "
             "'kiem_nhiem_co_trinh_do' ? 4 : (cong_chuc_cntt == 'kiem_nhiem_khong_trinh_do' ? 2 : 0)) : 0"),
    ("A2.2", _bands("tap_huan_cntt", [(">=", 80, 3), (">=", 50, 2), (">", 0, 1)])),
    ("A2.3", _ratio("to_cong_nghe_so", 3)),
    ("A3.1", "ke_hoach_cds and ev_ke_hoach_cds ? 5 : 0"),
    ("A3.2", "quy_che_httt and ev_quy_che_httt ? 2 : 0"),
    ("A3.3", "ke_hoach_cchc and ev_ke_hoach_cchc ? 3 : 0"),
    ("B1.1", _ratio("muc_thong_tin", 6)),
    ("B1.2", "tin_bai_thang >= 4 ? 4 : (tin_bai_thang >= 2 ? 2 : (tin_bai_thang >= 1 ? 1 : 0))"),
    ("B2.1", _bands("ky_so_van_ban", [(">=", 100, 8), (">=", 90, 5), (">=", 70, 2)])),
    ("B2.2", _ratio("ho_so_cong_viec", 7)),
    ("B2.3", _ratio("thu_dien_tu", 4)),
    ("B2.4", "ky_so_toan_bo ? 6 : 0"),
    ("B3.1", _bands("ho_so_truc_tuyen", [(">=", 30, 8), (">=", 10, 5), (">", 0, 2)])),
    ("B3.2", _bands("ho_so_dung_han", [(">=", 98, 7), (">=", 95, 5), (">=", 90, 2)])),
    ("B3.3", "xu_ly_noi_bo_mot_cua ? 5 : 0"),
    ("B4.1", _ratio("so_hoa_ho_so", 6)),
    ("B4.2", "su_dung_bieu_mau ? 4 : 0"),
]
GROUPS = {"A1": 5, "A2": 3, "A3": 3, "B1": 2, "B2": 4, "B3": 3, "B4": 2}


def _keys() -> list[tuple[str, str]]:
    keys = [(f"p{i}", expression) for i, (_, expression) in enumerate(EXPRESSIONS)]
    start = 0
    for group, size in GROUPS.items():
        keys.append((group, " + ".join(f"$.p{i}" for i in range(start, start + size))))
        start += size
    keys.append(("A", "$.A1 + $.A2 + $.A3"))
    keys.append(("B", "$.B1 + $.B2 + $.B3 + $.B4"))
    keys.append(("total", "round($.A + $.B, 3)"))
    keys.append(("level", "$.total >= 80 ? 1 : ($.total >= 75 ? 2 : ($.total >= 70 ? 3 : ($.total >= 65 ? 4 : 0)))"))
    return keys


def graph() -> dict[str, Any]:
    def node(node_id: str, kind: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {"id": node_id, "type": kind, "name": node_id, "position": {"x": 0, "y": 0}}
        if content is not None:
            found["content"] = content
        return found

    expressions = {"expressions": [{"id": f"x{i}", "key": k, "value": v} for i, (k, v) in enumerate(_keys())]}
    nodes = [node("in", "inputNode"), node("score", "expressionNode", expressions), node("out", "outputNode")]
    edges = [{"id": f"e{i}", "type": "edge", "sourceId": nodes[i]["id"], "targetId": nodes[i + 1]["id"]}
             for i in range(len(nodes) - 1)]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def zen_input(unit: dict[str, Any]) -> dict[str, Any]:
    """A unit of ``xa_handwritten``'s input as ZEN's JSON context: pairs as ``NAME_a``/``NAME_b``, evidence
    as ``ev_NAME``, numbers as JSON numbers."""
    context: dict[str, Any] = {}
    for name, value in unit.items():
        if name in ("evidence", "code", "district"):
            continue
        if name in PAIRS:
            context[name + "_a"], context[name + "_b"] = (float(x) if x % 1 else int(x) for x in value)
        elif isinstance(value, Decimal):
            context[name] = float(value) if value % 1 else int(value)
        else:
            context[name] = value
    for name in WITH_EVIDENCE:
        context["ev_" + name] = name in unit["evidence"]
    return context


def setup() -> Any:
    """A function scoring a list of ``zen_input`` contexts: (total, level) per unit, one ``evaluate`` call each."""
    import zen

    decision = zen.ZenEngine().create_decision(json.dumps(graph()))

    def run(contexts: list[dict[str, Any]]) -> list[tuple[Decimal, int]]:
        evaluate = decision.evaluate
        found = []
        for context in contexts:
            result = evaluate(context)["result"]
            total = result["total"]
            found.append((Decimal(repr(total)) if isinstance(total, float) else Decimal(total), int(result["level"])))
        return found

    return run
