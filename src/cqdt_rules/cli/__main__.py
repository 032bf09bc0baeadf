from cqdt_rules.cli.main import main

raise SystemExit(main())
