"""The `cqdt` command line: every command, one exit-code policy, no traceback for bad input."""

from __future__ import annotations

import argparse
import contextlib
import decimal
import gc
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from cqdt_rules.cli.commands import commands_for
from cqdt_rules.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    Stopped,
    stopped_by_signals,
    version_text,
)
from cqdt_rules.errors import ERRORS_SHOWN_PER_KIND, DiagnosticsError, UsageError
from cqdt_rules.i18n import LANGS, default_lang, plural, translate, using_lang
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.text import ENCODINGS, normal_newlines, reading_encoding

GC_GEN0_THRESHOLD = 100_000
"""While a command runs, Python's cyclic collector starts a collection after this many new objects, not
the default 700. A scoring run keeps a result for every criterion of every unit until it writes its
output, and none of them are in reference cycles; with the default the collector scans them again and
again (benchmarks/README.md). This is the application's choice: the library leaves the collector alone."""


LANG_HELP = "language and number format of the output"
_CHECKING_WIDTH = 80
"""The width of a formatter until it writes (``_HelpFormatter``)."""


class _Parser(argparse.ArgumentParser):
    """argparse's parser, with its help, usage line and errors in the language the command line asks for."""

    lang = "vi"  # set by _main from the words before they are parsed

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(_cqdt_error(message, self.lang) + "\n")
        raise SystemExit(EXIT_USAGE)


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help in the language of the run: the usage line, the headings, the descriptions and every
    argument's help (``%(default)s`` and the like are filled in after the help is translated). The catalogue of
    the help texts is read only when a help is shown (``cli.help_vi``)."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        # argparse makes a formatter for every argument declared, only to check it; the terminal's width (and
        # shutil, imported to ask it, about a millisecond) is looked up only when a help or usage is written
        super().__init__(prog, indent_increment, max_help_position, width or _CHECKING_WIDTH)
        self._asked = (max_help_position, width)

    def format_help(self) -> str:
        max_help_position, width = self._asked
        if width is None:
            import shutil

            self._width = shutil.get_terminal_size().columns - 2  # as argparse sets it
            self._max_help_position = min(max_help_position, max(self._width - 20, self._indent_increment * 2))
        return super().format_help()

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, translate("usage: ", _Parser.lang) if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_help_in(heading) if heading else heading)

    def add_text(self, text: str | None) -> None:
        super().add_text(_help_in(text) if text else text)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return _help_in(action.help) if action.help else action.help


def _help_in(text: str) -> str:
    from cqdt_rules.cli.help_vi import help_in  # only when a help is shown: a command that runs never reads it

    return help_in(text, _Parser.lang)


def _lang_named(words: Sequence[str]) -> str:
    """The language ``--lang`` names on a command line (before it is parsed), else the default; named twice
    (before the command and after it), the last one counts, as when the words are parsed."""
    named = default_lang()
    for index, word in enumerate(words):
        value = word.removeprefix("--lang=") if word.startswith("--lang=") else (
            words[index + 1] if word == "--lang" and index + 1 < len(words) else None)
        if value in LANGS:
            named = value
    return named


class _Version(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        sys.stdout.write(version_text())
        raise SystemExit(EXIT_OK)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; given the ``command`` about to run, only its parser and arguments are made, so that a
    command does not import what only the others need (the test runner's YAML reader, for instance) nor spend
    time declaring them; without a command, or with one that does not exist, every command is listed."""
    parser = _Parser(prog="cqdt", description="Score and rank units against rulesets written in the cqdt language.")
    parser.add_argument("--version", action=_Version, nargs=0,
                        help="the package version and the shipped rulesets (id, version, status), then exit")
    parser.add_argument("--lang", choices=LANGS, default=default_lang(), help=LANG_HELP)
    # prog given: argparse would otherwise write a usage line to find it ("cqdt", the parser has no positionals)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, prog=parser.prog)
    specs = commands_for(command)
    for spec in [spec for spec in specs if spec.name == command] or specs:
        child = sub.add_parser(spec.name, help=spec.help, description=spec.help)
        if command is None or spec.name == command:
            spec.arguments(child)
        _add_shared_options(child)
        child.set_defaults(run=spec.run, stops_itself=spec.stops_itself)
    return parser


def _command_named(argv: Sequence[str]) -> str | None:
    """The command on a command line (its first word that is neither an option nor the language ``--lang``
    names before the command), if any."""
    after_lang = False
    for word in argv:
        if not word.startswith("-") and not after_lang:
            return word
        after_lang = word == "--lang"
    return None


def _add_shared_options(child: argparse.ArgumentParser) -> None:
    """What every command takes: the language of what it prints (also accepted before the command: given after
    it, it wins; not given, the command's parser leaves the value before it, or the default, in place), and all
    errors instead of the first few."""
    lang = child._option_string_actions.get("--lang") or child.add_argument("--lang", choices=LANGS, help=LANG_HELP)
    lang.default = argparse.SUPPRESS
    child.add_argument("--all-errors", action="store_true",
                       help=f"print every error (by default at most {ERRORS_SHOWN_PER_KIND} of one kind per file, "
                            "then how many more)")
    child.add_argument("--encoding", default="utf-8", choices=sorted(ENCODINGS), metavar="ENCODING",
                       help="read YAML and CSV data files in this encoding: utf-8 (the default) or cp1258 "
                            "(Windows-1258, Excel's 'CSV' on a Vietnamese Windows)")


def main(argv: Sequence[str] | None = None) -> int:
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, *thresholds[1:])
    try:
        with decimal.localcontext(ARITHMETIC):  # every command computes as the engine does, whatever the caller set
            return _main(argv)
    finally:
        gc.set_threshold(*thresholds)  # main() is also called in-process (tests, scripts): leave no trace


def run() -> int:
    """The ``cqdt`` program (``python -m cqdt_rules`` too): ``main``, then the exit code for ``SystemExit``.

    What the imports made is moved out of reach of the cyclic collector (``gc.freeze``) before the command runs,
    and everything else after it: the collections while it runs do not scan the modules again, and on its way out
    Python does not collect every object once more only to free them (about 20 ms of a short command such as
    ``cqdt check``). The objects are still freed, and files closed, as the interpreter tears down. For the process
    alone: ``main`` called in-process leaves the collector as it found it."""
    gc.freeze()
    code = main()
    gc.freeze()
    return code


def _main(argv: Sequence[str] | None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    _Parser.lang = _lang_named(words)
    command = _command_named(words)
    if command is None and "--version" in words:  # as argparse would, without declaring every command first
        sys.stdout.write(version_text())
        return EXIT_OK
    parser = build_parser(command)
    args = parser.parse_args(words)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    lang: str = args.lang
    try:
        stopping = contextlib.nullcontext() if args.stops_itself else stopped_by_signals()
        with using_lang(lang), reading_encoding(args.encoding), stopping:
            code: int = args.run(args)
        return code
    except DiagnosticsError as exc:
        _attach_sources(exc, args.encoding)
        print(exc.render(lang, limit=None if args.all_errors else ERRORS_SHOWN_PER_KIND), file=sys.stderr)
        print(exc.summary(lang), file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(_cqdt_error(str(exc), lang), file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:
        message = translate("a file is not UTF-8 text ({reason} at byte {start}); save it as UTF-8", lang)
        print(_cqdt_error(message.format(reason=exc.reason, start=exc.start), lang), file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:  # Ctrl-C: what was being written is left as it was (``files``)
        print(_cqdt_error("interrupted; no file was changed by what was being written", lang), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Stopped as exc:  # a signal (``stopped_by_signals``): as Ctrl-C, with the signal's own exit code
        message = ("interrupted; no file was changed by what was being written" if 128 + exc.number == EXIT_INTERRUPTED
                   else f"stopped by {exc.name}; no file was changed by what was being written")
        print(_cqdt_error(message, lang), file=sys.stderr)
        return 128 + exc.number
    except OSError as exc:  # a file that cannot be written (a folder named where a file goes, no permission, disk full)
        print(_cqdt_error(_os_error(exc, lang), lang), file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print(_cqdt_error("the input is too large for the memory of this computer; give smaller files (data can be "
                          "split into several files and scored separately)", lang),
              file=sys.stderr)
        return EXIT_INVALID


def _cqdt_error(message: str, lang: str) -> str:
    return translate("cqdt: error: {message}", lang).format(message=translate(message, lang))


def _os_error(exc: OSError, lang: str) -> str:
    """What the system said of a file, in the run's language (the catalogue has the system's words for the common
    errors), and the file."""
    reason = translate(exc.strerror, lang) if exc.strerror else str(exc)
    return f"{reason}: {exc.filename}" if exc.filename else reason


def _attach_sources(exc: DiagnosticsError, encoding: str) -> None:
    """Give data errors their source lines too, so every message shows the line it points at."""
    from cqdt_rules.data.fields import MAX_DATA_BYTES  # only on this error path

    for path in {d.span.path for d in exc.diagnostics} - set(exc.sources):
        file = Path(path)
        if file.is_file() and file.suffix.lower() in (".yaml", ".yml", ".csv", ".cqdt"):
            # as the reader read it; a file that is not text in that encoding shows its readable part
            codec = ENCODINGS[encoding] if file.suffix.lower() != ".cqdt" else "utf-8-sig"
            if file.stat().st_size <= MAX_DATA_BYTES:
                text = file.read_bytes().decode(codec, errors="replace")
            else:  # a CSV read as a stream: only the lines the messages quote, so memory stays small
                text = _lines_at(file, codec, {d.span.line for d in exc.diagnostics if d.span.path == path})
            exc.sources[path] = normal_newlines(text.removeprefix("\ufeff"))


def _lines_at(file: Path, codec: str, wanted: set[int]) -> str:
    """The file's text with only the ``wanted`` lines filled in (the others empty), so positions still hold."""
    last = max(wanted, default=0)
    lines: list[str] = []
    with file.open("rb") as stream:
        for number, raw in enumerate(stream, 1):
            if number > last:
                break
            lines.append(raw.decode(codec, errors="replace").rstrip("\r\n") if number in wanted else "")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
