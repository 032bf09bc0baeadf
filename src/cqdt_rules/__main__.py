"""``python -m cqdt_rules``: the same as the ``cqdt`` command."""

from cqdt_rules.cli.main import run

raise SystemExit(run())
