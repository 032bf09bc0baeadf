"""Commands for ruleset authors: fmt, test, diff."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_INVALID, EXIT_OK
from cqdt_rules.engine.loading import read_ruleset
from cqdt_rules.errors import Diagnostic, RulesetError, UsageError
from cqdt_rules.files import write_whole
from cqdt_rules.i18n import translate


# ---------------------------------------------------------------- fmt
def _fmt_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="ruleset files, or folders (every .cqdt file inside); '-' reads standard input "
                        "and writes the result to standard output")
    p.add_argument("--check", action="store_true",
                   help="change nothing; list the files that are not canonical and exit 1 if there are any (for CI)")
    p.add_argument("--diff", action="store_true", help="change nothing; show what would change as a unified diff")


def run_fmt(args: argparse.Namespace) -> int:
    from cqdt_rules.language.formatter import format_text

    if args.files == ["-"]:
        sys.stdout.write(format_text(sys.stdin.read(), "<stdin>"))
        return EXIT_OK
    problems: list[Diagnostic] = []
    sources: dict[str, str] = {}
    changed: list[Path] = []
    files = _ruleset_files(args.files)
    for path in files:
        try:
            text = read_ruleset(path)
            formatted = format_text(text, str(path))
        except RulesetError as exc:
            problems.extend(exc.diagnostics)
            sources.update(exc.sources)
            continue
        if formatted == text:
            continue
        changed.append(path)
        if args.diff:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(keepends=True), formatted.splitlines(keepends=True),
                                                       translate("{path} (now)", args.lang).format(path=path),
                                                       translate("{path} (formatted)", args.lang).format(path=path)))
        if args.check and not args.diff:
            print(translate("would reformat {path}", args.lang).format(path=path))
        if not args.check and not args.diff:
            write_whole(path, formatted)
            print(translate("reformatted {path}", args.lang).format(path=path), file=sys.stderr)
    if problems:
        raise RulesetError(problems, sources)
    unchanged = len(files) - len(changed)
    if args.check or args.diff:
        print(translate("{changed} file(s) would be reformatted, {unchanged} already canonical", args.lang)
              .format(changed=len(changed), unchanged=unchanged), file=sys.stderr)
        return EXIT_INVALID if args.check and changed else EXIT_OK
    print(translate("{changed} file(s) reformatted, {unchanged} already canonical", args.lang)
          .format(changed=len(changed), unchanged=unchanged), file=sys.stderr)
    return EXIT_OK


def _ruleset_files(names: list[str]) -> list[Path]:
    files: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.rglob("*.cqdt"))
            if not found:
                raise UsageError(f"no .cqdt files in folder '{path}'")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"no such file or folder: {path}")
    return list(dict.fromkeys(files))


# ---------------------------------------------------------------- diff
def _diff_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("old", help="the earlier ruleset: a file, a folder holding one, a shipped ruleset id or a year")
    p.add_argument("new", help="the later ruleset, e.g. an amendment of OLD")
    p.add_argument("--format", choices=("text", "json", "md", "html"), default="text",
                   help="md and html: the changed rows before and after, in the layout of the decision's appendix")
    p.add_argument("--exit-code", action="store_true",
                   help="exit with 1 when the rulesets differ and 0 when they do not (as git diff --exit-code)")


def run_diff(args: argparse.Namespace) -> int:
    from cqdt_rules.engine import loading
    from cqdt_rules.language.diff import diff_json, diff_rulesets, render_diff

    old, new = loading.load_ruleset(args.old), loading.load_ruleset(args.new)
    changes = diff_rulesets(old, new, args.lang)
    if args.format in ("md", "html"):
        from cqdt_rules.reports.appendix import build_amendment, render_amendment_html, render_amendment_markdown

        render = render_amendment_markdown if args.format == "md" else render_amendment_html
        sys.stdout.write(render(build_amendment(old, new, changes, args.lang)))
    elif args.format == "json":
        sys.stdout.write(diff_json(changes, old, new) + "\n")
    else:
        sys.stdout.write(render_diff(changes, old, new, args.lang))
    return EXIT_INVALID if args.exit_code and changes else EXIT_OK


# ---------------------------------------------------------------- test (the ruleset's own tests)
def _test_arguments(p: argparse.ArgumentParser) -> None:
    from cqdt_rules.authoring.rulesettest import add_test_arguments  # with YAML: only when `test` is the command

    add_test_arguments(p)


def _run_test(args: argparse.Namespace) -> int:
    from cqdt_rules.authoring.rulesettest import run_test_command

    return run_test_command(args)


COMMANDS: list[CommandSpec] = [
    CommandSpec("fmt", "Rewrite ruleset files in the canonical layout, keeping every comment "
                "(--check for CI, --diff to preview).", _fmt_arguments, run_fmt),
    CommandSpec("diff", "List what changed between two rulesets, node by node (e.g. what an amendment changes).",
                _diff_arguments, run_diff),
    CommandSpec("test", "Run the ruleset tests beside a ruleset (expected points, levels, ranks) and report coverage.",
                _test_arguments, _run_test),
]
