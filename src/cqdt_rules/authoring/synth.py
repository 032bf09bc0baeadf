"""Synthetic assessments made from a ruleset's own indicator declarations, and a solver that adjusts
one unit's values until the engine scores it at an exact total.

Nothing here knows a particular ruleset. Every scored criterion with one indicator of its own is a
*knob*: a discrete one (yes/no, category, bands, per item) has levels, each with the points the
engine gives it and a way to draw a plausible value inside it; a continuous one (ratio over a pair
or a percentage, direct score) takes any points in 0..max. Points always come from the compiled
ruleset itself, never from a copy of its rules, and every fitted total is checked with `scoring.score`.
"""

from __future__ import annotations

import io
import json
import random
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

import attrs

from cqdt_rules.analysis.crosscheck import CrossCheckSpec, crosscheck
from cqdt_rules.engine import loading, scoring
from cqdt_rules.engine.compiler import Env
from cqdt_rules.engine.results import UnitResult
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment, Pair, Value, audit_only_absent
from cqdt_rules.tables import csv_writer

# ---------------------------------------------------------------- plausible magnitudes
# The denominator b of a pair is drawn from a range chosen by the unit the ruleset declares, per
# tier (log-uniform, moved by the unit's size). These are orders of magnitude for Vietnamese
# provincial departments (so), districts (huyen) and communes (xa), not statistics.
DENOMINATORS: dict[str, dict[str, tuple[int, int]]] = {
    "người": {"so": (35, 320), "huyen": (90, 260), "xa": (18, 32)},
    "hồ sơ": {"so": (6_000, 40_000), "huyen": (9_000, 45_000), "xa": (1_500, 9_000)},
    "văn bản": {"so": (1_500, 9_000), "huyen": (3_000, 12_000), "xa": (600, 3_000)},
    "máy": {"so": (40, 300), "huyen": (100, 300), "xa": (12, 30)},
    "máy tính": {"so": (40, 300), "huyen": (100, 300), "xa": (12, 30)},
    "mục": {"so": (12, 16), "huyen": (12, 16), "xa": (8, 12)},
    "thủ tục": {"so": (60, 350), "huyen": (250, 330), "xa": (100, 130)},
    "TTHC": {"so": (60, 350), "huyen": (250, 330), "xa": (100, 130)},
    "dịch vụ": {"so": (50, 300), "huyen": (180, 300), "xa": (80, 120)},
    "triệu đồng": {"so": (300, 6_000), "huyen": (800, 8_000), "xa": (50, 400)},
    "xã": {"huyen": (7, 23)},
    "thôn, làng, tổ dân phố": {"huyen": (60, 180), "xa": (5, 22)},
    "thôn, làng": {"huyen": (60, 180), "xa": (5, 22)},
    "thôn, tổ dân phố": {"huyen": (60, 180), "xa": (5, 22)},
    "cuộc họp": {"so": (3, 10), "huyen": (3, 12), "xa": (3, 12)},
    "nhiệm vụ": {"so": (10, 40), "huyen": (15, 50), "xa": (5, 20)},
    "hệ thống": {"so": (3, 15), "huyen": (3, 12), "xa": (1, 4)},
    "CSDL": {"so": (2, 10)},
    "hộ": {"huyen": (15_000, 80_000), "xa": (900, 6_000)},
    "hộ kinh doanh": {"huyen": (800, 9_000), "xa": (40, 800)},
    "doanh nghiệp": {"huyen": (80, 2_500), "xa": (5, 120)},
    "cơ sở": {"huyen": (100, 2_000), "xa": (10, 150)},
    "cơ sở y tế": {"huyen": (12, 40), "xa": (1, 3)},
    "trường": {"huyen": (25, 90), "xa": (2, 8)},
}
# Where the unit alone misleads (people who are not staff, a handful of directives rather than all
# documents), the words naming the denominator in the label decide, checked in this order.
LABEL_DENOMINATORS: tuple[tuple[str, dict[str, tuple[int, int]]], ...] = (
    ("dân số", {"so": (500_000, 1_000_000), "huyen": (25_000, 160_000), "xa": (2_000, 14_000)}),
    ("tổng số lãnh đạo", {"so": (5, 25), "huyen": (10, 40), "xa": (3, 8)}),
    ("tổng số thành viên", {"huyen": (300, 1_600), "xa": (20, 100)}),
    ("tổng số công chức phụ trách", {"so": (1, 4), "huyen": (1, 4), "xa": (1, 2)}),
    ("tổng số văn bản chỉ đạo", {"so": (3, 15), "huyen": (4, 20), "xa": (2, 8)}),
    ("tổng số hồ sơ công việc", {"so": (4_000, 30_000), "huyen": (10_000, 50_000), "xa": (1_500, 8_000)}),
)
DEFAULT_DENOMINATOR = (10, 100)
# Typical high value of a count that no band or per-item rule bounds (e.g. a normalised count).
COUNT_HIGHS: dict[str, dict[str, int]] = {
    "sản phẩm": {"so": 10, "huyen": 30, "xa": 6},
    "dịch vụ": {"so": 8, "huyen": 8, "xa": 3},
}
DEFAULT_COUNT_HIGH = 10
PORTAL_DOMAIN = "gialai.gov.vn"
"""Where a unit's web pages live, for evidence given as a URL."""
SPREAD = 0.12
"""Standard deviation of a criterion's share around the unit's quality."""
FLEXIBLE_B = 200
"""Denominators at least this large are natural counts (dossiers, documents, staff, money) that the
solver may move by up to 10 % to reach an exact total; smaller ones (communes, sections) stay."""

Draw = Callable[[random.Random, Decimal], Value]
"""Draw a value inside one level; the second argument is the pair's denominator b (else unused)."""


@attrs.frozen
class Level:
    """One outcome of a discrete criterion: the points the engine gives and a way to reach them."""

    points: Decimal
    draws: tuple[Draw, ...]

    def draw(self, rng: random.Random, b: Decimal) -> Value:
        """A value in this level (for a pair, over the denominator ``b``)."""
        return rng.choice(self.draws)(rng, b)


@attrs.frozen
class Knob:
    """A scored criterion whose points one indicator of its own decides."""

    node: m.Node
    indicator: m.Indicator
    levels: tuple[Level, ...] = ()  # ascending points; empty for a continuous knob

    @property
    def continuous(self) -> bool:
        return not self.levels


# ---------------------------------------------------------------- knobs
_KNOBS: dict[tuple[int, str], tuple[loading.CheckedRuleset, dict[str, Knob]]] = {}


def tier_knobs(checked: loading.CheckedRuleset, tier_id: str) -> dict[str, Knob]:
    """The knobs of a tier by indicator name (built once per ruleset and tier)."""
    key = (id(checked), tier_id)
    cached = _KNOBS.get(key)
    if cached is None or cached[0] is not checked:
        tier = checked.ruleset.tier(tier_id)
        uses = Counter(n for node in tier.walk() if node.rule is not None for n in m.rule_indicators(node.rule))
        found = (_knob(checked, tier, node, uses) for node in tier.walk() if node.rule is not None)
        cached = _KNOBS[key] = (checked, {k.indicator.name: k for k in found if k is not None})
    return cached[1]


def _knob(checked: loading.CheckedRuleset, tier: m.Tier, node: m.Node, uses: Counter[str]) -> Knob | None:
    assert node.rule is not None
    names = m.rule_indicators(node.rule)
    if len(names) != 1 or uses[names[0]] != 1:
        return None
    ind = next(i for i in tier.indicators if i.name == names[0])
    rule = node.rule
    if (isinstance(rule, m.RatioRule) and ind.kind in ("pair", "percent")) or (
            isinstance(rule, m.DirectRule) and ind.kind == "score"):
        return Knob(node, ind)
    draws = _rule_draws(rule, node, ind)
    if not draws:
        return None
    probe = random.Random(0)
    by_points: dict[Decimal, list[Draw]] = {}
    for draw in draws:
        value = draw(probe, Decimal(1000))
        points = node_points(checked, tier.id, node, {ind.name: value}, {ind.name: ("probe",)})
        by_points.setdefault(points, []).append(draw)
    levels = tuple(Level(p, tuple(d)) for p, d in sorted(by_points.items()))
    return Knob(node, ind, levels) if len(levels) > 1 else None


def node_points(checked: loading.CheckedRuleset, tier_id: str, node: m.Node, values: Mapping[str, Any],
                evidence: Mapping[str, tuple[str, ...]]) -> Decimal:
    """The points the compiled ruleset gives one criterion for these (checked) values."""
    compiled = checked.compiled.tiers[tier_id]
    return compiled.node_fns[node.id](Env(compiled, values, evidence, {})).points


def _rule_draws(rule: m.Rule, node: m.Node, ind: m.Indicator) -> list[Draw]:
    if isinstance(rule, m.YesRule) and ind.kind == "yesno":
        return [_const(False), _const(True)]
    if isinstance(rule, m.CategoryRule) and ind.kind == "category":
        return [_const(c.name) for c in ind.categories]
    if isinstance(rule, m.PerItemRule) and ind.kind == "count":
        cap = int((node.max / rule.each).to_integral_value(ROUND_CEILING))
        high = cap + 2 if ind.range is None else min(cap + 2, int(ind.range[1]))
        return [_const(Decimal(k)) for k in range(0, high + 1)]
    if isinstance(rule, m.BandsRule) and ind.kind == "pair":
        return _pair_band_draws(rule, ind)
    if isinstance(rule, m.BandsRule) and ind.kind in ("count", "number", "percent"):
        return _number_band_draws(rule, ind)
    return []


def _const(value: Value) -> Draw:
    return lambda rng, b: value


def _pair_band_draws(rule: m.BandsRule, ind: m.Indicator) -> list[Draw]:
    """One draw per band (a/b inside the band, not meeting any earlier band) and one below them all."""

    def least_a(band: m.Band, b: Decimal) -> Decimal:
        exact = band.threshold.value * b / 100
        if band.comparator == ">":
            return exact.to_integral_value(ROUND_FLOOR) + 1
        return exact.to_integral_value(ROUND_CEILING)

    def inside(index: int | None) -> Draw:
        def draw(rng: random.Random, b: Decimal) -> Value:
            earlier = rule.bands if index is None else rule.bands[:index]
            top = b * Decimal("1.08") if ind.a_may_exceed_b else b
            high = min([top.to_integral_value(ROUND_FLOOR)] + [least_a(e, b) - 1 for e in earlier])
            low = Decimal(0) if index is None else least_a(rule.bands[index], b)
            return Pair(_uniform_int(rng, low, max(low, high)), b)
        return draw

    return [inside(i) for i in range(len(rule.bands))] + [inside(None)]


def _number_band_draws(rule: m.BandsRule, ind: m.Indicator) -> list[Draw]:
    step = Decimal(1) if ind.kind == "count" else Decimal("0.1")

    def least(band: m.Band) -> Decimal:
        return band.threshold.value + step if band.comparator == ">" else band.threshold.value

    def inside(index: int | None) -> Draw:
        def draw(rng: random.Random, b: Decimal) -> Value:
            earlier = [least(e) - step for e in (rule.bands if index is None else rule.bands[:index])]
            low = Decimal(0) if index is None else least(rule.bands[index])
            if index is not None and rule.bands[index].comparator == "=":
                return low
            high = min(earlier) if earlier else low + max(Decimal(3), low)
            if ind.range is not None:
                high = min(high, ind.range[1])
            steps = int(((max(low, high) - low) / step).to_integral_value(ROUND_FLOOR))
            return low + step * rng.randint(0, steps)
        return draw

    return [inside(i) for i in range(len(rule.bands))] + [inside(None)]


def _uniform_int(rng: random.Random, low: Decimal, high: Decimal) -> Decimal:
    return Decimal(rng.randint(int(low), int(high)))


# ---------------------------------------------------------------- generation
def tier_difficulty(checked: loading.CheckedRuleset, tier_id: str, rng: random.Random,
                    spread: float = 0.15) -> dict[str, float]:
    """Per-criterion offsets shared by every unit of a tier: some criteria are hard for everyone."""
    return {n.id: rng.gauss(0, spread) for n in checked.ruleset.tier(tier_id).walk() if n.rule is not None}


def synth_assessment(checked: loading.CheckedRuleset, template: Assessment, rng: random.Random, quality: float, *,
                     difficulty: Mapping[str, float] | None = None, size: float | None = None,
                     sizes: Mapping[str, int] | None = None, missing_evidence: float = 0.0) -> Assessment:
    """A plausible assessment for ``template``'s unit, tier, year and source.

    ``quality`` (about 0..1) moves every criterion's share of its maximum up or down; each criterion
    adds ``difficulty[node id]`` and its own noise. ``size`` (0..1, drawn if None) places every
    denominator in its plausible range; ``sizes`` fixes denominators by indicator name or unit (e.g.
    ``{"xã": 14}``). Audit-only indicators are left out of self-assessments. Indicators that declare
    evidence get references, each missing with probability ``missing_evidence``. The main ``rng``
    is advanced a fixed number of times per indicator, so drawing again from the same state with a
    higher quality gives values at least as good."""
    tier = checked.ruleset.tier(template.tier)
    knobs = tier_knobs(checked, tier.id)
    size = rng.random() if size is None else size
    values: dict[str, Value] = {}
    evidence: dict[str, tuple[str, ...]] = {}
    denominators: dict[str, Decimal] = {}  # one draw per kind of denominator (the staff, the population)
    for ind in tier.indicators:
        sub = random.Random(rng.getrandbits(64))
        if ind.audit_only and audit_only_absent(template.source):
            continue
        offset = (difficulty or {}).get(ind.node_id, 0.0)
        share = min(1.0, max(0.0, quality + offset + sub.gauss(0, SPREAD)))
        b = _denominator(ind, tier.id, size, sub, sizes or {}, denominators) if ind.kind == "pair" else Decimal(1)
        knob = knobs.get(ind.name)
        value = _value_for_share(knob, share, sub, b) if knob else _free_value(ind, tier.id, share, sub, b)
        values[ind.name] = _within_range(ind, value)
        if ind.evidence is not None and sub.random() >= missing_evidence:
            evidence[ind.name] = evidence_refs(ind, template, values[ind.name], sub)
    return attrs.evolve(template, values=values, evidence=evidence)


def _denominator(ind: m.Indicator, tier_id: str, size: float, rng: random.Random, sizes: Mapping[str, int],
                 drawn: dict[str, Decimal]) -> Decimal:
    """b for a pair: fixed by ``sizes``, else the one already ``drawn`` for its kind, else a new draw."""
    fixed = sizes.get(ind.name, sizes.get(ind.unit or ""))
    if fixed is not None:
        return Decimal(fixed)
    kind, ranges = next(((w, r) for w, r in LABEL_DENOMINATORS if w in ind.label),
                        (ind.unit or "", DENOMINATORS.get(ind.unit or "", {})))
    if kind not in drawn:
        low, high = ranges.get(tier_id, DEFAULT_DENOMINATOR)
        position = min(1.0, max(0.0, size + rng.gauss(0, 0.08)))
        drawn[kind] = Decimal(round(low * (high / low) ** position))
    return drawn[kind]


def _within_range(ind: m.Indicator, value: Value) -> Value:
    """``value`` moved into the indicator's declared range (both parts of a pair)."""
    if ind.range is None or not isinstance(value, (Decimal, Pair)):
        return value
    low, high = ind.range
    if isinstance(value, Pair):
        return Pair(min(high, max(low, value.a)), min(high, max(low, value.b)))
    return min(high, max(low, value))


def _value_for_share(knob: Knob, share: float, rng: random.Random, b: Decimal) -> Value:
    if knob.continuous:
        return _continuous_value(knob, Decimal(str(round(share, 4))) * knob.node.max, b, rng)
    wanted = Decimal(str(share)) * knob.node.max
    level = min(knob.levels, key=lambda lv: (abs(lv.points - wanted), -lv.points))
    return level.draw(rng, b)


def _continuous_value(knob: Knob, points: Decimal, b: Decimal, rng: random.Random) -> Value:
    """A value giving about ``points`` (0..max) on a continuous knob."""
    ind, maximum = knob.indicator, knob.node.max
    share = min(Decimal(1), max(Decimal(0), points / maximum))
    if ind.kind == "pair":
        a = (share * b).to_integral_value()
        if ind.a_may_exceed_b and a == b:
            a = (b * Decimal(str(1 + rng.random() * 0.08))).to_integral_value()
        return Pair(a, b)
    if ind.kind == "percent":
        return (share * 100).quantize(Decimal("0.1"))
    return (share * maximum).quantize(Decimal("0.01"))


def _free_value(ind: m.Indicator, tier_id: str, share: float, rng: random.Random, b: Decimal) -> Value:
    """A value for an indicator no knob sets (normalised, informational, formula inputs)."""
    s = Decimal(str(round(share, 4)))
    if ind.kind == "yesno":
        return share >= 0.5
    if ind.kind == "category":
        return ind.categories[round((1 - share) * (len(ind.categories) - 1))].name
    if ind.kind == "pair":
        return Pair((s * b).to_integral_value(), b)
    if ind.kind == "count":
        high = COUNT_HIGHS.get(ind.unit or "", {}).get(tier_id, DEFAULT_COUNT_HIGH)
        return Decimal(max(0, round((share * 1.3 - 0.3) * high * (0.7 + 0.6 * rng.random()))))
    if ind.kind == "percent":
        return (s * 100).quantize(Decimal("0.1"))
    if ind.kind == "score":
        return (s * (ind.range[1] if ind.range else Decimal(10))).quantize(Decimal("0.01"))
    return (s * 10).quantize(Decimal("0.1"))


# ---------------------------------------------------------------- evidence
_DOCUMENTS = (
    ("quyết định", "QĐ {n}/QĐ-{org}"), ("kế hoạch", "KH {n}/KH-{org}"), ("báo cáo", "BC {n}/BC-{org}"),
    ("thông báo", "TB {n}/TB-{org}"), ("biên bản", "BB {n}/BB-{org}"),
    ("giấy chứng nhận", "Giấy chứng nhận số {n}/{year}"),
)
_ADMIN_PREFIXES = ("Huyện", "Thị xã", "Thành phố", "Xã", "Phường", "Thị trấn", "UBND")


def evidence_refs(ind: m.Indicator, template: Assessment, value: Value, rng: random.Random) -> tuple[str, ...]:
    """References for the evidence an indicator declares, dated in the assessment year, e.g.
    "QĐ 123/QĐ-UBND ngày 12/3/2022"; a count gets one per counted item (up to 4)."""
    text = (ind.evidence or "").lower()
    if "url" in text or "đường dẫn" in text:
        return (f"https://{_slug(template.name)}.{PORTAL_DOMAIN}/chuyen-doi-so",)
    found = [(text.find(word), form) for word, form in _DOCUMENTS if word in text]
    form = min(found)[1] if found else "Công văn {n}/{org}-VP"
    count = min(4, max(1, int(value))) if ind.kind == "count" and isinstance(value, Decimal) else 1
    return tuple(f"{form.format(n=rng.randint(5, 950), org=_issuer(template.name), year=template.year)} "
                 f"ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{template.year}" for _ in range(count))


def _issuer(name: str) -> str:
    if name.startswith(_ADMIN_PREFIXES):
        return "UBND"
    if name.startswith("Văn phòng"):
        return "VP"
    words = [w for w in name.replace(",", " ").split() if w not in ("và", "-", "tỉnh")]
    return "".join(w if w.isupper() else w[0].upper() for w in words)


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain.lower() if c.isascii() and c.isalnum())


# ---------------------------------------------------------------- fitting
class FitError(Exception):
    """The solver could not reach the target total."""


def total_of(checked: loading.CheckedRuleset, assessment: Assessment, cohort: Sequence[Assessment] = ()) -> Decimal:
    """The engine's total for one unit, scored together with ``cohort`` (needed by normalised rules)."""
    return _scored(checked, assessment, cohort).total


def _scored(checked: loading.CheckedRuleset, assessment: Assessment, cohort: Sequence[Assessment]) -> UnitResult:
    results = scoring.score(checked, [assessment, *cohort], run_at="synthetic")
    return next(u for u in results.units if u.code == assessment.code)


def assessment_for_total(checked: loading.CheckedRuleset, template: Assessment, target: Decimal | str,
                         rng: random.Random, *, cohort: Sequence[Assessment] = (),
                         pinned: Mapping[str, Value] | None = None, **options: Any) -> Assessment:
    """A synthetic assessment (see `synth_assessment`; ``options`` go there) whose total is exactly
    ``target``: the quality is bisected on the same random draws, then `fit_to_total` closes the gap.
    ``pinned`` values (e.g. derived from other records) replace the drawn ones and are never moved."""
    seed = rng.getrandbits(64)
    target = Decimal(target)
    pinned = pinned or {}

    def make(quality: float) -> Assessment:
        return with_values(synth_assessment(checked, template, random.Random(seed), quality, **options), pinned)

    low, high = -0.5, 1.5
    for _ in range(10):
        middle = (low + high) / 2
        low, high = (middle, high) if total_of(checked, make(middle), cohort) < target else (low, middle)
    return fit_to_total(checked, make((low + high) / 2), target, random.Random(seed + 1), cohort=cohort,
                        pinned=pinned.keys())


def with_values(assessment: Assessment, values: Mapping[str, Value]) -> Assessment:
    """``assessment`` with these indicator values replaced (the others, and their order, kept)."""
    return attrs.evolve(assessment, values={**assessment.values, **values})


def fit_to_total(checked: loading.CheckedRuleset, assessment: Assessment, target: Decimal | str, rng: random.Random,
                 *, cohort: Sequence[Assessment] = (), pinned: Collection[str] = (),
                 max_steps: int = 200) -> Assessment:
    """Adjust ``assessment``'s values until the engine's total equals ``target`` exactly.

    Discrete criteria move one level at a time (never overshooting when a smaller move exists) until
    the gap is within what the continuous criteria can absorb; the gap is then spread over them in
    proportion to their headroom, and the criterion with the finest resolution (largest pair
    denominator) takes the exact remainder, its a (and a large b, within 10 %) searched with the
    engine. Normalised and informational indicators, those without evidence and the ``pinned`` ones
    (indicator names) are never moved; score with ``cohort`` when the tier has normalised rules.
    Raises FitError if it cannot."""
    target = Decimal(target)
    tier = checked.ruleset.tier(assessment.tier)
    if not Decimal(0) <= target <= tier.max:
        raise FitError(f"target {target} is outside 0..{tier.max} for tier '{tier.id}'")
    knobs = [k for k in tier_knobs(checked, tier.id).values()
             if k.indicator.name not in pinned and _live(checked, k, assessment)]
    current = assessment
    for _ in range(max_steps):
        unit = _scored(checked, current, cohort)
        gap = target - unit.total
        if gap == 0:
            return current
        points = {k.indicator.name: unit.nodes[k.node.id].points for k in knobs}
        continuous = [k for k in knobs if k.continuous]
        room = sum((k.node.max - points[k.indicator.name] if gap > 0 else points[k.indicator.name])
                   for k in continuous)
        if abs(gap) <= room * Decimal("0.6"):
            current = _spread(checked, current, continuous, points, gap, target, cohort, rng)
        else:
            current = _discrete_move(current, [k for k in knobs if not k.continuous], points, gap, rng)
    raise FitError(f"unit '{assessment.code}': no exact fit to {target} after {max_steps} steps")


def _live(checked: loading.CheckedRuleset, knob: Knob, assessment: Assessment) -> bool:
    """Whether the knob's points can change (an indicator lacking required evidence scores 0)."""
    name, tier_id = knob.indicator.name, assessment.tier
    if name not in assessment.values or assessment.values[name] is None:
        return False
    if knob.continuous:
        b = assessment.values[name].b if isinstance(assessment.values[name], Pair) else Decimal(1)
        lows_highs = [_continuous_value(knob, p, b, random.Random(0)) for p in (Decimal(0), knob.node.max)]
    else:
        lows_highs = [knob.levels[0].draw(random.Random(0), Decimal(1000)),
                      knob.levels[-1].draw(random.Random(0), Decimal(1000))]
    got = {node_points(checked, tier_id, knob.node, {name: v}, assessment.evidence) for v in lows_highs}
    return len(got) > 1


def _with(assessment: Assessment, ind: m.Indicator, value: Value) -> Assessment:
    return attrs.evolve(assessment, values={**assessment.values, ind.name: _within_range(ind, value)})


def _discrete_move(assessment: Assessment, knobs: list[Knob], points: Mapping[str, Decimal], gap: Decimal,
                   rng: random.Random) -> Assessment:
    moves: list[tuple[Decimal, Knob, Level]] = []
    for knob in knobs:
        index = min(range(len(knob.levels)), key=lambda i: abs(knob.levels[i].points - points[knob.indicator.name]))
        step = index + 1 if gap > 0 else index - 1
        if 0 <= step < len(knob.levels):
            moves.append((abs(knob.levels[step].points - knob.levels[index].points), knob, knob.levels[step]))
    if not moves:
        raise FitError(f"unit '{assessment.code}': no criterion left to move by {gap}")
    within = [mv for mv in moves if mv[0] <= abs(gap)]
    _, knob, level = rng.choice(within) if within else min(moves, key=lambda mv: mv[0])
    value = assessment.values[knob.indicator.name]
    return _with(assessment, knob.indicator, level.draw(rng, value.b if isinstance(value, Pair) else Decimal(1000)))


def _spread(checked: loading.CheckedRuleset, assessment: Assessment, knobs: list[Knob], points: Mapping[str, Decimal],
            gap: Decimal, target: Decimal, cohort: Sequence[Assessment], rng: random.Random) -> Assessment:
    """Share ``gap`` among the continuous knobs by headroom, then put the exact remainder on the finest."""
    rooms = {k.indicator.name: (k.node.max - points[k.indicator.name]) if gap > 0 else points[k.indicator.name]
             for k in knobs}
    total_room = sum(rooms.values())
    current = assessment
    if abs(gap) > Decimal("0.05") * len(knobs):
        for knob in knobs:
            name = knob.indicator.name
            wanted = points[name] + gap * rooms[name] / total_room
            current = _with(current, knob.indicator, _continuous_value(knob, wanted, _b(current, name), rng))
        return current
    for knob in sorted(knobs, key=lambda k: -_b(current, k.indicator.name) / k.node.max):
        name = knob.indicator.name
        value = _exact_value(checked, knob, current, points[name] + gap)
        if value is not None:
            return _with(current, knob.indicator, value)
    raise FitError(f"unit '{assessment.code}': no continuous criterion can take {gap} exactly")


def _b(assessment: Assessment, name: str) -> Decimal:
    value = assessment.values[name]
    return value.b if isinstance(value, Pair) else Decimal(1)


def _exact_value(checked: loading.CheckedRuleset, knob: Knob, assessment: Assessment, wanted: Decimal) -> Value | None:
    """A value for which the engine gives this knob exactly ``wanted`` points, or None."""
    ind, maximum = knob.indicator, knob.node.max
    if not Decimal(0) <= wanted <= maximum:
        return None

    def gives(value: Value) -> bool:
        return node_points(checked, assessment.tier, knob.node, {ind.name: value}, assessment.evidence) == wanted

    if ind.kind != "pair":
        candidate = wanted if ind.kind == "score" else (wanted * 100 / maximum).quantize(Decimal("0.0001"))
        return candidate if gives(candidate) else None
    b = _b(assessment, ind.name)
    reach = int(b // 10) if b >= FLEXIBLE_B else 0
    for offset in sorted(range(-reach, reach + 1), key=abs):
        b2 = b + offset
        centre = wanted * b2 / maximum
        for a in sorted({centre.to_integral_value(ROUND_FLOOR), centre.to_integral_value(ROUND_CEILING)}):
            if Decimal(0) <= a <= b2 and gives(Pair(a, b2)):
                return Pair(a, b2)
    return None


# ---------------------------------------------------------------- districts from their communes
def district_values_from_communes(checked: loading.CheckedRuleset, spec: CrossCheckSpec, districts: Sequence[Assessment],
                                  communes: Iterable[Assessment]) -> dict[str, dict[str, Value]]:
    """For each district (by code), the values of the indicators ``spec`` cross-checks that agree with
    its communes' records of the same year and source: aggregated by `crosscheck` itself, so the two
    cannot drift apart. Only the districts' code, name, tier, year and source are read; they must
    share one year and one source."""
    if not districts:
        return {}
    if len({(d.year, d.source) for d in districts}) > 1:
        raise ValueError("district_values_from_communes needs districts of one year and one source")
    # crosscheck reads checked records, so the districts get placeholder values of the declared kinds.
    placeholders = [synth_assessment(checked, d, random.Random(0), 0.5) for d in districts]
    report = crosscheck(checked.ruleset, spec, [*placeholders, *communes], source=districts[0].source)
    values: dict[str, dict[str, Value]] = {}
    for finding in report.findings:
        values.setdefault(finding.district_code, {})[finding.check.district] = finding.found
    return values


# ---------------------------------------------------------------- self-assessments
def over_claim(checked: loading.CheckedRuleset, audited: Assessment, rng: random.Random, *, rate: float = 0.2,
               missing_evidence: float = 0.03) -> Assessment:
    """The unit's own (self-assessed) record behind an audited one: the same values, except that each
    criterion is claimed one level (or part of the way to full) higher with probability ``rate``,
    audit-only indicators are left out, and each evidence list is missing with ``missing_evidence``."""
    tier = checked.ruleset.tier(audited.tier)
    knobs = tier_knobs(checked, tier.id)
    values: dict[str, Value] = {}
    for ind in tier.indicators:
        value = audited.values.get(ind.name)
        if ind.audit_only or value is None:
            continue
        claim = rng.random() < rate
        knob = knobs.get(ind.name)
        values[ind.name] = _raised(checked, knob, audited, value, rng) if claim and knob else value
    evidence = {n: refs for n, refs in audited.evidence.items() if rng.random() >= missing_evidence}
    return attrs.evolve(audited, source="self", values=values, evidence=evidence)


def _raised(checked: loading.CheckedRuleset, knob: Knob, audited: Assessment, value: Value, rng: random.Random) -> Value:
    if knob.continuous:
        if isinstance(value, Pair):
            gain = ((value.b - value.a) * Decimal(str(rng.uniform(0.3, 0.8)))).to_integral_value()
            return Pair(min(value.b, value.a + gain), value.b)
        return value
    now = node_points(checked, audited.tier, knob.node, {knob.indicator.name: value}, {knob.indicator.name: ("x",)})
    higher = [lv for lv in knob.levels if lv.points > now]
    return higher[0].draw(rng, value.b if isinstance(value, Pair) else Decimal(1000)) if higher else value


# ---------------------------------------------------------------- writing
def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    return "" if value is None else str(value)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def to_yaml(assessments: Iterable[Assessment], *, comment: str) -> str:
    """The data file format read by `cqdt_rules.data.readers` (pairs as ``[a, b]``), with a header comment;
    year and source are written once at the top when every unit shares them."""
    units = list(assessments)
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    shared = {k: {getattr(a, k) for a in units} for k in ("year", "source")}
    lines += [f"{k}: {next(iter(v))}" for k, v in shared.items() if len(v) == 1]
    lines.append("units:")
    for a in units:
        lines.append(f"  - code: {_quoted(a.code)}")
        lines.append(f"    name: {_quoted(a.name)}")
        lines.append(f"    tier: {a.tier}")
        lines += [f"    parent: {_quoted(a.parent)}"] if a.parent else []
        lines += [f"    {k}: {getattr(a, k)}" for k, v in shared.items() if len(v) > 1]
        lines += [f"    note: {_quoted(a.note)}"] if a.note else []
        lines.append("    values:")
        for name, value in a.values.items():
            shown = f"[{_text(value.a)}, {_text(value.b)}]" if isinstance(value, Pair) else _text(value)
            lines.append(f"      {name}: {shown}")
        if a.evidence:
            lines.append("    evidence:")
            lines += [f"      {name}: [{', '.join(_quoted(r) for r in refs)}]" for name, refs in a.evidence.items()]
    return "\n".join(lines) + "\n"


def csv_columns(tier: m.Tier) -> list[str]:
    """Identity columns, then each indicator in ruleset order (a pair as X.a, X.b), each followed by
    X.evidence when the indicator declares evidence."""
    columns = ["code", "name", "tier", "parent", "year", "source", "note"]
    for ind in tier.indicators:
        columns += [f"{ind.name}.a", f"{ind.name}.b"] if ind.kind == "pair" else [ind.name]
        columns += [f"{ind.name}.evidence"] if ind.evidence is not None else []
    return columns


def to_csv(tier: m.Tier, assessments: Iterable[Assessment]) -> str:
    """One tier's assessments as CSV (see `csv_columns`); evidence references joined with ';'."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(csv_columns(tier))
    for a in assessments:
        row = [a.code, a.name, a.tier, a.parent or "", a.year, a.source, a.note or ""]
        for ind in tier.indicators:
            value = a.values.get(ind.name)
            if ind.kind == "pair":
                row += [_text(value.a), _text(value.b)] if isinstance(value, Pair) else ["", ""]
            else:
                row.append(_text(value))
            row += ["; ".join(a.evidence.get(ind.name, ()))] if ind.evidence is not None else []
        writer.writerow(row)
    return buffer.getvalue()
