"""What every command shares: exit codes, scoring the files named on the command line, writing text."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from cqdt_rules.engine.loading import header_of, load, shipped_rulesets
from cqdt_rules.errors import DataError, Diagnostic, UsageError, render
from cqdt_rules.files import write_whole
from cqdt_rules.i18n import current_lang, translate
from cqdt_rules.model.units import Assessment

if TYPE_CHECKING:  # the scoring modules are imported when a command scores: `check` and `--version` need none
    from cqdt_rules.cli.progress import Progress
    from cqdt_rules.engine.results import Results
    from cqdt_rules.engine.stream import Cells, Form, ScoredRows

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130
"""Stopped by Ctrl-C: 128 + SIGINT, as a shell reports it."""
STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


class Stopped(BaseException):
    """A command stopped by a signal (``stopped_by_signals``), raised where it was: like ``KeyboardInterrupt``, no
    ``except Exception`` on the way out catches it, and every ``finally`` runs."""

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number

    @property
    def name(self) -> str:
        import signal

        return signal.Signals(self.number).name


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """SIGTERM, SIGINT (Ctrl-C) and SIGHUP stop the command with ``Stopped`` raised where it is, so that every
    ``finally`` on its way out runs (a file being written is removed and the one it replaces left as it was, a
    DuckDB folder removed); ``main`` then exits with 128 + the signal's number, as a shell reports a process a
    signal ended. A signal that comes while DuckDB runs a query makes DuckDB stop it and raise its own error: the
    signal decides the exit all the same. Signals that come after the first are ignored while the command cleans
    up; the previous handlers are restored on the way out. Outside the main thread (where Python runs signal
    handlers) nothing changes."""
    import signal  # the commands run within it; a program importing the library keeps its own handlers
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def stop(number: int, frame: object) -> None:
        if not received:
            received.append(number)
            raise Stopped(number)

    previous = {number: signal.signal(number, stop) for number in
                (getattr(signal, name) for name in STOP_SIGNALS if hasattr(signal, name))}
    try:
        yield
    except BaseException:
        if received:
            raise Stopped(received[0]) from None
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def load_data(data: Sequence[str], lang: str | None = None) -> tuple[Assessment, ...]:
    """The assessments of the files and folders named on the command line; a note on standard error for
    each file of a folder skipped as not assessment data (a unit list, ...)."""
    return read_data(_existing(data), lang)


def _existing(data: Sequence[str]) -> list[Path]:
    paths = [Path(p) for p in data]
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    return paths


def read_data(paths: list[Path], lang: str | None = None) -> tuple[Assessment, ...]:
    """The assessments in these files and folders (the YAML library is imported only when data is read); a note
    on standard error for each file of a folder skipped as not assessment data (a unit list, ...)."""
    from cqdt_rules.data.readers import load_many

    skipped: list[tuple[Path, str]] = []
    try:
        return load_many(paths, skipped)
    finally:
        _note_skipped(skipped, lang)


def _note_skipped(skipped: list[tuple[Path, str]], lang: str | None) -> None:
    chosen = lang or current_lang()
    for path, reason in skipped:
        note = translate("note: skipped {path}: {reason}", chosen)
        print(note.format(path=path, reason=translate(reason, chosen)), file=sys.stderr)


def stream_files(ruleset: str, data: Sequence[str], units: Path | None, progress: Progress,
                 form: Form = "csv", cells: Cells | None = None) -> ScoredRows:
    """``score_files`` for the results (``form``: CSV rows, JSON, or a table's ``cells``) of data of any size: CSV
    and YAML files are read, checked and scored unit by unit, and each unit is kept as its results' text
    (``engine.stream``); the same checks, errors and warnings. Close the rows once written."""
    from cqdt_rules.data.readers import MAX_STREAMED_BYTES, stream_assessments
    from cqdt_rules.engine.stream import StreamScorer

    checked = load(ruleset)
    paths = _existing(data)
    scorer = StreamScorer(checked.compiled, unit_list=_unit_list(units), form=form, cells=cells)
    problems: list[Diagnostic] = []
    skipped: list[tuple[Path, str]] = []
    progress.stage("reading and scoring", sum(_size(p) for p in paths))
    try:
        # a unit is dropped once scored (unless its tier compares units): read compactly, it would cost time, spare no memory
        for assessment in stream_assessments(paths, problems, skipped, progress.advance, MAX_STREAMED_BYTES, compact=False):
            scorer.add(assessment)
        if problems:
            raise DataError(problems)
        rows = scorer.finish()
    except BaseException:
        scorer.close()
        raise
    finally:
        _note_skipped(skipped, None)
    for warning in rows.warnings:
        print(render(warning, lang=current_lang()), file=sys.stderr)
    return rows


def _size(path: Path) -> int:
    """The bytes of data in a file, or in a folder's files."""
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file()) if path.is_dir() else path.stat().st_size


def score_files(ruleset: str, data: Sequence[str], units: Path | None = None, lang: str | None = None) -> Results:
    """Score the data files and folders; warnings (parents that could not be checked) go to standard error.
    ``units`` is the province's unit list that parents are checked against."""
    from cqdt_rules.engine.scoring import score

    checked = load(ruleset)
    results = score(checked, load_data(data, lang), unit_list=_unit_list(units))
    for warning in results.warnings:
        print(render(warning, lang=lang or current_lang()), file=sys.stderr)
    return results


def _unit_list(path: Path | None) -> dict[str, str] | None:
    if path is None:
        return None
    from cqdt_rules.data.readers import read_units

    return read_units(path)


def add_units_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--units", type=Path, metavar="CSV",
                        help="the province's unit list (columns code, tier, like units.csv): every unit's parent must "
                             "be in the data or in this list")


def score_previous_files(ruleset: str, previous_ruleset: str | None, data: Sequence[str],
                         units: Path | None = None) -> Results:
    """Last year's data, scored with ``previous_ruleset`` or else the current ruleset; when they do not fit
    that ruleset, the error says so and names ``--previous-ruleset``."""
    from cqdt_rules.engine.fit import DataMismatchError

    try:
        return score_files(previous_ruleset or ruleset, data, units)
    except DataMismatchError as exc:
        if previous_ruleset:
            raise
        hint = "these are the --previous data: give the ruleset they were made for with --previous-ruleset"
        raise DataMismatchError([attrs.evolve(d, hint=f"{d.hint}; {hint}" if d.hint else hint)
                                 for d in exc.diagnostics], exc.sources) from None


def version_text() -> str:
    """``cqdt --version``: the package's version, then each shipped ruleset's id, version and status, read from
    the rulesets' headers alone (parsing every shipped ruleset would cost more than the rest of the command)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("cqdt-rules")
    except PackageNotFoundError:  # run from a checkout without installing (PYTHONPATH=src)
        package = "unknown (not installed)"
    lines = [f"cqdt-rules {package}"]
    for ruleset_id, path in shipped_rulesets().items():
        header = header_of(path)
        lines.append(f"  {ruleset_id} {header.version or '-'} ({header.status or '-'})")
    return "\n".join(lines) + "\n"


def write_or_print(text: str, out: Path | None) -> None:
    """A command's text output: into ``out`` (saying so on stderr), or to standard output."""
    if out:
        write_whole(out, text)
        print(translate(f"wrote {out}", current_lang()), file=sys.stderr)
    else:
        sys.stdout.write(text)
