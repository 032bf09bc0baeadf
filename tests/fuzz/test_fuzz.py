"""Fuzz targets: mutated shipped rulesets, sample YAML, CSV and Excel forms, and the command line.

Each target asserts the contract of contract.py. The fast profile runs a few dozen cases per target
(CQDT_FUZZ_CASES, default 25); ``--hypothesis-profile=fuzz`` runs 10,000 (tests/fuzz/README.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import yaml
from contract import fuzz_settings, outcome, refused, scores_as_reference
from hypothesis import given
from hypothesis import strategies as st
from mutators import (
    CONTROL,
    HOSTILE_NUMBERS,
    SAMPLE,
    blind_edit,
    invalid_ruleset,
    invalid_yaml,
    sample_csv,
    small_rulesets,
)

from openpyxl.utils.exceptions import IllegalCharacterError

from cqdt_rules import api
from cqdt_rules.cli.main import main
from cqdt_rules.data import readers
from cqdt_rules.data.json_body import assessments_from_json, compose_json, plain_document
from cqdt_rules.data.yaml_units import assessments_from_node, assessments_from_plain
from cqdt_rules.data.workbook import COL_A, COL_B, META_SHEET, write_template
from cqdt_rules.model.units import Assessment

SMALL = small_rulesets()
FUZZ = fuzz_settings()


@cache
def shipped(ruleset_id: str) -> api.CheckedRuleset:
    return api.load(ruleset_id)


@cache
def sample_units(name: str) -> tuple[Assessment, ...]:
    return api.load_assessments(SAMPLE / name)


def units_for(text: str) -> list[Assessment]:
    """A few sample units of the tier a one-tier ruleset text declares (its data may no longer fit it)."""
    name = "egov-2022-self.yaml" if "ruleset egov_2020" in text else "dti-2023-self.yaml"
    tier = text.split("\ntier ", 1)[1].split()[0] if "\ntier " in text else ""
    return [a for a in sample_units(name) if a.tier == tier][:4]


def yaml_base() -> str:
    """A department, a district and two of its communes from the DTI sample, as YAML."""
    text = (SAMPLE / "dti-2023-self.yaml").read_text(encoding="utf-8")
    head, *blocks = text.split("\n  - code:")
    wanted = ['"SO01"', '"622"']
    chosen = [b for b in blocks if b.split("\n", 1)[0].strip() in wanted]
    chosen += [b for b in blocks if '\n    parent: "622"' in b][:2]
    return head + "".join("\n  - code:" + b for b in chosen).rstrip("\n") + "\n"


YAML_BASE = yaml_base()
CSV_BASE = sample_csv("egov-2022-audit-xa.csv", 4)
JSON_BASE = json.dumps(yaml.load(YAML_BASE, Loader=yaml.CSafeLoader), ensure_ascii=False, indent=1)


def _score_yaml(text: str) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "units.yaml"
        path.write_text(text, encoding="utf-8", newline="")
        units = outcome(lambda: api.load_assessments(path))
        if refused(units):
            return units
        checked = shipped("dti_2023")
        scores_as_reference(checked, units)
        return outcome(lambda: api.score(checked, units))


def _score_csv(text: str, ruleset: str = "egov_2020") -> Any:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "units.csv"
        path.write_text(text, encoding="utf-8", newline="")
        units = outcome(lambda: api.load_assessments(path))
        if refused(units):
            return units
        checked = shipped(ruleset)
        scores_as_reference(checked, units)
        return outcome(lambda: api.score(checked, units))


# ---------------------------------------------------------------- rulesets
@FUZZ
@given(st.sampled_from(SMALL).flatmap(blind_edit))
def test_mutated_ruleset_text_is_refused_with_a_position_or_scores_as_the_reference(text: str) -> None:
    checked = outcome(lambda: api.load_text(text, "mutated.cqdt"))
    if not refused(checked):
        scores_as_reference(checked, units_for(text))


@FUZZ
@given(st.sampled_from(SMALL).flatmap(invalid_ruleset))
def test_a_ruleset_wrong_by_construction_is_refused(case: tuple[str, str]) -> None:
    text, what = case
    assert refused(outcome(lambda: api.load_text(text, "mutated.cqdt"))), f"accepted: {what}"


# ---------------------------------------------------------------- YAML and CSV data
@FUZZ
@given(blind_edit(YAML_BASE))
def test_mutated_yaml_data_is_refused_with_a_position_or_scores_as_the_reference(text: str) -> None:
    _score_yaml(text)


@FUZZ
@given(invalid_yaml(YAML_BASE))
def test_yaml_data_wrong_by_construction_is_refused(case: tuple[str, str]) -> None:
    text, what = case
    assert refused(_score_yaml(text)), f"accepted: {what}"


@FUZZ
@given(blind_edit(JSON_BASE))
def test_a_mutated_json_body_is_refused_with_a_position_or_read_as_its_nodes_read_it(text: str) -> None:
    """A request body: read quickly (straight from its values when it is plain), it gives the units its nodes give
    read with positions, or it is refused at a position; accepted units score as the reference."""
    units = outcome(lambda: assessments_from_json(text))
    if refused(units):
        return
    assert units == assessments_from_node(compose_json(text), "<request>")
    plain = assessments_from_plain(plain_document(text), "<request>")
    if plain is not None:
        assert plain == units
    scores_as_reference(shipped("dti_2023"), units)


@FUZZ
@given(blind_edit(CSV_BASE))
def test_mutated_csv_data_is_refused_with_a_position_or_scores_as_the_reference(text: str) -> None:
    _score_csv(text)


@st.composite
def invalid_csv(draw: st.DrawFn) -> tuple[str, str]:
    """The CSV sample with one cell changed so that it must be refused."""
    rows = list(csv.reader(io.StringIO(CSV_BASE)))
    header, body = rows[0], rows[1:]
    row = draw(st.integers(0, len(body) - 1))
    kind = draw(st.sampled_from(["number", "collision", "parent", "control"]))
    if kind == "number":
        numeric = [i for i, cell in enumerate(body[row]) if cell.isdigit() and header[i] not in ("code", "parent")]
        column = draw(st.sampled_from(numeric))
        body[row][column] = draw(st.sampled_from(HOSTILE_NUMBERS))
    elif kind == "collision":
        other = (row + 1) % len(body)
        body[other][0] = body[row][0] + draw(st.sampled_from([" ", "\u200b", "\ufeff"]))
    elif kind == "parent":
        body[row][header.index("parent")] = draw(st.sampled_from(["6222", "99999", body[row][0]]))
    else:
        field = draw(st.sampled_from(["code", "name"]))
        body[row][header.index(field)] += draw(st.sampled_from(CONTROL))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header] + body)
    return out.getvalue(), kind


@FUZZ
@given(invalid_csv())
def test_csv_data_wrong_by_construction_is_refused(case: tuple[str, str]) -> None:
    text, what = case
    # the communes' parents are checked against the province's unit list, as `cqdt score --units` does
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "units.csv"
        path.write_text(text, encoding="utf-8", newline="")
        units = outcome(lambda: api.load_assessments(path))
        if refused(units):
            return
        listed = readers.read_units(SAMPLE / "units.csv")
        result = outcome(lambda: api.score(shipped("egov_2020"), units, unit_list=listed))
        assert refused(result), f"accepted: {what}"


# ---------------------------------------------------------------- Excel forms
@cache
def filled_form() -> bytes:
    """The egov department form, filled with SO01's 2022 self-assessment."""
    checked = shipped("egov_2020")
    unit = next(a for a in sample_units("egov-2022-self.yaml") if a.code == "SO01")
    with tempfile.TemporaryDirectory() as folder:
        path = write_template(checked.ruleset, "so", Path(folder) / "form.xlsx", year=2022)
        book = openpyxl.load_workbook(path)
        sheet = next(s for s in book.worksheets if s.title != META_SHEET and s.sheet_state == "visible")
        sheet["D5"], sheet["D6"] = unit.code, unit.name
        for row in range(1, sheet.max_row + 1):
            key = sheet.cell(row=row, column=2).value
            value = unit.values.get(key) if isinstance(key, str) else None
            if isinstance(value, list):
                sheet.cell(row=row, column=COL_A, value=int(value[0]))
                sheet.cell(row=row, column=COL_B, value=int(value[1]))
            elif value is not None:
                sheet.cell(row=row, column=COL_A, value=str(value))
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


CELL_VALUES = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS + ["=1+1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "", " ", "có", "không"]),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1.0, 0.57, 1e-20, 2.5]),
    st.integers(-10**20, 10**20), st.booleans(), st.just(dt.datetime(2022, 1, 1)),
    st.text(st.sampled_from(["a", "1", "\x1b", "\u200b", "%", "."]), max_size=5))


@st.composite
def mutated_form(draw: st.DrawFn) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(filled_form()))
    for _ in range(draw(st.integers(1, 3))):
        sheet = book[META_SHEET] if draw(st.integers(0, 4)) == 0 else book.worksheets[0]
        cell = sheet.cell(row=draw(st.integers(1, min(sheet.max_row, 60))), column=draw(st.integers(1, 6)))
        value = draw(CELL_VALUES)
        try:
            cell.value = value
        except (ValueError, IllegalCharacterError, AttributeError):  # control characters, merged cells: openpyxl
            continue  # itself refuses to write them, so no form can hold them
        if draw(st.booleans()):
            cell.number_format = draw(st.sampled_from(["0%", "0.00%", "General", "@"]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@FUZZ
@given(mutated_form())
def test_a_mutated_excel_form_is_refused_with_a_position_or_scores_as_the_reference(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        path.write_bytes(content)
        units = outcome(lambda: api.load_assessments(path))
        if not refused(units):
            scores_as_reference(shipped("egov_2020"), units)


# ---------------------------------------------------------------- the command line
@cache
def xa_ruleset_file() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="cqdt-fuzz-"))
    text = next(t for t in SMALL if "ruleset egov_2020" in t and "\ntier xa " in t)
    path = folder / "xa.cqdt"
    path.write_text(text, encoding="utf-8")
    return path


@FUZZ
@given(blind_edit(CSV_BASE), st.sampled_from(["utf-8", "cp1258"]))
def test_the_cli_exits_0_1_or_2_without_a_traceback(text: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "units.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        # any exception other than the exit code would be a traceback for the person running cqdt
        assert main(["score", str(xa_ruleset_file()), str(path), "--format", "csv"]) in (0, 1, 2)
