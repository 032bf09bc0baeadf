"""`cqdt render`: the ruleset as the official table (the appendix of the decision), in HTML, Markdown or DOCX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_OK, write_or_print
from cqdt_rules.engine import loading
from cqdt_rules.errors import UsageError
from cqdt_rules.i18n import translate


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ruleset", help="a ruleset file, a folder holding one, or a shipped ruleset id")
    p.add_argument("--format", choices=("html", "md", "docx"), default="html",
                   help="an HTML page, Markdown, or a Word document (docx, with --out)")
    p.add_argument("--tier", help="only this tier (so, huyen, xa); default every tier")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language and number format of the output")
    p.add_argument("--out", type=Path, metavar="FILE", help="write to this file (required for docx); default standard output")


def run(args: argparse.Namespace) -> int:
    from cqdt_rules.reports.appendix import build_appendix, render_html, render_markdown, write_docx

    checked = loading.load(args.ruleset)
    ruleset = checked.ruleset
    if args.tier and args.tier not in {t.id for t in ruleset.tiers}:
        raise UsageError(f"no tier '{args.tier}' in ruleset {ruleset.id}; tiers: {', '.join(t.id for t in ruleset.tiers)}")
    appendix = build_appendix(ruleset, args.lang, args.tier)
    if args.format == "docx":
        if args.out is None:
            raise UsageError("--format docx needs --out FILE.docx")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_docx(appendix, args.out)
        print(translate(f"wrote {args.out}", args.lang), file=sys.stderr)
        return EXIT_OK
    if args.format == "md":
        text = render_markdown(appendix)
    else:
        from cqdt_rules.reports.extras import require_extra

        require_extra("pygments", "highlight")  # the ruleset's source under the tables is highlighted
        from cqdt_rules.language.highlight import highlighted_html

        text = render_html(appendix, highlighted_html(checked.source))
    write_or_print(text, args.out)
    return EXIT_OK


COMMANDS = [
    CommandSpec("render", "The ruleset as the official table: STT, criterion, maximum points, how it is scored in "
                "words, provenance, group subtotals and level cut-offs (html, md or docx).", _arguments, run),
]
