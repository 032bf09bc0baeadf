"""The sensitivity analysis: every perturbed run equals an exact re-scoring of the perturbed ruleset by the
scalar engine; runs are reproducible with a seed; the unperturbed run is the published result."""

from __future__ import annotations

import random
from decimal import Decimal
from functools import cache
from typing import Any
from unittest.mock import patch

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cqdt_rules as cq
from cqdt_rules.analysis import sensitivity as sa
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment
from cqdt_rules.model.checking import check_assessments

SAMPLE = "examples/gialai/egov-2022-audit.yaml"


def _scaled_points(spec: m.PointsSpec | None, factor: Decimal) -> m.PointsSpec | None:
    return spec if spec is None or spec == "full" else Decimal(spec) * factor  # type: ignore[arg-type]


def _scaled_rule(rule: m.Rule, factor: Decimal, header: m.Header) -> m.Rule:
    """The rule with every point value multiplied by ``factor`` (its maximum is scaled on the node)."""
    if isinstance(rule, m.CategoryRule):
        arms = tuple(attrs.evolve(a, points=_scaled_points(a.points, factor)) for a in rule.arms)
        return attrs.evolve(rule, arms=arms, otherwise=_scaled_points(rule.otherwise, factor))
    if isinstance(rule, m.BandsRule):
        bands = tuple(attrs.evolve(b, points=_scaled_points(b.points, factor)) for b in rule.bands)
        return attrs.evolve(rule, bands=bands, otherwise=_scaled_points(rule.otherwise, factor))
    if isinstance(rule, m.RatioRule):
        on_zero = rule.on_zero if rule.on_zero is not None else header.on_zero_denominator
        return attrs.evolve(rule, on_zero=_scaled_points(on_zero, factor))
    if isinstance(rule, m.PerItemRule):
        return attrs.evolve(rule, each=rule.each * factor)
    if isinstance(rule, m.BestOfRule):
        return attrs.evolve(rule, alternatives=tuple(_scaled_rule(a, factor, header) for a in rule.alternatives))
    assert isinstance(rule, (m.YesRule, m.InformationalRule)), type(rule)
    return rule


def perturbed_ruleset(ruleset: m.Ruleset, tier_id: str, model: sa.CohortModel, parameters: Any) -> m.Ruleset:
    """The ruleset as one run perturbs it, written out as a model the scalar engine scores."""
    factors = {c.node.id: Decimal(int(k)) / sa.FACTOR_STEP for c, k in zip(model.criteria, parameters)}
    moves = {cut: Decimal(int(j)) / sa.CUT_STEP for cut, j in zip(model.cutoffs, parameters[len(model.criteria):])}

    def node(n: m.Node) -> m.Node:
        if n.rule is not None:
            if n.id not in factors:
                return n
            f = factors[n.id]
            return attrs.evolve(n, max=n.max * f, rule=_scaled_rule(n.rule, f, ruleset.header))
        children = tuple(node(c) for c in n.children)
        return attrs.evolve(n, children=children, max=sum((c.max for c in children), Decimal(0)))

    def scale(s: m.LevelScale) -> m.LevelScale:
        levels = tuple(attrs.evolve(lv, threshold=attrs.evolve(lv.threshold, value=lv.threshold.value + moves.get((s.name, i), 0)))
                       for i, lv in enumerate(s.levels))
        return attrs.evolve(s, levels=levels)

    tiers = []
    for tier in ruleset.tiers:
        if tier.id == tier_id:
            nodes = tuple(node(n) for n in tier.nodes)
            tier = attrs.evolve(tier, nodes=nodes, max=sum((n.max for n in nodes), Decimal(0)),
                                levels=tuple(scale(s) for s in tier.levels))
        tiers.append(tier)
    return attrs.evolve(ruleset, tiers=tuple(tiers))


@pytest.mark.slow
@pytest.mark.parametrize("vary", [sa.Vary(renormalise=False), sa.Vary(spread=Decimal("0.3"), cutoff_points=Decimal("2.4"), renormalise=False)])
def test_every_run_equals_an_exact_rescoring_of_the_perturbed_ruleset(vary: sa.Vary) -> None:
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    rng = np.random.default_rng(5)
    compared = 0
    for (tier_id, _, _), model in sa.cohort_models(checked, units, vary):
        parameters = model.sample(rng, 6)
        levels, ranks = model.evaluate(parameters)
        scale = model.scale_levels[0]
        for run, row in enumerate(parameters):
            results = cq.score(perturbed_ruleset(checked.ruleset, tier_id, model, row), units)
            scored = sorted(results.tier_units(tier_id), key=lambda u: u.code)
            ids = [lv.id for lv in scale.levels]
            expected_levels = [ids.index(u.levels[scale.name].id) if u.levels[scale.name].id else -1 for u in scored]
            assert levels[scale.name][run].tolist() == expected_levels
            assert ranks is not None
            assert ranks[run].tolist() == [u.ranks[model.ranking.name].rank for u in scored]  # type: ignore[union-attr]
            compared += len(scored)
    assert compared == 6 * len(units)


def _computed(shortcuts: bool) -> Any:
    """With ``shortcuts``, every criterion with repeated values is a table per run and a group's tables are added
    up per combination whatever their number; without, only yes/category/bands tables, looked up one by one."""
    share = 1.0 if shortcuts else 0.0
    return patch.multiple(sa, TABLE_SHARE=share, COMBINATIONS_SHARE=share)


@cache
def _communes() -> tuple[Any, tuple[Assessment, ...]]:
    checked = cq.load("egov_2020")
    return checked, tuple(u for u in check_assessments(checked.ruleset, cq.load_assessments(SAMPLE)) if u.tier == "xa")


def _mixed_communes(communes: tuple[Assessment, ...], count: int, donors: int, rng: random.Random) -> list[Assessment]:
    """``count`` communes whose values are drawn indicator by indicator from the first ``donors`` of the sample's
    (fewer donors: more repeated values), in up to 3 districts."""
    found = []
    for i in range(count):
        values, evidence = {}, {}
        for name in communes[0].values:
            donor = communes[rng.randrange(donors)]
            values[name] = donor.values[name]
            if name in donor.evidence:
                evidence[name] = donor.evidence[name]
        found.append(Assessment(code=f"X{i:03}", name=f"X {i}", tier="xa", year=2022, source="audit", values=values,
                                evidence=evidence, parent=communes[rng.randrange(3)].parent))
    return found


@given(st.data())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_node_of_a_run_equals_an_exact_rescoring_whether_values_are_looked_up_or_computed(data: Any) -> None:
    checked, communes = _communes()
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1)))
    count, donors = data.draw(st.integers(2, 40)), data.draw(st.integers(1, len(communes)))
    units = _mixed_communes(communes, count, donors, rng)
    vary = sa.Vary(spread=data.draw(st.sampled_from([Decimal("0.05"), Decimal("0.2"), Decimal("0.5")])),
                   cutoff_points=data.draw(st.sampled_from([None, Decimal("2.5")])), renormalise=False)
    with _computed(data.draw(st.booleans())):
        [(_, model)] = sa.cohort_models(checked, units, vary, tiers=("xa",))
    parameters = model.sample(np.random.default_rng(rng.randrange(2**32)), 2)
    points, maxima = model._points(parameters)
    total = model._total(points, maxima)
    levels, ranks = model.evaluate(parameters)
    scale = model.scale_levels[0]
    ids = [lv.id for lv in scale.levels]
    for run, row in enumerate(parameters):
        scored = sorted(cq.score(perturbed_ruleset(checked.ruleset, "xa", model, row), units).tier_units("xa"),
                        key=lambda u: u.code)
        for node_id, found in points.items():  # every group, and every criterion not added up with others
            assert [Decimal(int(p)) / model.scale for p in found[run]] == [u.nodes[node_id].points for u in scored]
        assert [Decimal(int(t)) / model.scale for t in total[run]] == [u.total for u in scored]
        assert levels[scale.name][run].tolist() == [ids.index(u.levels[scale.name].id) if u.levels[scale.name].id
                                                    else -1 for u in scored]
        assert ranks is not None and ranks[run].tolist() == [u.rank() for u in scored]


@pytest.mark.parametrize("ruleset, data", [("egov_2020", SAMPLE), ("dti_2023", "examples/gialai/dti-2023-audit.yaml")])
def test_looking_values_up_gives_the_levels_and_ranks_computing_them_gives(ruleset: str, data: str) -> None:
    checked = cq.load(ruleset)
    units = list(cq.load_assessments(data))
    for vary in (sa.Vary(), sa.Vary(spread=Decimal("0.4"), cutoff_points=Decimal(3), renormalise=False)):
        found = []
        for shortcuts in (True, False):
            with _computed(shortcuts):
                models = sa.cohort_models(checked, units, vary)
            assert any(model.patterns for _, model in models) == shortcuts
            found.append([model.evaluate(model.sample(np.random.default_rng(8), 40)) for _, model in models])
        for (levels, ranks), (levels_again, ranks_again) in zip(*found):
            assert ranks is not None and ranks_again is not None and np.array_equal(ranks, ranks_again)
            assert levels.keys() == levels_again.keys()
            assert all(np.array_equal(levels[k], levels_again[k]) for k in levels)


@pytest.mark.parametrize("ruleset, data", [("egov_2020", SAMPLE), ("dti_2023", "examples/gialai/dti-2023-audit.yaml")])
def test_the_unperturbed_run_is_the_published_result(ruleset: str, data: str) -> None:
    checked = cq.load(ruleset)
    units = list(cq.load_assessments(data))
    published = cq.score(checked, units)
    for vary in (sa.Vary(), sa.Vary(renormalise=False)):
        for (tier_id, _, _), model in sa.cohort_models(checked, units, vary):
            levels, ranks = model.evaluate(model.published_parameters())
            scored = sorted(published.tier_units(tier_id), key=lambda u: u.code)
            assert ranks is not None and ranks[0].tolist() == [u.rank() for u in scored]
            scale = model.scale_levels[0]  # egov: on the total; dti: on the published DTI (total / 1000)
            ids = [lv.id for lv in scale.levels]
            assert levels[scale.name][0].tolist() == [ids.index(u.levels[scale.name].id) if u.levels[scale.name].id
                                                      else -1 for u in scored]


def test_a_seed_makes_the_analysis_reproducible_and_the_figures_hang_together() -> None:
    checked = cq.load("egov_2020")
    units = list(cq.load_assessments(SAMPLE))
    first = sa.run(checked, units, runs=300, seed=1, tiers=("xa",))
    again = sa.run(checked, units, runs=300, seed=1, tiers=("xa",))
    other = sa.run(checked, units, runs=300, seed=2, tiers=("xa",))
    assert first.to_json() == again.to_json()
    assert first.to_json() != other.to_json()
    [tier] = first.tiers
    assert len(tier.units) == 220
    for unit in tier.units:
        assert abs(sum(share for _, share in unit.levels) - 1) < 1e-9
        assert unit.rank_low <= unit.median_rank <= unit.rank_high
        assert dict(unit.levels).get(unit.level, 0.0) == unit.keeps_level
    risky = tier.most_at_risk(5)
    assert [u.keeps_level for u in risky] == sorted(u.keeps_level for u in risky)
    assert risky[0].keeps_level == min(u.keeps_level for u in tier.units) < 1


def test_no_perturbation_keeps_every_level_and_rank() -> None:
    checked = cq.load("egov_2020")
    result = sa.run(checked, cq.load_assessments(SAMPLE), runs=20, seed=1, vary=sa.Vary(spread=None))
    for tier in result.tiers:
        assert tier.mean_shift == 0 and tier.unstable_count(0) == 0


def test_indices_name_the_parameters_that_drive_the_uncertainty() -> None:
    checked = cq.load("egov_2020")
    vary = sa.Vary(spread=Decimal("0.2"), cutoff_points=Decimal(2))
    result = sa.run(checked, cq.load_assessments(SAMPLE), runs=50, seed=3, tiers=("xa",), indices=64)
    [tier] = result.tiers
    by = {(i.output, i.group): i for i in tier.indices}
    assert set(by) == {("rank shift", "A"), ("rank shift", "B"), ("level changes", "A"), ("level changes", "B")}
    for index in tier.indices:
        assert index.first_interval[0] <= index.first_interval[1]
        assert index.total_interval[0] <= index.total_interval[1]
    with_cuts = sa.run(checked, cq.load_assessments(SAMPLE), runs=50, seed=3, tiers=("xa",), indices=64, vary=vary)
    cuts = {(i.output, i.group): i for i in with_cuts.tiers[0].indices}
    assert cuts[("rank shift", "cut-offs")].total == 0  # ranks do not depend on cut-offs: exactly 0
    assert cuts[("level changes", "cut-offs")].total > 0.05


# ---------------------------------------------------------------- the command and the report
@pytest.mark.slow
def test_the_command_prints_per_tier_the_units_whose_level_is_least_stable(capsys: Any) -> None:
    from cqdt_rules.cli.main import main

    assert main(["sensitivity", "egov_2020", SAMPLE, "--runs", "1000", "--seed", "1", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    expected = sa.run(cq.load("egov_2020"), cq.load_assessments(SAMPLE), runs=1000, seed=1)
    for tier in expected.tiers:
        assert f"Tier {tier.tier}: " in out
        block = out.split(f"Tier {tier.tier}: ")[1].split("\n\n")[0]
        listed = [line.split()[0] for line in block.splitlines()[3:] if line and not line.startswith("Mean")]
        assert listed == [u.code for u in tier.most_at_risk(10)]
        assert tier.most_at_risk(1)[0].keeps_level < 1  # the sample has knife-edge units in every tier
    assert "1,000 perturbations, seed 1" in out


def test_the_command_writes_json_and_csv_and_refuses_bad_options(capsys: Any, tmp_path: Any) -> None:
    import csv
    import json

    from cqdt_rules.cli.main import main

    assert main(["sensitivity", "egov_2020", SAMPLE, "--runs", "50", "--seed", "2", "--format", "json",
                 "--cutoffs", "1.5", "--tier", "xa", "--indices", "16"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["runs"] == 50 and data["vary"]["cutoff_points"] == "1.5"
    assert [t["tier"] for t in data["tiers"]] == ["xa"] and len(data["tiers"][0]["units"]) == 220
    assert data["tiers"][0]["indices"]
    out = tmp_path / "s.csv"
    assert main(["sensitivity", "egov_2020", SAMPLE, "--runs", "20", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 257 and {"keeps_level", "rank_p05", "rank_p95"} <= set(rows[0])
    capsys.readouterr()
    for bad, message in ((["--runs", "0"], "--runs must be between"), (["--spread", "abc"], "is not a number"),
                         (["--spread", "150%"], "the spread must be at least 0 and below 100%"),
                         (["--group", "B=2..1"], "need 0 < LOW ≤ HIGH ≤ 2"), (["--group", "B=1..3"], "(1..3)")):
        assert main(["sensitivity", "egov_2020", SAMPLE, *bad, "--lang", "en"]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err and message in err


@pytest.mark.slow
def test_the_report_can_include_the_robustness_section(tmp_path: Any, capsys: Any) -> None:
    from cqdt_rules.cli.main import main

    assert main(["report", "egov_2020", SAMPLE, "--out", str(tmp_path), "--formats", "html,md",
                 "--sensitivity", "200", "--seed", "1", "--lang", "en"]) == 0
    html = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    assert 'id="do-vung"' in html and "How robust levels and ranks are" in html
    assert html.count('class="chart chart-rank-interval"') == 1 + 1 + 17  # so, huyen; communes per district
    assert "JRC/OECD" in html
    markdown = next(tmp_path.glob("*.md")).read_text(encoding="utf-8")
    assert "sensitivity-xa-622.svg" in markdown
    assert main(["report", "egov_2020", SAMPLE, "--out", str(tmp_path / "plain"), "--formats", "html"]) == 0
    assert 'id="do-vung"' not in next((tmp_path / "plain").glob("*.html")).read_text(encoding="utf-8")


# ---------------------------------------------------------------- ranks and rank figures against their definitions
def _ranks_by_definition(group: Any, parts: list[Any], dense: bool) -> list[list[int]]:
    """Rank = 1 + the units (dense: the distinct keys) of the same group with a smaller key tuple."""
    runs, rows = parts[0].shape
    found = []
    for r in range(runs):
        keys = [tuple(int(p[r, u]) for p in parts) for u in range(rows)]
        row = []
        for u in range(rows):
            better = [keys[v] for v in range(rows) if group[v] == group[u] and keys[v] < keys[u]]
            row.append(1 + (len(set(better)) if dense else len(better)))
        found.append(row)
    return found


@given(st.data())
@settings(max_examples=150, deadline=None)
def test_ranks_within_groups_follow_their_definition(data: Any) -> None:
    rows = data.draw(st.integers(1, 12))
    runs = data.draw(st.integers(1, 4))
    group = np.array(data.draw(st.lists(st.integers(0, 3), min_size=rows, max_size=rows)), dtype=np.int64)
    # small values make ties; huge ones (beyond what fits beside the unit and group bits) take the general path
    bound = data.draw(st.sampled_from([3, 10**6, 2**61]))
    values = st.lists(st.integers(-bound, bound), min_size=runs * rows, max_size=runs * rows)
    parts = [np.array(data.draw(values), dtype=np.int64).reshape(runs, rows)
             for _ in range(data.draw(st.integers(1, 2)))]
    dense = data.draw(st.booleans())
    assert sa._row_ranks(sa.Grouping(group), parts, dense).tolist() == _ranks_by_definition(group, parts, dense)


@given(st.integers(1, 60), st.integers(1, 9), st.integers(0, 2**31 - 1), st.sampled_from([np.int16, np.int32]))
@settings(max_examples=60, deadline=None)
def test_rank_figures_are_numpys_median_percentiles_and_means(runs: int, rows: int, seed: int, dtype: Any) -> None:
    rng = np.random.default_rng(seed)
    ranks = rng.integers(1, 8, size=(runs, rows)).astype(dtype)
    published = rng.integers(1, 8, size=rows).astype(dtype)
    figures = sa._rank_figures(ranks, published)
    assert figures.median.tolist() == np.median(ranks, axis=0).tolist()
    low, high = np.percentile(ranks, [5, 95], axis=0, method="nearest")
    assert figures.low.tolist() == low.tolist() and figures.high.tolist() == high.tolist()
    assert figures.shift.tolist() == np.abs(ranks - published[None, :]).mean(axis=0).tolist()
    assert figures.cohort_shift == float(np.abs(ranks - published[None, :]).mean())


def test_factors_beyond_what_the_integer_bounds_allow_are_refused() -> None:
    """The integer columns' bounds are worked out for factors up to 2: a larger one could wrap silently."""
    units = cq.load_assessments(SAMPLE)
    checked = cq.load("egov_2020")
    for vary in (sa.Vary(spread=None, groups=(("B", Decimal("1"), Decimal("2.5")),)), sa.Vary(spread=Decimal("1")),
                 sa.Vary(groups=(("B", Decimal("0"), Decimal("1")),)), sa.Vary(cutoff_points=Decimal("-1"))):
        with pytest.raises(cq.UsageError):
            cq.sensitivity(checked, units, runs=2, vary=vary)
    cq.sensitivity(checked, units, runs=2, vary=sa.Vary(spread=None, groups=(("B", Decimal("0.5"), Decimal("2")),)))


@given(st.integers(1, 70), st.integers(1, 40), st.integers(1, 9), st.integers(0, 2**31 - 1), st.data())
@settings(max_examples=80, deadline=None)
def test_ranks_stored_block_by_block_give_the_figures_of_the_whole_array(runs: int, rows: int, chunk: int, seed: int,
                                                                        data: Any) -> None:
    """The analysis folds each block of runs into a store of every unit's ranks, kept in small blocks of units and
    staged a few runs at a time: small sizes here make many blocks, pieces and partial stages."""
    rng = np.random.default_rng(seed)
    ranks = rng.integers(1, 30, size=(runs, rows)).astype(np.int16)
    published = rng.integers(1, 30, size=rows).astype(np.int16)
    block_bytes = data.draw(st.sampled_from([2, 16, 64, 2**21]))
    with patch.object(sa, "BLOCK_BYTES", block_bytes), patch.object(sa, "STAGE_RUNS", data.draw(st.integers(1, 9))):
        store = sa._RankStore(rows, runs, np.int16)
        for start in range(0, runs, chunk):
            store.add(ranks[start:start + chunk])
        found = store.figures(published)
    expected = sa._rank_figures(ranks, published)
    for name in ("median", "low", "high", "shift"):
        assert getattr(found, name).tolist() == getattr(expected, name).tolist(), name
    assert found.cohort_shift == expected.cohort_shift
