"""Errors as RFC 9457 problem details: the CLI's message text (``detail``) and every diagnostic with
its position (``errors``), under a title in the language asked for."""

from __future__ import annotations

from typing import Any

from cqdt_rules.errors import ERRORS_SHOWN_PER_KIND, CqdtError, Diagnostic, DiagnosticsError, UsageError
from cqdt_rules.i18n import translate

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:cqdt-rules:problem:"
MAX_LISTED = 200
"""The most diagnostics a problem's ``errors`` lists (a ruleset/data mismatch can give thousands; ``detail``
shows the first of each kind, as the CLI does); ``error_count`` counts them all."""

TITLES = {
    "invalid-ruleset": "Invalid ruleset", "invalid-data": "Invalid unit data",
    "unusable-request": "The request cannot be carried out", "not-found": "Not found",
    "too-large": "Request body too large", "unsupported-media-type": "Unsupported media type",
    "method-not-allowed": "Method not allowed", "bad-request": "Bad request", "server-error": "Server error",
}
"""Each kind's title, in English; the catalogue (``i18n``) words it in Vietnamese."""
STATUS = {
    "invalid-ruleset": 422, "invalid-data": 422, "unusable-request": 400, "not-found": 404, "too-large": 413,
    "unsupported-media-type": 415, "method-not-allowed": 405, "bad-request": 400, "server-error": 500,
}


class Problem(Exception):
    """An error the service answers with: its kind, the text (in English, translated when shown, as the
    CLI's messages are) and the diagnostics behind it."""

    def __init__(self, kind: str, detail: str, errors: tuple[Diagnostic, ...] = (), error_count: int | None = None,
                 translated: bool = False):
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.errors = errors
        self.error_count = error_count
        self.translated = translated  # the detail is already in the answer's language

    @property
    def status(self) -> int:
        return STATUS[self.kind]

    def body(self, lang: str, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_BASE + self.kind, "title": translate(TITLES[self.kind], lang), "status": self.status,
            "detail": self.detail if self.translated else translate(self.detail, lang), "instance": instance,
        }
        if self.errors or self.error_count is not None:
            body["errors"] = [diagnostic_dict(d, lang) for d in self.errors[:MAX_LISTED]]
            body["error_count"] = self.error_count if self.error_count is not None else len(self.errors)
        return body


def from_error(error: CqdtError, lang: str, all_errors: bool = False) -> Problem:
    """The problem for an error of the library, worded as the CLI words it in ``lang``."""
    if isinstance(error, DiagnosticsError):
        kind = "invalid-ruleset" if error.kind == "ruleset" else "invalid-data"
        count = sum(1 for d in error.diagnostics if d.is_error)
        limit = None if all_errors else ERRORS_SHOWN_PER_KIND
        detail = error.render(lang, limit) + "\n" + error.summary(lang)
        return Problem(kind, detail, error.diagnostics, count, translated=True)
    if isinstance(error, UsageError):
        return Problem("unusable-request", str(error))
    return Problem("bad-request", str(error))


def diagnostic_dict(diagnostic: Diagnostic, lang: str = "en") -> dict[str, Any]:
    span = diagnostic.span
    return {
        "severity": diagnostic.severity, "message": translate(diagnostic.message, lang),
        "hint": None if diagnostic.hint is None else translate(diagnostic.hint, lang),
        "path": span.path, "line": span.line, "column": span.column,
        "end_line": span.end_line, "end_column": span.end_column,
    }
