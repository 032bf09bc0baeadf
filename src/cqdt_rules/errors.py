"""Positions and diagnostics: every error a person sees is rendered here, once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from cqdt_rules.i18n import cut_note, format_count_words, plural, translate

ERRORS_SHOWN_PER_KIND = 3
"""How many diagnostics of one kind and file a person is shown before "and N more" (``--all-errors``
shows every one). The exception itself always keeps every diagnostic."""


@attrs.frozen(order=True)
class Span:
    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        if self.line == 0:  # a place with no text to point into: a record of Python data, a unit
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@attrs.frozen
class Diagnostic:
    span: Span
    message: str
    severity: str = "error"  # or "warning"
    hint: str | None = None
    kind: str | None = attrs.field(default=None, eq=False)  # what the message is about; derived when not given

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def message_kind(self) -> str:
        """Diagnostics of one kind say the same thing about different units, values or names: the message
        with its quoted names and numbers taken out, unless the diagnostic names its kind."""
        if self.kind:
            return self.kind
        text = _QUOTED.sub("…", self.message)
        while True:  # innermost parentheses first: labels may hold parentheses of their own
            shorter = _PARENTHESES.sub("…", text)
            if shorter == text:
                return _NUMBERS.sub("…", text)
            text = shorter


_QUOTED = re.compile(r"'[^']*'")
_PARENTHESES = re.compile(r"\([^()]*\)")
_NUMBERS = re.compile(r"\d+(?:[.,/]\d+)*")


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """A hint naming the closest candidate, or None when nothing is close."""
    import difflib  # only when a name is not found

    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


EXCERPT_WIDTH = 160
"""The most characters of a source line an error shows (a window around the caret)."""
MESSAGE_WIDTH = 1000
"""The most characters of one message or hint an error shows; a longer one says how long it was."""


def render(diagnostic: Diagnostic, source: str | None = None, lang: str = "en") -> str:
    """``path:line:col: error: message``, the source line, an underline and a hint, in ``lang``.

    Every part is bounded (a one-line file of megabytes shows a window of ``EXCERPT_WIDTH`` characters)
    and shows no control character: text from a file never reaches a terminal as an escape sequence."""
    span = diagnostic.span
    severity = translate(diagnostic.severity, lang)
    first, *more = translate(diagnostic.message, lang).split("\n")  # a paragraph: one sentence a line
    lines = [f"{span}: {severity}: {_bounded(first, lang)}"] + [f"  {_bounded(line, lang)}" for line in more]
    if source is not None and span.line >= 1:
        excerpt = _excerpt(source, span)
        if excerpt:
            lines.extend(excerpt)
    if diagnostic.hint:
        lines.append(f"  {translate('hint', lang)}: {_bounded(translate(diagnostic.hint, lang), lang)}")
    return "\n".join(lines)


def render_diagnostics(diagnostics: Sequence[Diagnostic], sources: dict[str, str], lang: str = "en",
                       limit: int | None = ERRORS_SHOWN_PER_KIND) -> str:
    """Every diagnostic in order, but at most ``limit`` of one kind per file: the rest of that kind are
    counted in one line after the last one shown ("and 12,650 more"). ``limit=None`` shows all."""
    shown: list[tuple[Diagnostic, int]] = []  # with how many of its kind follow unshown, for the last one shown
    groups: dict[tuple[str, str, str], list[int]] = {}
    hidden: dict[tuple[str, str, str], int] = {}
    for diagnostic in diagnostics:
        group = (diagnostic.span.path, diagnostic.severity, diagnostic.message_kind)
        positions = groups.setdefault(group, [])
        if limit is not None and len(positions) >= limit:
            hidden[group] = hidden.get(group, 0) + 1
            continue
        positions.append(len(shown))
        shown.append((diagnostic, 0))
    for group, count in hidden.items():
        last = groups[group][-1]
        shown[last] = (shown[last][0], count)
    blocks = []
    for diagnostic, more in shown:
        blocks.append(render(diagnostic, sources.get(diagnostic.span.path), lang))
        if more:
            blocks.append("  " + translate("… and {count} more like this in {path} (--all-errors shows every one)",
                                           lang).format(count=format_count_words(more, lang), path=diagnostic.span.path))
    return "\n".join(blocks)


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


def _bounded(text: str, lang: str) -> str:
    text = _visible(text) if any(c < " " or "\x7f" <= c <= "\x9f" for c in text if c != "\n") else text
    return text if len(text) <= MESSAGE_WIDTH else text[:MESSAGE_WIDTH] + cut_note(len(text), lang)


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

    def render(self, lang: str = "en", limit: int | None = None) -> str:
        """Every diagnostic (``limit``: at most that many of one kind per file, see ``render_diagnostics``)."""
        return render_diagnostics(self.diagnostics, self.sources, lang, limit)

    def summary(self, lang: str = "en") -> str:
        """The closing line under the diagnostics: ``3 errors in data input``."""
        count = sum(1 for d in self.diagnostics if d.is_error)
        return translate("{count} in {kind} input", lang).format(count=plural(count, "error", "errors", lang),
                                                                 kind=translate(self.kind, lang))


class RulesetError(DiagnosticsError):
    """A ruleset that does not parse or does not pass the static checks."""

    kind = "ruleset"


class DataError(DiagnosticsError):
    """Unit data that does not fit the ruleset's indicator declarations."""

    kind = "data"


class UsageError(CqdtError):
    """A call that cannot be carried out as asked (unknown ruleset, unknown unit, ...)."""
