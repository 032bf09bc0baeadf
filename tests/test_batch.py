"""The batch engine against the scalar engine: 0 mismatches on the shipped rulesets and the bundled sample,
on a boundary suite, and on generated rulesets and cohorts (invalid data included)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cqdt_rules as cq
from cqdt_rules.engine import fixedpoint as fp
from cqdt_rules.engine.results import Results
from cqdt_rules.errors import DataError
from cqdt_rules.model.units import Assessment
from tests.strategies import GeneratedRuleset, assessments_for, generated_rulesets

SAMPLE = [
    ("egov_2020", "examples/gialai/egov-2022-audit.yaml"),
    ("egov_2020", "examples/gialai/egov-2022-self.yaml"),
    ("egov_2020", "examples/gialai/egov-2021-audit.yaml"),
    ("dti_2023", "examples/gialai/dti-2023-audit.yaml"),
    ("dti_2023", "examples/gialai/dti-2023-self.yaml"),
]


def mismatches(scalar: Results, batch: Results) -> list[str]:
    """Every difference between two results: per node points (also as written), max, flags, raw value and
    branch; per unit total, outputs, levels (with unmet prerequisites) and ranks."""
    found = []
    if [u.assessment.key for u in scalar] != [u.assessment.key for u in batch]:
        return ["units differ or come in another order"]
    for s, b in zip(scalar, batch):
        for node_id, sn in s.nodes.items():
            bn = b.nodes[node_id]
            for field in ("points", "max", "flags", "raw", "branch", "inputs"):
                if getattr(sn, field) != getattr(bn, field):
                    found.append(f"{s.code} {node_id} {field}: {getattr(sn, field)!r} != {getattr(bn, field)!r}")
            if str(sn.points) != str(bn.points):
                found.append(f"{s.code} {node_id} points written {sn.points} != {bn.points}")
        if list(s.nodes) != list(b.nodes):
            found.append(f"{s.code} node order")
        for field in ("total", "outputs", "levels", "ranks"):
            if getattr(s, field) != getattr(b, field):
                found.append(f"{s.code} {field}: {getattr(s, field)!r} != {getattr(b, field)!r}")
        if str(s.total) != str(b.total):
            found.append(f"{s.code} total written {s.total} != {b.total}")
    return found


def both(ruleset: Any, units: list[Assessment], **options: Any) -> tuple[Results, Results]:
    return (cq.score(ruleset, units, run_at="t", **options),
            cq.score(ruleset, units, run_at="t", engine="batch", **options))


@pytest.mark.slow
@pytest.mark.parametrize("ruleset, data", SAMPLE)
def test_no_mismatch_on_the_shipped_rulesets_and_the_sample(ruleset: str, data: str) -> None:
    scalar, batch = both(cq.load(ruleset), list(cq.load_assessments(data)))
    assert len(scalar) > 200
    assert mismatches(scalar, batch) == []
    assert set(batch.engines.values()) == {"batch"}, batch.engines  # nothing fell back
    assert scalar.to_json() == batch.to_json()


# ---------------------------------------------------------------- boundary suite
def boundary_ruleset(mode: str, digits: int = 3) -> Any:
    return cq.load_text(f"""
ruleset bien {{
  title "Biên"
  years 2022..2023
  rounding {digits} {mode}
  on_zero_denominator 0
  on_missing_evidence zero
}}
tier xa "Xã" max 100 {{
  output chi_so "Chỉ số" = total / 100 round 4 {mode}
  output thuong "Thưởng" = points(A1) * 3 / 8
  levels muc "Mức" {{
    I "Mức I" >= 58% requires points(B) >= 57%
    II "Mức II" >= 29%
    below "Chưa đạt"
  }}
  ranking tinh "Tỉnh" by total then points(B) ascending
  ranking huyen "Huyện" by chi_so within district ties dense
  group A "A" max 40 {{
    criterion A1 "Tỷ lệ" max 10 {{
      input ty_le pair "a/b" evidence "Danh sách"
      ratio ty_le
    }}
    criterion A2 "Số" max 30 {{
      input so number "Số" range -10000..10000
      formula so / 1000
    }}
  }}
  group B "B" max 60 {{
    criterion B1 "Bậc" max 30 {{
      input bac pair "a/b"
      bands bac {{ >= 58% -> 30 >= 57% -> 25 >= 56% -> 20 >= 55% -> 15 >= 29% -> 10 >= 28% -> 7 >= 14% -> 5 >= 7% -> 2 else -> 0 }}
    }}
    criterion B2 "Phần trăm" max 30 {{
      input pt percent "%"
      ratio pt
    }}
  }}
}}
""")


def unit(code: str, parent: str, ty_le: str, so: str, bac: str, pt: str, evidence: bool = True) -> Assessment:
    return Assessment(code=code, name=f"Xã {code}", tier="xa", year=2022, source="audit", parent=parent,
                      values={"ty_le": ty_le, "so": so, "bac": bac, "pt": pt},
                      evidence={"ty_le": ("QĐ 1",)} if evidence else {})


BOUNDARY_UNITS = [
    unit("01", "1", "23455/100000", "2345.5", "7/100", "23.455"),      # x.xxx5 in the ratio, the formula, the percent
    unit("02", "1", "23445/100000", "-0.5", "14/100", "0.0005"),       # half_even ties to the even digit; a negative raw
    unit("03", "1", "1/3", "2345.4999", "28/100", "99.9995"),
    unit("04", "2", "2/3", "-2345.5", "29/100", "57"),                # 29/100 meets 29 % exactly (floats do not)
    unit("05", "2", "0/0", "1000", "55/100", "58"),                   # b = 0
    unit("06", "2", "5/5", "0", "56/100", "56", evidence=False),      # missing evidence scores 0
    unit("07", "3", "1/2", "500", "57/100", "55"),
    unit("08", "3", "1/2", "500", "58/100", "14"),
    unit("09", "3", "100/200", "500", "57/100", "7"),                 # equal totals from the same and other criteria
    unit("10", "3", "0/7", "1000", "0/0", "29"),
]


@pytest.mark.parametrize("mode", ["half_up", "half_even", "down", "up"])
def test_no_mismatch_on_the_boundary_suite(mode: str) -> None:
    scalar, batch = both(boundary_ruleset(mode), BOUNDARY_UNITS)
    assert mismatches(scalar, batch) == []
    assert batch.engines == {"xa": "batch"}


def test_boundary_suite_takes_the_exact_branches() -> None:
    """Hand-checked values of the boundary suite (the same under both engines, by the test above)."""
    results = cq.score(boundary_ruleset("half_up"), BOUNDARY_UNITS, engine="batch")
    by_code = {u.code: u for u in results}
    assert by_code["01"].points("A1") == Decimal("2.346")  # 2.3455 half-up
    assert by_code["04"].points("B1") == Decimal("10")  # 29/100 ≥ 29 %
    assert by_code["03"].points("B1") == Decimal("7")
    assert by_code["05"].nodes["A1"].flags == ("b = 0",)
    assert by_code["06"].nodes["A1"].flags == ("missing evidence",)
    assert by_code["02"].nodes["A2"].flags == ("floored",)
    down = {u.code: u for u in cq.score(boundary_ruleset("down"), BOUNDARY_UNITS, engine="batch")}
    assert down["01"].points("A1") == Decimal("2.345")
    even = {u.code: u for u in cq.score(boundary_ruleset("half_even"), BOUNDARY_UNITS, engine="batch")}
    assert even["02"].points("A1") == Decimal("2.344")  # 2.3445 → even digit


# Totals exactly on a level's cut-off and one thousandth below it (level I: 58 % of 100, level II: 29 %)
ON_THE_CUT_OFFS = {
    "c58": (unit("c58", "4", "12/100", "10000", "58/100", "56"), "58.000", "I"),       # 1.2 + 10 + 30 + 16.8
    "c57": (unit("c57", "4", "1199/10000", "10000", "58/100", "56"), "57.999", "II"),
    "c29": (unit("c29", "4", "1/1", "9000", "29/100", "0"), "29.000", "II"),            # 10 + 9 + 10 + 0
    "c28": (unit("c28", "4", "1/1", "8999", "29/100", "0"), "28.999", None),
}


@pytest.mark.parametrize("engine", ["scalar", "batch"])
def test_a_total_exactly_on_a_cut_off_reaches_the_level_and_a_thousandth_below_does_not(engine: str) -> None:
    results = cq.score(boundary_ruleset("half_up"), [u for u, _, _ in ON_THE_CUT_OFFS.values()], engine=engine)
    for unit_result in results:
        _, total, level = ON_THE_CUT_OFFS[unit_result.code]
        assert (str(unit_result.total), unit_result.levels["muc"].id) == (total, level), unit_result.code


# Equal totals (40) made of different criteria: ranked by the declared tie-breaker (points of B, ascending),
# and shared where that ties too; the district ranking by the output is dense
EQUAL_TOTALS = [
    unit("e1", "5", "1/1", "0", "58/100", "0"),      # 10 + 0 + 30 + 0, B = 30
    unit("e2", "5", "1/10", "10000", "7/100", "90"),  # 1 + 10 + 2 + 27, B = 29
    unit("e3", "5", "1/2", "5000", "58/100", "0"),    # 5 + 5 + 30 + 0, B = 30
]


@pytest.mark.parametrize("engine", ["scalar", "batch"])
def test_equal_totals_from_different_criteria_rank_by_the_declared_tie_breaker(engine: str) -> None:
    results = cq.score(boundary_ruleset("half_up"), EQUAL_TOTALS, engine=engine)
    assert {u.code: str(u.total) for u in results} == {"e1": "40.000", "e2": "40.000", "e3": "40.000"}
    assert {u.code: (u.ranks["tinh"].rank, u.ranks["huyen"].rank) for u in results} == {
        "e2": (1, 1), "e1": (2, 1), "e3": (2, 1)}


def test_the_cut_off_and_equal_total_units_score_alike_in_both_engines() -> None:
    units = [u for u, _, _ in ON_THE_CUT_OFFS.values()] + EQUAL_TOTALS + BOUNDARY_UNITS
    for mode in ("half_up", "half_even", "down", "up"):
        scalar, batch = both(boundary_ruleset(mode), units)
        assert mismatches(scalar, batch) == []
        assert batch.engines == {"xa": "batch"}


def test_a_bad_row_is_refused_by_both_engines_with_the_same_diagnostics() -> None:
    bad = [*BOUNDARY_UNITS, unit("12", "1", "5/4", "x", "1/2", "101")]
    messages = []
    for engine in ("scalar", "batch"):
        with pytest.raises(DataError) as caught:
            cq.score(boundary_ruleset("half_up"), bad, engine=engine)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert "'12'" in messages[0]


# ---------------------------------------------------------------- int64 and 60 digits (model.numbers.PRECISION)
def test_products_beyond_int64_use_python_integers() -> None:
    big = fp.Q(__import__("numpy").array([164_290_796_000_000], dtype="int64"), 1, 164_290_796_000_000)
    product = fp.multiply(big, fp.const(100_000))
    assert int(product.num[0]) == 16_429_079_600_000_000_000  # numpy int64 would wrap to a negative number
    assert product.num.dtype == object


def test_values_beyond_60_digits_fall_back_to_the_scalar_engine() -> None:
    ruleset = cq.load_text("""
ruleset lon { title "Lớn" years 2022..2023 rounding 3 }
tier xa "Xã" max 10 {
  criterion A "A" max 10 { input x number "x" formula x * x * x / 100000000000000 / 100000000000000 }
}
""")
    units = [Assessment(code=c, name=c, tier="xa", year=2022, source="audit", values={"x": v})
             for c, v in (("1", "123456789012.123456789012"), ("2", "2"))]  # x³: 72 digits
    scalar, batch = both(ruleset, units)
    assert mismatches(scalar, batch) == []
    assert batch.engines["xa"].startswith("scalar: ")


def test_a_tier_without_rounding_is_scored_by_the_scalar_engine_and_says_so() -> None:
    ruleset = cq.load_text("""
ruleset tho { title "Thô" years 2022..2023 on_zero_denominator 0 }
tier xa "Xã" max 10 {
  criterion A "A" max 10 { input p pair "p" ratio p }
}
""")
    units = [Assessment(code="1", name="1", tier="xa", year=2022, source="audit", values={"p": "1/3"})]
    scalar, batch = both(ruleset, units)
    assert mismatches(scalar, batch) == []
    assert batch.engines == {"xa": "scalar: A declares no rounding: the scalar engine keeps its exact 60-digit value"}


# ---------------------------------------------------------------- differential property
_INVALID = ("abc", "-1", "12/5", "101", "", None, "1e30", "nan", "2.5")


@st.composite
def cohorts_with_bad_rows(draw: st.DrawFn) -> tuple[GeneratedRuleset, list[Assessment]]:
    generated = draw(generated_rulesets())
    units = draw(assessments_for(generated, max_units=9))
    if units and draw(st.integers(0, 3)) == 0:  # sometimes spoil a value: both engines must refuse the same rows
        index = draw(st.integers(0, len(units) - 1))
        victim = units[index]
        if victim.values:
            name = draw(st.sampled_from(sorted(victim.values)))
            spoiled = dict(victim.values, **{name: draw(st.sampled_from(_INVALID))})
            units[index] = Assessment(code=victim.code, name=victim.name, tier=victim.tier, year=victim.year,
                                      source=victim.source, values=spoiled, evidence=victim.evidence,
                                      parent=victim.parent)
    return generated, units


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cohorts_with_bad_rows())
def test_batch_and_scalar_agree_on_generated_rulesets_and_cohorts(case: tuple[GeneratedRuleset, list[Assessment]]) -> None:
    generated, units = case
    ruleset = cq.load_text(generated.text)
    outcomes = []
    for engine in ("scalar", "batch"):
        try:
            outcomes.append(cq.score(ruleset, units, run_at="t", engine=engine))
        except DataError as error:
            outcomes.append(str(error))
    scalar, batch = outcomes
    if isinstance(scalar, str) or isinstance(batch, str):
        assert scalar == batch  # the same rows refused, with the same messages
        return
    assert mismatches(scalar, batch) == []


# ---------------------------------------------------------------- data frames in and out
def _sample_frame_rows() -> tuple[list[str], list[list[str]]]:
    import csv

    with open("examples/gialai/egov-2022-audit-xa.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@pytest.mark.parametrize("library", ["pandas", "polars", "pyarrow"])
def test_a_frame_scores_like_the_same_csv(library: str) -> None:
    header, rows = _sample_frame_rows()
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    columns["year"] = [int(y) for y in columns["year"]]  # typed columns, as a frame usually has them
    frame = {"pandas": lambda: __import__("pandas").DataFrame(columns),
             "polars": lambda: __import__("polars").DataFrame(columns),
             "pyarrow": lambda: __import__("pyarrow").table(columns)}[library]()
    ruleset = cq.load("egov_2020")
    from_csv = cq.score(ruleset, cq.load_assessments("examples/gialai/egov-2022-audit-xa.csv"), run_at="t")
    for engine in ("scalar", "batch"):
        from_frame = cq.score(ruleset, frame, run_at="t", engine=engine)
        assert mismatches(from_csv, from_frame) == []


def test_a_missing_cell_in_a_frame_is_missing_not_zero() -> None:
    import pandas as pd

    header, rows = _sample_frame_rows()
    frame = pd.DataFrame([row for row in rows[:3]], columns=header)
    frame["year"] = frame["year"].astype(int)
    frame["tin_bai_thang"] = [float("nan"), 2.0, None]  # NaN and None: missing, and the ruleset has no default
    frame.loc[1, "may_tinh.a"] = pd.NA
    frame.loc[1, "may_tinh.b"] = pd.NA
    with pytest.raises(DataError) as caught:
        cq.score(cq.load("egov_2020"), frame, engine="batch")
    text = str(caught.value)
    assert text.count("has no value for 'tin_bai_thang'") == 2
    assert "has no value for 'may_tinh'" in text
    assert "<dataframe>:1:" in text and "<dataframe>:3:" in text  # rows 1 and 3 of the frame


def test_a_bad_cell_in_a_frame_names_its_row_and_column() -> None:
    import polars as pl

    header, rows = _sample_frame_rows()
    data = [list(row) for row in rows[:2]]
    data[1][header.index("may_tinh.a")] = "40"  # a > b
    frame = pl.DataFrame(data, schema=header, orient="row")
    with pytest.raises(DataError) as caught:
        cq.score(cq.load("egov_2020"), frame)
    column = header.index("may_tinh.a") + 1
    assert f"<dataframe>:2:{column}: error: unit '{rows[1][0]}', 'may_tinh': a = 40 is greater than b" in str(caught.value)


def test_results_convert_to_arrow_and_pandas_exactly() -> None:
    results = cq.score(cq.load("egov_2020"), cq.load_assessments("examples/gialai/egov-2022-audit.yaml"), engine="batch")
    table = results.to_arrow()
    assert table.num_rows == len(results)
    frame = results.to_pandas()
    first = results.units[0]
    assert frame.loc[0, "total"] == first.total and isinstance(frame.loc[0, "total"], Decimal)
    assert table.column("total").to_pylist()[0] == first.total
    assert table.column("code").to_pylist() == [u.code for u in results]
    ranks = table.column("rank_huyen").to_pylist()
    assert ranks == [u.ranks["huyen"].rank if "huyen" in u.ranks else None for u in results]


@pytest.mark.slow
def test_the_batch_benchmark_runs_and_its_scorers_agree() -> None:
    """Smoke run of benchmarks/bench_batch.py: it checks the two scorers agree before it times anything."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "benchmarks/bench_batch.py", "--units", "2000", "--runs", "20",
                           "--repeat", "1"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "all 2,000 agree" in done.stdout
    assert "ratio batch / hand-written" in done.stdout
    assert "220 communes (the sample)" in done.stdout
