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


def render(diagnostic: Diagnostic, source: str | None = None) -> str:
    """``path:line:col: error: message``, the source line, an underline and a hint."""
    span = diagnostic.span
    lines = [f"{span}: {diagnostic.severity}: {diagnostic.message}"]
    if source is not None and span.line >= 1:
        text_lines = source.split("\n")
        if span.line <= len(text_lines):
            # form feeds and lone carriage returns are whitespace to the parser; show them as spaces
            text = text_lines[span.line - 1].translate({0x0C: " ", 0x0D: " ", 0x0B: " "})
            width = span.end_column - span.column if span.end_line == span.line else len(text) - span.column + 1
            lines.append(f"  {text}")
            lines.append("  " + " " * (span.column - 1) + "^" * max(1, width))
    if diagnostic.hint:
        lines.append(f"  hint: {diagnostic.hint}")
    return "\n".join(lines)


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
