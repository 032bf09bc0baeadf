"""Golden tests: rulesets with unit data and their exact expected results or error text.

Layout (every case is discovered from the folders, nothing is listed here):

- ``tests/golden/good/<case>/``: ``ruleset.cqdt``, ``units.yaml`` or ``units.csv``, and
  ``expected.json`` = ``score(load(ruleset), units, run_at="fixed").to_dict()``. Each good case is
  also scored by the naive reference evaluator (tests/reference.py), which must agree with the
  golden, and some values computed by hand (see the comments in the rulesets) are asserted below.
- ``tests/golden/bad/<case>.cqdt`` with ``<case>.expected``: the exact ``RulesetError.render()``.
- ``tests/golden/warn/<case>.cqdt`` with ``<case>.expected``: a valid ruleset and exactly what
  ``cqdt check`` prints for it (its warnings, with positions, and the summary line).
- ``tests/golden/bad_data/<case>/``: ``ruleset.cqdt`` (valid), a bad ``units.yaml`` or
  ``units.csv``, and ``expected.txt``: the exact ``DataError.render()`` with source lines attached
  as the CLI shows them.

Paths in results and messages are relative to the repository root (the tests run from there),
so the goldens hold in any checkout.

After a deliberate change of output, rewrite the expected files and review the diff:

    CQDT_UPDATE_GOLDENS=1 PYTHONPATH=src python3 -m pytest tests/test_goldens.py
    git diff tests/golden
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
import reference

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.errors import DataError, RulesetError
from cqdt_rules.model.units import Assessment

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("CQDT_UPDATE_GOLDENS") == "1"

GOOD = sorted(p.name for p in (GOLDEN / "good").iterdir() if p.is_dir())
BAD = sorted(p.stem for p in (GOLDEN / "bad").glob("*.cqdt"))
BAD_DATA = sorted(p.name for p in (GOLDEN / "bad_data").iterdir() if p.is_dir())
WARN = sorted(p.stem for p in (GOLDEN / "warn").glob("*.cqdt"))


@pytest.fixture(autouse=True)
def _from_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _units_file(folder: Path) -> Path:
    found = [p for p in (folder / "units.yaml", folder / "units.csv") if p.is_file()]
    assert len(found) == 1, f"{folder} needs exactly one units.yaml or units.csv"
    return found[0]


def _load(folder: Path) -> tuple[api.CheckedRuleset, tuple[Assessment, ...]]:
    ruleset = folder / "ruleset.cqdt"
    checked = api.load_text(ruleset.read_text(encoding="utf-8"), _rel(ruleset))
    return checked, load_assessments(Path(_rel(_units_file(folder))))


def _compare_text(expected_file: Path, actual: str) -> None:
    if UPDATE:
        expected_file.write_text(actual + "\n", encoding="utf-8")
        return
    assert expected_file.is_file(), f"{_rel(expected_file)} is missing: run with CQDT_UPDATE_GOLDENS=1 and review it"
    assert actual + "\n" == expected_file.read_text(encoding="utf-8")


# ---------------------------------------------------------------- good cases
@pytest.mark.parametrize("case", GOOD)
def test_good_case_matches_expected_results(case: str) -> None:
    folder = GOLDEN / "good" / case
    checked, units = _load(folder)
    results = api.score(checked, units, run_at="fixed")
    actual = json.loads(results.to_json())
    expected_file = folder / "expected.json"
    if UPDATE:
        expected_file.write_text(json.dumps(actual, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return
    assert expected_file.is_file(), f"{_rel(expected_file)} is missing: run with CQDT_UPDATE_GOLDENS=1 and review it"
    assert actual == json.loads(expected_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", GOOD)
def test_good_case_golden_agrees_with_reference_evaluator(case: str) -> None:
    """The golden is not just whatever the engine printed: the naive evaluator computes the same."""
    folder = GOLDEN / "good" / case
    checked, units = _load(folder)
    golden = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    computed = reference.reference_scores(checked.ruleset, units)
    assert len(golden["units"]) == len(computed)
    for unit in golden["units"]:
        ref = computed[(unit["code"], unit["year"], unit["source"])]
        assert {n["id"]: Decimal(n["points"]) for n in unit["nodes"]} == ref.points, unit["code"]
        assert Decimal(unit["total"]) == ref.total, unit["code"]
        assert {k: (None if v is None else Decimal(v)) for k, v in unit["outputs"].items()} == ref.outputs
        assert {k: v["id"] for k, v in unit["levels"].items()} == ref.levels, unit["code"]
        assert {k: v["rank"] for k, v in unit["ranks"].items()} == ref.ranks, unit["code"]


# Values worked out by hand from the published rules (the arithmetic is in each ruleset's comments).
# (case, code, source) -> what must hold; "points" lists node ids with their points.
HAND_CHECKED: dict[tuple[str, str, str], dict[str, object]] = {
    ("composite_index", "P1", "audit"): {"points": {"1": "100", "2": "90", "3": "82.530"}, "total": "272.530",
                                         "outputs": {"dti": "0.9084"}, "ranks": {"chi_so": 1}, "level": "tot"},
    ("composite_index", "P2", "audit"): {"points": {"1": "60", "2": "80", "3": "60"}, "total": "200.000",
                                         "outputs": {"dti": "0.6667"}, "ranks": {"chi_so": 2}, "level": "kha"},
    ("composite_index", "P3", "audit"): {"points": {"1": "80", "2": "60", "3": "60"}, "total": "200.000",
                                         "outputs": {"dti": "0.6667"}, "ranks": {"chi_so": 2}, "level": "kha"},
    ("composite_index", "P4", "audit"): {"points": {"1": "40", "2": "50", "3": "49.995"}, "total": "139.995",
                                         "outputs": {"dti": "0.4667"}, "ranks": {"chi_so": 4}, "level": None},
    ("egov2020_xa", "23575", "audit"): {"total": "84.875", "level": "I", "ranks": {"huyen": 1}},
    ("egov2020_xa", "23557", "audit"): {"total": "70.000", "level": "III", "ranks": {"huyen": 2}},
    ("egov2020_xa", "23617", "audit"): {"total": "64.999", "level": None, "ranks": {"huyen": 2}},
    ("egov2020_xa", "23614", "audit"): {"total": "80.000", "level": "I", "ranks": {"huyen": 1}},
    ("bands_boundaries", "X1", "self"): {"points": {"B1": "3", "B2": "3", "B3": "5", "B4": "20", "B5": "5"}, "total": "36"},
    ("bands_boundaries", "X2", "self"): {"points": {"B1": "2", "B2": "2", "B3": "3", "B4": "0", "B5": "3"}, "total": "10"},
    ("bands_boundaries", "X3", "self"): {"points": {"B1": "0", "B2": "0", "B3": "2", "B4": "15", "B5": "0"}, "total": "17"},
    ("bands_boundaries", "X4", "self"): {"points": {"B1": "1", "B2": "1", "B3": "0", "B4": "20", "B5": "1"}, "total": "23"},
    ("bands_boundaries", "X5", "self"): {"points": {"B1": "2", "B2": "2", "B3": "0", "B4": "10", "B5": "3"}, "total": "17"},
    ("rankings_ties", "U4", "audit"): {"ranks": {"khoi": 4, "khoi_dense": 3, "huyen": 2, "khoi_tiebreak": 4, "thap": 2}},
    ("levels_prerequisite", "L1", "audit"): {"total": "80.000", "level": "I"},
    ("levels_prerequisite", "L2", "audit"): {"total": "84.000", "level": "II"},
    ("levels_prerequisite", "L5", "audit"): {"total": "65.000", "level": "IV"},
    ("yes_category_ratio", "C1", "self"): {"points": {"Y1": "2", "Y2": "4", "R1": "0.008", "R2": "6", "R3": "4.275"},
                                           "total": "16.283", "ranks": {"khoi": 1}},
    ("yes_category_ratio", "C2", "self"): {"points": {"Y1": "0", "Y2": "2", "R1": "3", "R2": "6", "R3": "5"}, "total": "16"},
    ("yes_category_ratio", "C3", "self"): {"points": {"Y1": "2", "Y2": "0", "R1": "0", "R2": "2", "R3": "1.667"},
                                           "total": "5.667"},
    ("per_item_best_of", "U1", "audit"): {"points": {"P1": "5", "P2": "1.5", "P3": "5"}, "total": "11.5"},
    ("per_item_best_of", "U2", "audit"): {"points": {"P1": "3", "P2": "2", "P3": "6"}, "total": "11"},
    ("normalised", "U2", "self"): {"points": {"N1": "1.25", "N2": "1.25"}, "ranks": {"huyen": 2}},
    ("normalised", "U3", "self"): {"points": {"N1": "10", "N2": "0"}},
    ("normalised", "U5", "self"): {"points": {"N1": "2.5", "N2": "5"}},
    ("normalised", "U3", "audit"): {"points": {"N1": "10", "N2": "5"}},
    ("direct_informational", "S1", "self"): {"points": {"D1": "0", "D2": "0", "D3": "5"}, "total": "5"},
    ("direct_informational", "S1", "audit"): {"points": {"D1": "7.5", "D2": "0", "D3": "5"}, "total": "12.5"},
    ("formula", "U1", "self"): {"points": {"F1": "4.38", "F2": "3", "F3": "3"}, "total": "10.38"},
    ("formula", "U3", "self"): {"points": {"F1": "1.67", "F2": "4", "F3": "0.8"}, "total": "6.47"},
    ("evidence_zero_csv", "K2", "self"): {"points": {"E1": "0", "E2": "4", "E3": "1.5"}, "total": "5.5"},
    ("levels_prerequisite", "L4", "audit"): {"total": "64.999", "level": None},
    ("index_means", "DNK", "audit"): {"outputs": {"egdi": "0.9717", "egdi_pct": "97.1700", "weighted": "0.9737",
                                                  "geometric": "0.9716", "components": "2.9151", "spread": "0.0238"},
                                      "ranks": {"the_gioi": 1, "ha_tang_dich_vu": 1}},
    ("index_means", "FIN", "audit"): {"outputs": {"egdi": "0.9533", "weighted": "0.9608", "geometric": "0.9530"},
                                      "ranks": {"the_gioi": 2, "ha_tang_dich_vu": 3}},
    ("index_means", "KOR", "audit"): {"outputs": {"egdi": "0.9529", "weighted": "0.9603", "geometric": "0.9524"},
                                      "ranks": {"the_gioi": 3, "ha_tang_dich_vu": 2}},
    ("index_means", "VNM", "audit"): {"outputs": {"egdi": "0.6787", "weighted": "0.6711", "geometric": "0.6783"},
                                      "ranks": {"the_gioi": 4, "ha_tang_dich_vu": 4}},
    ("normalisations", "U1", "audit"): {"points": {"N1": "0"}, "outputs": {"chuan_hoa": "0", "z": "-1.118", "z_even": "-1.1",
                                                                         "hang": "5", "muc_tieu": "0.25"}, "ranks": {"theo_z": 5}},
    ("normalisations", "U2", "audit"): {"points": {"N1": "2.5"}, "outputs": {"chuan_hoa": "0.25", "z": "-0.373", "z_even": "-0.4",
                                                                           "hang": "3", "muc_tieu": "0.5"}, "ranks": {"theo_z": 3}},
    ("normalisations", "U4", "audit"): {"points": {"N1": "10"}, "outputs": {"chuan_hoa": "1", "z": "1.863", "z_even": "1.9",
                                                                          "hang": "1", "muc_tieu": "1"}, "ranks": {"theo_z": 1}},
    ("normalisations", "U5", "audit"): {"points": {"N1": "3.75"}, "outputs": {"chuan_hoa": "0.375", "z": "0", "z_even": "0",
                                                                            "hang": "2", "muc_tieu": "0.625"}, "ranks": {"theo_z": 2}},
}


@pytest.mark.parametrize("key", sorted(HAND_CHECKED), ids=lambda k: "-".join(k))
def test_good_case_hand_computed_values(key: tuple[str, str, str]) -> None:
    case, code, source = key
    checked, units = _load(GOLDEN / "good" / case)
    unit = api.score(checked, units, run_at="fixed").unit(code, source=source)
    want = HAND_CHECKED[key]
    for node_id, points in want.get("points", {}).items():  # type: ignore[attr-defined]
        assert unit.points(node_id) == Decimal(points), node_id
    if "total" in want:
        assert unit.total == Decimal(str(want["total"]))
    for name, value in want.get("outputs", {}).items():  # type: ignore[attr-defined]
        assert unit.outputs[name] == Decimal(value)
    for name, rank in want.get("ranks", {}).items():  # type: ignore[attr-defined]
        assert unit.ranks[name].rank == rank, name
    if "level" in want:
        assert unit.level is not None and unit.level.id == want["level"]


# ---------------------------------------------------------------- bad rulesets
@pytest.mark.parametrize("case", BAD)
def test_bad_ruleset_reports_expected_errors(case: str) -> None:
    source = GOLDEN / "bad" / f"{case}.cqdt"
    with pytest.raises(RulesetError) as caught:
        api.load_text(source.read_text(encoding="utf-8"), _rel(source))
    rendered = caught.value.render()
    assert "Traceback" not in rendered and "$END" not in rendered
    _compare_text(GOLDEN / "bad" / f"{case}.expected", rendered)


# ---------------------------------------------------------------- warnings
@pytest.mark.parametrize("case", WARN)
def test_ruleset_with_a_warning_reports_it_and_stays_usable(case: str, capsys: pytest.CaptureFixture[str]) -> None:
    source = GOLDEN / "warn" / f"{case}.cqdt"
    assert main(["check", "--lang", "en", _rel(source)]) == 0, "warnings never make a ruleset unusable"
    captured = capsys.readouterr()
    printed = captured.out + captured.err
    assert "warning:" in printed and "error:" not in printed
    _compare_text(GOLDEN / "warn" / f"{case}.expected", printed.rstrip("\n"))


# ---------------------------------------------------------------- bad data
@pytest.mark.parametrize("case", BAD_DATA)
def test_bad_data_reports_expected_errors(case: str) -> None:
    folder = GOLDEN / "bad_data" / case
    units_file = Path(_rel(_units_file(folder)))
    with pytest.raises(DataError) as caught:
        checked, units = _load(folder)
        api.score(checked, units, run_at="fixed")
    error = caught.value
    error.sources.setdefault(str(units_file), units_file.read_text(encoding="utf-8-sig"))
    for d in error.diagnostics:
        assert d.span.path == str(units_file), "data errors point into the data file"
    _compare_text(folder / "expected.txt", error.render())


# ---------------------------------------------------------------- the shipped rulesets stay clean
SHIPPED = sorted(p for folder in ("rulesets", "examples") for p in (ROOT / folder).rglob("*.cqdt"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: _rel(p))
def test_shipped_rulesets_check_with_no_warning(path: Path) -> None:
    """Every check (unreachable cut-offs, empty levels, coarse total rounding, unread inputs...) passes
    silently on the rulesets the project ships: a warning there would teach users to ignore warnings."""
    checked = api.load(path)
    assert checked.warnings == (), "\n".join(w.message for w in checked.warnings)
