"""The scoring service through an in-process client: every route, the cohort a unit is scored in,
problem details worded as the CLI words them, limits, and the OpenAPI description kept in the repository."""

from __future__ import annotations

import copy
import functools
import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from starlette.testclient import TestClient

import cqdt_rules as cq
from cqdt_rules.engine.results import results_schema
from cqdt_rules.cli.main import main as cqdt
from cqdt_rules.language.formatter import rule_text
from cqdt_rules.service.app import ENDPOINTS, create_app, package_version
from cqdt_rules.service.openapi import document, document_text
from cqdt_rules.service.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
GIALAI = ROOT / "examples" / "gialai"
EGOV_2022 = GIALAI / "egov-2022-audit.yaml"
DTI_2023 = GIALAI / "dti-2023-audit.yaml"
OPENAPI_FILE = ROOT / "docs" / "openapi.json"
JSON_HEADERS = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(cohorts=[f"dti_2023={DTI_2023}"])


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def _document(path: Path) -> dict[str, Any]:
    """The data file as plain JSON-like data: a fresh copy each time (tests change what they send)."""
    return copy.deepcopy(_parsed(path))


@functools.lru_cache(maxsize=None)
def _parsed(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return loaded


def _units(path: Path, **where: str) -> list[dict[str, Any]]:
    data = _document(path)
    defaults = {k: v for k, v in data.items() if k in ("year", "source", "tier")}
    return [{**defaults, **u} for u in data["units"] if all(str(u.get(k)) == v for k, v in where.items())]


def _validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for one component schema of the OpenAPI description ($refs resolved inside it)."""
    spec = document(ENDPOINTS, package_version())
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(schema)


def _in_process(ruleset: str, units: list[dict[str, Any]], tmp_path: Path, code: str | None = None) -> dict[str, Any]:
    """What ``cq.score(...).to_dict()`` gives for the same units read from a file."""
    data = tmp_path / "units.yaml"
    data.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    results = cq.score(cq.load(ruleset), cq.load_assessments(data)).to_dict()
    if code is not None:
        results["units"] = [u for u in results["units"] if u["code"] == code]
    return results


def _comparable(results: dict[str, Any]) -> dict[str, Any]:
    return {**results, "run_at": None, "ruleset": {**results["ruleset"], "path": None}}


# ---------------------------------------------------------------- health, version, rulesets
def test_health_and_version(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    version = client.get("/version").json()
    assert version["results_schema"] == "cqdt-results/1"
    assert {r["id"]: r["content_hash"] for r in version["rulesets"]} == {
        "egov_2020": cq.load("egov_2020").ruleset.content_hash, "dti_2023": cq.load("dti_2023").ruleset.content_hash}
    _validator("Version").validate(version)


def test_served_rulesets_are_listed_with_id_version_hash_status_years_tiers(client: TestClient) -> None:
    listing = client.get("/rulesets").json()
    _validator("RulesetList").validate(listing)
    egov = next(r for r in listing["rulesets"] if r["id"] == "egov_2020")
    ruleset = cq.load("egov_2020").ruleset
    assert egov["version"] == ruleset.header.version and egov["status"] == "reconstructed"
    assert egov["content_hash"] == ruleset.content_hash
    assert egov["years"] == {"first": 2020, "last": 2022}
    assert [(t["id"], t["max"]) for t in egov["tiers"]] == [(t.id, str(t.max)) for t in ruleset.tiers]


def test_a_ruleset_shows_its_criteria_as_written(client: TestClient) -> None:
    detail = client.get("/rulesets/dti_2023").json()
    _validator("RulesetDetail").validate(detail)
    ruleset = cq.load("dti_2023").ruleset
    xa = next(t for t in detail["criteria"] if t["tier"] == "xa")
    group = next(n for n in xa["nodes"] if n["id"] == "6")
    criterion = next(n for n in group["children"] if n["id"] == "6.2")
    assert criterion["rule"] == rule_text(ruleset.tier("xa").node("6.2").rule) == "normalised so_nong_san_ocop_tmdt within district"
    assert criterion["inputs"][0]["name"] == "so_nong_san_ocop_tmdt"
    assert criterion["max"] == "50"
    assert any("dti" in o["text"] for o in xa["outputs"])


def test_the_ruleset_as_the_decisions_appendix(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    links = client.get("/rulesets/egov_2020").json()["appendix"]
    assert links == {"html": "/rulesets/egov_2020/appendix?format=html", "md": "/rulesets/egov_2020/appendix?format=md"}
    markdown = client.get(links["md"] + "&tier=so&lang=en")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert cqdt(["render", "egov_2020", "--format", "md", "--tier", "so", "--lang", "en"]) == 0
    assert markdown.text == capsys.readouterr().out
    page = client.get(links["html"])
    assert page.headers["content-type"].startswith("text/html") and "<table" in page.text
    assert client.get("/rulesets/egov_2020/appendix?format=pdf").status_code == 400
    assert client.get("/rulesets/egov_2020/appendix?tier=tinh").status_code == 404


def test_an_unknown_ruleset_is_a_problem(client: TestClient) -> None:
    response = client.get("/rulesets/egov_2021?lang=en")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Not found" and problem["status"] == 404
    assert problem["detail"] == "no served ruleset 'egov_2021' (served: egov_2020, dti_2023)"
    assert client.get("/rulesets/egov_2021").json()["title"] == "Không tìm thấy"
    _validator("Problem").validate(problem)


# ---------------------------------------------------------------- scoring
def test_one_unit_scores_as_in_process(client: TestClient, tmp_path: Path) -> None:
    units = _units(EGOV_2022, code="SO13")
    response = client.post("/rulesets/egov_2020/score", json={"units": units})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    results = response.json()
    _validator("ScoreResults").validate(results)
    jsonschema.Draft202012Validator(results_schema()).validate(results)  # the schema to_json() follows
    (unit,) = results["units"]
    assert (unit["total"], unit["levels"]["muc_do"]["label"]) == ("118.348", "Mức I")
    assert results["ruleset"]["path"] == "egov_2020"
    assert "notes" not in results  # egov_2020 normalises nothing
    assert _comparable(results) == _comparable(_in_process("egov_2020", units, tmp_path))


def test_a_cohort_scores_as_in_process(client: TestClient, tmp_path: Path) -> None:
    communes = _units(EGOV_2022, tier="xa")
    assert len(communes) == 220
    results = client.post("/rulesets/egov_2020/score", json={"units": communes}).json()
    jsonschema.Draft202012Validator(results_schema()).validate(results)
    assert _comparable(results) == _comparable(_in_process("egov_2020", communes, tmp_path))


def test_explanations_on_request(client: TestClient) -> None:
    units = _units(EGOV_2022, code="SO13")
    plain = client.post("/rulesets/egov_2020/score", json={"units": units}).json()
    explained = client.post("/rulesets/egov_2020/score?explain=true", json={"units": units}).json()
    _validator("ScoreResults").validate(explained)
    jsonschema.Draft202012Validator(results_schema()).validate(explained)
    alone = [a for a in cq.load_assessments(EGOV_2022) if a.code == "SO13"]
    unit = cq.score(cq.load("egov_2020"), alone).unit("SO13")
    assert explained["units"][0].pop("explanation") == unit.explain("vi")  # the server's --lang (vi here)
    assert _comparable(explained) == _comparable(plain)
    english = client.post("/rulesets/egov_2020/score?explain=true&lang=en", json={"units": units})
    assert english.json()["units"][0]["explanation"] == unit.explain("en")
    assert english.headers["content-language"] == "en"


def test_each_unit_of_a_cohort_carries_its_own_explanation(client: TestClient) -> None:
    communes = _units(EGOV_2022, tier="xa")[:5]
    explained = client.post("/rulesets/egov_2020/score?explain=true&lang=en", json={"units": communes}).json()
    jsonschema.Draft202012Validator(results_schema()).validate(explained)
    scored = cq.score(cq.load("egov_2020"), [a for a in cq.load_assessments(EGOV_2022) if a.tier == "xa"][:5])
    assert [u["code"] for u in explained["units"]] == [u.code for u in scored.units]
    assert [u.pop("explanation") for u in explained["units"]] == [u.explain("en") for u in scored.units]
    plain = client.post("/rulesets/egov_2020/score", json={"units": communes}).json()
    assert _comparable(explained) == _comparable(plain)


@pytest.mark.parametrize(("header", "lang"), [("en", "en"), ("en-GB, vi;q=0.5", "en"), ("fr, vi;q=0.8, en;q=0.5", "vi"),
                                              ("vi;q=0, en;q=0.1", "en"), ("de, fr", "vi"), ("*", "vi"), ("en;q=x", "vi")])
def test_the_accept_language_header_chooses_the_language(client: TestClient, header: str, lang: str) -> None:
    units = _units(EGOV_2022, code="SO13")
    answer = client.post("/rulesets/egov_2020/score?explain=true", json={"units": units},
                         headers={"accept-language": header})
    assert answer.headers["content-language"] == lang and answer.headers["vary"] == "Accept-Language"
    first = answer.json()["units"][0]["explanation"].splitlines()[0]
    assert ("(khối so, năm 2022, thẩm định)" if lang == "vi" else "(tier so, 2022, audit)") in first
    missing = client.get("/rulesets/egov_2021", headers={"accept-language": header})
    assert missing.headers["content-language"] == lang
    assert missing.json()["title"] == ("Không tìm thấy" if lang == "vi" else "Not found")


def test_the_lang_parameter_wins_over_the_header(client: TestClient) -> None:
    problem = client.get("/rulesets/egov_2021?lang=vi", headers={"accept-language": "en"}).json()
    assert problem["title"] == "Không tìm thấy"
    assert problem["detail"] == "máy chủ không phục vụ bộ tiêu chí 'egov_2021' (đang phục vụ: egov_2020, dti_2023)"
    english = client.get("/rulesets/egov_2021?lang=en", headers={"accept-language": "vi"}).json()
    assert (english["title"], english["detail"]) == ("Not found", "no served ruleset 'egov_2021' (served: egov_2020, dti_2023)")


def test_every_text_of_an_answer_is_in_one_language(client: TestClient) -> None:
    """Problem details, explanations and notes: a Vietnamese answer holds no English words of the program's own."""
    commune = _units(DTI_2023, tier="xa")[:1]
    for lang, foreign in (("vi", (" the ", " tier ", " points", "error", "rank ")), ("en", (" khối ", " điểm", "lỗi", "hạng "))):
        scored = client.post(f"/rulesets/dti_2023/score?explain=true&lang={lang}", json={"units": commune}).json()
        texts = [*scored["notes"], *(u["explanation"] for u in scored["units"])]
        bad = client.post(f"/rulesets/dti_2023/score?lang={lang}", json={"units": [{**commune[0], "year": 1999}]}).json()
        texts += [bad["title"], bad["detail"], *(e["message"] for e in bad["errors"])]
        found = [word for text in texts for word in foreign if word in _program_text(text)]
        assert found == [], (lang, found)


def _program_text(text: str) -> str:
    """The text without what the ruleset and data bring (titles, labels, names, provenance), shown as written."""
    for ruleset in ("dti_2023",):
        for tier in cq.load(ruleset).ruleset.tiers:
            for node in tier.walk():
                for known in (node.title, node.title_en, node.provenance.text if node.provenance else None,
                              *(ind.label for ind in node.inputs)):
                    text = text.replace(known or "\0", " ")
    return text


def test_a_commune_posted_alone_says_its_normalised_criteria_saw_only_it(client: TestClient) -> None:
    (commune,) = _units(DTI_2023, code="23575")
    for lang, words in (("en", "scored against the 1 posted unit(s) alone"), ("vi", "chỉ trên 1 đơn vị đã gửi")):
        results = client.post(f"/rulesets/dti_2023/score?lang={lang}", json={"units": [commune]}).json()
        (note,) = results["notes"]
        assert "6.2" in note and words in note
    (district,) = _units(DTI_2023, code="622")
    (note,) = client.post("/rulesets/dti_2023/score?lang=en", json={"units": [district]}).json()["notes"]
    assert note.startswith("Tier huyen: criteria 8.5 are normalised against the best unit of the tier")
    (department,) = _units(DTI_2023, code="SO13")  # the so tier normalises nothing
    assert "notes" not in client.post("/rulesets/dti_2023/score", json={"units": [department]}).json()


def test_a_unit_posted_with_its_cohort_scores_as_in_the_whole_cohort(client: TestClient, tmp_path: Path) -> None:
    district = _units(DTI_2023, tier="xa", parent="622")
    commune = next(u for u in district if u["code"] == "23575")
    whole = _in_process("dti_2023", district, tmp_path, code="23575")
    posted = client.post("/rulesets/dti_2023/score", json={"units": [commune], "cohort": district}).json()
    assert "notes" not in posted
    assert _comparable(posted) == _comparable(whole)
    alone = client.post("/rulesets/dti_2023/score", json={"units": [commune]}).json()
    assert alone["units"][0]["total"] != whole["units"][0]["total"]  # its 6.2 is full marks against itself


def test_a_unit_scored_in_the_stored_cohort(client: TestClient, tmp_path: Path) -> None:
    everything = _units(DTI_2023)
    commune = next(u for u in everything if u["code"] == "23575")
    expected = _in_process("dti_2023", everything, tmp_path, code="23575")
    stored = client.post("/rulesets/dti_2023/score", json={"units": [commune], "cohort": "stored"}).json()
    assert _comparable(stored) == _comparable(expected)
    assert stored["units"][0]["ranks"]["khoi"]["of"] == 220
    # a posted unit replaces its stored record
    changed = {**commune, "values": {**commune["values"], "so_nong_san_ocop_tmdt": 0}}
    rescored = client.post("/rulesets/dti_2023/score", json={"units": [changed], "cohort": "stored"}).json()
    node = next(n for n in rescored["units"][0]["nodes"] if n["id"] == "6.2")
    assert node["points"] == "0.000"


def test_a_plain_body_is_read_as_its_nodes_read_it_without_composing_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick reading of a body (the first the service tries) takes its units, cohort and ruleset text straight
    from its values, and they are what reading its nodes gives; a body that is not plain is read from its nodes."""
    from cqdt_rules.service import scoring

    district = _units(DTI_2023, tier="xa", parent="622")
    bodies = [{"units": district[:1], "cohort": district, "ruleset_text": "ruleset x"},
              {"year": 2023, "units": [{k: v for k, v in district[0].items() if k != "year"}], "cohort": "stored"},
              {"units": district}]
    monkeypatch.setattr(scoring, "_plain_request", lambda document: None)
    read_from_nodes = [scoring.parse_request(json.dumps(body), positions=False) for body in bodies]
    monkeypatch.undo()
    monkeypatch.setattr(scoring, "compose_json", lambda *args, **kwargs: pytest.fail("a plain body was composed"))
    for body, expected in zip(bodies, read_from_nodes, strict=True):
        assert scoring._plain_request(scoring.plain_document(json.dumps(body))) is not None
        read = scoring.parse_request(json.dumps(body), positions=False)
        assert read == expected
        assert [dict(u.value_spans) for u in read.units] == [dict(u.value_spans) for u in expected.units]
    for odd in ({"units": district[:1], "cohort": None}, {"units": district[:1], "ruleset_text": 7},
                {"units": district[:1], "cohort": [{"code": "1"}]}):
        assert scoring._plain_request(scoring.plain_document(json.dumps(odd))) is None


def test_no_stored_cohort_is_not_found(client: TestClient) -> None:
    units = _units(EGOV_2022, code="SO13")
    response = client.post("/rulesets/egov_2020/score?lang=en", json={"units": units, "cohort": "stored"})
    assert response.status_code == 404
    assert response.json()["detail"].startswith("this server holds no stored cohort for ruleset 'egov_2020'")


# ---------------------------------------------------------------- errors as the CLI words them
def _cli_stderr(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert cqdt(list(argv)) == 1
    return capsys.readouterr().err.rstrip("\n")


def test_data_errors_read_as_the_cli_prints_them(client: TestClient, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    unit = {**_units(EGOV_2022, code="SO13")[0]}
    unit["values"] = {**unit["values"], "may_tinh": 1250, "ket_noi_wan": "chưa", "so_hop": 3}
    del unit["values"]["internet_bang_rong"]
    body = json.dumps({"units": [unit]}, ensure_ascii=False, indent=2)
    response = client.post("/rulesets/egov_2020/score?lang=en", content=body.encode(), headers=JSON_HEADERS)
    assert response.status_code == 422
    problem = response.json()
    _validator("Problem").validate(problem)
    data = tmp_path / "body.yaml"
    data.write_text(body, encoding="utf-8")  # JSON without tabs reads as YAML, to the same positions
    expected = _cli_stderr(capsys, "score", "egov_2020", str(data), "--lang", "en").replace(str(data), "<request>")
    assert problem["detail"] == expected
    assert problem["error_count"] == 4 == len(problem["errors"])
    assert {(e["line"], e["message"].split(":")[0]) for e in problem["errors"]} >= {
        (body[:body.index('"so_hop"')].count("\n") + 1, "unknown indicator 'so_hop' for tier 'so'")}


def test_ruleset_errors_read_as_cqdt_check_prints_them(client: TestClient, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "rulesets" / "2020" / "egov.cqdt").read_text(encoding="utf-8")
    broken = text.replace("max 5 {", "max 5 {\n    input bad nonsense", 1).replace("muc_do", "muc do", 1)
    response = client.post("/check?lang=en", content=broken.encode(), headers={"content-type": "text/plain"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["title"] == "Invalid ruleset"
    file = tmp_path / "broken.cqdt"
    file.write_text(broken, encoding="utf-8")
    assert problem["detail"] == _cli_stderr(capsys, "check", str(file), "--lang", "en").replace(str(file), "<request>")
    vietnamese = client.post("/check", content=broken.encode(), headers={"content-type": "text/plain"}).json()
    assert vietnamese["title"] == "Bộ tiêu chí không hợp lệ"
    assert vietnamese["detail"] == _cli_stderr(capsys, "check", str(file), "--lang", "vi").replace(str(file), "<request>")
    assert all(e["path"] == "<request>" and e["line"] > 0 for e in problem["errors"])


def test_a_valid_ruleset_text_is_checked_with_its_warnings(client: TestClient) -> None:
    text = (ROOT / "rulesets" / "2023_dts" / "dti.cqdt").read_text(encoding="utf-8")
    checked = client.post("/check", content=text.encode(), headers={"content-type": "text/plain; charset=utf-8"}).json()
    _validator("CheckResult").validate(checked)
    assert checked["ruleset"]["content_hash"] == cq.load("dti_2023").ruleset.content_hash
    assert len(checked["diagnostics"]) == len(cq.load("dti_2023").warnings)


# ---------------------------------------------------------------- a posted ruleset
_AMENDMENT = """ruleset egov_sua_doi {{
  title "Sửa đổi thử"
  amends {base}
  years 2020..2022
}}

amend tier so {{
  change A2.2 bands tap_huan_cntt {{ >= 80% -> 3  >= 40% -> 2  > 0% -> 1  else -> 0 }}
}}
"""


def test_a_posted_ruleset_may_amend_a_served_ruleset(client: TestClient) -> None:
    units = _units(EGOV_2022, code="SO13")
    amendment = _AMENDMENT.format(base="egov_2020")
    local = cq.load_text(amendment, "<ruleset_text>", bases={"egov_2020": cq.load("egov_2020")})
    response = client.post("/score", json={"ruleset_text": amendment, "units": units})
    assert response.status_code == 200, response.text
    results = response.json()
    assert results["ruleset"]["id"] == "egov_sua_doi" and results["ruleset"]["amends"] == ["egov_2020"]
    assert results["ruleset"]["content_hash"] == local.ruleset.content_hash
    in_process = cq.score(local, [a for a in cq.load_assessments(EGOV_2022) if a.code == "SO13"]).to_dict()
    assert _comparable(results) == _comparable(in_process)
    changed, base = (r.tier("so").node("A2.2").rule for r in (local.ruleset, cq.load("egov_2020").ruleset))
    assert changed is not None and base is not None and rule_text(changed) != rule_text(base)


@pytest.mark.parametrize(("base", "message"), [
    ('"../2020/egov.cqdt"', "'amends' may name only a ruleset id here, not a path ('../2020/egov.cqdt')"),
    ("egov_2021", "no ruleset with id 'egov_2021' to amend here"),
])
def test_a_posted_ruleset_names_no_path_and_no_unserved_ruleset(client: TestClient, base: str, message: str) -> None:
    response = client.post("/score?lang=en", json={"ruleset_text": _AMENDMENT.format(base=base), "units": []})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["message"] == message and error["path"] == "<ruleset_text>" and error["line"] == 3


def test_a_posted_ruleset_does_not_see_unserved_rulesets(tmp_path: Path) -> None:
    only_egov = load_settings(["egov_2020"])
    with TestClient(create_app(only_egov)) as client:
        response = client.post("/score?lang=en", json={"ruleset_text": _AMENDMENT.format(base="dti_2023"), "units": []})
        assert response.json()["errors"][0]["hint"] == "rulesets that may be amended: egov_2020"
        response = client.post("/score", json={"ruleset_text": _AMENDMENT.format(base="dti_2023"), "units": []})
        assert response.json()["errors"][0]["hint"] == "các bộ tiêu chí được phép sửa đổi: egov_2020"
        assert client.get("/rulesets/dti_2023").status_code == 404


# ---------------------------------------------------------------- limits and the HTTP edges
def test_bodies_over_the_limits_are_refused(settings: Settings) -> None:
    import attrs

    small = attrs.evolve(settings, max_body_bytes=1000, max_ruleset_bytes=100)
    with TestClient(create_app(small)) as client:
        units = _units(EGOV_2022, code="SO13")
        response = client.post("/rulesets/egov_2020/score", json={"units": units})
        assert response.status_code == 413 and response.headers["content-type"] == "application/problem+json"
        chunks = (b"x" * 100 for _ in range(20))  # no Content-Length: refused while reading
        assert client.post("/check", content=chunks, headers={"content-type": "text/plain"}).status_code == 413
        text = "ruleset x { title \"" + "t" * 200 + "\" }"
        response = client.post("/score?lang=en", json={"ruleset_text": text, "units": []})
        assert response.status_code == 413 and "ruleset text is over 100 bytes" in response.json()["detail"]
        response = client.post("/score", json={"ruleset_text": text, "units": []})
        assert response.json()["detail"] == "văn bản bộ tiêu chí dài hơn 100 byte, mức tối đa máy chủ này đọc"


def test_media_type_language_and_flags_are_checked(client: TestClient) -> None:
    assert client.post("/rulesets/egov_2020/score", content=b"{}", headers={"content-type": "text/plain"}).status_code == 415
    assert client.post("/rulesets/egov_2020/score", content=b"units=1").status_code == 415
    assert client.post("/rulesets/egov_2020/score?lang=fr", json={"units": []}).status_code == 400
    assert client.post("/rulesets/egov_2020/score?explain=maybe", json={"units": []}).status_code == 400
    assert client.post("/rulesets/egov_2020/score", content=b"\xff", headers=JSON_HEADERS).status_code == 400
    assert client.post("/rulesets/egov_2020/score", json={"units": []}).status_code == 400  # nothing to score
    assert client.get("/rulesets/egov_2020/score").status_code == 405
    assert client.get("/nothing").json()["type"] == "urn:cqdt-rules:problem:not-found"


def test_no_cors_headers(client: TestClient) -> None:
    response = client.options("/rulesets", headers={"origin": "https://example.org", "access-control-request-method": "GET"})
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in client.get("/rulesets", headers={"origin": "https://example.org"}).headers


def test_the_excel_form_of_a_tier(client: TestClient) -> None:
    import openpyxl

    response = client.get("/rulesets/egov_2020/tiers/so/form?year=2022&lang=en")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="egov_2020-so.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    labels = [c.value for row in workbook.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("may_tinh" in label or "computers" in label.lower() for label in labels)
    assert client.get("/rulesets/egov_2020/tiers/tinh/form").status_code == 404
    assert client.get("/rulesets/egov_2020/tiers/so/form?year=20x2").status_code == 400


# ---------------------------------------------------------------- the OpenAPI description
def test_the_openapi_description_is_served_and_kept_in_the_repository(client: TestClient) -> None:
    served = client.get("/openapi.json")
    assert served.status_code == 200
    generated = document_text(ENDPOINTS, package_version())
    assert served.text == generated
    if os.environ.get("CQDT_UPDATE_GOLDENS"):
        OPENAPI_FILE.write_text(generated, encoding="utf-8")
    assert OPENAPI_FILE.read_text(encoding="utf-8") == generated, \
        "docs/openapi.json differs from the code: CQDT_UPDATE_GOLDENS=1 pytest tests/test_service.py rewrites it"
    jsonschema.Draft202012Validator.check_schema({"components": json.loads(generated)["components"]})


def test_a_posted_ruleset_is_not_kept_in_the_ruleset_cache(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from cqdt_rules.engine import ruleset_cache

    def refuse(*args: object) -> None:
        raise AssertionError("a ruleset sent by a client was written to the cache")
    monkeypatch.setattr(ruleset_cache, "keep", refuse)
    monkeypatch.setattr(ruleset_cache, "recall", refuse)
    text = (ROOT / "rulesets" / "2020" / "egov.cqdt").read_text(encoding="utf-8").replace("egov_2020", "egov_ban_sao", 1)
    assert client.post("/check", content=text.encode(), headers={"content-type": "text/plain"}).status_code == 200
