from cqdt_rules.cli.main import run

raise SystemExit(run())
