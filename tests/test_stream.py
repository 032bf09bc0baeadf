"""Scoring a stream (``cqdt score --format csv`` and ``--format json``): the rows and the JSON are those of the
whole-cohort path byte for byte, bad data are refused with the same errors, CSV files are read line by line as
they are read whole, units' JSON text beyond a few megabytes waits in an unnamed file only its owner can read, and
the progress bar shows only on a terminal."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import random
import stat
from collections.abc import Iterable
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import assessments_for, generated_rulesets

from cqdt_rules import api, testing
from cqdt_rules.cli import progress as progress_module
from cqdt_rules.cli.main import main
from cqdt_rules.cli.progress import Progress, bar
from cqdt_rules.data.readers import load_assessments, load_many, read_units, stream_assessments
from cqdt_rules.engine import stream
from cqdt_rules.engine.fit import DataMismatchError
from cqdt_rules.engine.results import Results, results_schema
from cqdt_rules.engine.stream import Form, StreamScorer
from cqdt_rules.errors import DataError, Diagnostic, UsageError
from cqdt_rules.i18n import using_lang
from cqdt_rules.model.text import reading_encoding
from cqdt_rules.model.units import Assessment
from cqdt_rules.reports.score_table import TierTables, results_table, write_results_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "gialai"
RUN_AT = "2026-01-02T03:04:05+00:00"


def streamed_csv(ruleset: str, paths: list[Path], **options: object) -> str:
    return streamed_files(ruleset, paths, "csv", **options)


def streamed_json(ruleset: str, paths: list[Path], **options: object) -> str:
    return streamed_files(ruleset, paths, "json", **options)


def streamed_files(ruleset: str, paths: list[Path], form: Form, **options: object) -> str:
    """The results as the streamed path writes them (reading errors raised first, as the command does)."""
    problems: list[Diagnostic] = []
    units = list(stream_assessments(paths, problems))
    if problems:
        raise DataError(problems)
    return streamed(api.load(ruleset), units, form, **options)


def streamed(checked: api.CheckedRuleset, units: Iterable[Assessment], form: Form, *, out: io.StringIO | None = None,
             lang: str = "en", **options: object) -> str:
    """The results as the streamed path writes them in ``form`` (a table in ``lang``), the units given one by one."""
    tables = TierTables(lang)
    cells = tables.own_cells if form == "table" else None
    scorer = StreamScorer(checked.compiled, run_at=RUN_AT, form=form, cells=cells, **options)  # type: ignore[arg-type]
    for assessment in units:
        scorer.add(assessment)
    rows = scorer.finish()
    out = out or io.StringIO()
    if form == "table":
        write_results_table(out, tables.cohorts(rows.table_cohorts()), lang)
    else:
        (rows.write_json if form == "json" else rows.write_csv)(out)
    rows.close()
    return out.getvalue()


def whole_csv(ruleset: str, paths: list[Path], **options: object) -> str:
    return api.score(api.load(ruleset), load_many(paths), run_at=RUN_AT, **options).to_csv()  # type: ignore[arg-type]


def whole_json(ruleset: str, paths: list[Path], **options: object) -> str:
    return api.score(api.load(ruleset), load_many(paths), run_at=RUN_AT, **options).to_json()  # type: ignore[arg-type]


@pytest.mark.parametrize(("ruleset", "files"), [
    ("egov_2020", ["egov-2022-audit-xa.csv"]),  # one cohort, ranked within the district
    ("egov_2020", ["egov-2022-audit.yaml"]),  # three tiers: each row spread over the columns of every tier
    ("egov_2020", ["egov-2022-audit-so.csv", "egov-2022-audit-huyen.csv", "egov-2022-audit-xa.csv"]),
    ("egov_2020", ["egov-2021-self.yaml", "egov-2022-audit.yaml"]),  # two years and sources
    ("dti_2023", ["dti-2023-audit-xa.csv"]),  # normalised within the district: the cohort kept and scored whole
    ("dti_2023", ["dti-2023-audit.yaml"]),  # outputs (the index), rankings by an output
])
def test_the_streamed_rows_and_json_are_the_whole_cohorts_byte_for_byte(ruleset: str, files: list[str]) -> None:
    paths = [SAMPLE / f for f in files]
    assert streamed_csv(ruleset, paths) == whole_csv(ruleset, paths)
    assert streamed_json(ruleset, paths) == whole_json(ruleset, paths)


GENERATED = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@GENERATED
@given(st.data())
def test_generated_rulesets_and_cohorts_stream_the_whole_results(data: st.DataObject) -> None:
    """Rankings by outputs, within districts, dense or shared ties, cohort functions (a cohort kept whole); the
    results as CSV, JSON and the table for people."""
    generated = data.draw(generated_rulesets(functions=True))
    units = data.draw(assessments_for(generated, max_units=12))
    checked = api.load_text(generated.text, "generated.cqdt")
    try:
        whole = api.score(checked, units, run_at=RUN_AT)
    except DataError as refused:
        with pytest.raises(DataError) as streamed_refusal:
            streamed(checked, units, "json")
        assert str(streamed_refusal.value) == str(refused)
        return
    assert streamed(checked, units, "json") == whole.to_json() == encoded(whole)
    assert streamed(checked, units, "csv") == whole.to_csv()
    assert streamed(checked, units, "table") == results_table(whole, "en")


def encoded(results: Results) -> str:
    """The reference for the text of results JSON: ``to_dict()`` encoded by the JSON library, a line per unit's own
    fields and per node (the layout ``write_json`` documents), every unit and node in one encoder call."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    document = results.to_dict()
    units = []
    for unit in document.pop("units"):
        nodes = unit.pop("nodes")
        units.append(encode(unit)[:-1] + ', "nodes": [' + ",".join("\n  " + encode(n) for n in nodes) + "\n]}")
    return encode(document)[:-1] + ', "units": [' + "".join(("\n" if i == 0 else ",\n") + u for i, u in enumerate(units)) + "\n]}"


ODD_TEXTS = 'Tiêu chí \\"trích\\" \\\\ 😀 \u2028 <b>&amp;</b>'


def test_results_json_is_the_json_librarys_encoding_of_to_dict(tmp_path: Path) -> None:
    """The unit's text is written piece by piece (the ruleset's text encoded once per tier): it must stay what the
    encoder writes, quotes, backslashes, characters beyond the BMP and line separators in titles and names too."""
    for ruleset, data in [("egov_2020", "egov-2022-audit.yaml"), ("dti_2023", "dti-2023-audit.yaml")]:
        results = api.score(api.load(ruleset), load_many([SAMPLE / data]), run_at=RUN_AT)
        assert results.to_json() == encoded(results)
    text = (ROOT / "rulesets" / "2020" / "egov.cqdt").read_text(encoding="utf-8")
    odd = tmp_path / "odd.cqdt"
    odd.write_text(text.replace('"Tỷ lệ', f'"{ODD_TEXTS} Tỷ lệ').replace('provenance reconstructed "', f'provenance reconstructed "{ODD_TEXTS}'),
                   encoding="utf-8")
    units = [attrs.evolve(a, name=f'Xã "{a.code}" \\ 😀 </script>', note="\u00a0/") for a in load_many([SAMPLE / "egov-2022-audit-xa.csv"])]
    results = api.score(api.load(str(odd)), units, run_at=RUN_AT)
    assert ODD_TEXTS.replace("\\\\", "\\").replace('\\"', '"') in results.units[0].tier.walk()[0].provenance.text  # type: ignore[union-attr]
    assert results.to_json() == encoded(results)
    checked = api.load(str(odd))
    assert streamed(checked, units, "json") == encoded(results)


@GENERATED
@given(testing.cohorts("egov_2020", "xa", max_size=30, districts=4, evidence="random"))
def test_generated_cohorts_of_the_shipped_tier_stream_the_whole_results(units: list[Assessment]) -> None:
    checked = api.load("egov_2020")
    assert streamed(checked, units, "json") == api.score(checked, units, run_at=RUN_AT).to_json()


def _generated_csv(path: Path, count: int, seed: int) -> Path:
    """``count`` communes made from the sample's first one: new codes, a few values redrawn (many ties)."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        total = rng.randint(0, 40)
        rows.append({"code": f"{30000 + n}", "name": f"Xã {n}", "parent": rng.choice(["622", "623", "624"]),
                     "may_tinh.b": str(total), "may_tinh.a": str(rng.randint(0, total)),
                     "ke_hoach_cds": rng.choice(["yes", "no"]), "tin_bai_thang": str(rng.randint(0, 12)),
                     "ke_hoach_cds.evidence": rng.choice(["", "KH 1"])})
    rng.shuffle(rows)  # the output is in code order whatever the input's
    return _write_csv(path, rows)


def test_a_generated_cohort_read_from_a_file_streams_the_whole_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _generated_csv(tmp_path / "xa.csv", 1000, seed=7)
    monkeypatch.setattr(stream, "SPOOL_IN_MEMORY", 64 * 1024)  # the units' text goes to a file
    text = streamed_json("egov_2020", [data])
    assert text == whole_json("egov_2020", [data])
    document = json.loads(text)
    assert len(document["units"]) == 1000 and {u["ranks"]["huyen"]["of"] for u in document["units"]} != {1000}


@pytest.mark.parametrize("lang", ["vi", pytest.param("en", marks=pytest.mark.slow)])  # the quick subset runs one
def test_the_command_streams_the_same_json_in_either_language(tmp_path: Path, lang: str) -> None:
    """The JSON holds the ruleset's own text and no message: the same in Vietnamese and English."""
    data = SAMPLE / "egov-2022-audit.yaml"
    out = tmp_path / "scores.json"
    assert main(["score", "egov_2020", str(data), "--format", "json", "--out", str(out), "--lang", lang]) == 0
    written = out.read_text(encoding="utf-8")
    run_at = json.loads(written)["run_at"]
    assert written == whole_json("egov_2020", [data]).replace(RUN_AT, run_at) + "\n"
    jsonschema.Draft202012Validator(results_schema()).validate(json.loads(written))


def test_the_units_text_waits_in_an_unnamed_file_only_its_owner_can_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "SPOOL_IN_MEMORY", 1024)
    scorer = StreamScorer(api.load("egov_2020").compiled, run_at=RUN_AT, form="json")
    for assessment in load_assessments(SAMPLE / "egov-2022-audit-xa.csv")[:5]:
        scorer.add(assessment)
    rows = scorer.finish()
    assert rows.spool is not None
    spooled = rows.spool.file
    assert spooled._rolled  # type: ignore[attr-defined]
    facts = os.fstat(spooled.fileno())
    assert stat.S_IMODE(facts.st_mode) == 0o600 and facts.st_nlink == 0  # no name in any folder
    with pytest.raises(UsageError):
        rows.write_csv(io.StringIO())
    rows.close()
    assert spooled.closed


def test_the_command_streams_the_same_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = SAMPLE / "egov-2022-audit.yaml"
    out = tmp_path / "scores.csv"
    assert main(["score", "egov_2020", str(data), "--format", "csv", "--out", str(out), "--units",
                 str(SAMPLE / "units.csv"), "--lang", "en"]) == 0
    written = out.read_text(encoding="utf-8").splitlines()
    expected = whole_csv("egov_2020", [data]).splitlines()
    run_at = written[1].split(",")[4]
    assert written == [line.replace(RUN_AT, run_at) for line in expected]
    assert f"({len(expected) - 1} results)" in capsys.readouterr().err


def _write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """A CSV of the sample's commune 23557 once per row, with the row's cells changed."""
    with (SAMPLE / "egov-2022-audit-xa.csv").open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        base = dict(zip(header, next(reader)))
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([{**base, **row}[h] for h in header])
    return path


def _errors(fn: object, *args: object, **options: object) -> tuple[type, list[tuple[str, str]]]:
    with pytest.raises(DataError) as raised:
        fn(*args, **options)  # type: ignore[operator]
    return type(raised.value), sorted((str(d.span), d.message) for d in raised.value.diagnostics)


@pytest.mark.parametrize("rows", [
    [{"code": "3", "may_tinh.a": "x"}, {"code": "23557"}, {"code": "A1", "tin_bai_thang": "-1"}, {"code": "a1"}],
    [{"code": "1", "year": "2019"}, {"code": "2", "year": "2023"}],  # years the ruleset does not cover
    [{"code": "8", "parent": "23557"}, {"code": "9", "parent": "9"}],  # a parent of its own tier, its own parent
    [{"code": "4", "internet_cap_quang": ""}],  # a value left out is an error, never 0
])
def test_bad_data_get_the_same_errors_streamed_or_whole(tmp_path: Path, rows: list[dict[str, str]],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_csv(tmp_path / "bad.csv", [{}, *rows])
    refused = _errors(streamed_csv, "egov_2020", [data])
    assert refused == _errors(whole_csv, "egov_2020", [data]) == _errors(streamed_json, "egov_2020", [data])
    assert all(where.startswith(f"{data}:") for where, _ in refused[1])  # each at its place in the file
    assert main(["score", "egov_2020", str(data), "--format", "json", "--out", str(tmp_path / "x.json")]) == 1
    told = capsys.readouterr().err
    assert "Traceback" not in told and f"{data}:" in told and not (tmp_path / "x.json").exists()


def test_data_for_another_ruleset_get_the_one_paragraph_streamed_too() -> None:
    data = [SAMPLE / "dti-2023-audit-xa.csv"]
    streamed = _errors(streamed_csv, "egov_2020", data)
    assert streamed[0] is DataMismatchError and streamed == _errors(whole_csv, "egov_2020", data)


def test_parents_checked_against_the_unit_list_streamed_or_whole(tmp_path: Path) -> None:
    data = _write_csv(tmp_path / "x.csv", [{}, {"code": "1", "parent": "999"}])
    units = read_units(SAMPLE / "units.csv")
    assert _errors(streamed_csv, "egov_2020", [data], unit_list=units) == \
        _errors(whole_csv, "egov_2020", [data], unit_list=units)


@pytest.mark.parametrize("ends", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1258"])
def test_a_csv_file_read_line_by_line_is_read_as_a_whole(tmp_path: Path, ends: str, encoding: str) -> None:
    text = (SAMPLE / "egov-2022-audit-xa.csv").read_text(encoding="utf-8")
    text = text.replace("Phường Yên Đỗ", 'Phường "Yên"\nĐỗ').replace('Phường "Yên"\nĐỗ,', '"Phường ""Yên""\nĐỗ",', 1)
    path = tmp_path / "x.csv"
    bom = "\ufeff" if encoding == "utf-8" else ""
    path.write_bytes((bom + text.replace("\n", ends)).encode(encoding, errors="replace"))
    problems: list[Diagnostic] = []
    with reading_encoding(encoding):
        whole = load_assessments(path)
        streamed = tuple(stream_assessments([path], problems))
    assert not problems and streamed == whole and len(whole) == 220
    assert [a.origin for a in streamed] == [a.origin for a in whole]


def test_a_byte_that_is_not_utf8_is_placed_streamed_as_whole(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes((SAMPLE / "egov-2022-audit-xa.csv").read_bytes().replace("Yên".encode(), b"Y\xean", 1))
    with pytest.raises(DataError) as whole:
        load_assessments(path)
    problems: list[Diagnostic] = []
    list(stream_assessments([path], problems))
    assert [str(d.span) for d in problems] == [str(d.span) for d in whole.value.diagnostics] == [f"{path}:2:18"]  # the byte after "23557,Phường Y"


# ---------------------------------------------------------------- progress bar
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("lang", "label"), [("en", "writing"), ("vi", "đang ghi")])
def test_the_bar_shows_after_a_second_on_a_terminal_and_is_erased(lang: str, label: str) -> None:
    now = [0.0]
    stream = _Terminal()
    shown = Progress(stream, clock=lambda: now[0])
    with using_lang(lang):
        shown.stage("writing", 200)
    shown.advance(50)
    assert stream.getvalue() == ""  # not before a second of work
    now[0] = 1.5
    shown.advance(50)
    assert stream.getvalue() == "\r" + bar(label, 100, 200) and "50%" in stream.getvalue()
    shown.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_no_bar_when_standard_error_is_not_a_terminal() -> None:
    now = [0.0]
    stream = io.StringIO()
    hidden = Progress(stream, clock=lambda: now[0])
    hidden.stage("writing", 10)
    now[0] = 5.0
    hidden.advance(10)
    hidden.close()
    assert stream.getvalue() == ""


def _score_with_stderr(stream: object, monkeypatch: pytest.MonkeyPatch, out: Path, *options: str) -> None:
    monkeypatch.setattr(progress_module, "DELAY", 0.0)  # as if the work had taken more than a second
    monkeypatch.setattr(progress_module, "_REDRAW", 0.0)
    monkeypatch.setattr("sys.stderr", stream)
    assert main(["score", "egov_2020", str(SAMPLE / "egov-2022-audit-xa.csv"), "--format", "csv",
                 "--out", str(out), "--lang", "en", *options]) == 0


@pytest.mark.parametrize("options", [(), ("--format", "table"),
                                     pytest.param(("--engine", "duckdb"), marks=pytest.mark.slow),
                                     pytest.param(("--engine", "duckdb", "--format", "table"), marks=pytest.mark.slow)])
def test_the_command_draws_the_bar_on_a_pseudo_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          options: tuple[str, ...]) -> None:
    leader, follower = pty.openpty()
    with open(follower, "w", encoding="utf-8", closefd=True) as terminal:
        _score_with_stderr(terminal, monkeypatch, tmp_path / "x.csv", *options)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    text = seen.decode()
    assert "reading and scoring [" in text and "writing [" in text and "100%" in text and "\x1b[K" in text


def test_the_command_draws_no_bar_into_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    captured = io.StringIO()
    _score_with_stderr(captured, monkeypatch, tmp_path / "x.csv")
    assert "[" not in captured.getvalue() and "\r" not in captured.getvalue()
    assert "wrote" in captured.getvalue()


def test_evidence_required_by_the_ruleset_is_checked_streamed_as_whole(tmp_path: Path) -> None:
    ruleset = tmp_path / "r.cqdt"
    ruleset.write_text('ruleset ev {\n  title "Thử"\n  status hypothetical\n  years 2022..2022\n  rounding 3\n'
                       '  on_zero_denominator 0\n  on_missing_evidence error\n}\n'
                       'tier xa "Xã" max 4 {\n  criterion K "Kế hoạch" max 4 {\n'
                       '    input k yesno "Kế hoạch" evidence "Quyết định ban hành"\n    yes k\n'
                       '    provenance hypothetical "thử"\n  }\n}\n', encoding="utf-8")
    data = tmp_path / "x.csv"
    data.write_text("code,name,tier,year,source,k,k.evidence\n1,Xã 1,xa,2022,self,yes,QĐ 1\n"
                    "2,Xã 2,xa,2022,self,yes,\n3,Xã 3,xa,2022,self,no,\n", encoding="utf-8")
    streamed = _errors(streamed_csv, str(ruleset), [data])
    assert streamed == _errors(whole_csv, str(ruleset), [data])
    assert [where for where, _ in streamed[1]] == [f"{data}:3:1"]


def test_an_error_in_a_file_above_the_whole_read_limit_quotes_its_line_without_reading_the_file_whole(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    lines = (SAMPLE / "egov-2022-audit-xa.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[40].split(",")
    row[header.index("may_tinh.a")] = "nhiều"
    lines[40] = ",".join(row)
    data = tmp_path / "xa.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = ["score", "egov_2020", str(data), "--format", "csv", "--lang", "en"]
    assert main(command) == 1
    whole = capsys.readouterr().err
    monkeypatch.setattr("cqdt_rules.data.readers.MAX_DATA_BYTES", 100)  # the file now counts as one read as a stream
    assert main(command) == 1
    assert capsys.readouterr().err == whole
    assert "nhiều" in whole and ":41:" in whole
