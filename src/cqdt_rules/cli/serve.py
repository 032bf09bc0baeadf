"""`cqdt serve`: the scoring service over HTTP (needs the `serve` extra: Starlette and uvicorn)."""

from __future__ import annotations

import argparse
import os
import sys

from cqdt_rules.cli.commands import CommandSpec
from cqdt_rules.cli.common import EXIT_OK
from cqdt_rules.errors import UsageError
from cqdt_rules.i18n import translate


def _arguments(p: argparse.ArgumentParser) -> None:
    from cqdt_rules.service.settings import MAX_BODY_BYTES, MAX_RULESET_BYTES  # only when the command is serve

    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="the port (default 8000)")
    p.add_argument("--ruleset", action="append", default=[], metavar="RULESET",
                   help="a ruleset to serve: file, folder, shipped id or year; repeat for several (default: every shipped ruleset)")
    p.add_argument("--cohort", action="append", default=[], metavar="ID=DATA",
                   help="a stored cohort for ruleset ID (a data file or folder): requests with \"cohort\": \"stored\" "
                        "score their units within it")
    p.add_argument("--workers", type=int, default=1, help="worker processes, one per core (default 1; see docs/service.md)")
    p.add_argument("--max-body", type=int, default=MAX_BODY_BYTES, metavar="BYTES",
                   help="the largest request body read (default %(default)s)")
    p.add_argument("--max-ruleset", type=int, default=MAX_RULESET_BYTES, metavar="BYTES",
                   help="the largest ruleset text accepted in a request (default %(default)s)")


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise UsageError("cqdt serve needs the 'serve' extra: pip install 'cqdt-rules[serve]'") from None
    from cqdt_rules.service.app import create_app
    from cqdt_rules.service.settings import ENVIRONMENT, load_settings, options_json

    if args.workers < 1 or not 0 <= args.port <= 65535 or args.max_body < 1 or args.max_ruleset < 1:
        raise UsageError("--workers, --max-body and --max-ruleset are at least 1, --port is 0..65535")
    options = (args.ruleset, args.cohort, args.max_body, args.max_ruleset, args.lang)
    settings = load_settings(args.ruleset, args.cohort, max_body_bytes=args.max_body, max_ruleset_bytes=args.max_ruleset,
                             lang=args.lang)
    language = "Vietnamese" if args.lang == "vi" else "English"
    started = (f"cqdt serve: serving {', '.join(settings.rulesets)} on http://{args.host}:{args.port} "
               f"({args.workers} worker process(es)), answering in {language} by default")
    print(translate(started, args.lang), file=sys.stderr, flush=True)
    if args.workers == 1:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")
    else:  # each worker process imports the application and loads the same options again
        os.environ[ENVIRONMENT] = options_json(*options)
        uvicorn.run("cqdt_rules.service.app:app_from_environment", factory=True, host=args.host, port=args.port,
                    workers=args.workers, log_level="warning")
    return EXIT_OK


COMMANDS = [CommandSpec("serve", "Serve the rulesets over HTTP: scoring, checking, forms (needs the serve extra).",
                        _arguments, run, stops_itself=True)]
