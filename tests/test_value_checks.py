"""The quick readers of model/units.py (the common inputs of each indicator kind, read without the whole
``coerce_value`` path) give exactly what ``coerce_value`` gives, and leave every input it would refuse to it,
so that its messages stay the only ones; and a tier's values are checked the same whether the quick path
or the whole path reads them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cqdt_rules.errors import Diagnostic, Span
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import (
    NO_WORDS,
    YES_WORDS,
    Assessment,
    Pair,
    TierValues,
    _quick_reader,
    _Unsure,
    coerce_value,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CATEGORIES = (m.Category("co"), m.Category("khong_co"), m.Category("Đạt"), m.Category("e\u0301"), m.Category(" x"))


def indicator(kind: str, range_: tuple[Decimal, Decimal] | None = None, may_exceed: bool = False) -> m.Indicator:
    return m.Indicator("v", kind, "Giá trị", "A", range=range_, a_may_exceed_b=may_exceed,  # type: ignore[arg-type]
                       categories=CATEGORIES if kind == "category" else ())



TEXTS = st.one_of(
    st.from_regex(r"\A[0-9]{1,17}\Z"), st.from_regex(r"\A-?[0-9]{0,4}(\.[0-9]{0,14})?\Z"),
    st.sampled_from([*YES_WORDS, *NO_WORDS, "YES", "Có", "KHÔNG", "co", "khong_co", "Đạt", "e\u0301", "\u00e9",
                     " x", "x", "", "  ", "1e3", "1 000", "NaN", "Infinity", "-0", "0.000", "1_0", "１２", "²",
                     "3/4", " 7 ", "007", "100", "101", "1e999999999"]),
    st.text(max_size=8),
)
NUMBERS = st.one_of(
    st.integers(min_value=-10 ** 16, max_value=10 ** 16), st.booleans(),
    st.decimals(allow_nan=True, allow_infinity=True, places=None), st.sampled_from([Decimal("-0"), Decimal("5.000")]),
    st.floats(allow_nan=True),
)
SCALARS = st.one_of(TEXTS, NUMBERS, st.none())
COUNTS = st.one_of(st.integers(0, 1200).map(str), st.integers(-3, 1200), st.sampled_from(["2.5", "3.000", "0"]))
RAW = st.one_of(
    SCALARS, COUNTS, st.lists(COUNTS, min_size=2, max_size=2),
    st.lists(SCALARS, min_size=1, max_size=3), st.tuples(SCALARS, SCALARS),
    st.builds(Pair, st.decimals(allow_nan=False, places=3), st.decimals(allow_nan=False, places=3)),
    st.fixed_dictionaries({"a": SCALARS, "b": SCALARS}),
)


def whole_path(ind: m.Indicator, raw: Any, limits: dict[str, Decimal]) -> tuple[Any, list[str]]:
    problems: list[str] = []
    value = coerce_value(ind, raw, limits, lambda message, hint=None: problems.append(message))
    return value, problems


def same(a: Any, b: Any) -> bool:
    """Equal, of the same type, and written the same (``5`` and ``5.000`` are equal Decimals, shown apart)."""
    if isinstance(a, Pair) and isinstance(b, Pair):
        return same(a.a, b.a) and same(a.b, b.b)
    return type(a) is type(b) and a == b and str(a) == str(b)


KINDS = ["yesno", "count", "number", "percent", "pair", "score", "category"]
RANGES = st.one_of(st.none(), st.sampled_from([(Decimal(0), Decimal(10)), (Decimal("-5"), Decimal("1000.5")),
                                               (Decimal(2), Decimal(3))]))


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(range_=RANGES, may_exceed=st.booleans(), raw=RAW,
       limits=st.sampled_from([{}, {"v": Decimal(8)}, {"v": Decimal("2.5")}]))
def test_a_quick_reader_reads_as_coerce_value_or_leaves_the_value_to_it(
        kind: str, range_: tuple[Decimal, Decimal] | None, may_exceed: bool, raw: Any, limits: dict[str, Decimal]) -> None:
    ind = indicator(kind, range_, may_exceed)
    try:
        quick = _quick_reader(ind, limits)(raw)
    except _Unsure:
        return
    value, problems = whole_path(ind, raw, limits)
    assert not problems, (raw, problems)
    assert same(quick, value), (raw, quick, value)


def test_the_quick_readers_take_the_inputs_files_hold() -> None:
    """Not a check of values (the test above is): that the quick path is taken for what readers give."""
    cases = [("yesno", "yes", True), ("yesno", "không", False), ("yesno", True, True), ("category", "co", "co"),
             ("count", "12", Decimal(12)), ("number", "1.8", Decimal("1.8")), ("percent", "99.5", Decimal("99.5")),
             ("pair", ["3", "5"], Pair(Decimal(3), Decimal(5))), ("pair", Pair(Decimal(1), Decimal(2)), Pair(Decimal(1), Decimal(2)))]
    for kind, raw, expected in cases:
        assert _quick_reader(indicator(kind), {})(raw) == expected


def tier_of(*indicators: m.Indicator) -> m.Tier:
    node = m.Node("A", "A", Decimal(10), inputs=indicators, rule=m.InformationalRule())
    return m.Tier("xa", "Xã", Decimal(10), (node,))


@SETTINGS
@given(st.lists(st.tuples(st.builds(indicator, st.sampled_from(KINDS), RANGES, st.booleans()), RAW), min_size=1, max_size=4), st.sampled_from(["self", "audit"]),
       st.booleans())
def test_a_tier_is_checked_the_same_by_the_quick_and_the_whole_path(entries: list[tuple[m.Indicator, Any]],
                                                                    source: str, audit_only: bool) -> None:
    """Every value read, every message and every position, whether the quick readers read the values or each
    was read the whole way."""
    indicators = tuple(attrs.evolve(ind, name=f"v{i}", audit_only=audit_only and i == 0) for i, (ind, _) in enumerate(entries))
    values = {f"v{i}": raw for i, (_, raw) in enumerate(entries)}
    spans = {name: Span("units.yaml", i + 2, 3, i + 2, 9) for i, name in enumerate(values)}
    unit = Assessment("X1", "Xã 1", "xa", 2022, source, values, {}, value_spans=spans)
    checker = TierValues(tier_of(*indicators), {})
    got = checker.coerce(unit, unit.code)
    problems: list[Diagnostic] = []
    one_by_one = checker.coerce_each(unit, unit.code, problems)
    assert got[1] == problems
    assert got[0].keys() == one_by_one.keys()
    assert all(same(got[0][k], one_by_one[k]) for k in got[0])
