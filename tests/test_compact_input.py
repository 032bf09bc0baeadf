"""Input kept compact (issue: fast from the first keystroke to the last byte, memory). CSV: a record written as the
csv module writes it keeps no text of its own, yet every position is the one its text gives; cells that read the
same are one text object, and what is kept to share them stays bounded however many different texts a file holds.
YAML: the places of a unit's values, names and fields kept as numbers are those of the text."""

from __future__ import annotations

import ast
import copy
import csv
import io
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import cqdt_rules as cq
from cqdt_rules.data import fields, yaml_units
from cqdt_rules.data.readers import (KEPT_CHARS, KEPT_ENTRIES, KEPT_REPEATED, KEPT_TEXTS, CellPlaces, CsvUnits, RowLayout, RowValues, SharedCells,
                                     csv_records, own_text, stream_assessments)
from cqdt_rules.data.records import assessments_from_records, record_span
from cqdt_rules.errors import DataError, Diagnostic
from cqdt_rules.model.checking import AssessmentChecker, check_assessments
from cqdt_rules.model.units import _SETTERS, Assessment, IndicatorValues, RowAssessment

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "gialai" / "egov-2022-audit-xa.csv"

cells = st.text(alphabet=st.sampled_from(['a', 'ư', '1', ' ', ',', '"', '\n', '\r', ';']), max_size=6)
rows = st.lists(st.lists(cells, min_size=1, max_size=12), min_size=1, max_size=4)  # past 8 cells: a whole record


def _records(rows: list[list[str]], quoting: int) -> list[tuple[int, list[str], str]]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=quoting)
    for row in rows:
        writer.writerow(row)
    return list(csv_records(io.StringIO(out.getvalue(), newline=""), "x.csv"))


@given(rows, st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
def test_a_record_kept_without_its_text_gives_every_position_its_text_gives(rows: list[list[str]], quoting: int) -> None:
    for line, row, raw in _records(rows, quoting):
        kept = own_text(row, raw)
        asked = [*range(len(row) + 1), *reversed(range(len(row) + 1))]  # a cell of the identity first, or an error's
        compact, whole = CellPlaces(line, kept, row=row), CellPlaces(line, raw)
        assert [compact.start(i) for i in asked] == [whole.start(i) for i in asked]
        compact = CellPlaces(line, kept, row=row)
        assert [compact.start(i) for i in reversed(asked)] == [whole.start(i) for i in reversed(asked)]
        if quoting == csv.QUOTE_MINIMAL and "\r" not in raw:  # the csv module quotes no lone \r
            assert kept is None  # written as the csv module writes it: no text kept


def test_quotes_where_none_are_needed_keep_the_record_text() -> None:
    [(line, row, raw)] = list(csv_records(io.StringIO('"a",b\n', newline=""), "x.csv"))
    assert own_text(row, raw) == raw
    assert CellPlaces(line, raw).start(1) == (1, 5)


def _sample_rows(count: int) -> tuple[str, list[str]]:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    return lines[0], lines[1:count + 1]


def test_an_error_after_a_note_over_two_lines_points_at_its_cell(tmp_path: Path) -> None:
    header, body = _sample_rows(3)
    columns = header.rstrip("\n").split(",")
    row = next(csv.reader([body[1]]))
    row[columns.index("note")] = "first line\nsecond, with a comma and \"quotes\""
    row[columns.index("tin_bai_thang")] = "bốn"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    text = header + body[0] + out.getvalue() + body[2]
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    offset = text.index(",bốn,") + 1
    line, column = text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
    with pytest.raises(DataError) as raised:
        cq.score(cq.load("egov_2020"), cq.load_assessments(path))
    assert [str(d.span) for d in raised.value.diagnostics] == [f"{path}:{line}:{column}"]
    assert line == 4  # the record starts on line 3; its note ends on line 4


def test_units_that_read_the_same_share_their_texts(tmp_path: Path) -> None:
    header, body = _sample_rows(220)
    path = tmp_path / "units.csv"
    path.write_text(header + "".join(body), encoding="utf-8")
    first, second = cq.load_assessments(path)[:2]
    assert first.note == second.note and first.note is second.note
    assert first.tier is second.tier and first.source is second.source
    shared = [name for name, refs in first.evidence.items() if second.evidence.get(name) == refs]
    assert all(first.evidence[name] is second.evidence[name] for name in shared)


def _late_texts_shared(share: SharedCells) -> list[bool]:
    """Whether each column still shares a text met for the first time now (two equal texts, two objects)."""
    width = len(share._kept)
    first, second = (share(["".join(["late", f" text {i}"]) for i in range(width)], 20) for _ in range(2))
    return [a is b for a, b in zip(first, second)]


def test_what_is_kept_to_share_texts_stays_bounded() -> None:
    share = SharedCells(3)
    for n in range(KEPT_TEXTS + 2 * SharedCells._EVERY):
        share([f"unit {n}", "yes", "no" if n % 2 else "yes"], 20)
    assert _late_texts_shared(share) == [False, True, True]  # a column that met KEPT_TEXTS texts keeps no more
    kept = share(["unit 0", "yes", "no"], 20)
    assert kept[0] is share(["".join(["unit", " 0"]), "yes", "no"], 20)[0]  # what it kept is still shared


def test_a_column_whose_texts_repeat_keeps_sharing_past_the_first_texts_up_to_its_limit() -> None:
    """A count among a few thousand values is shared past ``KEPT_TEXTS`` texts, up to ``KEPT_REPEATED``; a code,
    new in every row, is not."""
    import random

    rng = random.Random(7)
    share = SharedCells(3)

    def row(n: int) -> list[str]:  # a code; a count among 3,072; a new text in four rows of five
        return [f"unit {n}", str(rng.randrange(3 * KEPT_TEXTS)), "same" if rng.random() < 0.2 else f"new {n}"]

    for n in range(8 * KEPT_TEXTS):
        share(row(n), 20)
    counts = list(share._kept[1])
    assert len(share._kept[0]) < 2 * KEPT_TEXTS and len(counts) > 2 * KEPT_TEXTS  # the counts met are kept, once each
    late = counts[-1]  # met long after the first KEPT_TEXTS texts
    assert share(["x", "".join([late[:1], late[1:]]), "y"], 20)[1] is late
    for n in range(8 * KEPT_TEXTS, 2 * KEPT_REPEATED):
        share(row(n), 20)
    assert KEPT_REPEATED <= len(share._kept[2]) < KEPT_REPEATED + SharedCells._EVERY
    assert _late_texts_shared(share) == [False, True, False]


def test_long_texts_stop_all_sharing_at_the_files_limit() -> None:
    share = SharedCells(2)
    long = 5 * SharedCells._LONG
    for n in range(KEPT_CHARS // long + 1):
        share([f"{n:0{long}d}", "yes"], long + 4)
    assert _late_texts_shared(share) == [False, False]
    assert share(["x", "yes"], 4)[1] is share(["y", "".join(["y", "es"])], 4)[1]
def _as_read(row: dict[str, str]) -> dict[str, object]:
    """A CSV row's values as the reader documents them: a value's cell trimmed (None when blank), a pair's two
    cells as [a, b] (None when both are blank)."""
    values: dict[str, object] = {}
    for column, cell in row.items():
        name, _, part = column.rpartition(".")
        if column in ("code", "name", "tier", "parent", "year", "source", "note") or part == "evidence":
            continue
        if part in ("a", "b"):
            a, b = row[name + ".a"].strip(), row[name + ".b"].strip()
            values[name] = [a, b] if a or b else None
        else:
            values[column] = cell.strip() or None
    return values


def test_a_rows_values_read_as_a_dictionary_of_its_cells_would(tmp_path: Path) -> None:
    header, body = _sample_rows(3)
    columns = header.rstrip("\n").split(",")
    rows = [next(csv.reader([line])) for line in body]
    rows[1][columns.index("may_tinh.a")] = rows[1][columns.index("may_tinh.b")] = "  "
    rows[2][columns.index("internet_cap_quang")] = " yes "
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([columns, *rows])
    path = tmp_path / "units.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    read = cq.load_assessments(path)
    for assessment, row in zip(read, csv.DictReader(io.StringIO(out.getvalue()))):
        expected = _as_read(row)
        assert dict(assessment.values) == expected and assessment.values == expected
        assert set(assessment.values) == set(expected) and len(assessment.values) == len(expected)
        assert all(assessment.values.get(name) == value and assessment.values[name] == value
                   for name, value in expected.items())
        assert assessment.values.get("no_such_value", "absent") == "absent" and "no_such_value" not in assessment.values
        with pytest.raises(KeyError):
            assessment.values["no_such_value"]
        assert ast.literal_eval(repr(assessment.values)) == expected
        assert assessment.values.as_dict() == expected  # type: ignore[attr-defined]
    assert read[1].values["may_tinh"] is None and read[2].values["internet_cap_quang"] == "yes"


def test_a_rows_values_read_all_at_once_are_those_read_one_by_one() -> None:
    """Where a header names a value twice, or both as one column and as a pair, ``as_dict`` reads what ``get`` reads."""
    layout = RowLayout(["code", "x", "x.a", "x.b", "y", "y", "z.a", "z.b", "w"])
    for cells in (["X1", "7", " 1", "2 ", "a", " b", "", " ", ""], ["X2", "", "", "", "", "", "3", "", " yes "]):
        values = RowValues(layout, cells)
        assert values.as_dict() == {name: values.get(name) for name in values} == {name: values[name] for name in values}
    assert RowValues(layout, ["X3", "7", "1", "2", "a", "b", "", "", "no"]).as_dict() == \
        {"x": ["1", "2"], "y": "b", "z": None, "w": "no"}


def test_many_columns_stop_all_sharing_at_the_files_limit_of_texts() -> None:
    width = KEPT_ENTRIES // 500 + 1
    share = SharedCells(width)
    for n in range(2 * SharedCells._EVERY):
        share([f"{n} {column}" for column in range(width)], 20)
    assert not any(_late_texts_shared(share))


def _place(text: str, marker: str, end: str) -> tuple[int, int, int, int]:
    """Line and column (from 1) where ``marker`` starts in ``text``, and where the text ``end`` after it ends."""
    start = text.index(marker)
    stop = text.index(end, start) + len(end)
    return (text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start),
            text.count("\n", 0, stop) + 1, stop - text.rfind("\n", 0, stop))


def test_yaml_places_kept_as_numbers_are_those_of_the_text(tmp_path: Path) -> None:
    text = ("year: 2022\nsource: audit\nunits:\n"
            + "".join(f'  - code: "c{n}"\n    name: "Xã {n}"\n    tier: xa\n    values:\n      a{n}: [{n}, 9]\n'
                      f'      b{n}: yes\n    evidence:\n      e{n}: ["QĐ {n}"]\n' for n in range(3)))
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    for n, unit in enumerate(cq.load_assessments(path)):
        spans = {"value": unit.value_spans[f"a{n}"], "name": unit.name_spans[f"a{n}"],
                 "evidence": unit.value_spans[f"e{n}"], "field": unit.field_spans["code"]}
        expected = {"value": _place(text, f"[{n}, 9]", "]"), "name": _place(text, f"a{n}:", f"a{n}"),
                    "evidence": _place(text, f"e{n}:", f"e{n}"), "field": _place(text, f'"c{n}"', f'"c{n}"')}
        assert {k: (s.path, s.line, s.column, s.end_line, s.end_column) for k, s in spans.items()} \
            == {k: (str(path), *place) for k, place in expected.items()}
        assert set(unit.value_spans) == {f"a{n}", f"b{n}", f"e{n}"} and set(unit.name_spans) == {f"a{n}", f"b{n}"}


def test_yaml_texts_kept_to_share_stay_bounded() -> None:
    for n in range(2 * yaml_units._KEPT_TEXTS):
        yaml_units._shared(f"value {n}")
    long = "x" * (yaml_units._SHORT_TEXT + 1)
    assert yaml_units._shared(long) is long and long not in yaml_units._TEXTS
    assert len(yaml_units._TEXTS) <= yaml_units._KEPT_TEXTS


@pytest.mark.parametrize("suffix", ["csv", "yaml"])
def test_an_assessment_read_compactly_is_pickled_whole(tmp_path: Path, suffix: str) -> None:
    """A program may hand assessments to other processes: what they keep compactly travels with them."""
    header, body = _sample_rows(2)
    path = tmp_path / f"units.{suffix}"
    if suffix == "csv":
        path.write_text(header + "".join(body), encoding="utf-8")
    else:
        path.write_text('year: 2022\nsource: audit\nunits:\n  - code: "1"\n    name: "Xã 1"\n    tier: xa\n'
                        "    values:\n      may_tinh: [1, 2]\n", encoding="utf-8")
    for read in cq.load_assessments(path):
        again = pickle.loads(pickle.dumps(read))
        assert again == read and again.values == read.values and again.evidence == read.evidence
        assert [dict(getattr(again, f)) for f in ("value_spans", "name_spans", "field_spans")] \
            == [dict(getattr(read, f)) for f in ("value_spans", "name_spans", "field_spans")]


def _read_out(units: Iterable[Assessment]) -> list[tuple[object, ...]]:
    """Each unit with its values, evidence, origin and positions as plain data."""
    return [(unit, dict(unit.values), _all_at_once(unit.values), dict(unit.evidence), unit.origin,
             dict(unit.value_spans), dict(unit.field_spans), dict(unit.name_spans)) for unit in units]


def _all_at_once(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values as the checker reads them all at once: ``as_dict`` where the mapping has one."""
    as_dict = getattr(values, "as_dict", None)
    return dict(values) if as_dict is None else dict(as_dict())


@pytest.mark.parametrize("path", sorted(SAMPLE.parent.glob("*-audit-*.csv")), ids=lambda p: p.name)
def test_a_file_read_compactly_or_not_gives_the_same_assessments_and_positions(path: Path) -> None:
    def read(compact: bool, kept: bool = False) -> list[tuple[object, ...]]:
        problems: list[Diagnostic] = []
        found = _read_out(stream_assessments([path], problems, compact=compact, kept=kept))
        assert not problems
        return found

    plain = read(False)
    assert read(True) == plain and read(True, kept=True) == plain and _read_out(cq.load_assessments(path)) == plain


def _units_file(tmp_path: Path, rows: list[list[str]]) -> Path:
    """A CSV file of units of the tier ``xa`` whose cells of ``a``, ``p.a``, ``p.b``, ``a.evidence`` and ``note``
    are ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "tier", "year", "source", "a", "p.a", "p.b", "a.evidence", "note"])
    writer.writerows([f"X{n}", f"Xã {n}", "xa", "2022", "audit", *row] for n, row in enumerate(rows))
    path = tmp_path / "units.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return path


@given(st.lists(st.lists(cells, min_size=5, max_size=5), min_size=1, max_size=5))
def test_units_kept_in_a_table_read_as_units_read_one_by_one(rows: list[list[str]]) -> None:
    """Whatever the cells hold (quotes, commas, line ends, blanks), a unit kept in its file's table reads as the
    unit ``csv_row`` makes of its record: fields, values, evidence, origin and every position."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = _units_file(Path(folder), rows)
        problems: list[Diagnostic] = []
        kept = list(stream_assessments([path], problems, kept=True))
        problems_one_by_one: list[Diagnostic] = []
        plain = list(stream_assessments([path], problems_one_by_one, compact=False))
    assert _read_out(kept) == _read_out(plain) and problems == problems_one_by_one and (kept or problems)
    assert all(type(unit) is RowAssessment for unit in kept) and len({id(unit._table) for unit in kept}) <= 1
    for unit, alone in zip(kept, plain):
        assert alone == unit and hash(alone) == hash(unit) and repr(alone) == repr(unit)


def test_the_units_of_a_file_share_one_table_and_keep_no_mapping_of_their_own() -> None:
    read = cq.load_assessments(SAMPLE)
    assert type(read) is tuple and all(type(unit) is RowAssessment for unit in read)
    table = read[0]._table
    assert isinstance(table, CsvUnits) and all(unit._table is table for unit in read)
    assert [unit._row for unit in read] == list(range(len(read)))
    assert all(vars(RowAssessment)[name].__get__(read[0]) is not None for name in ("values", "origin"))
    # values and positions are made when asked for: none is kept by the unit (a slot left unset)
    for name in ("values", "origin", "value_spans", "name_spans", "field_spans"):
        with pytest.raises(AttributeError):
            vars(Assessment)[name].__get__(read[0])
    checked = check_assessments(cq.load("egov_2020").ruleset, read)
    assert all(type(unit) is RowAssessment and unit._table is table and type(unit.values) is IndicatorValues
               for unit in checked)


def test_a_unit_kept_in_a_table_sets_every_field_it_does_not_read_from_it() -> None:
    read_from_table = {name for name, found in vars(RowAssessment).items() if isinstance(found, property)}
    assert read_from_table == {"values", "origin", "value_spans", "name_spans", "field_spans"}
    assert len(_SETTERS) == len(attrs.fields(Assessment)) - len(read_from_table) + len(RowAssessment.__slots__)


def test_a_unit_kept_in_a_table_is_an_assessment_like_any_other(tmp_path: Path) -> None:
    [unit, other] = cq.load_assessments(_units_file(tmp_path, [["3", "1", "2", "QĐ 1; KH 2", ""],
                                                                ["x", "", "", "", "a note"]]))
    plain = Assessment(unit.code, unit.name, unit.tier, unit.year, unit.source, dict(unit.values), dict(unit.evidence),
                       unit.parent, unit.note)
    assert unit == plain and plain == unit and not unit != plain and hash(unit) == hash(plain) and repr(unit) == repr(plain)
    assert unit != other and other != plain and {unit: 1}[plain] == 1
    assert unit.values == {"a": "3", "p": ["1", "2"]} and unit.evidence == {"a": ("QĐ 1", "KH 2")}
    assert other.values == {"a": "x", "p": None} and other.evidence == {} and other.note == "a note"
    evolved = attrs.evolve(unit, values={"a": "4"})
    assert type(evolved) is Assessment and evolved.values == {"a": "4"} and evolved.origin == unit.origin
    assert dict(evolved.value_spans) == dict(unit.value_spans)
    for again in (pickle.loads(pickle.dumps(unit)), copy.copy(unit), copy.deepcopy(unit)):
        assert type(again) is Assessment and again == unit and again.origin == unit.origin
        assert dict(again.value_spans) == dict(unit.value_spans) and dict(again.field_spans) == dict(unit.field_spans)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        unit.code = "Y"  # type: ignore[misc]


def test_a_duplicate_unit_kept_in_a_table_points_at_both_records(tmp_path: Path) -> None:
    path = _units_file(tmp_path, [["yes", "1", "2", "", ""], ["no", "1", "2", "", ""]])
    path.write_text(path.read_text(encoding="utf-8").replace("X1,", "X0,"), encoding="utf-8")
    checker = AssessmentChecker(cq.load("egov_2020").ruleset)
    for unit in cq.load_assessments(path):
        checker.check_whole_way(unit)
    [duplicate] = [d for d in checker.problems if "appears twice" in d.message]
    assert (str(duplicate.span), duplicate.hint) == (f"{path}:3:1", f"first seen at {path}:2:1")


def test_records_positions_made_when_asked_for_name_the_record_and_field() -> None:
    [first, second] = assessments_from_records([
        {"code": "1", "name": "Xã 1", "tier": "xa", "year": 2022, "source": "audit", "may_tinh.a": 1, "may_tinh.b": 2},
        {"code": "2", "name": "Xã 2", "tier": "xa", "year": 2022, "source": "audit", "values": {"ke_hoach_cds": "yes"}},
    ])
    assert {name: str(span) for name, span in first.value_spans.items()} == {"may_tinh": "record 0, field 'may_tinh'"}
    assert dict(second.value_spans) == {"ke_hoach_cds": record_span(1, "ke_hoach_cds")}
    assert list(second.field_spans) == ["code", "name", "tier", "year", "source"]
    assert second.field_spans["tier"] == record_span(1, "tier") and "parent" not in second.field_spans
    with pytest.raises(KeyError):
        second.field_spans["parent"]


def test_yaml_orders_of_names_kept_to_share_stay_bounded() -> None:
    many = tuple(f"v{i}" for i in range(2000))
    assert fields.names_order(many) == {name: i for i, name in enumerate(many)}
    assert fields.names_order(many) is not fields.names_order(many)  # a long list of names is not kept
    few = many[:3]
    assert fields.names_order(few) is fields.names_order(tuple(list(few)))
    for n in range(300):
        fields.names_order((f"name {n}",))
    assert fields._shared_order.cache_info().currsize <= 256


def test_evidence_references_kept_to_share_stay_bounded() -> None:
    layout = RowLayout(["code", "name", "tier", "year", "source", "a", "a.evidence"])
    for n in range(KEPT_TEXTS + 10):
        layout.references(f"QĐ {n}; KH {n}")
    late = "".join(["QĐ late", "; KH late"])
    assert layout.references(late) == ("QĐ late", "KH late") and layout.references(late) is not layout.references(late)
    early = "".join(["QĐ 1", "; KH 1"])
    assert layout.references(early) is layout.references("QĐ 1; KH 1")
    long = ";".join(["x" * 100] * 3)
    fresh = RowLayout(layout.header)
    assert fresh.references(long) is not fresh.references(long)  # a long cell is read each time, never kept


def test_cells_past_what_two_bytes_number_read_back_as_written(tmp_path: Path) -> None:
    """A column holding more than 65,536 texts widens every code of the table to four bytes; the rows read before
    and after read the same."""
    path = _units_file(tmp_path, [["1", "2", "3", "QĐ 1", "first"], ["4", "5", "6", "", "second"]])
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    table = CsvUnits(str(path), RowLayout(lines[0].rstrip("\n").split(",")))
    problems: list[Diagnostic] = []
    first = table.add(2, next(csv.reader([lines[1]])), lines[1], problems)
    coder = table._coder
    coder._stop(5)  # column ``a`` keeps no more texts to share, and has met 70,000 already
    coder.texts[5].extend(f"t{n}" for n in range(70_000))
    coder.read[5].extend(f"t{n}" for n in range(70_000))
    second = table.add(3, next(csv.reader([lines[2]])), lines[2], problems)
    assert first is not None and second is not None and not problems
    assert table._codes.typecode != "H" and table._codes.itemsize >= 4
    assert [first.values.as_dict(), second.values.as_dict()] == [{"a": "1", "p": ["2", "3"]}, {"a": "4", "p": ["5", "6"]}]
    assert table.cells(0) == tuple(next(csv.reader([lines[1]]))) and table.cells(1) == tuple(next(csv.reader([lines[2]])))
    assert str(second.value_spans["a"]) == f"{path}:3:{lines[2].index(',4,') + 2}" and second.note == "second"


def test_the_quick_check_of_a_unit_kept_in_a_table_makes_no_cells_of_its_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker reads a table's units' values all at once from the cells' codes: no row's cells are made (nor
    positions) unless something is wrong with it."""
    read = cq.load_assessments(SAMPLE)

    def refused(self: object, *args: object) -> None:
        raise AssertionError("a row's cells were made")

    monkeypatch.setattr(CsvUnits, "cells", refused)
    checked = check_assessments(cq.load("egov_2020").ruleset, read)
    assert len(checked) == len(read)


@pytest.mark.parametrize("path", sorted(SAMPLE.parent.glob("*.yaml")), ids=lambda p: p.name)
def test_a_yaml_file_kept_in_a_table_gives_the_units_read_one_by_one(path: Path) -> None:
    problems: list[Diagnostic] = []
    kept = cq.load_assessments(path)
    plain = list(stream_assessments([path], problems, compact=False))
    assert not problems and _read_out(kept) == _read_out(plain)
    assert all(type(unit) is RowAssessment for unit in kept) and len({id(unit._table) for unit in kept}) == 1


yaml_scalars = st.sampled_from(["3", "yes", "'0012'", "1.5", "null", '"a: b"', "Xã", "''"])
yaml_values = st.one_of(yaml_scalars, st.lists(yaml_scalars, max_size=3).map(lambda items: f"[{', '.join(items)}]"),
                        st.builds(lambda a, b: f"{{a: {a}, b: {b}}}", yaml_scalars, yaml_scalars))


@given(st.lists(st.dictionaries(st.sampled_from(["a", "p", "q", "tỷ_lệ"]), yaml_values, min_size=1, max_size=4), min_size=1,
                max_size=4),
       st.lists(st.sampled_from(["a", "p", "z"]), max_size=2, unique=True))
def test_yaml_units_kept_in_a_table_read_as_units_read_one_by_one(units: list[dict[str, str]], evidence: list[str]) -> None:
    """Whatever a unit's values hold (scalars, nulls, lists, mappings, names in other orders), a unit kept in its
    file's table reads as the unit read alone: fields, values, evidence, origin and every position."""
    import tempfile

    text = "year: 2022\nsource: audit\nunits:\n" + "".join(
        f'  - code: "c{n}"\n    name: "Xã {n}"\n    tier: xa\n    values:\n'
        + "".join(f"      {name}: {value}\n" for name, value in values.items())
        + ("    evidence:\n" + "".join(f"      {name}: [\"QĐ {n}\"]\n" for name in evidence) if evidence else "")
        for n, values in enumerate(units))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "units.yaml"
        path.write_text(text, encoding="utf-8")
        kept = cq.load_assessments(path)
        plain = list(stream_assessments([path], [], compact=False))
    assert _read_out(kept) == _read_out(plain) and len(kept) == len(units)
    for unit, alone in zip(kept, plain):
        assert unit == alone and hash(unit) == hash(alone) and repr(unit) == repr(alone)
        assert all(type(unit.values[name]) is type(alone.values[name]) for name in alone.values)
        again = pickle.loads(pickle.dumps(unit))
        assert again == alone and dict(again.name_spans) == dict(alone.name_spans)


def test_a_list_read_from_yaml_is_shared_by_the_units_yet_each_reads_a_list_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("year: 2022\nsource: audit\nunits:\n" + "".join(
        f'  - code: "c{n}"\n    name: "Xã {n}"\n    tier: xa\n    values:\n      p: [3, 5]\n' for n in range(2)),
        encoding="utf-8")
    first, second = cq.load_assessments(path)
    assert first.values.row[0] is second.values.row[0]  # type: ignore[attr-defined]
    read = first.values["p"]
    assert read == ["3", "5"] and type(read) is list and first.values.as_dict() == {"p": ["3", "5"]}  # type: ignore[attr-defined]
    read.append("7")
    assert first.values["p"] == second.values["p"] == ["3", "5"]


def test_records_that_give_the_same_names_share_one_index_of_them() -> None:
    rows = [{"code": str(n), "name": f"Xã {n}", "tier": "xa", "year": 2022, "source": "audit", "may_tinh.a": n,
             "may_tinh.b": 9, "values": {"ke_hoach_cds": "yes"}} for n in range(3)]
    read = assessments_from_records([*rows, {**rows[0], "code": "9", "values": {}}])
    assert [dict(unit.values) for unit in read] == [{"ke_hoach_cds": "yes", "may_tinh": [n, 9]} for n in (0, 1, 2, 0)][:3] \
        + [{"may_tinh": [0, 9]}]
    assert type(read[0].values) is IndicatorValues and read[0].values.index is read[2].values.index  # type: ignore[attr-defined]
    assert read[3].values.index is not read[0].values.index  # type: ignore[attr-defined]
    assert read[0].value_spans["may_tinh"] == record_span(0, "may_tinh") and read[0].evidence == {}
    assert read[0] == pickle.loads(pickle.dumps(read[0]))


def test_a_csv_file_is_read_line_by_line_never_whole(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``load_assessments`` reads a CSV file as a stream does (its whole text, and a copy of it, would be some six
    times the file's size at once); a byte that is not text still stops it at its place."""
    from cqdt_rules.data import readers

    def whole(*args: object) -> str:
        raise AssertionError("the whole text was read")

    monkeypatch.setattr(readers, "read_data_text", whole)
    assert len(cq.load_assessments(SAMPLE)) == len(SAMPLE.read_text(encoding="utf-8").splitlines()) - 1
    header, body = _sample_rows(3)
    path = tmp_path / "units.csv"
    path.write_bytes((header + body[0]).encode("utf-8") + b"\xff" + "".join(body[1:]).encode("utf-8"))
    with pytest.raises(DataError) as raised:
        cq.load_assessments(path)
    assert [str(d.span) for d in raised.value.diagnostics] == [f"{path}:3:1"]


@given(st.lists(st.tuples(st.integers(0, 2 ** 33), st.integers(0, 70_000), st.integers(0, 300), st.integers(0, 70_000)),
                max_size=6), st.integers(0, 3))
def test_yaml_places_packed_give_back_their_numbers(places: list[tuple[int, int, int, int]], cut: int) -> None:
    """A place is packed in nine bytes while it fits (``_Places``), in 32 once one does not: before and after
    that, every place gives back its span."""
    wanted = [(line, column, line + height, end_column) for line, column, height, end_column in places]
    packed = yaml_units._Places(wanted[:cut])
    packed.extend(wanted[cut:])
    assert len(packed) == len(wanted)
    assert [packed.span("x", i) for i in range(len(wanted))] == [yaml_units._span_at("x", place) for place in wanted]
    small = yaml_units._Places([(1, 2, 3, 4)])
    assert small._format == yaml_units._NARROW and len(small._packed) == 9
