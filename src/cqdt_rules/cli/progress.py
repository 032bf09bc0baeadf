"""A progress bar on standard error for long work (a national cohort), drawn only for a person watching a
terminal: never when standard error is a file or a pipe, and not before the work has taken a second."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from cqdt_rules.i18n import current_lang, translate

DELAY = 1.0
"""Seconds of work before a bar appears: a quick command prints nothing."""
WIDTH = 30
_REDRAW = 0.1  # seconds between two drawings


class Progress:
    """How far a stage of work has come (``advance``), drawn as ``label [#####.....] 42%``; ``stage`` starts the
    next stage, ``close`` erases the bar (also when the work stopped on an error)."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.clock = clock
        self.shown = _is_terminal(self.stream)
        self.started = clock()
        self.label, self.total, self.done = "", 0, 0
        self._drawn_at: float | None = None

    def stage(self, label: str, total: int) -> None:
        self.label, self.total, self.done = translate(label, current_lang()), total, 0

    def advance(self, amount: int) -> None:
        self.done += amount
        if not self.shown:
            return
        now = self.clock()
        if now - self.started >= DELAY and (self._drawn_at is None or now - self._drawn_at >= _REDRAW):
            self._drawn_at = now
            self._write("\r" + bar(self.label, self.done, self.total))

    def close(self) -> None:
        if self._drawn_at is not None:
            self._write("\r\x1b[K")  # back to the start of the line, and clear it
            self._drawn_at = None

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def bar(label: str, done: int, total: int) -> str:
    """``label [#####.....]  42%``: the share of ``total`` done."""
    share = min(1.0, done / total) if total > 0 else 0.0
    filled = round(share * WIDTH)
    return f"{label} [{'#' * filled}{'.' * (WIDTH - filled)}] {round(share * 100):3d}%"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
