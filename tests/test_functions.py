"""The expression functions (docs/language.md, "Functions"), one Hypothesis property each, against plain Python.

Each property scores generated units through the real pipeline (text → check → compile → evaluate) and
compares an output with the same function written in a few lines of standard Python: ``fractions`` and
``statistics`` for the exact ones, ``decimal`` at 60 digits for the roots (rounded once, as declared).
"""

from __future__ import annotations

import statistics
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cqdt_rules import api
from cqdt_rules.engine.exact import integer_root, rounded_root
from cqdt_rules.errors import RulesetError
from cqdt_rules.model.units import Assessment

MODEST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALUES = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
NAMES = ("x1", "x2", "x3", "x4")


def _ruleset(output: str) -> str:
    inputs = "\n".join(f'    input {n} number "{n}" range 0..1000' for n in NAMES)
    return f"""ruleset functions_property {{
  title "Functions"
  years 2024..
}}
tier t "T" max 1 {{
  output v "v" = {output}
  criterion C "C" max 1 {{
{inputs}
    formula min(x1 + x2 + x3 + x4, 1)
    provenance hypothetical "test"
  }}
}}
"""


def _score(output: str, rows: list[list[Decimal]]) -> list[Decimal | None]:
    checked = api.load_text(_ruleset(output), "functions.cqdt")
    units = [Assessment(f"U{i}", f"Unit {i}", "t", 2024, "self", dict(zip(NAMES, row))) for i, row in enumerate(rows)]
    results = api.score(checked, units, run_at="fixed")
    return [results.unit(f"U{i}").outputs["v"] for i in range(len(rows))]


def _one(output: str, row: list[Decimal]) -> Decimal:
    value = _score(output, [row])[0]
    assert value is not None
    return value


def _fractions(row: list[Decimal]) -> list[Fraction]:
    return [Fraction(v) for v in row]


ROW = st.lists(VALUES, min_size=4, max_size=4)
COHORT = st.lists(ROW, min_size=1, max_size=6)


def _round(value: Fraction | Decimal, digits: int, mode: str = ROUND_HALF_UP) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else value
    return exact.quantize(Decimal(1).scaleb(-digits), mode, Context(prec=80))


@MODEST
@given(ROW)
def test_sum_is_the_exact_sum(row: list[Decimal]) -> None:
    assert _one("sum(x1, x2, x3, x4)", row) == sum(row)


@MODEST
@given(ROW)
def test_mean_is_the_arithmetic_mean(row: list[Decimal]) -> None:
    assert _one("mean(x1, x2, x3) round 6", row) == _round(statistics.mean(_fractions(row[:3])), 6)


@MODEST
@given(ROW, st.lists(st.integers(min_value=0, max_value=9), min_size=4, max_size=4).filter(any))
def test_weighted_mean_is_sum_of_weighted_values_over_sum_of_weights(row: list[Decimal], weights: list[int]) -> None:
    written = ", ".join(f"{n} weight {w}" for n, w in zip(NAMES, weights))
    expected = sum(Fraction(v) * w for v, w in zip(row, weights)) / sum(weights)
    assert _one(f"weighted_mean({written}) round 6", row) == _round(expected, 6)


@MODEST
@given(ROW)
def test_min_and_max_pick_the_extremes(row: list[Decimal]) -> None:
    assert _one("min(x1, x2, x3, x4)", row) == min(row)
    assert _one("max(x1, x2, x3, x4)", row) == max(row)


@MODEST
@given(ROW, st.integers(min_value=0, max_value=6), st.sampled_from(["half_up", "half_even"]))
def test_round_rounds_once_as_declared(row: list[Decimal], digits: int, mode: str) -> None:
    expected = _round(Fraction(row[0]) / 7, digits, ROUND_HALF_UP if mode == "half_up" else ROUND_HALF_EVEN)
    assert _one(f"round(x1 / 7, {digits} {mode})", row) == expected


@MODEST
@given(ROW, st.decimals(min_value=1, max_value=500, places=1))
def test_to_target_is_the_value_over_the_target(row: list[Decimal], target: Decimal) -> None:
    assert _one(f"to_target(x1, {target}) round 6", row) == _round(Fraction(row[0]) / Fraction(target), 6)


@MODEST
@given(ROW, st.integers(min_value=0, max_value=8))
@example([Decimal("9.5"), Decimal("9.5"), Decimal("9.5"), Decimal(0)], 0)  # exactly 9.5; 60 digits say 9.4999…98
def test_geometric_mean_is_the_rounded_root_of_the_product(row: list[Decimal], digits: int) -> None:
    wide = Context(prec=60)
    product = row[0] * row[1] * row[2]
    root = wide.power(product, wide.divide(Decimal(1), Decimal(3))) if product else Decimal(0)
    expected = _round(root, digits)
    got = _one(f"geometric_mean(x1, x2, x3) round {digits}", row)
    assert got == expected or _tie_within_precision(root, digits)


def _tie_within_precision(value: Decimal, digits: int) -> bool:
    """60 digits cannot decide a value within 10^-50 of a rounding tie; the exact engine may then differ."""
    with localcontext(Context(prec=80)):  # scaleb and the subtraction round to the context's precision
        scaled = value.scaleb(digits)
        return abs(scaled - scaled.to_integral_value(ROUND_DOWN) - Decimal("0.5").copy_sign(scaled)) < Decimal("1e-45")


def _cohort_column(rows: list[list[Decimal]]) -> list[Fraction]:
    return [Fraction(r[0]) for r in rows]


@MODEST
@given(COHORT)
def test_minmax_scales_the_cohort_to_0_1(rows: list[list[Decimal]]) -> None:
    xs = _cohort_column(rows)
    low, high = min(xs), max(xs)
    expected = [Fraction(0) if high == low else (x - low) / (high - low) for x in xs]
    assert _score("minmax(x1) round 8", rows) == [_round(e, 8) for e in expected]


@MODEST
@given(COHORT)
def test_rank_is_one_plus_the_units_above(rows: list[list[Decimal]]) -> None:
    xs = _cohort_column(rows)
    assert _score("rank(x1)", rows) == [Decimal(1 + sum(1 for y in xs if y > x)) for x in xs]


@MODEST
@given(COHORT, st.integers(min_value=0, max_value=6))
def test_zscore_is_the_deviation_over_the_population_standard_deviation(rows: list[list[Decimal]], digits: int) -> None:
    xs = [r[0] for r in rows]
    wide = Context(prec=60)
    mean = statistics.mean(_fractions(xs))
    variance = statistics.pvariance(_fractions(xs))
    expected = []
    for x in xs:
        if variance == 0:
            expected.append(_round(Decimal(0), digits))
            continue
        sd = wide.sqrt(Decimal(variance.numerator) / Decimal(variance.denominator))
        z = wide.divide(Decimal(x) - wide.divide(Decimal(mean.numerator), Decimal(mean.denominator)), sd)
        expected.append(z)
    got = _score(f"round(zscore(x1), {digits})", rows)
    for value, want in zip(got, expected):
        assert value is not None
        assert value == _round(want, digits) or _tie_within_precision(want, digits)


@MODEST
@given(st.integers(min_value=0, max_value=10**30), st.integers(min_value=1, max_value=7))
def test_integer_root_is_the_floor_of_the_root(value: int, n: int) -> None:
    k = integer_root(value, n)
    assert k**n <= value < (k + 1) ** n


@MODEST
@given(st.fractions(min_value=0, max_value=10**6), st.integers(min_value=2, max_value=5), st.integers(min_value=0, max_value=8))
def test_rounded_root_lies_within_half_a_step(radicand: Fraction, n: int, digits: int) -> None:
    result = Fraction(rounded_root(radicand, n, digits, "half_up"))
    step = Fraction(1, 10**digits)
    low, high = result - step / 2, result + step / 2
    assert max(low, Fraction(0)) ** n <= radicand < high**n


# ---------------------------------------------------------------- what the checker refuses
@pytest.mark.parametrize(("output", "message"), [
    ("geometric_mean(x1, x2)", "geometric_mean needs a root, which has no exact value"),
    ("zscore(x1) * 2 round 3", "zscore needs a root, which has no exact value"),
    ("minmax(x1, x2)", "minmax takes 1 value, not 2"),
    ("to_target(x1)", "to_target takes 2 values, not 1"),
])
def test_misused_functions_are_refused_with_the_reason(output: str, message: str) -> None:
    with pytest.raises(RulesetError) as caught:
        api.load_text(_ruleset(output), "functions.cqdt")
    assert message in caught.value.render()


def test_cohort_functions_leave_out_units_whose_value_is_not_assessed() -> None:
    text = _ruleset("minmax(x1) round 4").replace('input x1 number "x1" range 0..1000',
                                                  'input x1 number "x1" range 0..1000 audit_only')
    checked = api.load_text(text, "functions.cqdt")
    rows = [dict(zip(NAMES[1:], [Decimal(1)] * 3)) for _ in range(2)]
    units = [Assessment(f"U{i}", "u", "t", 2024, "self", row) for i, row in enumerate(rows)]
    results = api.score(checked, units, run_at="fixed")
    assert [u.outputs["v"] for u in results] == [None, None]
