"""Other systems importing the library: Python data in (``assessments_from_records``), JSON out, valid
against the shipped schema; a 'yes' without its evidence visible in the result; the package installs
anywhere (ranges, not pins) and says its version."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

import cqdt_rules as cq
from cqdt_rules.cli.main import main
from cqdt_rules.engine.results import SCHEMA_FILE

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_GOOD = ROOT / "tests" / "golden" / "good"
SAMPLE = ROOT / "examples" / "gialai"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def validate(document: dict[str, object]) -> None:
    jsonschema.Draft202012Validator(cq.results_schema()).validate(document)


# ---------------------------------------------------------------- the results schema
def test_the_schema_file_is_a_valid_json_schema_shipped_in_the_package() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    assert SCHEMA_FILE.parent.name == "engine" and SCHEMA_FILE.name == "cqdt-results.schema.json"
    assert schema["properties"]["schema"]["const"] == "cqdt-results/1"


@pytest.mark.parametrize("case", sorted(p.name for p in GOLDEN_GOOD.iterdir() if p.is_dir()))
def test_every_golden_result_is_valid_against_the_schema(case: str) -> None:
    folder = GOLDEN_GOOD / case
    units = next(p for p in (folder / "units.yaml", folder / "units.csv") if p.is_file())
    results = cq.score(cq.load(folder / "ruleset.cqdt"), cq.load_assessments(units))
    validate(json.loads(results.to_json()))


def test_the_sample_results_are_valid_and_the_schema_catches_a_broken_document() -> None:
    document = json.loads(cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLE / "egov-2022-audit.yaml")).to_json())
    validate(document)
    broken = {**document, "units": [document["units"][0]]}  # one unit: validating all 257 again adds nothing
    broken["units"][0]["total"] = 118.348  # a float instead of decimal text
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
    del broken["units"][0]["total"]
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)


def test_the_schema_names_every_field_results_write() -> None:
    """No field is written that the schema (and so docs/api.md) does not describe."""
    schema = cq.results_schema()
    document = json.loads(cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLE / "egov-2022-audit.yaml")).to_json())
    assert set(document) == set(schema["properties"])
    assert set(document["ruleset"]) == set(schema["properties"]["ruleset"]["properties"])
    assert set(document["units"][0]) == set(schema["$defs"]["unit"]["properties"])
    assert set(document["units"][0]["nodes"][0]) == set(schema["$defs"]["node"]["properties"])
    data_model = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for field in schema["$defs"]["unit"]["properties"]:
        assert f".{field}" in data_model or f"`{field}`" in data_model, field
    assert "cqdt-results.schema.json" in api and "stability" in api.lower()


# ---------------------------------------------------------------- Python data in
def _row(**values: object) -> dict[str, object]:
    return {"code": "23575", "name": "Phường Tây Sơn", "tier": "xa", "parent": "622", "year": 2023,
            "source": "audit", **values}


CDS_XA = ROOT / "examples" / "api" / "cds_xa.cqdt"


@pytest.fixture(scope="module")
def cds_xa() -> cq.CheckedRuleset:
    return cq.load(CDS_XA)


def test_records_score_like_a_file(cds_xa: cq.CheckedRuleset) -> None:
    rows = [_row(may_tinh="24/25", ho_so_truc_tuyen=[9, 10], truong_ban="chu_tich",
                 evidence={"may_tinh": ["QĐ 12/2023"]}),
            _row(code="23590", name="Xã Biển Hồ", values={"may_tinh": {"a": 27, "b": 30}, "ho_so_truc_tuyen": "5/10",
                                                          "truong_ban": "pho_chu_tich"}, evidence={"may_tinh": "DS-01"}),
            _row(code="23593", name="Xã Tân Sơn", **{"may_tinh.a": "15", "may_tinh.b": "15"},
                 ho_so_truc_tuyen=(0, 0), truong_ban="chu_tich")]
    results = cq.score(cds_xa, cq.assessments_from_records(rows))
    assert [u.code for u in results] == ["23575", "23590", "23593"]
    assert results.unit("23575").points("A1") == Decimal("28.80")
    assert results.unit("23593").assessment.values["may_tinh"] == cq.Pair(Decimal(15), Decimal(15))


def test_record_errors_name_the_record_and_field(cds_xa: cq.CheckedRuleset) -> None:
    rows = [_row(may_tinh="24/25", ho_so_truc_tuyen="9/10", truong_ban="chu_tich") for _ in range(17)]
    rows.append(_row(code="23599", may_tinh="16/10", ho_so_truc_tuyen="9/10", truong_ban="chu_tich"))
    rows[3] = {**rows[3], "code": "23576"}
    for index in range(4, 17):
        rows[index] = {**rows[index], "code": f"2{index:04d}"}
    with pytest.raises(cq.DataError) as raised:
        cq.score(cds_xa, cq.assessments_from_records(rows))
    text = raised.value.render()
    assert "record 17, field 'may_tinh': error: unit '23599', 'may_tinh': a = 16 is greater than b = 10" in text
    assert "record 1: error: unit '23575' appears twice" in text  # rows 0..2 share a code


def test_a_record_without_its_identity_or_with_a_bad_year_is_refused() -> None:
    with pytest.raises(cq.DataError) as raised:
        cq.assessments_from_records([{"code": "1", "name": "X"}, _row(year="hai nghìn"), "not a dict"])  # type: ignore[list-item]
    text = raised.value.render()
    assert "record 0: error: unit is missing tier, year, source" in text
    assert "record 1, field 'year': error: expected a year of four digits, got 'hai nghìn'" in text
    assert "record 2: error: expected a dict for a unit, got str" in text


def test_records_not_in_a_list_are_a_usage_error_saying_a_list_is_expected() -> None:
    with pytest.raises(cq.UsageError, match=r"^expected a list of records \(dicts\), one per unit, not one record: "
                                            r"pass \[record\]$"):
        cq.assessments_from_records(_row())
    with pytest.raises(cq.UsageError, match=r"^expected a list of records \(dicts\), one per unit, not str$"):
        cq.assessments_from_records("23575")  # type: ignore[arg-type]


# ---------------------------------------------------------------- a 'yes' without its evidence
def test_missing_evidence_is_in_the_result_and_the_json(cds_xa: cq.CheckedRuleset) -> None:
    rows = [_row(may_tinh="15/15", ho_so_truc_tuyen="0/0", truong_ban="chu_tich")]
    unit = cq.score(cds_xa, cq.assessments_from_records(rows)).unit("23575")
    assert unit.missing_evidence == ("A1",) and unit.points("A1") == 0
    document = json.loads(cq.score(cds_xa, cq.assessments_from_records(rows)).to_json())
    assert document["units"][0]["missing_evidence"] == ["A1"]
    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert "missing_evidence" in api


# ---------------------------------------------------------------- a wrong argument: a clear error at the call
@pytest.fixture(scope="module")
def sample_results() -> cq.Results:
    return cq.score(cq.load("egov_2020"), cq.load_assessments(SAMPLE / "egov-2022-audit.yaml"))


@pytest.mark.parametrize(("call", "message"), [
    (lambda r: r.unit(622), "a unit code is text, such as '622', not int"),
    (lambda r: r.unit(None), "a unit code is text, such as '622', not NoneType"),
    (lambda r: r.unit("622").points(None), "a node id is text, such as 'A', not NoneType"),
    (lambda r: r.unit("622").explain("fr"), "no explanation in language 'fr': use 'en' or 'vi'"),
    (lambda r: r.unit("622").rank("nope"), "unit '622' has no rank in ranking 'nope'; its rankings: khoi"),
    (lambda r: r.unit("622", year=2019), "unit '622' has no result for year 2019; its years: 2022"),
    (lambda r: r.unit("622", year="2022"), "a year is a whole number, such as year=2022, not str"),
    (lambda r: r.unit("622", source="nope"), "unit '622' has no result from source 'nope'; its sources: audit"),
    (lambda r: r.tier_units("nope"), "the ruleset has no tier 'nope'; its tiers: so, huyen, xa"),
    (lambda r: r.ranking("xa", "nope"), "tier 'xa' has no ranking 'nope'; its rankings: huyen"),
    (lambda r: r.ranking("xa", "huyen", group="ZZZ"), "ranking 'huyen' of tier 'xa' has no group 'ZZZ'; its groups: 622,"),
    (lambda r: r.write_json(3), "write to an open text file or a path, not int"),
])
def test_a_wrong_argument_to_results_is_a_usage_error_naming_the_choices(
        sample_results: cq.Results, call: Callable[[cq.Results], object], message: str) -> None:
    with pytest.raises(cq.UsageError) as raised:
        call(sample_results)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("written", [" 622", "６２２", "622\u200b"])
def test_a_unit_is_found_by_its_code_written_as_data_may_write_it(sample_results: cq.Results, written: str) -> None:
    """Spaces around, fullwidth digits, an invisible mark: the code is normalised as the data's codes were read."""
    assert sample_results.unit(written) is sample_results.unit("622")


def test_a_ruleset_tier_without_results_has_no_units(sample_results: cq.Results) -> None:
    assert sample_results.of_year(2019).tier_units("xa") == ()


def test_results_are_written_to_a_path_whole(sample_results: cq.Results, tmp_path: Path) -> None:
    sample_results.write_json(tmp_path / "results.json")
    sample_results.write_csv(str(tmp_path / "results.csv"))
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == sample_results.to_json()
    assert (tmp_path / "results.csv").read_text(encoding="utf-8") == sample_results.to_csv()


def test_score_takes_a_ruleset_and_data_as_load_and_load_assessments_take_them(sample_results: cq.Results) -> None:
    data = SAMPLE / "egov-2022-audit.yaml"
    for ruleset, units in (("egov_2020", data), (2022, str(data)), (cq.load("egov_2020").ruleset, data)):
        assert cq.score(ruleset, units).units == sample_results.units


@pytest.mark.parametrize(("ruleset", "units", "message"), [
    (None, (), "score with a ruleset (cqdt_rules.load(...)), a ruleset's path, a shipped ruleset id or an "
               "assessment year, not NoneType"),
    ("egov_2020", [{"code": "1"}], "score assessments, not a list of dict: read them with "
                                   "cqdt_rules.load_assessments(path), records (dicts) with "
                                   "cqdt_rules.assessments_from_records(records), or give the data file's path"),
    ("egov_2020", {"code": "1"}, "score assessments, not dict: read them with cqdt_rules.load_assessments(path), "
                                 "records (dicts) with cqdt_rules.assessments_from_records(records), or give the "
                                 "data file's path"),
    ("egov_2020", 3, "score assessments, not int: read them"),
])
def test_score_given_something_else_says_what_to_pass(ruleset: object, units: object, message: str) -> None:
    with pytest.raises(cq.UsageError) as raised:
        cq.score(ruleset, units)  # type: ignore[arg-type]
    assert str(raised.value).startswith(message)


def test_load_assessments_reads_a_folder_or_a_list_as_the_command_line_does(tmp_path: Path) -> None:
    one = SAMPLE / "egov-2022-audit.yaml"
    assert cq.load_assessments([one]) == cq.load_assessments(one)
    (tmp_path / "a.yaml").write_bytes(one.read_bytes())
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    assert cq.load_assessments(tmp_path) == cq.load_assessments(str(tmp_path)) == cq.load_assessments(one)
    with pytest.raises(cq.UsageError, match=r"^data are read from a file or a folder \(a path\), or a list of them, "
                                            "not NoneType; records in memory: cqdt_rules.assessments_from_records$"):
        cq.load_assessments(None)  # type: ignore[arg-type]


# ---------------------------------------------------------------- installs anywhere
def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_dependencies_are_ranges_and_constraints_pin_every_one() -> None:
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"]) + [r for extra in project["optional-dependencies"].values() for r in extra]
    assert not [r for r in requirements if "==" in r], "pins belong in constraints.txt, not pyproject.toml"
    assert all(">=" in r for r in requirements), "every dependency states the lowest version it works with"
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    assert {_name(r) for r in requirements} <= set(pins)
    oldest = (ROOT / "constraints-oldest.txt").read_text(encoding="utf-8")
    for requirement in project["dependencies"]:
        low = re.search(r">=([\w.]+)", requirement)
        assert low and f"{_name(requirement)}=={low.group(1)}" in oldest, requirement
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "CQDT_CONSTRAINTS=constraints-oldest.txt" in ci
    assert '-c "$constraints"' in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")


def test_project_metadata_is_complete() -> None:
    project = PYPROJECT["project"]
    assert project["authors"] and project["license"] and project["classifiers"]
    assert any(c.startswith("License ::") for c in project["classifiers"])


def test_version_names_the_package_and_the_shipped_rulesets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cqdt-rules ")
    for ruleset_id in cq.shipped_rulesets():
        header = cq.load_ruleset(ruleset_id).header
        assert f"{ruleset_id} {header.version}" in out


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "cqdt_rules", "--version"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0 and "egov_2020" in done.stdout, done.stderr


# ---------------------------------------------------------------- docs/api.md runs as written
def test_the_integration_guide_examples_run_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", guide, flags=re.S)
    assert len(blocks) >= 6
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/api.md, example {number}", "exec"), namespace)  # noqa: S102 - the documented examples
