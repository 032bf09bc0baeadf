"""The OpenAPI 3.1 description of the service, built from the same table of endpoints the application
routes (``app.ENDPOINTS``); ``docs/openapi.json`` in the repository is this document, and a test
fails when the two differ."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from cqdt_rules.engine.results import results_schema
from cqdt_rules.language.resources import data_dir
from cqdt_rules.service import schemas as s

JSON = "application/json"
PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
API_VERSION = "1"

COMPONENTS: dict[str, s.Schema] = {
    "Unit": s.UNIT, "ScoreRequest": s.SCORE_REQUEST, "PostedScoreRequest": s.POSTED_SCORE_REQUEST,
    "ScoreResults": s.SCORE_RESULTS, "Problem": s.PROBLEM, "Diagnostic": s.DIAGNOSTIC,
    "RulesetSummary": s.RULESET_SUMMARY, "RulesetDetail": s.RULESET_DETAIL, "RulesetList": s.RULESET_LIST,
    "Criterion": s.CRITERION, "CheckResult": s.CHECK_RESULT, "Health": s.HEALTH, "Version": s.VERSION,
}


def results_components() -> dict[str, s.Schema]:
    """The shipped results schema (the one ``to_json()`` follows) as components: ``Results`` and its
    definitions as ``Results_<name>``, each reference pointing at its component."""
    schema = results_schema()
    definitions = schema.pop("$defs", {})
    schema.pop("$schema", None)
    schema.pop("$id", None)
    found = {"Results": schema, **{f"Results_{name}": value for name, value in definitions.items()}}
    return {name: _pointing_at_components(value) for name, value in found.items()}


def _pointing_at_components(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: (item.replace("#/$defs/", "#/components/schemas/Results_") if key == "$ref" and isinstance(item, str)
                      else _pointing_at_components(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [_pointing_at_components(item) for item in value]
    return value
_REASONS = {400: "Bad request", 404: "Not found", 413: "Request body too large", 415: "Unsupported media type",
            422: "Invalid ruleset or unit data (every error with its position)"}


@attrs.frozen
class Parameter:
    name: str
    where: str  # path or query
    schema: s.Schema
    description: str
    example: str | None = None

    def describe(self) -> dict[str, Any]:
        described = {"name": self.name, "in": self.where, "required": self.where == "path",
                     "description": self.description, "schema": self.schema}
        if self.example is not None:
            described["example"] = self.example
        return described


RULESET_ID = Parameter("ruleset_id", "path", {"type": "string"}, "the id of a served ruleset (GET /rulesets)", "egov_2020")
TIER_ID = Parameter("tier_id", "path", {"type": "string"}, "a tier of the ruleset, e.g. so, huyen, xa", "so")
LANG = Parameter("lang", "query", {"type": "string", "enum": ["vi", "en"]},
                 "language of the texts a person reads (problem details, explanations, notes, the appendix, the form); "
                 "default: the Accept-Language header's choice of vi or en, else the server's --lang")
ACCEPT_LANGUAGE = Parameter("Accept-Language", "header", {"type": "string"},
                            "the languages the client prefers (RFC 9110), e.g. 'en' or 'vi, en;q=0.5': the first of vi and "
                            "en it names is the answer's language when the request has no lang parameter; others are "
                            "ignored. The answer says its language in Content-Language", "en")
APPENDIX_FORMAT = Parameter("format", "query", {"type": "string", "enum": ["html", "md"], "default": "html"},
                            "HTML (text/html) or Markdown (text/markdown)")
APPENDIX_TIER = Parameter("tier", "query", {"type": "string"}, "only this tier (default: every tier)")
ALL_ERRORS = Parameter("all_errors", "query", {"type": "boolean", "default": False},
                       "list every error in a problem's detail, not the first few of each kind (as `--all-errors`)")
EXPLAIN = Parameter("explain", "query", {"type": "boolean", "default": False},
                    "add each unit's explanation (as `cqdt explain` prints it)")
SOURCE = Parameter("source", "query", {"type": "string", "enum": ["self", "audit"], "default": "self"},
                   "a self-assessment form or the audit team's form")
YEAR = Parameter("year", "query", {"type": "integer", "minimum": 1000, "maximum": 9999},
                 "pre-fill the assessment year; a year the ruleset does not apply to is not found (404)")


@attrs.frozen
class Endpoint:
    """One operation: what the application routes and what the description says about it."""

    method: str
    path: str
    handler: Callable[..., Any] = attrs.field(eq=False)
    operation_id: str
    summary: str
    response: s.Schema | None  # the 200 body's schema (JSON), or None for another media type
    parameters: tuple[Parameter, ...] = ()
    body: tuple[str, s.Schema] | None = None  # media type and schema of the request body
    errors: tuple[int, ...] = ()
    body_example: Any = None
    media_type: str = JSON
    also: tuple[str, ...] = ()  # other media types the 200 answer may have (with the schema of the first)

    def describe(self) -> dict[str, Any]:
        schema = self.response
        if schema is None:
            schema = {"type": "string"} if self.media_type.startswith("text/") else {"type": "string", "format": "binary"}
        ok: dict[str, Any] = {"description": "OK", "content": {media: {"schema": schema}
                                                               for media in (self.media_type, *self.also)}}
        responses: dict[str, Any] = {"200": ok}
        for status in sorted(set(self.errors) | {400}):
            responses[str(status)] = {"description": _REASONS[status],
                                      "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
        operation: dict[str, Any] = {"operationId": self.operation_id, "summary": self.summary,
                                     "parameters": [p.describe() for p in self.parameters], "responses": responses}
        if self.body is not None:
            media, schema = self.body
            content: dict[str, Any] = {"schema": schema}
            if self.body_example is not None:
                content["example"] = self.body_example
            operation["requestBody"] = {"required": True, "content": {media: content}}
        return operation


def score_example() -> Any:
    """The request the service guide's curl example sends: SO13 of the bundled 2022 sample."""
    return json.loads((data_dir("examples") / "service" / "so13.json").read_text(encoding="utf-8"))


CHECK_EXAMPLE = """ruleset vi_du {
  title "Ví dụ" en "Example"
  status hypothetical
  years 2023..
}

tier xa "UBND xã" max 10 {
  criterion C1 "Có Trang thông tin điện tử" max 10 {
    input co_trang yesno "Có Trang thông tin điện tử"
    yes co_trang
    provenance hypothetical "Ví dụ"
  }
}
"""


def document(endpoints: Sequence[Endpoint], version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.path, {})[endpoint.method.lower()] = endpoint.describe()
    return {
        "openapi": "3.1.0",
        "info": {"title": "cqdt_rules scoring service", "version": f"{API_VERSION} (cqdt-rules {version})",
                 "description": "Score and rank administrative units with the rulesets this server serves. "
                                "Results follow the JSON schema cqdt-results/1; errors are RFC 9457 problem details. "
                                "Texts for people (problem details, explanations, notes, the appendix, the form) are "
                                "in Vietnamese or English: the lang parameter, else the Accept-Language header, else "
                                "the server's --lang; the answer names it in Content-Language. What a ruleset writes "
                                "(titles, labels) is shown as written."},
        "paths": paths,
        "components": {"schemas": {**COMPONENTS, **results_components()}},
    }


def document_text(endpoints: Sequence[Endpoint], version: str) -> str:
    """The description as it is kept in the repository (sorted keys, two-space indent, final newline)."""
    return json.dumps(document(endpoints, version), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
