"""The synthetic Gia Lai sample (examples/gialai): scored by the engine, the committed data give the
published figures of the 2022 report; the generator is deterministic; every file says SYNTHETIC."""

from __future__ import annotations

import random
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from cqdt_rules import api
from cqdt_rules.analysis.crosscheck import (
    CrossCheckSpec,
    crosscheck,
    load_spec,
    mapping_path_for,
)
from cqdt_rules.authoring import synth
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.engine.results import Results, UnitResult
from cqdt_rules.model.units import Assessment, Pair

pytestmark = pytest.mark.slow  # left out of the quick subset (pytest -m "not slow")

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai"
RULESETS = {"egov": ROOT / "rulesets" / "2020" / "egov.cqdt", "dti": ROOT / "rulesets" / "2023_dts" / "dti.cqdt"}
DATA_FILES = sorted(p.name for p in SAMPLE.iterdir() if p.suffix in (".yaml", ".csv") and p.name != "units.csv")
TIERS = ("so", "huyen", "xa")


@cache
def ruleset(kind: str) -> api.CheckedRuleset:
    return api.load(RULESETS[kind])


@cache
def scored(name: str) -> Results:
    return api.score(ruleset(name.split("-")[0]), load_assessments(SAMPLE / name), run_at="test")


def level_counts(results: Results, tier: str) -> Counter[str | None]:
    return Counter(u.level.id if u.level else None for u in results.tier_units(tier))


def by_code(results: Results) -> dict[str, UnitResult]:
    return {u.code: u for u in results}


# ------------------------------------------------------------------------------------------------ 2022
PUBLISHED_LEVELS_2022 = {
    "so": {"I": 16, "II": 2, "III": 2, "IV": 0, None: 0},
    "huyen": {"I": 0, "II": 6, "III": 8, "IV": 3, None: 0},
    "xa": {"I": 0, "II": 0, "III": 3, "IV": 12, None: 205},
}
# (code, name as in units.csv, published total, published rank in the tier)
PUBLISHED_UNITS_2022 = [
    ("SO13", "Sở Thông tin và Truyền thông", "118.348", 1),
    ("SO01", "Văn phòng UBND tỉnh", "117.512", 2),
    ("SO14", "Sở Ngoại vụ", "117.355", 3),
    ("SO11", "Sở Y tế", "100.320", 20),
    ("622", "Thành phố Pleiku", "154.603", 1),
    ("634", "Huyện Đăk Pơ", "151.570", 2),  # "Đak Pơ" in the report
    ("639", "Huyện Chư Pưh", "151.350", 3),
    ("631", "Huyện Đức Cơ", "135.815", 17),
]


@pytest.mark.parametrize("tier", TIERS)
def test_2022_level_counts_are_the_published_ones(tier: str) -> None:
    counts = level_counts(scored("egov-2022-audit.yaml"), tier)
    assert {level: counts[level] for level in PUBLISHED_LEVELS_2022[tier]} == PUBLISHED_LEVELS_2022[tier]


@pytest.mark.parametrize(("code", "name", "total", "rank"), PUBLISHED_UNITS_2022)
def test_2022_named_units_have_the_published_total_and_rank(code: str, name: str, total: str, rank: int) -> None:
    unit = scored("egov-2022-audit.yaml").unit(code)
    assert (unit.name, unit.total, unit.rank("khoi")) == (name, Decimal(total), rank)
    ranks = [u.rank("khoi") for u in scored("egov-2022-audit.yaml").tier_units(unit.tier.id)]
    assert ranks.count(rank) == 1, "no unit shares a published rank"


def test_the_tiers_hold_every_real_unit() -> None:
    codes = {line.split(",")[1] for line in (SAMPLE / "units.csv").read_text(encoding="utf-8").splitlines()[1:]}
    for name in DATA_FILES:
        if name.endswith(".yaml"):
            results = scored(name)
            assert {u.code for u in results} == codes and len(results) == 257
            assert [len(results.tier_units(t)) for t in TIERS] == [20, 17, 220]


# ------------------------------------------------------------------------------------------------ 2021
def test_2021_departments_and_communes_as_the_report_implies() -> None:
    results = scored("egov-2021-audit.yaml")
    so, xa = level_counts(results, "so"), level_counts(results, "xa")
    assert (so["I"], so["II"], so["III"], so["IV"], so[None]) == (12, 4, 4, 0, 0)
    assert xa[None] == 220


def test_2021_districts_follow_the_documented_reading() -> None:
    """Half as many districts ranked as in 2022 (README: 'tăng 100%' read as 'twice as many')."""
    counts = level_counts(scored("egov-2021-audit.yaml"), "huyen")
    assert (counts["I"], counts["II"], counts["III"], counts["IV"], counts[None]) == (0, 2, 3, 3, 9)
    ranked_2022 = sum(n for level, n in level_counts(scored("egov-2022-audit.yaml"), "huyen").items() if level)
    assert ranked_2022 == 17 and ranked_2022 >= 2 * (17 - counts[None])


RISERS = {"SO14": 8, "SO10": 8, "634": 6, "623": 6}  # Sở Ngoại vụ, Sở Công Thương, Đak Pơ, An Khê
FALLERS = {"SO06": 8, "631": 6, "635": 6}  # Sở Tài nguyên và Môi trường, Đức Cơ, Ia Pa


def test_the_units_the_report_names_move_sharply_and_the_others_modestly() -> None:
    before, after = by_code(scored("egov-2021-audit.yaml")), by_code(scored("egov-2022-audit.yaml"))
    for code, unit in after.items():
        if unit.tier.id == "xa":
            continue
        gained = before[code].rank("khoi") - unit.rank("khoi")
        if code in RISERS:
            assert gained >= RISERS[code], code
        elif code in FALLERS:
            assert -gained >= FALLERS[code], code
        else:
            assert abs(gained) <= 3, code


@pytest.mark.parametrize("tier", TIERS)
def test_most_scores_rose_from_2021(tier: str) -> None:
    before, after = by_code(scored("egov-2021-audit.yaml")), scored("egov-2022-audit.yaml").tier_units(tier)
    rose = sum(1 for u in after if u.total > before[u.code].total)
    assert rose >= 0.8 * len(after)


# ------------------------------------------------------------------------------------------------ self-assessed
@pytest.mark.parametrize("prefix", ["egov-2021", "egov-2022", "dti-2023"])
def test_self_assessments_are_mostly_as_generous_as_the_audit_or_more(prefix: str) -> None:
    audited, claimed = scored(f"{prefix}-audit.yaml"), by_code(scored(f"{prefix}-self.yaml"))
    pairs = [(u, claimed[u.code]) for u in audited]
    tiers = ruleset(prefix.split("-")[0]).ruleset.tiers
    audit_only = {i.name for t in tiers for i in t.indicators if i.audit_only}
    points = [(n, a.nodes[n].points, s.nodes[n].points) for a, s in pairs for n in a.nodes
              if a.tier.node(n).rule is not None and not set(m_inputs(a, n)) & audit_only]
    assert sum(1 for _, a, s in points if s >= a) >= 0.97 * len(points)
    assert sum(1 for _, a, s in points if s > a) >= 0.03 * len(points), "units over-claim some criteria"
    lacking = [s for _, s in pairs if any("missing evidence" in r.flags for r in s.nodes.values())]
    assert 0 < len(lacking) < 0.2 * len(pairs), "a few self-assessments lack evidence"
    assert not any("missing evidence" in r.flags for a, _ in pairs for r in a.nodes.values())


def m_inputs(unit: UnitResult, node_id: str) -> list[str]:
    return [name for name, _ in unit.nodes[node_id].inputs]


def test_audit_only_scores_are_not_in_self_assessments() -> None:
    for unit in scored("dti-2023-self.yaml"):
        if unit.tier.id != "xa":
            satisfaction = next(n for n in unit.nodes.values() if m_inputs(unit, n.id) == ["hai_long"])
            assert "not assessed" in satisfaction.flags and satisfaction.points == 0


# ------------------------------------------------------------------------------------------------ 2023 DTI
@pytest.mark.parametrize("tier", TIERS)
def test_dti_has_ties_at_four_decimals_one_with_different_totals(tier: str) -> None:
    units = scored("dti-2023-audit.yaml").tier_units(tier)
    shared = Counter(u.rank("khoi") for u in units)
    tied = [[u for u in units if u.rank("khoi") == rank] for rank, n in shared.items() if n > 1]
    assert tied and all(len({u.outputs["dti"] for u in group}) == 1 for group in tied)
    assert any(len({u.total for u in group}) > 1 for group in tied), "ranks use the published DTI"


def test_dti_normalised_components_give_the_best_full_points_and_zero_when_all_are_zero() -> None:
    results = scored("dti-2023-audit.yaml")
    districts = {u.code: u for u in results.tier_units("huyen")}
    best = max(u.assessment.values["so_ocop_tmdt"] for u in districts.values())
    assert all(u.points("8.5") == 30 for u in districts.values() if u.assessment.values["so_ocop_tmdt"] == best)
    all_zero = []
    for code in districts:
        communes = [u for u in results.tier_units("xa") if u.parent == code]
        if all(u.assessment.values["so_nong_san_ocop_tmdt"] == 0 for u in communes):
            all_zero.append(code)
            assert all(u.points("6.2") == 0 and "cohort best is 0" in u.nodes["6.2"].flags for u in communes)
        else:
            assert max(u.points("6.2") for u in communes) == 50
    assert all_zero


def test_dti_2023_continues_2022() -> None:
    """Units that did well in 2022 tend to do well in 2023: rank correlation above 0.5 in each tier
    (province-wide ranks by total; 2022 communes are ranked only within their district)."""
    before, after = by_code(scored("egov-2022-audit.yaml")), scored("dti-2023-audit.yaml")
    for tier in TIERS:
        units = after.tier_units(tier)
        x = _ranks([before[u.code].total for u in units])
        y = _ranks([u.total for u in units])
        assert _spearman(x, y) > 0.5, tier


def _ranks(values: list[Decimal]) -> list[int]:
    return [1 + sum(1 for other in values if other > value) for value in values]


def _spearman(x: list[int], y: list[int]) -> float:
    mean_x, mean_y = sum(x) / len(x), sum(y) / len(y)
    cov = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y))
    spread = (sum((a - mean_x) ** 2 for a in x) * sum((b - mean_y) ** 2 for b in y)) ** 0.5
    return float(cov / spread)


# ------------------------------------------------------------------------------------------------ files
@pytest.mark.parametrize("name", [n for n in DATA_FILES if n.endswith(".csv")])
def test_each_csv_scores_exactly_like_the_yaml(name: str) -> None:
    prefix, tier = name.rsplit("-", 1)[0], name.rsplit("-", 1)[1].removesuffix(".csv")
    from_csv, from_yaml = scored(name), by_code(scored(f"{prefix}.yaml"))
    assert len(from_csv) == len(scored(f"{prefix}.yaml").tier_units(tier))
    for unit in from_csv:
        twin = from_yaml[unit.code]
        assert unit.assessment.values == twin.assessment.values
        assert unit.assessment.evidence == twin.assessment.evidence
        assert _outcome(unit) == _outcome(twin)


def _outcome(unit: UnitResult) -> tuple[object, ...]:
    return {n: r.points for n, r in unit.nodes.items()}, unit.total, unit.outputs, unit.levels, unit.ranks


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_data_file_says_synthetic(name: str) -> None:
    text = (SAMPLE / name).read_text(encoding="utf-8")
    if name.endswith(".yaml"):
        assert text.startswith("# SYNTHETIC data")
    else:
        assert all(u.assessment.note and u.assessment.note.startswith("SYNTHETIC") for u in scored(name))
    assert "SYNTHETIC" in (SAMPLE / "README.md").read_text(encoding="utf-8")


def test_the_generator_regenerates_every_file_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SAMPLE / "generate.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True, timeout=120)
    assert sorted(p.name for p in tmp_path.iterdir()) == DATA_FILES
    for name in DATA_FILES:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


# ------------------------------------------------------------------------------------------------ synth
@pytest.mark.parametrize("kind", sorted(RULESETS))
def test_fit_to_total_reaches_any_exact_total_in_every_tier(kind: str) -> None:
    checked = ruleset(kind)
    rng = random.Random(3)
    year = checked.ruleset.header.years[0] if checked.ruleset.header.years else 2023
    for tier in checked.ruleset.tiers:
        for source in ("audit", "self"):
            template = Assessment("U1", "Xã Thử", tier.id, year, source, parent="P1")
            target = (tier.max * Decimal(str(rng.uniform(0.2, 0.95)))).quantize(Decimal("0.001"))
            fitted = synth.assessment_for_total(checked, template, target, rng)
            assert api.score(checked, [fitted]).units[0].total == target


def test_fit_to_total_keeps_normalised_values_and_counts_the_cohort() -> None:
    checked = ruleset("dti")
    rng = random.Random(5)
    templates = [Assessment(f"H{i}", f"Huyện {i}", "huyen", 2023, "audit") for i in range(4)]
    cohort = [synth.synth_assessment(checked, t, rng, 0.6) for t in templates]
    target = Decimal("612.345")
    fitted = synth.fit_to_total(checked, cohort[0], target, rng, cohort=cohort[1:])
    assert fitted.values["so_ocop_tmdt"] == cohort[0].values["so_ocop_tmdt"]
    assert by_code(api.score(checked, [fitted, *cohort[1:]]))["H0"].total == target


def crosscheck_spec(kind: str) -> CrossCheckSpec:
    return load_spec(mapping_path_for(RULESETS[kind]), ruleset(kind).ruleset)


def test_fit_to_total_never_moves_pinned_indicators() -> None:
    checked = ruleset("egov")
    pinned = {c.district for c in crosscheck_spec("egov").checks}
    assert pinned & set(synth.tier_knobs(checked, "huyen")), "the pins hold criteria the fit would otherwise move"
    template = Assessment("H1", "Huyện Thử", "huyen", 2022, "audit")
    drawn = synth.synth_assessment(checked, template, random.Random(7), 0.5)
    fitted = synth.fit_to_total(checked, drawn, "150.321", random.Random(8), pinned=pinned)
    assert api.score(checked, [fitted]).units[0].total == Decimal("150.321")
    assert {n: fitted.values[n] for n in pinned} == {n: drawn.values[n] for n in pinned}


def test_assessment_for_total_sets_and_keeps_pinned_values() -> None:
    checked = ruleset("egov")
    template = Assessment("H1", "Huyện Thử", "huyen", 2022, "audit")
    pinned = {"xa_hoi_nghi_truyen_hinh": Pair(Decimal(2), Decimal(9)), "xa_cap_quang": False}
    fitted = synth.assessment_for_total(checked, template, "152.5", random.Random(9), pinned=pinned)
    assert api.score(checked, [fitted]).units[0].total == Decimal("152.5")
    assert {n: fitted.values[n] for n in pinned} == pinned


@pytest.mark.parametrize("kind", sorted(RULESETS))
def test_district_values_from_communes_agree_with_crosscheck(kind: str) -> None:
    checked, spec = ruleset(kind), crosscheck_spec(kind)
    rng = random.Random(11)
    year = 2022 if kind == "egov" else 2023
    communes = [synth.synth_assessment(checked, Assessment(f"X{i}", f"Xã {i}", "xa", year, "self", parent="H1"),
                                       rng, rng.uniform(0.2, 0.9)) for i in range(5)]
    template = Assessment("H1", "Huyện Thử", "huyen", year, "self")
    derived = synth.district_values_from_communes(checked, spec, [template], communes)
    assert set(derived) == {"H1"} and set(derived["H1"]) == {c.district for c in spec.checks}
    district = synth.with_values(synth.synth_assessment(checked, template, rng, 0.5), derived["H1"])
    report = crosscheck(checked.ruleset, spec, [district, *communes], source="self")
    assert len(report.findings) == len(spec.checks) and not report.differences
    counted = [c.district for c in spec.checks if c.aggregate == "count"]
    assert all(derived["H1"][name].b == len(communes) for name in counted)  # type: ignore[union-attr]
