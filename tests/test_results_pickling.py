"""Results pickle and come back equal: a program sends them to another process (multiprocessing) or keeps them
between runs. A unit scored by a tier's generated functions keeps those functions, which cannot be pickled: its node
results are pickled as the dictionary of their results."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import cqdt_rules as cq

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "gialai"


@pytest.mark.parametrize(("ruleset", "data"), [("egov_2020", "egov-2022-audit-xa.csv"),
                                               ("egov_2020", "egov-2022-audit.yaml"),
                                               ("dti_2023", "dti-2023-audit.yaml")])
@pytest.mark.parametrize("engine", ["scalar", "batch"])
def test_results_pickle_and_read_the_same(ruleset: str, data: str, engine: str) -> None:
    results = cq.score(cq.load(ruleset), cq.load_assessments(EXAMPLES / data), engine=engine)
    again = pickle.loads(pickle.dumps(results))
    assert again == results
    assert again.to_json() == results.to_json() and again.to_csv() == results.to_csv()
    for before, after in zip(results.units[:20], again.units[:20]):
        assert after.explain("vi") == before.explain("vi") and after.explain("en") == before.explain("en")
        assert dict(after.nodes) == dict(before.nodes)


def test_a_tiers_units_are_found_once_and_each_narrowing_finds_its_own() -> None:
    results = cq.score(cq.load("egov_2020"), cq.load_assessments(EXAMPLES / "egov-2022-audit.yaml"))
    for tier in ("so", "huyen", "xa"):
        units = results.tier_units(tier)
        assert units == tuple(u for u in results.units if u.tier.id == tier) and units
        assert results.tier_units(tier) is units  # found once: reports and analyses ask many times
    with pytest.raises(cq.UsageError, match="^the ruleset has no tier 'no such tier'; its tiers: so, huyen, xa$"):
        results.tier_units("no such tier")  # an unknown tier is a mistake, not a tier without units
    assert results.of_source("self").tier_units("xa") == ()  # the narrowed results find their own units
    again = pickle.loads(pickle.dumps(results))
    assert [len(again.tier_units(t)) for t in ("so", "huyen", "xa")] == [20, 17, 220]
