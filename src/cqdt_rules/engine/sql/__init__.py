"""The SQL back end: a checked ruleset compiled to one query per tier for DuckDB, PostgreSQL and Spark."""
