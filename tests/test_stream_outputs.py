"""Every `cqdt score` path writes its results as they come: the table for people from the streamed scorer, and
CSV, JSON and the table from DuckDB fetched in batches. Each is the non-streamed reference byte for byte (the
whole ``Results`` written, or ``score_sql``'s), the two engines write the same CSV and table, and neither holds
every unit's result while it scores or writes (counted, not timed)."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_stream import RUN_AT, streamed

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.cli.sql_engine import EngineRows
from cqdt_rules.data.readers import load_many
from cqdt_rules.engine.results import UnitResult
from cqdt_rules.engine.sql import run
from cqdt_rules.engine.sql.engines import DuckDBEngine
from cqdt_rules.engine.sql.run import assessment_locator, long_rows, score_sql, stream_sql
from cqdt_rules.model.units import Assessment
from cqdt_rules.reports.score_table import results_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "gialai"
SAMPLES = [
    ("egov_2020", ["egov-2022-audit-xa.csv"]),  # one cohort, ranked within the district
    ("egov_2020", ["egov-2022-audit.yaml"]),  # three tiers
    ("egov_2020", ["egov-2021-self.yaml", "egov-2022-audit.yaml"]),  # two years and sources
    ("dti_2023", ["dti-2023-audit-xa.csv"]),  # normalised within the district: the cohort scored whole
    ("dti_2023", ["dti-2023-audit.yaml"]),  # an index tier (headline output), rankings by an output
]


def live_results() -> int:
    """How many unit results exist in the process now."""
    return sum(isinstance(o, UnitResult) for o in gc.get_objects())


class Watched(io.StringIO):
    """Text written, and the most unit results alive seen while it was written (counted every 25 writes)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes, self.most = 0, 0

    def write(self, text: str) -> int:
        self.writes += 1
        if self.writes % 25 == 1:
            self.most = max(self.most, live_results())
        return super().write(text)


@pytest.mark.parametrize(("ruleset", "files"), SAMPLES)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_streamed_table_is_the_whole_results_table(ruleset: str, files: list[str], lang: str) -> None:
    checked, units = api.load(ruleset), load_many([SAMPLE / f for f in files])
    assert streamed(checked, units, "table", lang=lang) == results_table(api.score(checked, units, run_at=RUN_AT), lang)


def test_the_streamed_table_keeps_no_unit_result_while_it_scores_or_writes() -> None:
    checked, units = api.load("egov_2020"), load_many([SAMPLE / "egov-2022-audit.yaml"])
    most = 0

    def one_by_one() -> Iterator[Assessment]:
        nonlocal most
        for number, assessment in enumerate(units):
            if number % 25 == 0:
                most = max(most, live_results())
            yield assessment

    gc.collect()
    before = live_results()  # other tests of this process may hold some
    out = Watched()
    streamed(checked, one_by_one(), "table", out=out, lang="vi")
    assert len(units) > 250 and out.writes > 250
    assert most - before <= 1 and out.most - before == 0  # the whole-cohort path holds every unit's result


def duckdb_scored(ruleset: str, files: list[str]) -> tuple[EngineRows, api.Results]:
    """The streamed DuckDB results and ``score_sql``'s of the sample files, on one engine."""
    checked, units = api.load(ruleset), load_many([SAMPLE / f for f in files])
    engine = DuckDBEngine()
    engine.load_rows(long_rows(units))
    reference = score_sql(checked, engine, locate=assessment_locator(units), names={a.code: a.name for a in units},
                          run_at=RUN_AT)
    return EngineRows(stream_sql(checked, engine, locate=assessment_locator(units), run_at=RUN_AT), "en"), reference


def written(rows: EngineRows, form: str, out: io.StringIO | None = None) -> str:
    out = out or io.StringIO()
    rows.write(form, out, lambda n: None)
    return out.getvalue()


@pytest.mark.slow  # DuckDB compiles each ruleset's query for several seconds: the full run, not the quick subset
@pytest.mark.parametrize(("ruleset", "files"), SAMPLES)
def test_duckdbs_results_fetched_in_batches_are_score_sqls(ruleset: str, files: list[str]) -> None:
    rows, reference = duckdb_scored(ruleset, files)
    assert len(rows) == len(reference)
    assert written(rows, "csv") == reference.to_csv()
    assert written(rows, "json") == reference.to_json() + "\n"
    assert written(rows, "table") == results_table(reference, "en")


@pytest.mark.slow
@pytest.mark.parametrize(("ruleset", "files"), [SAMPLES[2], SAMPLES[3]])
@pytest.mark.parametrize("written_in_parts", [False, True])
def test_duckdb_pivoting_a_part_of_the_units_at_a_time_gives_the_same_results(
        monkeypatch: pytest.MonkeyPatch, ruleset: str, files: list[str], written_in_parts: bool) -> None:
    made: list[int] = []
    partition = DuckDBEngine.partition

    def counted(tier: object, table: str, parts: list[object]) -> Iterator[object]:
        made.append(len(parts))
        return pivot_parts(tier, table, parts)  # type: ignore[arg-type]

    def partitioned(self: DuckDBEngine, rows: str, parts: int) -> str:
        made.append(-parts)  # the parts written, told apart from the pivots
        return partition(self, rows, parts)

    pivot_parts = run.pivot_parts
    monkeypatch.setattr(run, "SLICE_VALUES", 1000)  # a cohort of 220 communes: five parts or more
    monkeypatch.setattr(run, "SCANS_BOUND", 0 if written_in_parts else 1000)
    monkeypatch.setattr(run, "pivot_parts", counted)
    monkeypatch.setattr(DuckDBEngine, "partition", partitioned)
    rows, reference = duckdb_scored(ruleset, files)  # score_sql pivots each tier whole, in the query itself
    assert max(made) >= 5 and (min(made) < 0) == written_in_parts
    assert written(rows, "csv") == reference.to_csv()
    assert written(rows, "table") == results_table(reference, "en")


@pytest.mark.slow
def test_duckdb_keeps_no_unit_result_while_it_writes() -> None:
    rows, reference = duckdb_scored("egov_2020", ["egov-2022-audit.yaml"])
    del reference
    gc.collect()
    before = live_results()  # other tests of this process may hold some
    for form in ("csv", "json", "table"):
        out = Watched()
        written(rows, form, out)
        assert out.writes > 250
        assert out.most - before <= 2, form  # the unit being written, and the one being made


@pytest.mark.slow
@pytest.mark.parametrize("form", ["csv", "table"])
@pytest.mark.parametrize(("ruleset", "data"), [("egov_2020", "egov-2022-audit.yaml"), ("dti_2023", "dti-2023-audit.yaml")])
def test_the_command_writes_the_same_on_either_engine(tmp_path: Path, form: str, ruleset: str, data: str) -> None:
    texts = []
    for engine in ("python", "duckdb"):
        out = tmp_path / f"{engine}.{form}"
        assert main(["score", ruleset, str(SAMPLE / data), "--format", form, "--engine", engine, "--out", str(out),
                     "--lang", "en"]) == 0
        texts.append(out.read_text(encoding="utf-8"))
    if form == "csv":  # the time of the run is each run's own
        texts = [text.replace(text.splitlines()[1].split(",")[4], RUN_AT) for text in texts]
    assert texts[0] == texts[1]
    checked, units = api.load(ruleset), load_many([SAMPLE / data])
    whole = api.score(checked, units, run_at=RUN_AT)
    assert texts[0] == (whole.to_csv() if form == "csv" else results_table(whole, "en"))
