#!/usr/bin/env python3
"""Regenerate the SYNTHETIC Gia Lai sample assessments in this folder (see README.md here).

    python examples/gialai/generate.py [--out DIR] [--only FILE ...]

The data are made up: every value is drawn by `cqdt_rules.authoring.synth` from the rulesets' own indicator
declarations, and the audited e-government records are fitted so that the engine reproduces the
public figures of Gia Lai's 2022 report (the calibration below). A district's figures that count or
sum its communes are taken from the communes' records (but for a few deliberate over-counts in the
self-assessments), and its other values are fitted around them. Deterministic: a fixed seed and one
random stream per unit and purpose, so every run writes byte-identical files, and a subset of the
files (``--only``) comes out exactly as in a full run.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import attrs

HERE = Path(__file__).resolve().parent
if (HERE.parent.parent / "src" / "cqdt_rules").is_dir():  # run from a checkout: use its sources
    sys.path.insert(0, str(HERE.parent.parent / "src"))

from cqdt_rules import api  # noqa: E402
from cqdt_rules.analysis.crosscheck import CrossCheckSpec, load_spec, mapping_path_for  # noqa: E402
from cqdt_rules.authoring import synth  # noqa: E402
from cqdt_rules.model.units import Assessment, Pair, Value  # noqa: E402

SEED = 20230614  # the date of QĐ 318/QĐ-UBND, which approved the 2022 results
TIERS = ("so", "huyen", "xa")
NOTE = "SYNTHETIC: dữ liệu tổng hợp, không phải số liệu đánh giá thật (examples/gialai/README.md)"

# =================================================================================================
# Calibration: audited e-government totals (ruleset egov_2020), exact to 3 decimals.
# Levels are cut at 80 / 75 / 70 / 65 % of the tier maximum: sở (max 140) I ≥ 112, II ≥ 105,
# III ≥ 98, IV ≥ 91; huyện (max 200) I ≥ 160, II ≥ 150, III ≥ 140, IV ≥ 130; xã (max 100) III ≥ 70,
# IV ≥ 65. Totals marked PUBLISHED are the report's; every other total is invented so that the
# published level counts, ranks and movements hold. Ranks are given as (2021 → 2022).
# =================================================================================================
# Departments, 2022: 16 at I, 2 at II, 2 at III, 0 at IV (published); 2021: 12 at I, 4 at II, 4 at
# III ("tăng 04 đơn vị", "giảm 02 đơn vị"). Sở Ngoại vụ and Sở Công Thương rise sharply, Sở Tài
# nguyên và Môi trường falls; the others move by a place or two and almost all scores rise.
SO_TOTALS: dict[str, tuple[str, str]] = {  # code: (2021, 2022)
    "SO13": ("117.904", "118.348"),  # Sở TT&TT: 1 → 1; 2022 PUBLISHED (118,348, 1st)
    "SO01": ("116.832", "117.512"),  # Văn phòng UBND tỉnh: 2 → 2; 2022 PUBLISHED (117,512, 2nd)
    "SO14": ("109.218", "117.355"),  # Sở Ngoại vụ: 14 → 3, rises sharply; 2022 PUBLISHED (117,355, 3rd)
    "SO02": ("115.127", "116.904"),  # Sở Tài chính: 4 → 4
    "SO03": ("114.705", "116.221"),  # Sở Kế hoạch và Đầu tư: 5 → 5
    "SO10": ("102.936", "115.873"),  # Sở Công Thương: 18 → 6, rises sharply
    "SO07": ("114.016", "115.402"),  # Sở Nội vụ: 6 → 7
    "SO09": ("113.648", "114.986"),  # Sở Tư pháp: 7 → 8
    "SO04": ("113.139", "114.530"),  # Sở Giáo dục và Đào tạo: 8 → 9
    "SO05": ("112.921", "114.117"),  # Sở Khoa học và Công nghệ: 9 → 10
    "SO18": ("112.617", "113.645"),  # Thanh tra tỉnh: 10 → 11
    "SO12": ("112.338", "113.208"),  # Sở Nông nghiệp và PTNT: 11 → 12
    "SO15": ("112.104", "112.874"),  # Sở Giao thông vận tải: 12 → 13
    "SO16": ("110.442", "112.551"),  # Sở LĐ-TB&XH: 13 → 14
    "SO08": ("108.027", "112.230"),  # Sở Xây dựng: 15 → 15
    "SO20": ("106.309", "112.019"),  # Ban Quản lý Khu kinh tế: 16 → 16
    "SO17": ("104.153", "109.462"),  # Sở VH-TT&DL: 17 → 17 (II in 2022)
    "SO19": ("100.847", "106.785"),  # Ban Dân tộc: 19 → 18 (II in 2022)
    "SO06": ("116.215", "102.641"),  # Sở Tài nguyên và Môi trường: 3 → 19, falls sharply (III in 2022)
    "SO11": ("99.208", "100.320"),   # Sở Y tế: 20 → 20; 2022 PUBLISHED (100,32, 20th, III)
}

# Districts, 2022: 0 at I, 6 at II, 8 at III, 3 at IV (published), all 17 ranked. 2021: the report
# says "17/17 ... được xếp hạng (tăng 100% so với năm 2021)"; we read it as "twice as many ranked
# as in 2021" and rank 8 districts in 2021 (II 2, III 3, IV 3; 9 below IV). Đak Pơ and An Khê rise
# sharply, Đức Cơ and Ia Pa fall; the others move by a place or two and their scores rise.
HUYEN_TOTALS: dict[str, tuple[str, str]] = {  # code: (2021, 2022)
    "622": ("152.410", "154.603"),  # Thành phố Pleiku: 1 → 1; 2022 PUBLISHED (154,603, 1st)
    "634": ("127.846", "151.570"),  # Đăk Pơ (report: Đak Pơ): 10 → 2, rises; 2022 PUBLISHED (151,57)
    "639": ("146.905", "151.350"),  # Chư Pưh: 3 → 3; 2022 PUBLISHED (151,35)
    "623": ("123.871", "150.912"),  # Thị xã An Khê: 13 → 4, rises sharply
    "633": ("138.870", "150.486"),  # Chư Sê: 6 → 5
    "626": ("141.237", "150.104"),  # Đăk Đoa: 5 → 6
    "624": ("135.442", "148.731"),  # Thị xã Ayun Pa: 7 → 7
    "628": ("131.975", "147.265"),  # Ia Grai: 8 → 8
    "627": ("129.318", "146.018"),  # Chư Păh: 9 → 9
    "632": ("126.590", "144.852"),  # Chư Prông: 11 → 10
    "625": ("125.203", "143.377"),  # KBang: 12 → 11
    "638": ("121.009", "142.140"),  # Phú Thiện: 15 → 12
    "629": ("122.654", "141.506"),  # Mang Yang: 14 → 13
    "635": ("144.118", "140.233"),  # Ia Pa: 4 → 14, falls
    "637": ("119.580", "138.694"),  # Krông Pa: 16 → 15
    "630": ("117.432", "137.021"),  # Kông Chro: 17 → 16
    "631": ("150.266", "135.815"),  # Đức Cơ: 2 → 17, falls; 2022 PUBLISHED (135,815, 17th, last)
}

# Communes, 2022: 3 at III, 12 at IV, the other 205 below IV (published counts; no commune is
# named). 2021: none at a level ("100% xã không được xếp hạng"). Totals are drawn below: a
# commune's standing follows its district's 2022 rank, wards and towns do a little better.
XA_2022_III = (Decimal("70.2"), Decimal("74.6"))  # range of the 3 communes at Mức III
XA_2022_IV = (Decimal("65.1"), Decimal("69.8"))   # range of the 12 at Mức IV
XA_BELOW = (Decimal("33.0"), Decimal("64.7"))     # range of the others (both years)
XA_IMPROVEMENT = (5.0, 3.5)                       # 2021 → 2022 gain: mean, standard deviation
XA_LOWEST_2021 = Decimal("28.0")                  # no commune below this in 2021
XA_URBAN_BONUS, XA_NOISE = 0.6, 0.7               # standing: district rank (0..1) + bonus + noise

# Self-assessments over-claim some criteria (communes most: the report notes many errors in the
# communes' own assessments) and a few lack evidence.
SELF_RATE = {"so": 0.1, "huyen": 0.12, "xa": 0.15}
SELF_MISSING_EVIDENCE = 0.02

# Districts and communes agree: every district indicator that counts or sums its communes (declared
# in crosscheck.yaml beside each ruleset) is what its communes' records of the same year and source
# add up to, audited and self-assessed alike. Only these self-assessed district figures over-count on
# purpose, the errors `cqdt crosscheck` is there to find ("còn nhiều sai sót trong việc tự đánh
# giá"): (district, indicator, communes or villages claimed beyond the communes' own records).
SELF_OVER_COUNTS: dict[int, tuple[tuple[str, str, int], ...]] = {  # by assessment year
    2021: (("630", "xa_hoi_nghi_truyen_hinh", 3),   # Kông Chro: communes with a video-conference point
           ("635", "xa_cong_chuc_cntt", 2),         # Ia Pa: communes with an official in charge of IT
           ("637", "to_cong_nghe_so", 12)),         # Krông Pa: villages with a community digital team
    2022: (("626", "to_cong_nghe_so", 10),          # Đăk Đoa
           ("631", "xa_hoi_nghi_truyen_hinh", 3),   # Đức Cơ
           ("638", "xa_cong_chuc_cntt", 2)),        # Phú Thiện
    2023: (("626", "ho_cap_quang", 2500),           # Đăk Đoa: households with fibre broadband
           ("631", "xa_ket_noi_truyen_so_lieu", 3), # Đức Cơ: communes on the government data network
           ("637", "thon_co_to_cnscd", 20)),        # Krông Pa: villages with a community digital team
}

# =================================================================================================
# 2023 DTI (ruleset dti_2023): no published figures. A unit's quality follows its 2022 rank in its
# tier (best → high end of the range), with noise; a few ties at 4 decimals are made on purpose,
# and every commune of one district has no OCOP product online (the normalised all-zero case).
# =================================================================================================
DTI_QUALITY = {"so": (0.62, 0.88), "huyen": (0.50, 0.80), "xa": (0.30, 0.72)}
DTI_QUALITY_NOISE = 0.06
DTI_NO_OCOP_DISTRICT = "630"  # Kông Chro: every commune has 0 products on e-commerce platforms

# =================================================================================================
# The 2020-2024 history (`cqdt report --history`): 2020 under egov_2020 and 2024 under dti_2023 are
# SYNTHETIC years with no published figure behind them. Most units improve a little each year: a 2020
# total is the 2021 one less a drawn gain; a 2024 quality is the 2023 one plus a drawn drift.
# =================================================================================================
HISTORY_2020_GAIN = (3.0, 3.0)     # 2020 → 2021 gain in points: mean, standard deviation
HISTORY_2020_FLOOR = Decimal("20")  # no unit below this in 2020
DTI_2024_DRIFT = (0.03, 0.04)      # 2023 → 2024 change of quality: mean, standard deviation


# ------------------------------------------------------------------------------------------------
@attrs.frozen
class Unit:
    tier: str
    code: str
    name: str
    parent: str | None


def rng(*parts: object) -> random.Random:
    """The random stream for one purpose: seeded by the fixed seed and the purpose's name."""
    return random.Random(":".join(map(str, (SEED, *parts))))


def read_units(path: Path = HERE / "units.csv") -> list[Unit]:
    with path.open(encoding="utf-8") as handle:
        return [Unit(r["tier"], r["code"], r["name"], r["parent"] or None) for r in csv.DictReader(handle)]


@cache
def ruleset(ruleset_id: str) -> api.CheckedRuleset:
    return api.load(ruleset_id)


def template(unit: Unit, year: int, source: str) -> Assessment:
    return Assessment(unit.code, unit.name, unit.tier, year, source, parent=unit.parent)


@cache
def crosscheck_spec(ruleset_id: str) -> CrossCheckSpec:
    return load_spec(mapping_path_for(api.resolve_ruleset_path(ruleset_id)), ruleset(ruleset_id).ruleset)


def crosschecked(ruleset_id: str, tier: str) -> frozenset[str]:
    """The tier's indicators that crosscheck.yaml derives from other records (the district ones)."""
    spec = crosscheck_spec(ruleset_id)
    return frozenset(c.district for c in spec.checks) if tier == spec.district_tier else frozenset()


def options(checked: api.CheckedRuleset, unit: Unit, units: Sequence[Unit]) -> dict[str, Any]:
    """Generation options shared by every year: per-criterion difficulty of the tier, the unit's
    size (so denominators stay alike from year to year) and, for a district, its real commune count."""
    communes = sum(1 for u in units if u.parent == unit.code)
    return {
        "difficulty": synth.tier_difficulty(checked, unit.tier, rng(checked.ruleset.id, "difficulty", unit.tier)),
        "size": rng("size", unit.code).random(),
        "sizes": {"xã": communes} if unit.tier == "huyen" else {},
    }


# ------------------------------------------------------------------------------------------------ targets
def _draw(low: Decimal, high: Decimal, r: random.Random) -> Decimal:
    return (low + (high - low) * Decimal(str(r.random()))).quantize(Decimal("0.001"))


@cache
def commune_targets() -> dict[str, tuple[Decimal, Decimal]]:
    """Audited commune totals (2021, 2022): the published 2022 level counts, communes ordered by
    their district's 2022 rank, a bonus for wards and towns, and noise."""
    r = rng("egov", "communes")
    districts = sorted(HUYEN_TOTALS, key=lambda code: Decimal(HUYEN_TOTALS[code][1]))  # weakest first
    standing = {u.code: districts.index(u.parent or "") / (len(districts) - 1) + r.gauss(0, XA_NOISE)
                + (XA_URBAN_BONUS if u.name.startswith(("Phường", "Thị trấn")) else 0)
                for u in read_units() if u.tier == "xa"}
    order = sorted(standing, key=standing.__getitem__, reverse=True)
    ranked = [XA_2022_III] * 3 + [XA_2022_IV] * 12
    low, high = XA_BELOW
    targets: dict[str, tuple[Decimal, Decimal]] = {}
    for index, code in enumerate(order):
        if index < len(ranked):
            t2022 = _draw(*ranked[index], r)
        else:  # the others spread down the range below Mức IV, best first
            place = Decimal(str((1 - (index - len(ranked)) / (len(order) - len(ranked) - 1)) ** 0.8))
            t2022 = min(high, max(low, _draw(low + (high - low) * place - 1, low + (high - low) * place + 1, r)))
        gain = Decimal(str(r.gauss(*XA_IMPROVEMENT))).quantize(Decimal("0.001"))
        t2021 = min(high - _draw(Decimal(0), Decimal(2), r), max(XA_LOWEST_2021, t2022 - gain))
        targets[code] = (t2021, t2022)
    return targets


def egov_target(unit: Unit, year: int) -> Decimal:
    if year == 2020:
        gain = Decimal(str(rng("egov", 2020, "gain", unit.code).gauss(*HISTORY_2020_GAIN))).quantize(Decimal("0.001"))
        target = max(HISTORY_2020_FLOOR, egov_target(unit, 2021) - gain)
        # "Trong nhiều năm trước, toàn bộ đơn vị cấp xã không được xếp hạng": no commune at a level
        return min(target, XA_BELOW[1]) if unit.tier == "xa" else target
    index = 0 if year == 2021 else 1
    table = {"so": SO_TOTALS, "huyen": HUYEN_TOTALS}.get(unit.tier)
    return Decimal(table[unit.code][index]) if table else commune_targets()[unit.code][index]


# ------------------------------------------------------------------------------------------------ districts
def from_communes(ruleset_id: str, year: int, source: str,
                  communes: Sequence[Assessment]) -> dict[str, dict[str, Value]]:
    """Per district code, its cross-checked values as its communes' records add them up."""
    tier = crosscheck_spec(ruleset_id).district_tier
    districts = [template(u, year, source) for u in read_units() if u.tier == tier]
    return synth.district_values_from_communes(ruleset(ruleset_id), crosscheck_spec(ruleset_id), districts, communes)


def over_counted(values: dict[str, dict[str, Value]], year: int) -> dict[str, dict[str, Value]]:
    """``values`` with the year's deliberate over-counts (SELF_OVER_COUNTS) added."""
    result = {code: dict(found) for code, found in values.items()}
    for code, name, extra in SELF_OVER_COUNTS[year]:
        value = result[code][name]
        if not isinstance(value, Pair) or value.a + extra > value.b:
            raise ValueError(f"{year}: district {code} cannot claim {extra} more than {value} for '{name}'")
        result[code][name] = Pair(value.a + extra, value.b)
    return result


def over_claimed(ruleset_id: str, audited: list[Assessment], stream: tuple[object, ...]) -> list[Assessment]:
    """The self-assessed records behind audited ones (`synth.over_claim`)."""
    checked = ruleset(ruleset_id)
    return [synth.over_claim(checked, a, rng(*stream, "self", a.code), rate=SELF_RATE[a.tier],
                             missing_evidence=SELF_MISSING_EVIDENCE) for a in audited]


def self_districts(ruleset_id: str, claimed: list[Assessment], communes: list[Assessment]) -> list[Assessment]:
    """Self-assessed district records whose cross-checked values are what their communes' own
    records claim, but for the year's deliberate over-counts."""
    year = claimed[0].year
    derived = over_counted(from_communes(ruleset_id, year, "self", communes), year)
    return [synth.with_values(a, derived[a.code]) for a in claimed]


# ------------------------------------------------------------------------------------------------ datasets
@cache
def egov_audit(year: int, tier: str) -> list[Assessment]:
    """Audited 2021 / 2022 records of one tier, each fitted to its calibrated total; a district's
    cross-checked values come from its communes and are kept by the fit."""
    checked, units = ruleset("egov_2020"), read_units()
    derived = from_communes("egov_2020", year, "audit", egov_audit(year, "xa")) if tier == "huyen" else {}
    return [synth.assessment_for_total(checked, template(u, year, "audit"), egov_target(u, year),
                                       rng("egov", year, "audit", u.code), pinned=derived.get(u.code),
                                       **options(checked, u, units))
            for u in units if u.tier == tier]


@cache
def egov_self(year: int, tier: str) -> list[Assessment]:
    claimed = over_claimed("egov_2020", egov_audit(year, tier), ("egov", year))
    return self_districts("egov_2020", claimed, egov_self(year, "xa")) if tier == "huyen" else claimed


def dti_quality(unit: Unit, units: Sequence[Unit]) -> float:
    """Continuity with 2022: the unit's 2022 rank in its tier sets its place in the tier's range."""
    peers = sorted((u for u in units if u.tier == unit.tier), key=lambda u: -egov_target(u, 2022))
    position = 1 - peers.index(unit) / (len(peers) - 1)
    low, high = DTI_QUALITY[unit.tier]
    return low + (high - low) * position + rng("dti", "quality", unit.code).gauss(0, DTI_QUALITY_NOISE)


@cache
def dti_audit(tier: str, year: int = 2023) -> list[Assessment]:
    """Audited DTI records of one tier (2023, or the synthetic 2024 of the history): drawn by quality, a
    district's cross-checked values taken from its communes, then a few ties made on purpose."""
    checked, units = ruleset("dti_2023"), read_units()
    derived = from_communes("dti_2023", year, "audit", dti_audit("xa", year)) if tier == "huyen" else {}
    stream: tuple[object, ...] = ("dti",) if year == 2023 else ("dti", year)
    drawn = []
    for u in (u for u in units if u.tier == tier):
        quality = dti_quality(u, units)
        if year != 2023:
            quality += rng("dti", year, "drift", u.code).gauss(*DTI_2024_DRIFT)
        a = synth.synth_assessment(checked, template(u, year, "audit"), rng(*stream, "audit", u.code),
                                   quality, **options(checked, u, units))
        drawn.append(synth.with_values(_no_ocop(a), derived.get(u.code, {})))
    return _make_ties(checked, drawn, pinned=crosschecked("dti_2023", tier)) if year == 2023 else drawn


@cache
def dti_self(tier: str) -> list[Assessment]:
    claimed = over_claimed("dti_2023", dti_audit(tier), ("dti",))
    return self_districts("dti_2023", claimed, dti_self("xa")) if tier == "huyen" else claimed


def _no_ocop(a: Assessment) -> Assessment:
    if a.parent != DTI_NO_OCOP_DISTRICT:
        return a
    zeroed = {n: Decimal(0) if n == "so_nong_san_ocop_tmdt" else v for n, v in a.values.items()}
    return attrs.evolve(a, values=zeroed)


def _make_ties(checked: api.CheckedRuleset, drawn: list[Assessment], pinned: frozenset[str]) -> list[Assessment]:
    """Make two ties at the published precision (DTI, 4 decimals) in the tier: the two closest units
    get the same total, then the next closest pair different totals that round to the same DTI,
    without moving the ``pinned`` indicators. Communes tie first inside one district (both
    rankings), then across two districts (province)."""
    by_code = {a.code: a for a in drawn}
    used: set[str] = set()
    for same_total in (True, False):
        totals = {u.code: u.total for u in api.score(checked, list(by_code.values()), run_at="synthetic")}
        pairs = [(abs(totals[x.code] - totals[y.code]), x.code, y.code)
                 for x in drawn for y in drawn if x.code < y.code and not {x.code, y.code} & used
                 and totals[x.code] != totals[y.code] and (x.tier != "xa" or (x.parent == y.parent) == same_total)]
        _, keep, move = min(pairs)
        if totals[keep] < totals[move]:
            keep, move = move, keep
        target = totals[keep] if same_total else _same_dti(totals[keep], totals[move])
        cohort = [a for a in by_code.values()
                  if a.code != move and (a.tier != "xa" or a.parent == by_code[move].parent)]
        by_code[move] = synth.fit_to_total(checked, by_code[move], target, rng("dti", "tie", move), cohort=cohort,
                                           pinned=pinned)
        used |= {keep, move}
    return [by_code[a.code] for a in drawn]


def _same_dti(total: Decimal, other: Decimal) -> Decimal:
    """A total other than ``total`` whose DTI (total / 1,000, 4 decimals half up) is the same, on
    the side of ``other``."""
    dti = (total / 1000).quantize(Decimal("0.0001"))
    low, high = dti * 1000 - Decimal("0.05"), dti * 1000 + Decimal("0.049")
    step = Decimal("0.021") if other > total else Decimal("-0.021")
    return total + step if low <= total + step <= high else total - step


# ------------------------------------------------------------------------------------------------ files
def header(ruleset_id: str, year: int, source: str) -> str:
    what = {"audit": "audited values (kết quả thẩm định của Đoàn kiểm tra)",
            "self": "self-assessed values (đơn vị tự đánh giá): more generous than audited, a few lack "
                    f"evidence, {len(SELF_OVER_COUNTS.get(year, ()))} districts over-count their communes"}[source]
    purpose = ("not fitted to any figure: none is published for self-assessments"
               if source == "self" else
               "a year of the synthetic 2020-2024 history (cqdt report --history): plausible values, "
               "no published figures" if year in (2020, 2024) else
               "fitted so that the published figures of the 2022 report hold" if ruleset_id == "egov_2020"
               else "plausible values; no published figures exist")
    return (f"SYNTHETIC data: dữ liệu tổng hợp, KHÔNG phải số liệu đánh giá thật của tỉnh Gia Lai.\n"
            f"Made by examples/gialai/generate.py (seed {SEED}); do not edit by hand, regenerate instead.\n"
            f"Ruleset {ruleset_id}, assessment year {year}, {what}; {purpose}.\n"
            f"257 units: 20 sở (project codes SO01-SO20), 17 huyện and 220 xã "
            f"(official codes, dvhcvn 01/10/2022).\n"
            f"See examples/gialai/README.md.")


YAML_FILES: dict[str, tuple[str, int, str, Callable[[str], list[Assessment]]]] = {
    "egov-2021-self.yaml": ("egov_2020", 2021, "self", lambda t: egov_self(2021, t)),
    "egov-2021-audit.yaml": ("egov_2020", 2021, "audit", lambda t: egov_audit(2021, t)),
    "egov-2022-self.yaml": ("egov_2020", 2022, "self", lambda t: egov_self(2022, t)),
    "egov-2022-audit.yaml": ("egov_2020", 2022, "audit", lambda t: egov_audit(2022, t)),
    "dti-2023-self.yaml": ("dti_2023", 2023, "self", dti_self),
    "dti-2023-audit.yaml": ("dti_2023", 2023, "audit", dti_audit),
    "egov-2020-audit.yaml": ("egov_2020", 2020, "audit", lambda t: egov_audit(2020, t)),
    "dti-2024-audit.yaml": ("dti_2023", 2024, "audit", lambda t: dti_audit(t, 2024)),
}
CSV_FILES: dict[str, tuple[str, str, Callable[[str], list[Assessment]]]] = {
    f"{prefix}-audit-{tier}.csv": (ruleset_id, tier, make)
    for prefix, ruleset_id, make in (("egov-2022", "egov_2020", lambda t: egov_audit(2022, t)),
                                     ("dti-2023", "dti_2023", dti_audit))
    for tier in TIERS
}


def render(name: str) -> str:
    """The text of one data file of this folder."""
    if name in YAML_FILES:
        ruleset_id, year, source, make = YAML_FILES[name]
        units = [a for tier in TIERS for a in make(tier)]
        return synth.to_yaml(units, comment=header(ruleset_id, year, source))
    ruleset_id, tier, make = CSV_FILES[name]
    return synth.to_csv(ruleset(ruleset_id).ruleset.tier(tier), [attrs.evolve(a, note=NOTE) for a in make(tier)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder to write to (default: this folder)")
    parser.add_argument("--only", nargs="+", choices=sorted([*YAML_FILES, *CSV_FILES]), metavar="FILE",
                        help="write only these files")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or [*YAML_FILES, *CSV_FILES]:
        (args.out / name).write_text(render(name), encoding="utf-8", newline="\n")
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
