"""The `cqdt` command line: every command, one exit-code policy, no traceback for bad input."""

from __future__ import annotations

import argparse
import decimal
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

from cqdt_rules.cli.commands import all_commands
from cqdt_rules.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE
from cqdt_rules.errors import DiagnosticsError, UsageError
from cqdt_rules.model.numbers import ARITHMETIC
from cqdt_rules.model.text import ENCODINGS, normal_newlines, reading_encoding

GC_GEN0_THRESHOLD = 100_000
"""While a command runs, Python's cyclic collector starts a collection after this many new objects, not
the default 700. A scoring run keeps a result for every criterion of every unit until it writes its
output, and none of them are in reference cycles; with the default the collector scans them again and
again (benchmarks/README.md). This is the application's choice: the library leaves the collector alone."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"cqdt: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cqdt", description="Score and rank units against rulesets written in the cqdt language.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for spec in all_commands():
        child = sub.add_parser(spec.name, help=spec.help, description=spec.help)
        spec.arguments(child)
        child.add_argument("--encoding", default="utf-8", choices=sorted(ENCODINGS), metavar="ENCODING",
                           help="read YAML and CSV data files in this encoding: utf-8 (the default) or cp1258 "
                                "(Windows-1258, Excel's 'CSV' on a Vietnamese Windows)")
        child.set_defaults(run=spec.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, *thresholds[1:])
    try:
        with decimal.localcontext(ARITHMETIC):  # every command computes as the engine does, whatever the caller set
            return _main(argv)
    finally:
        gc.set_threshold(*thresholds)  # main() is also called in-process (tests, scripts): leave no trace


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        with reading_encoding(args.encoding):
            code: int = args.run(args)
        return code
    except DiagnosticsError as exc:
        _attach_sources(exc, args.encoding)
        print(exc.render(), file=sys.stderr)
        count = sum(1 for d in exc.diagnostics if d.is_error)
        print(f"{count} error{'s' if count != 1 else ''} in {exc.kind} input", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"cqdt: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:  # a file read by a command that has no reader of its own for it
        print(f"cqdt: error: a file is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a file that cannot be written (a folder named where a file goes, no permission, disk full)
        print(f"cqdt: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_USAGE
    except MemoryError:
        print("cqdt: error: the input is too large for the memory of this computer; split the data into several "
              "files and score them separately", file=sys.stderr)
        return EXIT_INVALID


def _attach_sources(exc: DiagnosticsError, encoding: str) -> None:
    """Give data errors their source lines too, so every message shows the line it points at."""
    for path in {d.span.path for d in exc.diagnostics} - set(exc.sources):
        file = Path(path)
        if file.is_file() and file.suffix.lower() in (".yaml", ".yml", ".csv", ".cqdt"):
            # as the reader read it; a file that is not text in that encoding shows its readable part
            raw = file.read_bytes()
            codec = ENCODINGS[encoding] if file.suffix.lower() != ".cqdt" else "utf-8-sig"
            exc.sources[path] = normal_newlines(raw.decode(codec, errors="replace").removeprefix("\ufeff"))


if __name__ == "__main__":
    raise SystemExit(main())
