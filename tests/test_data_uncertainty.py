"""Uncertainty in the data: every run's perturbed values are valid data, and its levels and ranks are those an
exact re-scoring of those values by the scalar engine gives (with the maxima and cut-offs perturbed too: of the
perturbed ruleset); runs are reproducible with a seed; a zero error is the published result."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sensitivity import SAMPLE, _communes, _mixed_communes, perturbed_ruleset

import cqdt_rules as cq
from cqdt_rules.analysis import data_uncertainty as du
from cqdt_rules.analysis import sensitivity as sa
from cqdt_rules.model.units import Assessment, Pair

TEN_PERCENT = (sa.ValueSpread(Decimal("0.1")),)

EVERY_KIND = """
ruleset loai { title "Loại" years 2022..2023 rounding 2 on_zero_denominator 0 on_missing_evidence zero }
levels muc "Mức" {
  I "Mức I" >= 60% requires points(C) >= 50%
  II "Mức II" >= 30%
  below "Không xếp hạng"
}
ranking khoi "Khối" by total
tier xa "Xã" max 80 {
  group G "G" max 30 {
    criterion A "A" max 10 { input dem count "Đếm" range 0..50 per_item dem each 0.5 }
    criterion B "B" max 10 { input diem score "Điểm" direct diem }
    criterion C "C" max 10 { input pt percent "%" bands pt { >= 80% -> full  >= 50% -> 5  else -> 0 } }
  }
  criterion D "D" max 10 { input so number "Số" range -5..50.5 bands so { >= 10 -> full  else -> 0 } }
  criterion E "E" max 10 { input tl pair "a/b" ratio tl }
  criterion F "F" max 10 { input kt pair "a/b" range 0..1000.5 audit_only ratio kt }
  criterion Y "Y" max 10 { input co yesno "Có" yes co }
  criterion N "N" max 10 { input tb count "TB" normalised tb within WITHIN }
}
"""


def _every_kind_units(rng: random.Random, count: int, source: str) -> list[Assessment]:
    """``count`` units of EVERY_KIND with random valid values (before the audit the audit-only pair is missing)."""
    units = []
    for i in range(count):
        b = rng.randint(0, 40)
        kt_b = Decimal(rng.randint(0, 10005)) / 10
        values: dict[str, Any] = {
            "dem": Decimal(rng.randint(0, 50)), "diem": Decimal(rng.randint(0, 1000)) / 100,
            "pt": Decimal(rng.randint(0, 1000)) / 10, "so": Decimal(rng.randint(-50, 505)) / 10,
            "tl": Pair(Decimal(rng.randint(0, b)), Decimal(b)), "co": rng.random() < 0.5, "tb": Decimal(rng.randint(0, 9)),
            "kt": Pair(Decimal(rng.randint(0, int(kt_b * 10))) / 10, kt_b) if source == "audit" else None}
        units.append(Assessment(code=f"{100 + i}", name=f"Xã {i}", tier="xa", year=2022, source=source,
                                values={k: v for k, v in values.items() if v is not None}, parent=str(rng.randint(1, 3))))
    return units


def perturbed_units(model: du.DataCohortModel, seed: int) -> list[Assessment]:
    """The cohort's units with the values one run draws from ``seed``, as data the scalar engine reads."""
    columns = du.perturbed_columns(model.columns, model.perturbed, seed)
    found = []
    for row, unit in enumerate(model.members):
        values = dict(unit.values)
        for p in model.perturbed:
            column = columns.indicators[p.name]
            if column.missing[row]:
                assert unit.values.get(p.name) is None  # a missing value stays missing
                continue
            moved = column.a if p.part == "a" else column.number
            assert moved is not None
            number = Decimal(int(moved.num[row])) / moved.den
            old = unit.values[p.name]
            values[p.name] = Pair(number, old.b) if isinstance(old, Pair) else number
        found.append(attrs.evolve(unit, values=values))
    return found


def _levels_and_ranks(results: cq.Results, model: sa.CohortModel) -> tuple[list[int], list[int]]:
    scale = model.scale_levels[0]
    ids = [lv.id for lv in scale.levels]
    scored = sorted(results.tier_units(model.tier.id), key=lambda u: u.code)
    levels = [ids.index(u.levels[scale.name].id) if u.levels[scale.name].id else -1 for u in scored]
    assert model.ranking is not None
    return levels, [u.ranks[model.ranking.name].rank for u in scored]


# ---------------------------------------------------------------- every run is an exact re-scoring
@given(st.data())
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_run_equals_the_scalar_engine_on_the_perturbed_values_and_ruleset(data: Any) -> None:
    checked, communes = _communes()
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    units = _mixed_communes(communes, data.draw(st.integers(2, 30)), data.draw(st.integers(1, len(communes))), rng)
    error = data.draw(st.sampled_from([sa.ValueSpread(Decimal("0.05")), sa.ValueSpread(Decimal("0.3")),
                                       sa.ValueSpread(Decimal(1)), sa.ValueSpread(Decimal(3), relative=False)]))
    vary = sa.Vary(spread=data.draw(st.sampled_from([None, Decimal("0.2")])), renormalise=False,
                   cutoff_points=data.draw(st.sampled_from([None, Decimal("2.5")])), values=(error,))
    [(_, model)] = du.data_models(checked, units, vary, tiers=("xa",))
    parameters = model.sample(np.random.default_rng(rng.randrange(2**32)), 2)
    levels, ranks = model.evaluate(parameters)
    assert ranks is not None
    for run, row in enumerate(parameters):
        moved = perturbed_units(model, int(row[model.data_column]))
        ruleset = perturbed_ruleset(checked.ruleset, "xa", model, row[:model.data_column])
        results = cq.score(ruleset, moved)  # the scalar engine; it checks the perturbed values as any data
        expected_levels, expected_ranks = _levels_and_ranks(results, model)
        assert levels[model.scale_levels[0].name][run].tolist() == expected_levels
        assert ranks[run].tolist() == expected_ranks
        if vary.spread is None and vary.cutoff_points is None:  # the batch engine's every node on the drawn values
            scores = model._rescored(du.perturbed_columns(model.columns, model.perturbed, int(row[model.data_column])))
            scored = sorted(results.tier_units("xa"), key=lambda u: u.code)
            assert [Decimal(int(t)) / scores.total.den for t in scores.total.num] == [u.total for u in scored]


@pytest.mark.parametrize("source", ["audit", "self"])
@pytest.mark.parametrize("within", ["district", "tier"])  # runs scored as one cohort, or one by one
def test_every_kind_of_number_stays_valid_and_scores_as_the_scalar_engine_scores_it(source: str, within: str) -> None:
    ruleset = cq.load_text(EVERY_KIND.replace("WITHIN", within))
    units = _every_kind_units(random.Random(4), 12, source)
    for error in (sa.ValueSpread(Decimal(1)), sa.ValueSpread(Decimal("7.5"), relative=False)):
        [(_, model)] = du.data_models(ruleset, units, sa.Vary(spread=None, values=(error,)))
        perturbed = {p.name for p in model.perturbed}
        assert perturbed == {"dem", "diem", "pt", "so", "tl", "kt", "tb"}  # yes/no is not perturbed
        assert model.stackable == (within == "district")
        parameters = model.sample(np.random.default_rng(2), 30)
        levels, ranks = model.evaluate(parameters)
        assert ranks is not None
        moved_any = set()
        for run, row in enumerate(parameters):
            moved = perturbed_units(model, int(row[model.data_column]))
            for before, after in zip(model.members, moved):
                assert after.values["co"] == before.values["co"]
                dem, pair = after.values["dem"], after.values["tl"]
                assert dem == dem.to_integral_value() and 0 <= dem <= 50
                assert pair.a == pair.a.to_integral_value() and 0 <= pair.a <= pair.b == before.values["tl"].b
                assert 0 <= after.values["pt"] <= 100 and 0 <= after.values["diem"] <= 10
                assert Decimal(-5) <= after.values["so"] <= Decimal("50.5")
                moved_any |= {name for name in perturbed if after.values.get(name) != before.values.get(name)}
            expected = _levels_and_ranks(cq.score(ruleset, moved), model)  # refuses invalid data
            assert (levels["muc"][run].tolist(), ranks[run].tolist()) == expected
        assert moved_any == (perturbed if source == "audit" else perturbed - {"kt"})


def test_the_published_figures_are_those_of_the_runs_the_model_scores() -> None:
    """``cq.sensitivity`` folds the runs block by block: each unit's share of runs at each level and its ranks
    are those of the same draws scored one by one (``evaluate``), so the data are perturbed on that path too."""
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    vary = sa.Vary(spread=None, values=(sa.ValueSpread(Decimal("0.3")),))
    [tier] = cq.sensitivity(checked, units, runs=40, seed=5, vary=vary, tiers=("xa",)).tiers
    rng = np.random.default_rng(5)
    [(_, model)] = du.data_models(checked, units, vary, tiers=("xa",))
    levels, ranks = model.evaluate(model.sample(rng, 40))
    scale = model.scale_levels[0]
    labels = [lv.label for lv in scale.levels] + [scale.below]
    reached = levels[scale.name]
    assert ranks is not None
    row_of = {member.code: row for row, member in enumerate(model.members)}
    for unit in tier.units:
        row = row_of[unit.code]
        shares = {labels[i]: float((reached[:, row] == (i if i < len(scale.levels) else -1)).mean())
                  for i in range(len(labels))}
        assert dict(unit.levels) == {label: share for label, share in shares.items() if share}
        assert unit.median_rank == float(np.median(ranks[:, row]))
    assert any(unit.keeps_level < 1 for unit in tier.units)


def test_a_zero_error_keeps_every_level_and_rank() -> None:
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    published = cq.score(checked, units)
    result = cq.sensitivity(checked, units, runs=20, seed=1,
                            vary=sa.Vary(spread=None, values=(sa.ValueSpread(Decimal(0)),)))
    assert len(result.tiers) == 3
    for tier in result.tiers:
        ranks = {u.code: u.rank() for u in published.tier_units(tier.tier)}
        for unit in tier.units:
            assert unit.keeps_level == 1 and len(unit.levels) == 1
            assert unit.rank == unit.median_rank == unit.rank_low == unit.rank_high == ranks[unit.code]
        assert tier.mean_shift == 0


def test_a_seed_makes_the_runs_reproducible() -> None:
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    vary = sa.Vary(spread=None, values=TEN_PERCENT)
    first = cq.sensitivity(checked, units, runs=60, seed=7, vary=vary, tiers=("xa",))
    assert first.to_json() == cq.sensitivity(checked, units, runs=60, seed=7, vary=vary, tiers=("xa",)).to_json()
    assert first.to_json() != cq.sensitivity(checked, units, runs=60, seed=8, vary=vary, tiers=("xa",)).to_json()
    [tier] = first.tiers
    assert tier.unstable_count(0.10) > 0  # a ±10 % error moves communes across bands
    assert json.loads(first.to_json())["vary"]["values"] == [{"target": None, "amount": "0.1", "relative": True}]


def test_the_most_specific_error_applies() -> None:
    tier = next(t for t in cq.load("egov_2020").ruleset.tiers if t.id == "xa")
    under_b = set(du._numeric_under(tier, "B"))
    assert "ho_so_dung_han" in under_b and "may_tinh" not in under_b
    every, group, one = (sa.ValueSpread(Decimal("0.1")), sa.ValueSpread(Decimal("0.05"), target="B"),
                         sa.ValueSpread(Decimal(2), relative=False, target="ho_so_dung_han"))
    for order in ((every, group, one), (one, group, every)):
        errors = du.indicator_errors(tier, order)
        assert errors["ho_so_dung_han"] == one
        assert all(errors[name] == group for name in under_b - {"ho_so_dung_han"})
        assert errors["may_tinh"] == every
        assert "internet_cap_quang" not in errors  # yes/no


def test_the_values_are_one_more_group_of_the_sensitivity_indices() -> None:
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    result = cq.sensitivity(checked, units, runs=10, seed=3, tiers=("xa",), indices=12,
                            vary=sa.Vary(spread=Decimal("0.2"), cutoff_points=Decimal(2), values=TEN_PERCENT))
    groups = {(i.output, i.group) for i in result.tiers[0].indices}
    assert groups == {(o, g) for o in ("rank shift", "level changes") for g in ("A", "B", "values", "cut-offs")}
    alone = cq.sensitivity(checked, units, runs=10, seed=3, tiers=("xa",), indices=12,
                           vary=sa.Vary(spread=None, values=TEN_PERCENT))
    # the data the only varied input: they explain all of the variance
    assert [(i.group, i.first) for i in alone.tiers[0].indices] == [("values", 1.0)] * 2
    assert all(i.total > 0.5 for i in alone.tiers[0].indices)


def test_the_analysis_without_values_is_the_weights_analysis() -> None:
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    assert cq.sensitivity(checked, units, runs=30, seed=1).to_json() == sa.run(checked, units, runs=30, seed=1).to_json()
    with pytest.raises(cq.UsageError):
        sa.run(checked, units, runs=3, vary=sa.Vary(values=TEN_PERCENT))


# ---------------------------------------------------------------- the command
def test_the_command_perturbs_values_in_both_languages(capsys: Any) -> None:
    from cqdt_rules.cli.main import main

    command = ["sensitivity", "egov_2020", SAMPLE, "--runs", "40", "--seed", "1", "--spread", "0", "--values", "10%",
               "--value", "ho_so_dung_han=2", "--tier", "xa", "--indices", "8"]
    expected = cq.sensitivity(cq.load("egov_2020"), cq.load_assessments(SAMPLE), runs=40, seed=1, tiers=("xa",),
                              indices=8, vary=sa.Vary(spread=None, values=(
                                  sa.ValueSpread(Decimal("0.1")),
                                  sa.ValueSpread(Decimal(2), relative=False, target="ho_so_dung_han"))))
    risky = expected.tiers[0].most_at_risk(1)[0]
    for lang, heading, index_row in (("en", "40 perturbations, seed 1", "rank shift     values"),
                                     ("vi", "40 lần nhiễu, hạt giống 1", "dịch chuyển hạng  giá trị chỉ số")):
        assert main([*command, "--lang", lang]) == 0
        out = capsys.readouterr().out
        assert heading in out and f"\n{risky.code} " in out
        assert index_row in out
    assert main([*command, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(expected.to_json())


@pytest.mark.parametrize("bad, message", [
    (["--values", "abc"], "--values: 'abc' is not a number"),
    (["--values", "150%"], "an error of values must be at least 0 (at most 100% of the value) (150%)"),
    (["--values", "-2"], "must be a number ≥ 0"),
    (["--value", "=2"], "--value '=2': write ID=ERROR"),
    (["--value", "ho_so_dung_han"], "--value 'ho_so_dung_han': write ID=ERROR"),
    (["--value", "khong_co=5%"], "no indicator, criterion or group 'khong_co' in the ruleset"),
    (["--value", "internet_cap_quang=5%"], "'internet_cap_quang' has no numeric value to perturb"),
])
def test_bad_value_options_are_usage_errors(bad: list[str], message: str, capsys: Any) -> None:
    from cqdt_rules.cli.main import main

    for lang in ("en", "vi"):
        assert main(["sensitivity", "egov_2020", SAMPLE, "--runs", "3", *bad, "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert (message in err) == (lang == "en")


NO_ROUNDING = """
ruleset mini { title "Mini" years 2022..2023 on_zero_denominator 0 on_missing_evidence zero }
levels muc "Mức" { I "Mức I" >= 60%  below "Không xếp hạng" }
ranking khoi "Khối" by total
tier xa "Xã" max 10 { criterion E "E" max 10 { input tl pair "a/b" ratio tl } }
"""


@pytest.mark.parametrize("values", [[], ["--values", "10%"]])
def test_a_tier_the_batch_engine_leaves_to_the_scalar_engine_is_a_usage_error_that_says_why(
        tmp_path: Any, values: list[str], capsys: Any) -> None:
    from cqdt_rules.cli.main import main

    (tmp_path / "mini.cqdt").write_text(NO_ROUNDING, encoding="utf-8")
    (tmp_path / "d.yaml").write_text('year: 2022\nsource: audit\ntier: xa\nunits:\n'
                                     '  - {code: "1", name: "Xã 1", values: {tl: [1, 3]}}\n', encoding="utf-8")
    expected = {"en": "tier 'xa': the batch engine does not score it (E declares no rounding",
                "vi": "khối 'xa': bộ máy tính theo lô không tính điểm khối này (E không khai báo cách làm tròn"}
    for lang, message in expected.items():
        assert main(["sensitivity", str(tmp_path / "mini.cqdt"), str(tmp_path / "d.yaml"), "--runs", "3", *values,
                     "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err


def test_the_report_section_perturbs_what_its_options_say_and_says_what_moved(tmp_path: Any, capsys: Any) -> None:
    from cqdt_rules.cli.main import main

    options = ["--sensitivity", "20", "--seed", "2", "--spread", "0", "--values", "10%", "--value", "ho_so_dung_han=2"]
    assert main(["report", "egov_2020", SAMPLE, "--out", str(tmp_path), "--formats", "md", *options, "--lang", "en"]) == 0
    markdown = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    method = next(line for line in markdown.splitlines() if line.startswith("In each perturbation"))
    assert "indicator values move within their measurement error: ±10.0% for every numeric indicator, ±2 for ho" in method
    assert "maximum" not in method  # --spread 0: the maxima stay
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    vary = sa.Vary(spread=None, values=(sa.ValueSpread(Decimal("0.1")),
                                        sa.ValueSpread(Decimal(2), relative=False, target="ho_so_dung_han")))
    expected = cq.sensitivity(checked, units, runs=20, seed=2, vary=vary)
    huyen = next(t for t in expected.tiers if t.tier == "huyen")
    least = min(huyen.units, key=lambda u: (u.keeps_level, u.code))
    keeps = sa.share_text(least.keeps_level, "en")
    assert least.keeps_level < 1
    assert f"| {least.code} | {least.name} |  | {least.level} | {keeps} |" in markdown  # the analysis of these options
    for lang, message in (("en", "--values, --value: only with --sensitivity RUNS"), ("vi", "chỉ dùng cùng --sensitivity")):
        assert main(["report", "egov_2020", SAMPLE, "--out", str(tmp_path / "x"), "--values", "10%",
                     "--value", "ho_so_dung_han=2", "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()  # refused before any work
