"""`cqdt score --engine duckdb` as a whole run: each unit's name as the Python engine gives it (per unit, year and
source), names that disagree refused, and a run stopped by a signal removing its private DuckDB folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from cqdt_rules.cli.main import main
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.engine.sql import engines
from cqdt_rules.engine.sql.engines import DuckDBEngine
from cqdt_rules.engine.sql.run import long_rows

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "gialai"
RENAMED = ('    name: "Văn phòng UBND tỉnh"', '    name: "Văn phòng Ủy ban nhân dân tỉnh"')


def scored(tmp_path: Path, engine: str, data: list[Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = tmp_path / f"{engine}.csv"
    code = main(["score", "egov_2020", *map(str, data), "--format", "csv", "--engine", engine, "--out", str(out),
                 "--lang", "en"])
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    run_at = text.splitlines()[1].split(",")[4] if code == 0 else ""
    return code, text.replace(run_at, "RUN_AT") if run_at else text, capsys.readouterr().err


@pytest.mark.slow  # DuckDB compiles the ruleset's queries for seconds
def test_a_unit_renamed_from_one_year_to_the_next_keeps_each_years_name_on_either_engine(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    earlier = tmp_path / "egov-2021-self.yaml"
    earlier.write_text((SAMPLE / "egov-2021-self.yaml").read_text(encoding="utf-8").replace(*RENAMED, 1), encoding="utf-8")
    data = [earlier, SAMPLE / "egov-2022-audit.yaml"]
    python, duckdb = (scored(tmp_path, engine, data, capsys) for engine in ("python", "duckdb"))
    assert python[0] == duckdb[0] == 0
    assert duckdb[1] == python[1]
    names = {tuple(line.split(",")[5:10:4]) for line in python[1].splitlines() if ",SO01," in line}
    assert names == {("2021", "Văn phòng Ủy ban nhân dân tỉnh"), ("2022", "Văn phòng UBND tỉnh")}


@pytest.mark.slow
def test_a_unit_given_twice_under_two_names_is_refused_by_either_engine_pointing_into_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (SAMPLE / "egov-2022-audit.yaml").read_text(encoding="utf-8")
    start = text.index("  - code: \"SO01\"")
    unit = text[start:text.index("  - code: ", start + 1)]
    twice = tmp_path / "twice.yaml"
    twice.write_text(text + unit.replace(*RENAMED), encoding="utf-8")
    python, duckdb = (scored(tmp_path, engine, [twice], capsys) for engine in ("python", "duckdb"))
    assert python[0] == duckdb[0] == 1
    assert python[1] == duckdb[1] == ""  # nothing written
    for stderr in (python[2], duckdb[2]):
        assert "'SO01'" in stderr and f"{twice}:" in stderr and "Traceback" not in stderr


def long_form(tmp_path: Path, changed: str) -> Path:
    """The 2022 audit as a long-form Parquet file, with the columns ``changed`` gives (a ``REPLACE`` list)."""
    engine = DuckDBEngine()
    engine.load_rows(long_rows(load_assessments(SAMPLE / "egov-2022-audit.yaml")))
    path = tmp_path / "long.parquet"
    engine.connection.execute(f"COPY (SELECT * REPLACE ({changed}) FROM cqdt_input) TO '{path}' (FORMAT parquet)")
    engine.close()
    return path


@pytest.mark.slow
def test_rows_of_one_unit_giving_two_names_are_refused_saying_which(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = long_form(tmp_path, "CASE WHEN unit_code = 'SO01' AND indicator = 'internet_bang_rong' THEN 'Văn phòng tỉnh' "
                               "ELSE unit_name END AS unit_name")
    assert main(["score", "egov_2020", str(data), "--engine", "duckdb", "--lang", "en"]) == 1
    stderr = capsys.readouterr().err
    assert "unit 'SO01' is named both 'Văn phòng UBND tỉnh' and 'Văn phòng tỉnh' for 2022 (audit)" in stderr
    assert f"{data}: unit SO01 2022 audit" in stderr and "the same unit_name" in stderr


def test_rows_without_a_tier_are_refused_not_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = long_form(tmp_path, "CASE WHEN unit_code = 'SO01' THEN NULL ELSE tier END AS tier")
    assert main(["score", "egov_2020", str(data), "--engine", "duckdb", "--lang", "en"]) == 1
    assert "unit 'SO01' has no tier" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_run_stopped_by_a_signal_removes_its_duckdb_folder(tmp_path: Path, stop: signal.Signals) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    out = tmp_path / "results.json"
    os.mkfifo(out)  # cqdt writes into it, and waits while it is full: the signal comes in the middle of the run
    process = subprocess.Popen([sys.executable, "-m", "cqdt_rules", "score", "egov_2020", str(SAMPLE / "egov-2022-audit.yaml"),
                                "--engine", "duckdb", "--format", "json", "--out", str(out)],
                               env={**os.environ, "TMPDIR": str(temporary)}, stderr=subprocess.PIPE)

    def unblock_if_it_ends() -> None:  # a run that ends before it writes would leave the reader below waiting
        process.wait()
        try:
            os.close(os.open(out, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass

    threading.Thread(target=unblock_if_it_ends, daemon=True).start()
    with open(out, "rb") as results:
        assert results.read(1) == b"{", "cqdt ended before it wrote"
        assert [p.name.startswith("cqdt-duckdb-") for p in temporary.iterdir()] == [True]  # its folder, while it runs
        process.send_signal(stop)
        results.read()  # what it still writes, so that it never waits on a full pipe
    _, stderr = process.communicate()
    assert process.returncode == 128 + stop, stderr.decode()
    assert list(temporary.iterdir()) == []
    assert b"Traceback" not in stderr


@pytest.mark.parametrize("batches", [1, 1.5, 2])  # a batch of all the rows, a full one and a part, two full ones
def test_unit_files_are_loaded_whole_whatever_falls_on_a_batchs_end(monkeypatch: pytest.MonkeyPatch, batches: float) -> None:
    rows = list(long_rows(load_assessments(SAMPLE / "egov-2022-audit-xa.csv")))
    assert len(rows) % 2 == 0
    monkeypatch.setattr(engines, "LOAD_ROWS", int(len(rows) / batches))
    engine = DuckDBEngine()
    engine.load_rows(iter(rows))
    _, loaded = engine.query("SELECT * FROM cqdt_input")
    engine.close()
    assert sorted(loaded, key=repr) == sorted(rows, key=repr)
