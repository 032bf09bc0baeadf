"""The databases the SQL back end runs on: DuckDB embedded (the default), PostgreSQL (psycopg) and Spark
(pyspark). Each is imported only when used (extras ``duckdb``, ``postgres``, ``spark``)."""

from __future__ import annotations

import json
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from cqdt_rules.engine.sql.compile import INPUT_TABLE, PART_COLUMN
from cqdt_rules.engine.sql.dialects import SPARK_SETTINGS
from cqdt_rules.engine.sql.inputs import COLUMNS
from cqdt_rules.engine.sql.run import Row
from cqdt_rules.errors import DataError, Diagnostic, Span, UsageError

LONG_FORM_MARKERS = ("unit_code", "indicator", "value")
LOCAL_SPARK = {
    "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false", "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "1g",
    # a scoring query is one wide projection of CASE expressions: compiling it to Java takes minutes, and
    # interpreting it is faster for the data of one province; a cluster may prefer codegen for large data
    "spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}


def _missing(extra: str) -> UsageError:
    return UsageError(f"the SQL engine needs the optional dependency: pip install 'cqdt-rules[{extra}]'")


WORK = "cqdt_work"
"""The engine's own database, a file in its private folder: the tables it makes (``materialise``) are kept there,
compressed, and DuckDB moves them out of memory when its memory limit is reached."""
MEMORY_FLOOR = 100 * 10**6
MEMORY_PER_VALUE = 8
"""DuckDB's memory as ``fit_memory`` sets it: ``MEMORY_FLOOR`` bytes, or ``MEMORY_PER_VALUE`` bytes per value of the
rows of the tier being scored (a row per unit, a value per indicator and result column) when more; beyond it DuckDB
spills to the engine's folder. ``stream_sql`` pivots each tier a part of its units at a time (``run.SLICE_VALUES``),
within the floor, but the windows of the ranks and of the best values keep part of every unit's row in memory: a
million communes of the shipped ``xa`` tier (some 60 values a row: 480 MB) were refused within 100 MB and scored
within 250 MB."""


class DuckDBEngine:
    """DuckDB in this process; the input table is loaded from rows, a Parquet or CSV file, or a database table.

    Everything DuckDB writes goes to a folder of the engine's own (only its user may read it, never a shared
    temporary folder another user could plant files in), removed by ``close``: what it spills beyond
    ``memory_limit`` and its work database (``WORK``)."""

    dialect = "duckdb"

    def __init__(self, database: str = ":memory:", memory_limit: str | None = None, threads: int | None = None,
                 read_only: bool = False):
        try:
            import duckdb
        except ImportError:
            raise _missing("duckdb") from None
        try:
            self.connection = duckdb.connect(database, read_only=read_only)
        except duckdb.Error as exc:
            raise UsageError(f"cannot open '{database}' as a DuckDB database: {str(exc).splitlines()[0]}") from None
        self.database = database
        self.folder = Path(tempfile.mkdtemp(prefix="cqdt-duckdb-"))  # mode 0700
        self._removal = weakref.finalize(self, _remove, self.connection, self.folder)
        self.connection.execute(f"SET temp_directory = '{_quoted_text(str(self.folder))}'")
        # every query streamed out has an ORDER BY: DuckDB need not keep rows in the order they were read
        self.connection.execute("SET preserve_insertion_order = false")
        self._memory: int | None = 0  # what fit_memory set; None: the caller's limit, kept
        if memory_limit is not None:
            self.connection.execute(f"SET memory_limit = '{_plain_setting(memory_limit)}'")
            self._memory = None
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        self._work_attached, self._loaded = False, 0

    def fit_memory(self, values: int) -> None:
        """Without a ``memory_limit`` given, DuckDB's memory bounded, yet enough for a tier whose rows hold ``values``
        values (``MEMORY_PER_VALUE``): it only grows. Until then DuckDB's own default holds (most of the machine's
        memory)."""
        if self._memory is None:
            return
        wanted = max(MEMORY_FLOOR, values * MEMORY_PER_VALUE)
        if wanted > self._memory:
            self._memory = wanted
            self.connection.execute(f"SET memory_limit = '{wanted // 10**6}MB'")

    def close(self) -> None:
        """Close the connection and remove the engine's folder."""
        self._removal()

    def materialise(self, name: str, selects: Iterable[str]) -> str:
        """A table of the work database (``WORK``) holding the rows of every query of ``selects``, each run in turn;
        its qualified name. ``name`` is the caller's own identifier (letters, digits, '_'), never a user's text."""
        assert name.isidentifier(), name
        if not self._work_attached:
            # READ_ONLY false: the user's database may be open read-only, the work database never is
            self.connection.execute(f"ATTACH '{_quoted_text(str(self.folder / 'work.duckdb'))}' AS {WORK} (READ_ONLY false)")
            self._work_attached = True
        table = f"{WORK}.{name}"
        self._fill(table, selects)
        return table

    def _fill(self, table: str, selects: Iterable[str]) -> None:
        for index, select in enumerate(selects):
            self.query(f"CREATE OR REPLACE TABLE {table} AS {select}" if index == 0 else f"INSERT INTO {table} {select}")

    def partition(self, rows: str, parts: int) -> str:
        """The rows of the query ``rows`` written once into Parquet files of the engine's folder, a folder per part
        (``PART_COLUMN``, 0 to ``parts`` - 1); a view of them, from which a query of one part reads only that part's
        files. DuckDB holds at most about ``PARTITION_BUFFER_ROWS`` rows while it writes them (a few thousand of
        each part)."""
        folder = _quoted_text(str(self.folder / "parts"))
        flush = max(MIN_FLUSH_ROWS, PARTITION_BUFFER_ROWS // max(1, parts))
        self.connection.execute(f"SET partitioned_write_flush_threshold = {flush}")
        self.query(f"COPY ({rows}) TO '{folder}' (FORMAT parquet, PARTITION_BY ({PART_COLUMN}))")
        self.connection.execute(f"CREATE OR REPLACE TEMP VIEW {PARTS} AS SELECT * FROM read_parquet('{folder}/*/*.parquet', "
                                f"hive_partitioning = true, hive_types = {{'{PART_COLUMN}': INTEGER}})")
        return PARTS

    def query(self, sql: str) -> tuple[list[str], list[Row]]:
        import duckdb

        try:
            cursor = self.connection.execute(sql)
        except duckdb.Error as exc:
            raise UsageError(f"DuckDB refused the query: {str(exc).splitlines()[0]}") from None
        return [d[0] for d in cursor.description], cursor.fetchall()

    def stream(self, sql: str) -> tuple[list[str], Iterator[Row]]:
        """The rows of a query, fetched ``FETCH_ROWS`` at a time on a cursor of their own (another query may run
        between two batches)."""
        import duckdb

        cursor = self.connection.cursor()
        try:
            cursor.execute(sql)
        except duckdb.Error as exc:
            cursor.close()
            raise UsageError(f"DuckDB refused the query: {str(exc).splitlines()[0]}") from None
        return [d[0] for d in cursor.description], _batches(cursor)

    def load_rows(self, rows: Iterable[Row], table: str = INPUT_TABLE) -> None:
        """The input table from rows, taken as they come (they may be read as they go), ``LOAD_ROWS`` at a time:
        written as JSON lines to a file of the engine's folder, which DuckDB reads (inserting rows through
        parameters costs DuckDB milliseconds a row). In a database file ``table`` is a table of it; in memory, a view
        of a table of the work database, which DuckDB moves out of memory when it needs to."""
        if self.database != ":memory:":
            self._fill(f'"{table}"', self._staged(rows))
            return
        self._loaded += 1  # each table loaded keeps a work table of its own
        loaded = self.materialise(f"input_{self._loaded}", self._staged(rows))
        self.connection.execute(f'CREATE OR REPLACE VIEW "{table}" AS SELECT * FROM {loaded}')

    def _staged(self, rows: Iterable[Row]) -> Iterator[str]:
        """A query reading each batch of ``rows`` from a file, written row by row when asked for and removed once read
        (one at least, so that no rows still make a table)."""
        staged = self.folder / "rows.jsonl"
        types = ", ".join(f"'{c}': '{'INTEGER' if c == 'year' else 'VARCHAR'}'" for c in COLUMNS)
        read = (f"SELECT {', '.join(COLUMNS)} FROM read_json('{_quoted_text(str(staged))}', format = 'newline_delimited', "
                f"columns = {{{types}}})")
        rows = iter(rows)
        while True:
            written = 0
            with staged.open("w", encoding="utf-8") as out:
                for row in islice(rows, LOAD_ROWS):  # written as they come: a batch is never held
                    out.write(json.dumps(dict(zip(COLUMNS, row))))
                    out.write("\n")
                    written += 1
            yield read
            if written < LOAD_ROWS:
                break
        staged.unlink(missing_ok=True)

    def attach_file(self, path: Path, table: str = INPUT_TABLE) -> None:
        """A long-form Parquet or CSV file as the input table (a view: the file is read where it lies)."""
        literal = _quoted_text(str(path))
        if path.suffix.lower() == ".parquet":
            source = f"read_parquet('{literal}')"
        elif path.suffix.lower() == ".csv":
            source = f"read_csv('{literal}', all_varchar = true, header = true)"
        else:
            raise UsageError(f"cannot read '{path}' with the SQL engine: use a long-form .parquet or .csv file")
        columns = self.query(f"DESCRIBE SELECT * FROM {source}")[1]
        names = [c[0] for c in columns]
        missing = [c for c in COLUMNS if c not in names and c != "unit_name"]
        if missing:
            raise DataError([Diagnostic(Span(str(path), 1, 1, 1, 1), f"the long-form table has no column {', '.join(missing)}",
                                        hint=f"columns: {', '.join(COLUMNS)} (unit_name optional)")])
        name = "unit_name" if "unit_name" in names else "CAST(NULL AS VARCHAR) AS unit_name"
        others = ", ".join(c for c in COLUMNS if c not in ("unit_name", "year"))
        self.connection.execute(f'CREATE OR REPLACE VIEW "{table}" AS SELECT {others}, {name}, '
                                f'CAST(year AS INTEGER) AS year FROM {source}')


PARTS = "cqdt_parts"
"""The view of the input written in parts (``DuckDBEngine.partition``)."""
PARTITION_BUFFER_ROWS = 250_000
MIN_FLUSH_ROWS = 2048
"""While it writes parts, DuckDB keeps up to ``PARTITION_BUFFER_ROWS`` rows (some 25 MB) shared by the parts, and
writes out a part's rows once it holds ``MIN_FLUSH_ROWS`` of them or more: beyond a hundred parts (25 million rows)
the rows kept grow with the parts, slowly."""
LOAD_ROWS = 100_000
"""Rows ``DuckDBEngine.load_rows`` writes to a file for DuckDB to read at once (some 15 MB)."""
FETCH_ROWS = 2048
"""Rows fetched from DuckDB at once when results are streamed: DuckDB's vector size."""


def _batches(cursor: Any) -> Iterator[Row]:
    try:
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield from batch
    finally:
        cursor.close()


def is_long_form_csv(path: Path) -> bool:
    with path.open(encoding="utf-8-sig") as handle:
        header = [c.strip() for c in handle.readline().split(",")]
    return all(marker in header for marker in LONG_FORM_MARKERS)


class PostgresEngine:
    """A PostgreSQL database through psycopg; the input table is created and filled from rows."""

    dialect = "postgres"

    def __init__(self, dsn: str):
        try:
            import psycopg
        except ImportError:
            raise _missing("postgres") from None
        self.connection = psycopg.connect(dsn, autocommit=True)

    def query(self, sql: str) -> tuple[list[str], list[Row]]:
        import psycopg

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql.encode())  # the text is complete SQL: no client-side parameters
                if cursor.description is None:
                    return [], []
                return [d.name for d in cursor.description], cursor.fetchall()
        except psycopg.Error as exc:
            raise UsageError(f"PostgreSQL refused the query: {str(exc).splitlines()[0]}") from None

    def load_rows(self, rows: Iterable[Row], table: str = INPUT_TABLE) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"'.encode())
            cursor.execute(f'CREATE TABLE "{table}" ({_ddl("TEXT", "INTEGER")})'.encode())
            with cursor.copy(f'COPY "{table}" ({", ".join(COLUMNS)}) FROM STDIN'.encode()) as copy:
                for row in rows:
                    copy.write_row(row)

    def close(self) -> None:
        self.connection.close()


class SparkEngine:
    """Spark SQL over a DataFrame registered as the input table; ANSI mode on (overflow raises)."""

    dialect = "spark"

    def __init__(self, session: Any):
        self.session = session
        for key, value in SPARK_SETTINGS.items():
            session.conf.set(key, value)

    @staticmethod
    def local(cores: int = 2) -> Any:
        """A local Spark session (tests, one machine); a cluster session comes from ``spark-submit``."""
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise _missing("spark") from None
        builder = SparkSession.builder.master(f"local[{cores}]").appName("cqdt-rules")
        for key, value in {**SPARK_SETTINGS, **LOCAL_SPARK}.items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session

    def query(self, sql: str) -> tuple[list[str], list[Row]]:
        try:
            frame = self.session.sql(sql)
            rows = frame.collect()
        except Exception as exc:  # py4j and pyspark raise many kinds; each is a refused query here
            raise UsageError(f"Spark refused the query: {str(exc).splitlines()[0]}") from None
        return list(frame.columns), [tuple(row) for row in rows]

    def load_rows(self, rows: Iterable[Row], table: str = INPUT_TABLE) -> None:
        schema = ", ".join(f"{c} {'INT' if c == 'year' else 'STRING'}" for c in COLUMNS)
        frame = self.session.createDataFrame(list(rows), schema=schema)
        frame.createOrReplaceTempView(table)


def _remove(connection: Any, folder: Path) -> None:
    connection.close()
    shutil.rmtree(folder, ignore_errors=True)


def _quoted_text(value: str) -> str:
    return value.replace("'", "''")


def _ddl(text_type: str, integer_type: str) -> str:
    return ", ".join(f"{c} {integer_type if c == 'year' else text_type}" for c in COLUMNS)


def _plain_setting(value: str) -> str:
    if not all(ch.isalnum() or ch in ". " for ch in value):
        raise UsageError(f"not a memory size: {value!r} (e.g. 2GB)")
    return value
