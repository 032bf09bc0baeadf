"""Results kept compactly (issue: fast from the first keystroke to the last byte, memory): a unit read from a CSV
file is kept once (its result keeps the unit as read and its checked values, not the checker's copy of it), a
unit's one ranking is kept without a dictionary of its own (``SoleRank``), equal totals of a cohort are one object,
and units whose evidence cells read the same share one read-only evidence dictionary. Each reads, compares, hashes,
shows and pickles as the plain form it stands for."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import cqdt_rules as cq
from cqdt_rules.engine.results import RankResult, RowUnitResult, SoleRank, UnitResult
from cqdt_rules.model.units import Assessment

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "gialai" / "egov-2022-audit-xa.csv"


@pytest.fixture(scope="module")
def read() -> tuple[Assessment, ...]:
    return cq.load_assessments(SAMPLE)


@pytest.fixture(scope="module")
def results(read: tuple[Assessment, ...]) -> cq.Results:
    return cq.score(cq.load("egov_2020"), read)


def _plain(unit: Assessment) -> Assessment:
    return Assessment(unit.code, unit.name, unit.tier, unit.year, unit.source, dict(unit.values), dict(unit.evidence),
                      unit.parent, unit.note)


def test_a_unit_read_from_a_file_is_kept_once_by_its_result(read: tuple[Assessment, ...], results: cq.Results) -> None:
    by_code = {unit.code: unit for unit in read}
    kept = vars(UnitResult)["assessment"].__get__
    assert all(type(u) is RowUnitResult and kept(u) is by_code[u.code] for u in results.units)
    unit = results.units[0]
    assert unit.assessment == unit.assessment and unit.assessment.values == dict(unit.assessment.values)
    assert isinstance(unit.assessment.values["may_tinh"], cq.Pair)  # checked values, not the texts read
    assert by_code[unit.code].values["may_tinh"] == [str(unit.assessment.values["may_tinh"].a),
                                                     str(unit.assessment.values["may_tinh"].b)]


def test_a_result_kept_compactly_is_the_result_of_the_same_unit_given_in_python(
        read: tuple[Assessment, ...], results: cq.Results) -> None:
    plain = cq.score(cq.load("egov_2020"), [_plain(unit) for unit in read])
    assert all(type(u) is UnitResult for u in plain.units)
    for compact, given in zip(results.units, plain.units):
        assert compact == given and given == compact and not compact != given and hash(compact) == hash(given)
        shown = [repr(u).replace(repr(u.nodes), "<nodes>") for u in (compact, given)]  # node results show an address
        assert shown[0] == shown[1] and shown[0].startswith("UnitResult(") and compact.assessment == given.assessment
        assert (compact.code, compact.name, compact.parent) == (given.code, given.name, given.parent)
        assert compact.explain("vi") == given.explain("vi")
    assert results.to_json() == plain.to_json().replace(plain.run_at, results.run_at)
    assert results.to_csv() == plain.to_csv().replace(plain.run_at, results.run_at)  # scored a second apart under load
    unit = results.units[7]
    assert results.unit(unit.code, unit.assessment.year, unit.assessment.source) is unit
    assert results.of_year(unit.assessment.year) == results and results.of_source("self").units == ()


def test_a_result_kept_compactly_pickles_copies_and_evolves_as_a_plain_one(results: cq.Results) -> None:
    unit = results.units[3]
    for again in (pickle.loads(pickle.dumps(unit)), copy.copy(unit), attrs.evolve(unit)):
        assert type(again) is UnitResult and again == unit and unit == again
        assert again.assessment == unit.assessment and dict(again.nodes) == dict(unit.nodes)
    other = attrs.evolve(unit, total=unit.total + 1)
    assert type(other) is UnitResult and other != unit and other.total == unit.total + 1


def test_a_units_one_ranking_reads_as_the_dictionary_of_it(results: cq.Results) -> None:
    unit = results.units[0]
    [ranking] = unit.tier.rankings
    ranks = unit.ranks
    assert type(ranks) is SoleRank and len(ranks) == 1 and list(ranks) == [ranking.name]
    found = ranks[ranking.name]
    assert isinstance(found, RankResult) and ranks[ranking.name] is found and ranking.name in ranks
    as_dict = {ranking.name: found}
    assert ranks == as_dict and as_dict == ranks and dict(ranks) == as_dict and repr(ranks) == repr(as_dict)
    assert list(ranks.items()) == list(as_dict.items()) and list(ranks.values()) == [found]
    assert ranks.keys() == as_dict.keys() and unit.rank() == found.rank == unit.rank(ranking.name)
    assert "other" not in ranks and ranks.get("other") is None
    with pytest.raises(KeyError):
        ranks["other"]
    with pytest.raises(TypeError):
        ranks["other"] = found  # type: ignore[index]
    assert pickle.loads(pickle.dumps(ranks)) == ranks


def test_equal_totals_of_a_cohort_are_one_object(results: cq.Results) -> None:
    by_total: dict[Decimal, list[Decimal]] = {}
    for unit in results.units:
        by_total.setdefault(unit.total, []).append(unit.total)
    repeated = [totals for totals in by_total.values() if len(totals) > 1]
    assert repeated  # the sample's totals repeat
    for totals in repeated:
        assert all(total is totals[0] for total in totals if str(total) == str(totals[0]))


def test_units_whose_evidence_cells_read_the_same_share_one_read_only_dictionary(tmp_path: Path) -> None:
    header = "code,name,tier,year,source,cong_chuc_cntt,cong_chuc_cntt.evidence\n"
    rows = ["1,A,xa,2022,audit,2,QĐ 1\n", "2,B,xa,2022,audit,1,QĐ 1\n", "3,C,xa,2022,audit,2,QĐ 2\n",
            "4,D,xa,2022,audit,2,\n"]
    path = tmp_path / "units.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    first, second, third, fourth = cq.load_assessments(path)
    assert first.evidence == {"cong_chuc_cntt": ("QĐ 1",)} and first.evidence is second.evidence
    assert third.evidence == {"cong_chuc_cntt": ("QĐ 2",)} and third.evidence is not first.evidence
    assert fourth.evidence == {}
    with pytest.raises(TypeError, match="shared between units"):
        first.evidence["cong_chuc_cntt"] = ("QĐ 3",)  # type: ignore[index]
    assert second.evidence == {"cong_chuc_cntt": ("QĐ 1",)}
    again = pickle.loads(pickle.dumps(first))
    assert again == first and again.evidence == first.evidence
