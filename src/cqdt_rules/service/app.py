"""The ASGI application (Starlette): the routes of ``ENDPOINTS``, request limits, problem details.

Scoring is CPU work done in the request's own task: a worker process per core serves requests in
parallel (docs/service.md), which Python threads would not."""

from __future__ import annotations

import io
import os
import json
from importlib.metadata import PackageNotFoundError, version
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cqdt_rules.engine.loading import CheckedRuleset, load_text
from cqdt_rules.engine.results import SCHEMA
from cqdt_rules.errors import CqdtError, DataError, DiagnosticsError, UsageError
from cqdt_rules.i18n import LANGS, negotiated_lang
from cqdt_rules.service import catalogue, openapi
from cqdt_rules.service import schemas as s
from cqdt_rules.service.openapi import (
    ACCEPT_LANGUAGE,
    ALL_ERRORS,
    APPENDIX_FORMAT,
    APPENDIX_TIER,
    EXPLAIN,
    LANG,
    RULESET_ID,
    SOURCE,
    TIER_ID,
    YEAR,
    Endpoint,
)
from cqdt_rules.service.problems import MEDIA_TYPE, Problem, diagnostic_dict, from_error
from cqdt_rules.service.scoring import REQUEST_PATH, ScoreRequest, parse_request, score_request
from cqdt_rules.service.settings import ENVIRONMENT, Served, Settings, settings_from_json

APPENDIX_FORMATS = {"html": "text/html", "md": "text/markdown"}
POSTED_RULESET_PATH = "<ruleset_text>"
"""Where errors in a ruleset sent in a scoring request point (``<ruleset_text>:3:7``)."""
_HTTP_KINDS = {404: "not-found", 405: "method-not-allowed", 413: "too-large", 415: "unsupported-media-type"}


def package_version() -> str:
    try:
        return version("cqdt-rules")
    except PackageNotFoundError:  # run from a source tree that was not installed
        return "unknown"


# ---------------------------------------------------------------- reading a request
def _lang(request: Request) -> str:
    """The language of the answer: ``?lang=`` (refused when unknown), else the ``Accept-Language`` header, else the
    server's ``--lang``."""
    asked = request.query_params.get("lang")
    if asked is not None and asked not in LANGS:
        raise Problem("bad-request", f"unknown language '{asked}': use vi or en")
    return asked or _accepted_lang(request)


def _shown_lang(request: Request) -> str:
    """The language of an answer that reports an error, even one about the language asked for."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGS else _accepted_lang(request)


def _accepted_lang(request: Request) -> str:
    return negotiated_lang(request.headers.get("accept-language", ""), request.app.state.settings.lang)


def _in_lang(response: Response, lang: str) -> Response:
    """Say which language the answer is in, and that it depends on ``Accept-Language`` (for caches)."""
    response.headers["Content-Language"] = lang
    response.headers["Vary"] = "Accept-Language"
    return response


def _flag(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false").lower()
    if raw not in ("true", "false", "1", "0"):
        raise Problem("bad-request", f"'{name}' is true or false, got '{raw}'")
    return raw in ("true", "1")


async def _body_text(request: Request, media_types: tuple[str, ...], limit: int) -> str:
    """The body as text, refused before it is read past ``limit`` bytes."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in media_types:
        raise Problem("unsupported-media-type", f"send the body as {' or '.join(media_types)} (got '{media or 'nothing'}')")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Problem("too-large", f"the body is {declared} bytes; this server reads at most {limit}")
    chunks = bytearray()
    async for chunk in request.stream():
        chunks += chunk
        if len(chunks) > limit:
            raise Problem("too-large", f"the body is over {limit} bytes, the most this server reads")
    try:
        return bytes(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problem("bad-request", f"the body is not UTF-8 text (byte {exc.start})") from None


def _served(request: Request) -> Served:
    settings: Settings = request.app.state.settings
    ruleset_id = request.path_params["ruleset_id"]
    if ruleset_id not in settings.rulesets:
        raise Problem("not-found", f"no served ruleset '{ruleset_id}' (served: {', '.join(settings.rulesets) or 'none'})")
    return settings.rulesets[ruleset_id]


def _checked_text(text: str, settings: Settings, path: str) -> CheckedRuleset:
    if len(text.encode("utf-8")) > settings.max_ruleset_bytes:
        raise Problem("too-large", f"the ruleset text is over {settings.max_ruleset_bytes} bytes, the most this server reads")
    return load_text(text, path, cached=False, bases=settings.checked)


# ---------------------------------------------------------------- handlers
async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def version_info(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    rulesets = [{"id": r.id, "version": r.checked.ruleset.header.version, "content_hash": r.checked.ruleset.content_hash}
                for r in settings.rulesets.values()]
    return JSONResponse({"package": "cqdt-rules", "version": package_version(), "results_schema": SCHEMA,
                         "rulesets": rulesets})


async def list_rulesets(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    return JSONResponse({"rulesets": [catalogue.summary(r.checked) for r in settings.rulesets.values()]})


async def show_ruleset(request: Request) -> Response:
    served, lang = _served(request), _lang(request)
    return _in_lang(JSONResponse(catalogue.detail(served.checked)), lang)


async def appendix(request: Request) -> Response:
    """The ruleset as the decision's appendix table, as `cqdt render` writes it (HTML or Markdown)."""
    from cqdt_rules.reports.appendix import build_appendix, render_html, render_markdown

    served, lang = _served(request), _lang(request)
    ruleset = served.checked.ruleset
    form, tier = request.query_params.get("format", "html"), request.query_params.get("tier")
    if form not in APPENDIX_FORMATS:
        raise Problem("bad-request", f"unknown format '{form}': use html or md")
    if tier is not None and tier not in {t.id for t in ruleset.tiers}:
        tiers = ", ".join(t.id for t in ruleset.tiers)
        raise Problem("not-found", f"no tier '{tier}' in served ruleset '{served.id}' (tiers: {tiers})")
    table = build_appendix(ruleset, lang, tier)
    text = render_markdown(table) if form == "md" else render_html(table)
    return _in_lang(Response(text, media_type=APPENDIX_FORMATS[form]), lang)


async def tier_form(request: Request) -> Response:
    from cqdt_rules.data.workbook import check_form_year, template_workbook

    served, lang = _served(request), _lang(request)
    ruleset = served.checked.ruleset
    source = request.query_params.get("source", "self")
    year_text = request.query_params.get("year")
    if year_text is not None and not (year_text.isascii() and year_text.isdigit() and len(year_text) <= 6):
        raise Problem("bad-request", f"'year' is a year such as 2023, got '{year_text}'")
    year = None if year_text is None else int(year_text)
    try:
        check_form_year(ruleset, year)
    except UsageError as exc:  # the ruleset has no form for that year
        raise Problem("not-found", str(exc)) from None
    tier_id = request.path_params["tier_id"]
    if tier_id not in {t.id for t in ruleset.tiers}:
        tiers = ", ".join(t.id for t in ruleset.tiers)
        raise Problem("not-found", f"no tier '{tier_id}' in served ruleset '{served.id}' (tiers: {tiers})")
    workbook = template_workbook(ruleset, tier_id, source=source, year=year, lang=lang)
    buffer = io.BytesIO()
    workbook.save(buffer)
    filename = f"{served.id}-{tier_id}.xlsx"
    return _in_lang(Response(buffer.getvalue(), media_type=openapi.XLSX,
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'}), lang)


async def score_served(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    served, lang, explain = _served(request), _lang(request), _flag(request, "explain")
    _flag(request, "all_errors")  # read when a problem is answered; refused here when it is not true or false
    text = await _body_text(request, (openapi.JSON,), settings.max_body_bytes)

    def scored(scoring: ScoreRequest) -> str:
        if scoring.ruleset_text is not None:
            raise Problem("bad-request", "'ruleset_text' is for POST /score; this route scores with the served ruleset")
        return score_request(served.checked, scoring, served.cohort, name=served.name, explain=explain, lang=lang)
    return _in_lang(Response(_answer(text, scored), media_type=openapi.JSON), lang)


async def score_posted(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    lang, explain = _lang(request), _flag(request, "explain")
    _flag(request, "all_errors")
    text = await _body_text(request, (openapi.JSON,), settings.max_body_bytes)

    def scored(scoring: ScoreRequest) -> str:
        if scoring.ruleset_text is None:
            raise Problem("bad-request", "give the ruleset's text in 'ruleset_text' (or score with a served ruleset: "
                                         "POST /rulesets/ID/score)")
        checked = _checked_text(scoring.ruleset_text, settings, POSTED_RULESET_PATH)
        return score_request(checked, scoring, (), name=POSTED_RULESET_PATH, explain=explain, lang=lang)
    return _in_lang(Response(_answer(text, scored), media_type=openapi.JSON), lang)


def _answer(body: str, scored: Callable[[ScoreRequest], str]) -> str:
    """Read and score the body quickly; when that finds a problem in the data, read and score it again
    with the position of every value, so that each problem points into the body and shows its line,
    as the CLI's point into a data file."""
    try:
        return scored(parse_request(body, positions=False))
    except DataError:
        pass
    try:
        return scored(parse_request(body))
    except DiagnosticsError as exc:
        exc.sources.setdefault(REQUEST_PATH, body)
        raise


async def check_text(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    lang = _lang(request)
    _flag(request, "all_errors")
    checked = _checked_text(await _body_text(request, ("text/plain",), settings.max_body_bytes), settings, REQUEST_PATH)
    return _in_lang(JSONResponse({"valid": True, "ruleset": catalogue.summary(checked),
                                  "diagnostics": [diagnostic_dict(d, lang) for d in checked.warnings]}), lang)


async def openapi_json(request: Request) -> Response:
    return Response(openapi.document_text(ENDPOINTS, package_version()), media_type=openapi.JSON)


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/health", health, "health", "The server is up", s.HEALTH),
    Endpoint("GET", "/version", version_info, "version", "The package version, the results schema and every served "
             "ruleset's version and hash", {"$ref": "#/components/schemas/Version"}),
    Endpoint("GET", "/rulesets", list_rulesets, "listRulesets", "The served rulesets: id, version, hash, status, "
             "years, tiers", {"$ref": "#/components/schemas/RulesetList"}),
    Endpoint("GET", "/rulesets/{ruleset_id}", show_ruleset, "showRuleset", "One served ruleset and its criteria, "
             "each rule written as in the ruleset", {"$ref": "#/components/schemas/RulesetDetail"},
             (RULESET_ID, LANG, ACCEPT_LANGUAGE), errors=(404,)),
    Endpoint("GET", "/rulesets/{ruleset_id}/appendix", appendix, "appendix", "The ruleset as the decision's appendix "
             "table (as `cqdt render`): criterion, maximum points, scoring in words, provenance, subtotals, level "
             "cut-offs", None, (RULESET_ID, APPENDIX_FORMAT, APPENDIX_TIER, LANG, ACCEPT_LANGUAGE), errors=(404,),
             media_type="text/html", also=("text/markdown",)),
    Endpoint("GET", "/rulesets/{ruleset_id}/tiers/{tier_id}/form", tier_form, "tierForm", "The Excel data-entry form "
             "of a tier", None, (RULESET_ID, TIER_ID, SOURCE, YEAR, LANG, ACCEPT_LANGUAGE), errors=(404,),
             media_type=openapi.XLSX),
    Endpoint("POST", "/rulesets/{ruleset_id}/score", score_served, "score", "Score units with a served ruleset",
             {"$ref": "#/components/schemas/ScoreResults"}, (RULESET_ID, EXPLAIN, LANG, ACCEPT_LANGUAGE, ALL_ERRORS),
             (openapi.JSON, {"$ref": "#/components/schemas/ScoreRequest"}), (404, 413, 415, 422), openapi.score_example()),
    Endpoint("POST", "/score", score_posted, "scorePosted", "Score units with a ruleset sent in the request",
             {"$ref": "#/components/schemas/ScoreResults"}, (EXPLAIN, LANG, ACCEPT_LANGUAGE, ALL_ERRORS),
             (openapi.JSON, {"$ref": "#/components/schemas/PostedScoreRequest"}), (404, 413, 415, 422)),
    Endpoint("POST", "/check", check_text, "check", "Check a ruleset's text: its warnings, or a problem listing "
             "every error with its position", {"$ref": "#/components/schemas/CheckResult"},
             (LANG, ACCEPT_LANGUAGE, ALL_ERRORS),
             ("text/plain", {"type": "string"}), (413, 415, 422), openapi.CHECK_EXAMPLE),
)


# ---------------------------------------------------------------- errors
def _problem_response(request: Request, problem: Problem, headers: Mapping[str, str] | None = None) -> Response:
    lang = _shown_lang(request)
    body = problem.body(lang, request.url.path)
    return _in_lang(Response(json.dumps(body, ensure_ascii=False), status_code=problem.status, media_type=MEDIA_TYPE,
                             headers=headers), lang)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return _problem_response(request, exc)


async def _on_library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CqdtError)
    all_errors = request.query_params.get("all_errors", "").lower() in ("true", "1")
    return _problem_response(request, from_error(exc, _shown_lang(request), all_errors))


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    kind = _HTTP_KINDS.get(exc.status_code, "bad-request")
    return _problem_response(request, Problem(kind, str(exc.detail)), exc.headers)  # 405 keeps its Allow header


async def _on_too_deep(request: Request, exc: Exception) -> Response:
    return _problem_response(request, Problem("bad-request", "the text is nested too deeply to read"))


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    return _problem_response(request, Problem("server-error", "the server failed on this request; it has been logged"))


def create_app(settings: Settings) -> Starlette:
    """The application serving ``settings``; no CORS headers (browsers on other origins are refused)."""
    routes = [Route(e.path, e.handler, methods=[e.method]) for e in ENDPOINTS]
    routes.append(Route("/openapi.json", openapi_json, methods=["GET"], include_in_schema=False))
    handlers: dict[Any, Any] = {Problem: _on_problem, CqdtError: _on_library_error, HTTPException: _on_http_error,
                                RecursionError: _on_too_deep, Exception: _on_unexpected}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.settings = settings
    return app


def app_from_environment() -> Starlette:
    """The application of a worker process started by `cqdt serve --workers N` (uvicorn's factory)."""
    return create_app(settings_from_json(os.environ[ENVIRONMENT]))
