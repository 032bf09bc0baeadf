"""Data frames checked column by column (data.frame_checks) against the same data as CSV, row by row: the
same rows refused with the same messages, the same results; floats read as the shortest decimal."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cqdt_rules as cq
from cqdt_rules.data.frame_checks import FrameColumn, cell_text, numbers_of
from cqdt_rules.data.readers import csv_assessments
from cqdt_rules.engine.fit import DataMismatchError
from cqdt_rules.errors import DataError, Diagnostic
from cqdt_rules.model.numbers import read_value
from tests.strategies import GeneratedRuleset, assessments_for, generated_rulesets
from tests.test_batch import mismatches

np = pytest.importorskip("numpy")

CSV_PATH = "cohort.csv"
# what people type, and what frames hold, that a ruleset must refuse (or read exactly)
_BAD_CELLS = ("abc", "-1", "12/5", "101", "", "1e30", "nan", "2.5", "0.30000000000000004", "1e16",
              "1.0000000000001", "-0", "1,5", "inf", "0.1", "999999999999999", "1000000000000000", "yes", "3")
_BAD_IDENTITY = {"tier": ("phuong", ""), "source": ("self2", "district"), "year": ("20x2", "2019", "2023"),
                 "name": ("", "Xã\x1b"), "parent": ("", "623", "24000"), "code": ("", "24001", "ｓｏ０１", "A1", "a1")}


# ---------------------------------------------------------------- generated cohorts as CSV rows
def _header(generated: GeneratedRuleset) -> list[str]:
    header = ["code", "name", "tier", "parent", "year", "source"]
    for ind in generated.indicators:
        header += [f"{ind.name}.a", f"{ind.name}.b"] if ind.kind == "pair" else [ind.name]
        if ind.evidence:
            header.append(f"{ind.name}.evidence")
    return header


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _row(generated: GeneratedRuleset, unit: cq.Assessment) -> list[str]:
    row = [unit.code, unit.name, unit.tier, unit.parent or "", str(unit.year), unit.source]
    for ind in generated.indicators:
        value = unit.values.get(ind.name)
        row += [_text(value[0]), _text(value[1])] if ind.kind == "pair" and value is not None else \
            ["", ""] if ind.kind == "pair" else [_text(value)]
        if ind.evidence:
            row.append("; ".join(unit.evidence.get(ind.name, ())))
    return row


@st.composite
def cohort_tables(draw: st.DrawFn) -> tuple[GeneratedRuleset, list[str], list[list[str]]]:
    """A generated ruleset and a cohort as CSV cells; sometimes spoiled: bad values, bad identity fields,
    duplicate codes, blank rows."""
    generated = draw(generated_rulesets())
    units = draw(assessments_for(generated, max_units=8))
    header = _header(generated)
    rows = [_row(generated, unit) for unit in units]
    for _ in range(draw(st.integers(0, 4))):
        row = draw(st.sampled_from(rows))
        values = [i for i, name in enumerate(header) if i > 5 and not name.endswith(".evidence")]
        if draw(st.integers(0, 2)) and values:
            row[draw(st.sampled_from(values))] = draw(st.sampled_from(_BAD_CELLS))
        else:
            field = draw(st.sampled_from(sorted(_BAD_IDENTITY)))
            row[header.index(field)] = draw(st.sampled_from(_BAD_IDENTITY[field]))
    if draw(st.integers(0, 5)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), [""] * len(header))
    return generated, header, rows


# ---------------------------------------------------------------- the same cells as a typed frame
def _typed(cells: list[str], draw: st.DrawFn) -> list[Any]:
    """A column as a frame would hold it: integers, floats or yes/no where every cell converts back to the
    same text (so both paths read the same data), else text; missing as None."""
    given = [c for c in cells if c != ""]
    choice = draw(st.sampled_from(("typed", "typed", "text")))
    if choice == "typed" and given:
        if all(re.fullmatch(r"-?[0-9]{1,15}", c) and str(int(c)) == c for c in given):
            return [int(c) if c else None for c in cells]
        if all(_float_reads_back(c) for c in given):
            return [float(c) if c else None for c in cells]
        if all(c in ("yes", "no") for c in given):
            return [c == "yes" if c else None for c in cells]
    return [c if c else draw(st.sampled_from((None, ""))) for c in cells]


def _float_reads_back(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return cell_text(value) == text


def _frame(library: str, header: list[str], columns: list[list[Any]]) -> Any:
    if library == "pandas":
        import pandas as pd

        data = {}
        for name, values in zip(header, columns):
            kinds = {type(v) for v in values if v is not None}
            dtype = {frozenset([int]): "Int64", frozenset([bool]): "boolean", frozenset([float]): "float64"}.get(
                frozenset(kinds), "object")
            data[name] = pd.Series([np.nan if v is None and dtype == "float64" else v for v in values], dtype=dtype)
        return pd.DataFrame(data)
    if library == "polars":
        import polars as pl

        return pl.DataFrame({name: values for name, values in zip(header, columns)}, strict=False)
    import pyarrow as pa

    return pa.table({name: values for name, values in zip(header, columns)})


# ---------------------------------------------------------------- comparing outcomes
_PLACE = re.compile(r"(<dataframe>|cohort\.csv):(\d+):\d+")


def _row_of(path: str, line: int) -> int:
    return line - 1 if path == CSV_PATH else line  # the CSV file has its header on line 1


def _said(diagnostic: Diagnostic) -> tuple[int, str, str, str | None]:
    """Where (the row) and what a diagnostic says, places in hints written as rows too."""
    span = diagnostic.span
    hint = _PLACE.sub(lambda m: f"row {_row_of(m.group(1), int(m.group(2)))}", diagnostic.hint or "") or None
    return _row_of(span.path, span.line) if span.line else 0, diagnostic.severity, diagnostic.message, hint


def _outcome(score: Any) -> Any:
    try:
        return score()
    except DataError as error:
        return type(error) is DataMismatchError, sorted(map(_said, error.diagnostics))


def _csv_units(header: list[str], rows: list[list[str]]) -> tuple[cq.Assessment, ...]:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header] + rows)
    problems: list[Diagnostic] = []
    found = tuple(csv_assessments(io.StringIO(text.getvalue(), newline=""), CSV_PATH, problems))
    if problems:
        raise DataError(problems)
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cohort_tables(), st.sampled_from(("pandas", "polars", "pyarrow")), st.booleans(), st.data())
def test_a_frame_checked_by_columns_refuses_and_scores_as_the_same_csv_row_by_row(
        case: tuple[GeneratedRuleset, list[str], list[list[str]]], library: str, any_year: bool,
        data: st.DataObject) -> None:
    generated, header, rows = case
    ruleset = cq.load_text(generated.text)
    columns = [_typed([row[i] for row in rows], data.draw) for i in range(len(header))]
    frame = _frame(library, header, columns)
    scalar = _outcome(lambda: cq.score(ruleset, _csv_units(header, rows), run_at="t", any_year=any_year))
    batch = _outcome(lambda: cq.score(ruleset, frame, run_at="t", any_year=any_year, engine="batch"))
    if isinstance(scalar, tuple) or isinstance(batch, tuple):
        assert scalar == batch  # the same rows refused, with the same messages and hints
        return
    assert mismatches(scalar, batch) == []
    assert [_said(w) for w in scalar.warnings] == [_said(w) for w in batch.warnings]
    assert [u.assessment.values == b.assessment.values for u, b in zip(scalar, batch)] == [True] * len(scalar)


# ---------------------------------------------------------------- floats
def test_a_float_is_read_as_the_shortest_decimal_that_reads_back_as_it() -> None:
    values = np.array([0.1 + 0.2, 0.3, 1.8, 23.0, -0.0, 1e-05, 123456789.123, 0.1 * 3, 2.675, 1e15, float("inf")])
    numbers = numbers_of(FrameColumn(values, np.zeros(len(values), dtype=bool)))
    read = [Decimal(int(n)).scaleb(-int(d)) if ok else None for n, d, ok in zip(numbers.n, numbers.d, numbers.ok)]
    # 0.1 + 0.2 and 0.1 * 3 carry their binary noise (17 decimals): left to the scalar code, which refuses them
    assert read == [None, Decimal("0.3"), Decimal("1.8"), Decimal(23), Decimal(0), Decimal("0.00001"),
                    Decimal("123456789.123"), None, Decimal("2.675"), None, None]


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_a_float_read_by_numpy_is_the_decimal_repr_writes(value: float) -> None:
    numbers = numbers_of(FrameColumn(np.array([value]), np.zeros(1, dtype=bool)))
    try:
        expected = read_value(cell_text(value))
    except ValueError:
        expected = None
    if numbers.ok[0]:  # what numpy settles is exactly what the scalar code reads from the text
        assert Decimal(int(numbers.n[0])).scaleb(-int(numbers.d[0])) == expected
        assert expected is not None and -int(numbers.d[0]) == min(expected.as_tuple().exponent, 0)  # type: ignore[operator]
    # a float numpy does not settle goes through the scalar code (refused, or read there)


def test_float_noise_in_a_frame_is_refused_with_the_value_it_holds() -> None:
    import pandas as pd

    ruleset = cq.load_text("""
ruleset phan { title "Phần" years 2022..2023 rounding 2 }
tier xa "Xã" max 10 {
  criterion A "A" max 10 { input x score "x" direct x }
}
""")
    frame = pd.DataFrame({"code": ["1", "2"], "name": ["Một", "Hai"], "tier": ["xa", "xa"], "year": [2022, 2022],
                          "source": ["audit", "audit"], "x": [0.1 + 0.2, 0.3]})
    with pytest.raises(DataError) as caught:
        cq.score(ruleset, frame, engine="batch")
    [problem] = caught.value.diagnostics
    assert str(problem.span) == "<dataframe>:1:6"
    assert problem.message == ("unit '1', 'x': expected a number, got '0.30000000000000004': "
                               "the number has more than 12 decimals")
    rounded = cq.score(ruleset, frame.round({"x": 6}), engine="batch")
    assert [u.nodes["A"].points for u in rounded] == [Decimal("0.3"), Decimal("0.3")]


def test_the_errors_of_a_large_frame_are_capped_like_any_others() -> None:
    import pandas as pd

    ruleset = cq.load_text("""
ruleset dem { title "Đếm" years 2022..2023 rounding 2 }
tier xa "Xã" max 10 {
  criterion A "A" max 10 { input n score "n" direct n }
}
""")
    rows = 5000
    frame = pd.DataFrame({"code": [str(i) for i in range(rows)], "name": ["Xã"] * rows, "tier": ["xa"] * rows,
                          "year": [2022] * rows, "source": ["audit"] * rows, "n": [-1.5] * (rows - 1) + [2.0]})
    with pytest.raises(DataError) as caught:
        cq.score(ruleset, frame, engine="batch")
    assert len(caught.value.diagnostics) == rows - 1
    for lang, more in (("en", "and 4,996 more"), ("vi", "4.996")):
        shown = caught.value.render(lang, limit=3)
        assert shown.count("<dataframe>:") == 3 and more in shown


# ---------------------------------------------------------------- every check, on typed columns
EVERY_KIND = """
ruleset loai { title "Loại" years 2022..2023 rounding 2 on_zero_denominator 0 on_missing_evidence zero }
tier xa "Xã" max 60 {
  criterion A "A" max 10 { input dem count "Đếm" range 0..50 per_item dem each 0.5 }
  criterion B "B" max 10 { input diem score "Điểm" direct diem }
  criterion C "C" max 10 { input pt percent "%" ratio pt }
  criterion D "D" max 10 { input so number "Số" range -5..50.5 default 1 bands so { >= 10 -> full else -> 0 } }
  criterion E "E" max 10 { input tl pair "a/b" evidence "Danh sách" ratio tl }
  criterion F "F" max 10 { input kt pair "a/b" range 0..1000.5 audit_only ratio kt }
}
"""
# column: (good values, values the ruleset refuses or that numpy leaves to the scalar code); all typed numbers
TYPED = {
    "dem": ([3, 0, 50], [2.5, -1, 51, 10**15, None]),
    "diem": ([7.25, 0.0, 10.0], [10.01, -0.5, float("inf"), 1e16, 0.1 + 0.2, None]),
    "pt": ([100, 33.3, 0], [100.5, -1, 101, 1e-13, None]),
    "so": ([-5, 50.5, 1e-12], [-5.01, 50.6, 123456789012.125, None]),
    "tl.a": ([1, 0, 7], [8, -1, 1.5, None]),
    "tl.b": ([3, 0, 7], [-1, 2.5, None]),
    "kt.a": ([0.5, 1000.5, 1], [1000.75, 2, None, -1]),
    "kt.b": ([1, 1000.5, 1], [None, 1000.75, 0.5]),
}


def _every_kind_frames(source: str) -> Iterator[tuple[list[str], list[list[Any]]]]:
    """The good rows and one more row, first good, then with one cell spoiled at a time."""
    header = ["code", "name", "tier", "parent", "year", "source"] + list(TYPED)
    fine = {name: list(good) for name, (good, _) in TYPED.items()}
    if source == "self":  # the audit-only pair is not given before the audit
        fine["kt.a"] = fine["kt.b"] = [None] * 3
    cases = [{}] + [{name: value} for name, (_, spoiled) in TYPED.items() for value in spoiled]
    cases.append({"kt.a": 1, "kt.b": 2})  # a valid audit-only pair: refused before the audit
    for spoiled in cases:
        columns: list[list[Any]] = [[str(100 + i) for i in range(4)], ["Xã"] * 4, ["xa"] * 4, ["9"] * 4, [2022] * 4,
                                    [source] * 4]
        for name in TYPED:
            columns.append(fine[name] + [spoiled.get(name, fine[name][0])])
        yield header, columns


@pytest.mark.parametrize("library", ["pandas", "polars", "pyarrow"])
@pytest.mark.parametrize("source", ["audit", "self"])
def test_every_check_on_typed_columns_refuses_as_the_csv_does(library: str, source: str) -> None:
    ruleset = cq.load_text(EVERY_KIND)
    refused = 0
    for header, columns in _every_kind_frames(source):
        rows = [[cell_text(column[r]) for column in columns] for r in range(4)]
        frame = _frame(library, header, columns)
        scalar = _outcome(lambda: cq.score(ruleset, _csv_units(header, rows), run_at="t"))
        batch = _outcome(lambda: cq.score(ruleset, frame, run_at="t", engine="batch"))
        if isinstance(scalar, tuple) or isinstance(batch, tuple):
            assert scalar == batch, (columns, scalar, batch)
            refused += 1
        else:
            assert mismatches(scalar, batch) == []
    assert refused >= 25  # nearly every spoiled cell is refused (a missing 'so' takes its default)
