"""Positions and diagnostics: every error a person sees is rendered here, once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

import attrs


@attrs.frozen(order=True)
class Span:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@attrs.frozen
class Diagnostic:
    span: Span
    message: str
    severity: str = "error"  # or "warning"
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


EXCERPT_WIDTH = 160
"""The most characters of a source line an error shows (a window around the caret)."""
MESSAGE_WIDTH = 1000
"""The most characters of one message or hint an error shows; a longer one says how long it was."""


def render(diagnostic: Diagnostic, source: str | None = None) -> str:
    """``path:line:col: error: message``, the source line, an underline and a hint.

    Every part is bounded (a one-line file of megabytes shows a window of ``EXCERPT_WIDTH`` characters)
    and shows no control character: text from a file never reaches a terminal as an escape sequence."""
    span = diagnostic.span
    lines = [f"{span}: {diagnostic.severity}: {_bounded(diagnostic.message)}"]
    if source is not None and span.line >= 1:
        excerpt = _excerpt(source, span)
        if excerpt:
            lines.extend(excerpt)
    if diagnostic.hint:
        lines.append(f"  hint: {_bounded(diagnostic.hint)}")
    return "\n".join(lines)


def _excerpt(source: str, span: Span) -> list[str]:
    """The source line of ``span`` (at most EXCERPT_WIDTH characters around it) and its underline."""
    text = _line(source, span.line)
    if text is None:
        return []
    width = span.end_column - span.column if span.end_line == span.line else len(text) - span.column + 1
    width = max(1, min(width, EXCERPT_WIDTH // 2))
    start = max(0, min(span.column - 1 - EXCERPT_WIDTH // 4, len(text) - EXCERPT_WIDTH))
    shown = text[start:start + EXCERPT_WIDTH]
    before, after = ("…" if start > 0 else ""), ("…" if start + EXCERPT_WIDTH < len(text) else "")
    return [f"  {before}{_visible(shown)}{after}", "  " + " " * (len(before) + span.column - 1 - start) + "^" * width]


def _line(source: str, number: int) -> str | None:
    """Line ``number`` (1-based) of ``source``, found without splitting the whole text."""
    start = 0
    for _ in range(number - 1):
        start = source.find("\n", start) + 1
        if start == 0:
            return None
    end = source.find("\n", start)
    return source[start:end if end >= 0 else len(source)]


def _visible(text: str) -> str:
    """Form feeds and carriage returns show as a space (the parser skips them); any other control character but
    a tab as U+FFFD: one column each, so the underline stays under its place."""
    return "".join(c if c == "\t" else " " if c in "\x0b\x0c\r" else "\ufffd" if c < " " or "\x7f" <= c <= "\x9f" else c
                   for c in text)


def _bounded(text: str) -> str:
    text = _visible(text) if any(c < " " or "\x7f" <= c <= "\x9f" for c in text if c != "\n") else text
    return text if len(text) <= MESSAGE_WIDTH else text[:MESSAGE_WIDTH] + f"… ({len(text)} characters)"


class CqdtError(Exception):
    """Base of every error this library raises for bad input."""

    def render(self) -> str:
        return str(self)


class DiagnosticsError(CqdtError):
    """One or more positioned diagnostics, sorted by position."""

    kind = "input"

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: dict[str, str] | None = None):
        self.diagnostics = tuple(sorted(diagnostics, key=lambda d: (d.span.path, d.span.line, d.span.column)))
        self.sources = sources or {}
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(render(d, self.sources.get(d.span.path)) for d in self.diagnostics)


class RulesetError(DiagnosticsError):
    """A ruleset that does not parse or does not pass the static checks."""

    kind = "ruleset"


class DataError(DiagnosticsError):
    """Unit data that does not fit the ruleset's indicator declarations."""

    kind = "data"


class UsageError(CqdtError):
    """A call that cannot be carried out as asked (unknown ruleset, unknown unit, ...)."""
