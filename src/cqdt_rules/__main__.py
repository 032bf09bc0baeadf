"""``python -m cqdt_rules``: the same as the ``cqdt`` command."""

from cqdt_rules.cli.main import main

raise SystemExit(main())
