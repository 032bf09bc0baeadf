"""A straight-line, hand-written ``Decimal`` scorer of the shipped ``egov_2020`` tier ``xa``: one statement per
criterion, no loop over a rule table, no checks, no explanations. It is the baseline the engine is measured
against (the shape of the plain Python scorer of the speed issue). Standard library only.

Input: one dict per commune with typed values (``bool``, ``Decimal``, ``str``, pairs as ``(a, b)`` Decimals) and
``evidence``: the names of the indicators that came with a document. Output: the total, the level, and the
points of every node, in the ruleset's order; ``rank_within_district`` ranks the totals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
MILLI = Decimal("0.001")
NODES = ("A", "A1", "A1.1", "A1.2", "A1.3", "A1.4", "A1.5", "A2", "A2.1", "A2.2", "A2.3", "A3", "A3.1", "A3.2",
         "A3.3", "B", "B1", "B1.1", "B1.2", "B2", "B2.1", "B2.2", "B2.3", "B2.4", "B3", "B3.1", "B3.2", "B3.3",
         "B4", "B4.1", "B4.2")
D = {n: Decimal(n) for n in range(9)}
CATEGORY = {"chuyen_trach_co_trinh_do": D[4], "kiem_nhiem_co_trinh_do": D[4], "kiem_nhiem_khong_trinh_do": D[2],
            "khong_co": ZERO}


def _r(x: Decimal) -> Decimal:
    return x.quantize(MILLI, ROUND_HALF_UP)


def _ratio(pair: tuple[Decimal, Decimal], maximum: Decimal) -> Decimal:
    a, b = pair
    if b == 0:
        return ZERO
    if a >= b:
        return maximum
    return _r(a * maximum / b)


def score_unit(u: dict) -> tuple[Decimal, int, tuple[Decimal, ...]]:  # type: ignore[type-arg]
    ev = u["evidence"]
    a1_1 = _ratio(u["may_tinh"], D[4])
    a1_2 = D[3] if u["internet_cap_quang"] else ZERO
    a1_3 = D[3] if u["hoi_nghi_truyen_hinh"] else ZERO
    a1_4 = min(u["thiet_bi_mot_cua"], D[2])
    a1_5 = _ratio(u["phong_chong_ma_doc"], D[3])
    a1 = a1_1 + a1_2 + a1_3 + a1_4 + a1_5
    a2_1 = CATEGORY[u["cong_chuc_cntt"]] if "cong_chuc_cntt" in ev else ZERO
    a, b = u["tap_huan_cntt"]
    a2_2 = ZERO if b == 0 else D[3] if a * HUNDRED >= 80 * b else D[2] if a * HUNDRED >= 50 * b else D[1] if a > 0 else ZERO
    a2_3 = _ratio(u["to_cong_nghe_so"], D[3])
    a2 = a2_1 + a2_2 + a2_3
    a3_1 = D[5] if u["ke_hoach_cds"] and "ke_hoach_cds" in ev else ZERO
    a3_2 = D[2] if u["quy_che_httt"] and "quy_che_httt" in ev else ZERO
    a3_3 = D[3] if u["ke_hoach_cchc"] and "ke_hoach_cchc" in ev else ZERO
    a3 = a3_1 + a3_2 + a3_3
    b1_1 = _ratio(u["muc_thong_tin"], D[6])
    t = u["tin_bai_thang"]
    b1_2 = D[4] if t >= 4 else D[2] if t >= 2 else D[1] if t >= 1 else ZERO
    b1 = b1_1 + b1_2
    a, b = u["ky_so_van_ban"]
    b2_1 = ZERO if b == 0 else D[8] if a >= b else D[5] if a * HUNDRED >= 90 * b else D[2] if a * HUNDRED >= 70 * b else ZERO
    b2_2 = _ratio(u["ho_so_cong_viec"], D[7])
    b2_3 = _ratio(u["thu_dien_tu"], D[4])
    b2_4 = D[6] if u["ky_so_toan_bo"] else ZERO
    b2 = b2_1 + b2_2 + b2_3 + b2_4
    a, b = u["ho_so_truc_tuyen"]
    b3_1 = ZERO if b == 0 else D[8] if a * HUNDRED >= 30 * b else D[5] if a * HUNDRED >= 10 * b else D[2] if a > 0 else ZERO
    a, b = u["ho_so_dung_han"]
    b3_2 = ZERO if b == 0 else D[7] if a * HUNDRED >= 98 * b else D[5] if a * HUNDRED >= 95 * b else D[2] if a * HUNDRED >= 90 * b else ZERO
    b3_3 = D[5] if u["xu_ly_noi_bo_mot_cua"] else ZERO
    b3 = b3_1 + b3_2 + b3_3
    b4_1 = _ratio(u["so_hoa_ho_so"], D[6])
    b4_2 = D[4] if u["su_dung_bieu_mau"] else ZERO
    b4 = b4_1 + b4_2
    group_a, group_b = a1 + a2 + a3, b1 + b2 + b3 + b4
    total = _r(group_a + group_b)
    level = 1 if total >= 80 else 2 if total >= 75 else 3 if total >= 70 else 4 if total >= 65 else 0
    points = (group_a, a1, a1_1, a1_2, a1_3, a1_4, a1_5, a2, a2_1, a2_2, a2_3, a3, a3_1, a3_2, a3_3,
              group_b, b1, b1_1, b1_2, b2, b2_1, b2_2, b2_3, b2_4, b3, b3_1, b3_2, b3_3, b4, b4_1, b4_2)
    return total, level, points


def rank_within_district(districts: list[str], totals: list[Decimal]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) of the totals, highest first, within each district."""
    by: dict[str, list[int]] = {}
    for i, district in enumerate(districts):
        by.setdefault(district, []).append(i)
    ranks = [0] * len(totals)
    for members in by.values():
        ordered = sorted((totals[i] for i in members), reverse=True)
        first = {}
        for position, total in enumerate(ordered):
            first.setdefault(total, position + 1)
        for i in members:
            ranks[i] = first[totals[i]]
    return ranks


def run(units: list[dict]) -> tuple[list[tuple[Decimal, int, tuple[Decimal, ...]]], list[int]]:  # type: ignore[type-arg]
    scored = [score_unit(u) for u in units]
    return scored, rank_within_district([u["district"] for u in units], [s[0] for s in scored])
