"""Scoring with a SQL engine from the command line: `cqdt score … --engine duckdb [--table NAME]`. The results
stay in DuckDB and are fetched in batches as they are written, never held whole."""

from __future__ import annotations

import argparse
import re
from functools import partial
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cqdt_rules.engine import loading
from cqdt_rules.errors import DataError, Diagnostic, UsageError

if TYPE_CHECKING:
    from cqdt_rules.cli.progress import Progress
    from cqdt_rules.engine.loading import CheckedRuleset
    from cqdt_rules.engine.sql.compile import TierQuery
    from cqdt_rules.engine.sql.engines import DuckDBEngine
    from cqdt_rules.engine.sql.run import ScoredSql
    from cqdt_rules.reports.score_table import RankCells, TableCohort, TierTable

TABLE_NAME = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?", re.ASCII)


def add_engine_arguments(p: argparse.ArgumentParser) -> None:
    """The options `cqdt score` takes to score in a database instead of in Python."""
    p.add_argument("--engine", choices=("python", "duckdb"), default="python",
                   help="score in Python (default) or with the ruleset compiled to SQL in embedded DuckDB")
    p.add_argument("--table", help="with --engine duckdb: a long-form table of the DuckDB database named by DATA")
    p.add_argument("--any-year", action="store_true", help=argparse.SUPPRESS)


def stream_with_engine(ruleset: str, data: Sequence[str], table: str | None, lang: str,
                       progress: Progress) -> EngineRows:
    """Score DATA with DuckDB: YAML/CSV/XLSX unit files (as the Python engine reads them), long-form Parquet or
    CSV files, or with ``table`` a table of the DuckDB database file DATA. The data are checked (DataError as the
    Python engine words it) before anything is written. Whatever stops it, the engine's folder is removed; once it
    returns, by ``EngineRows.close``."""
    from cqdt_rules.engine.sql.engines import DuckDBEngine

    checked = loading.load(ruleset)
    paths = [Path(p) for p in data]
    for path in paths:
        if not path.exists():
            raise UsageError(f"no such file or folder: {path}")
    progress.stage("reading and scoring", 2 * len(checked.ruleset.tiers))  # two queries per tier in the data
    if table is not None:
        if len(paths) != 1 or not paths[0].is_file():
            raise UsageError("--table reads one DuckDB database file: give its path as DATA")
        if not TABLE_NAME.fullmatch(table):
            raise UsageError(f"--table '{table}': name a table as letters, digits and '_' (schema.table allowed)")
        engine = DuckDBEngine(str(paths[0]), read_only=True)  # the user's database is read, never changed
    else:
        engine = DuckDBEngine()
    try:
        return EngineRows(_scored(checked, engine, paths, table, progress), lang)
    except BaseException:
        engine.close()
        raise


def _scored(checked: CheckedRuleset, engine: DuckDBEngine, paths: list[Path], table: str | None,
            progress: Progress) -> ScoredSql:
    from cqdt_rules.data.readers import MAX_STREAMED_BYTES, stream_assessments
    from cqdt_rules.engine.sql.engines import is_long_form_csv
    from cqdt_rules.engine.sql.run import assessment_locator, long_rows, stream_sql, table_locator

    if table is not None:
        return stream_sql(checked, engine, table=table, done=progress.advance)
    long_files = [p for p in paths if p.suffix.lower() == ".parquet" or (p.suffix.lower() == ".csv" and is_long_form_csv(p))]
    if long_files:
        if len(paths) != 1:
            raise UsageError("give one long-form file (.parquet or .csv with columns unit_code, ..., indicator, value)")
        engine.attach_file(long_files[0])
        return stream_sql(checked, engine, locate=table_locator(str(long_files[0])), done=progress.advance)
    # unit files are read as they go, straight into DuckDB; read again, whole, only to locate a problem DuckDB finds
    problems: list[Diagnostic] = []
    engine.fit_memory(0)  # bounded from the start: stream_sql raises it for a large tier
    engine.load_rows(long_rows(stream_assessments(paths, problems, limit=MAX_STREAMED_BYTES)))
    if problems:
        raise DataError(problems)
    locate = assessment_locator(lambda: tuple(stream_assessments(paths, [], limit=MAX_STREAMED_BYTES)))
    return stream_sql(checked, engine, locate=locate, done=progress.advance)


class EngineRows:
    """The results of a SQL engine written in a format as they are fetched."""

    def __init__(self, scored: ScoredSql, lang: str):
        self.scored, self.lang = scored, lang

    def __len__(self) -> int:
        return len(self.scored)

    def write(self, form: str, out: TextIO, done: Callable[[int], None]) -> None:
        from cqdt_rules.engine.results import RowColumns, results_head, write_json
        from cqdt_rules.engine.stream import counted
        from cqdt_rules.reports.score_table import write_results_table
        from cqdt_rules.tables import csv_writer

        scored = self.scored
        if form == "table":
            write_results_table(out, self._table_cohorts(), self.lang, done)
        elif form == "json":
            write_json(out, results_head(scored.ruleset, scored.run_at), counted(scored.units(), done))
            out.write("\n")
        else:
            columns = RowColumns(scored.ruleset, [q.tier.id for q in scored.queries])
            writer = csv_writer(out)  # no text cell a spreadsheet would read as a formula
            writer.writerow(columns.header())
            run = columns.run_cells(scored.run_at)
            for unit in counted(scored.units(), done):
                writer.writerow(columns.row(run, unit))

    def _table_cohorts(self) -> Iterator[TableCohort]:
        from cqdt_rules.reports.score_table import TableCohort, TierTables

        tables = TierTables(self.lang)
        queries = {q.tier.id: q for q in self.scored.queries}
        for tier in self.scored.ruleset.tiers:
            query = queries.get(tier.id)
            if query is None:
                continue
            for year, source, size in self.scored.cohorts[tier.id]:
                table = tables.of(tier)
                yield TableCohort(table, year, source, size, partial(self._cohort_rows, table, query, year, source))

    def _cohort_rows(self, table: TierTable, query: TierQuery, year: int, source: str) -> Iterator[tuple[list[str], RankCells]]:
        return table.unit_rows(self.scored.cohort_units(query, year, source))

    def close(self) -> None:
        """Close the engine, removing its private folder (its work tables and what it spilled)."""
        self.scored.engine.close()
