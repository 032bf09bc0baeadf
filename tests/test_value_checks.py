"""The quick readers of model/units.py (the common inputs of each indicator kind, read without the whole
``coerce_value`` path) give exactly what ``coerce_value`` gives, and leave every input it would refuse to it,
so that its messages stay the only ones; and a tier's values are checked the same whether the quick path
(the tier's generated reader, model/readergen.py) or the whole path reads them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cqdt_rules.errors import Diagnostic, Span
from cqdt_rules.data.readers import load_assessments
from cqdt_rules.model import readergen
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment, Pair
from cqdt_rules.model.checking import NO_WORDS, YES_WORDS, TierValues, _Unsure, _fast_read, _quick_reader, coerce_value, kind_text, tier_values

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


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "pair"])
def test_two_values_for_an_input_that_is_not_a_pair_say_so(kind: str) -> None:
    """A CSV file's X.a and X.b columns (or a YAML list) for a yes/no, a number...: not a Python list in the message."""
    for raw in (["1", "2"], ("yes", "no")):
        assert whole_path(indicator(kind), raw, {}) == (None, [f"takes one value ({kind_text(indicator(kind))}), not a pair"])


@pytest.mark.parametrize(("raw", "problem"), [(["1250", ""], "part b of the pair is empty"), ([None, "3"], "part a of the pair is empty"),
                                             ("5/", "part b of the pair is empty"), (["1250"], "a pair has two parts, a and b, not 1")])
def test_a_pair_missing_a_part_says_which(raw: Any, problem: str) -> None:
    assert whole_path(indicator("pair"), raw, {}) == (None, [problem])


def test_a_pair_part_left_blank_in_a_csv_file_points_at_its_own_cell(tmp_path: Path) -> None:
    ind = attrs.evolve(indicator("pair"), name="v0")
    data = tmp_path / "u.csv"
    data.write_text("code,name,tier,year,source,v0.a,v0.b\nX1,Xã 1,xa,2022,self,1250,\n", encoding="utf-8")
    (unit,) = load_assessments(data)
    _, problems = TierValues(tier_of(ind), {}).coerce(unit, unit.code)
    assert [(p.message, p.span.column) for p in problems] == [("unit 'X1', 'v0': part b of the pair is empty", 27)]  # the .b cell


@pytest.mark.parametrize(("kind", "raw"), [("count", "1.000"), ("count", " 12.500 "), ("pair", ["1.000", "2000"]),
                                         ("pair", "3/1.500")])
def test_a_count_written_with_a_point_before_three_digits_is_refused_as_ambiguous(kind: str, raw: Any) -> None:
    value, problems = whole_path(indicator(kind, may_exceed=True), raw, {})
    assert value is None and len(problems) == 1 and "may be read two ways" in problems[0]


@pytest.mark.parametrize(("kind", "range_", "raw", "expected"), [
    ("number", None, "1.000", Decimal(1)), ("percent", None, "12.500", Decimal("12.5")), ("count", None, "1.0", Decimal(1)),
    ("count", None, "1000", Decimal(1000)), ("pair", (Decimal(0), Decimal(10)), ["1.500", "2"], Pair(Decimal("1.5"), Decimal(2)))])
def test_other_decimals_with_three_digits_are_read_as_before(kind: str, range_: Any, raw: Any, expected: Any) -> None:
    assert whole_path(indicator(kind, range_), raw, {}) == (expected, [])


def tier_of(*indicators: m.Indicator) -> m.Tier:
    node = m.Node("A", "A", Decimal(10), inputs=indicators, rule=m.InformationalRule())
    return m.Tier("xa", "Xã", Decimal(10), (node,))


DIGITS = st.from_regex(r"\A[0-9]{1,17}\Z")
NEAR_VALID = st.one_of(
    DIGITS, st.lists(st.one_of(DIGITS, COUNTS), min_size=2, max_size=2), st.tuples(DIGITS, DIGITS),
    st.lists(DIGITS, min_size=1, max_size=3), st.lists(st.one_of(DIGITS, st.none(), NUMBERS, TEXTS), min_size=2, max_size=2),
    st.sampled_from(["999999999999999", "1000000000000000", ["0", "0"], ["5", "4"], ["4", "5"], ["1", ""], [" 1", "2"],
                     ["１", "2"], ["1", True], [True, False], ["NaN", "1"], ["1", "inf"], "-1", "101", "100"]),
)
"""Inputs at the edges of the generated reader's inline cases: digit texts of every length around 16, pairs of
them in lists and tuples (a > b, empty or non-ASCII parts, bools), numbers beside their bounds."""


@SETTINGS
@given(st.lists(st.tuples(st.builds(indicator, st.sampled_from(KINDS), RANGES, st.booleans()), st.one_of(RAW, NEAR_VALID)),
                min_size=1, max_size=6),
       st.sampled_from(["self", "district", "audit"]), st.lists(st.booleans(), min_size=6, max_size=6), st.booleans(),
       st.sampled_from([{}, {"v9": None}, {"v0": None}]), st.sampled_from([{}, {"v0": ("QĐ 1",)}, {"v9": ("QĐ 1",)}]))
def test_a_tier_is_checked_the_same_by_the_quick_and_the_whole_path(entries: list[tuple[m.Indicator, Any]], source: str,
                                                                    audit_only: list[bool], left_out: bool,
                                                                    extra: dict[str, Any], evidence: dict[str, Any]) -> None:
    """Every value read, every message and every position, whether the tier's generated reader read the values or
    each was read the whole way (missing values, wrong types, values out of range, NaN and infinities, a > b,
    bools for numbers, audit-only values before the audit: whatever the whole way refuses, so does the quick one);
    and ``quick_values`` gives the values exactly when there is no problem (unknown names and evidence too)."""
    indicators = tuple(attrs.evolve(ind, name=f"v{i}", audit_only=audit_only[i]) for i, (ind, _) in enumerate(entries))
    values = {f"v{i}": raw for i, (_, raw) in enumerate(entries) if not (left_out and i == len(entries) - 1)}
    values.update({name: None for name in extra if name not in values})
    spans = {name: Span("units.yaml", i + 2, 3, i + 2, 9) for i, name in enumerate(values)}
    unit = Assessment("X1", "Xã 1", "xa", 2022, source, values, evidence, value_spans=spans)
    checker = TierValues(tier_of(*indicators), {})
    got = checker.coerce(unit, unit.code)
    problems: list[Diagnostic] = []
    one_by_one = checker.coerce_each(unit, unit.code, problems)
    assert all(p in got[1] for p in problems) and (got[1] == problems or not {*values, *evidence} <= checker.indicators.keys())
    assert got[0].keys() == one_by_one.keys()
    assert all(same(got[0][k], one_by_one[k]) for k in got[0])
    quick = checker.quick_values(unit, unit.code)
    assert (quick is None) == bool(got[1])
    assert quick is None or (quick.keys() == one_by_one.keys() and all(same(quick[k], one_by_one[k]) for k in quick))


def test_a_unit_whose_default_stands_in_for_a_value_is_still_checked_for_unknown_names() -> None:
    """A value left out for its default, and a name the tier does not know: as many names as the reader reads."""
    tier = tier_of(attrs.evolve(indicator("count"), name="v0", default="3"), attrs.evolve(indicator("yesno"), name="v1"))
    checker = TierValues(tier, {})
    unit = Assessment("X1", "Xã 1", "xa", 2022, "audit", {"v1": "yes", "v9": "1"}, {})
    assert [d.message for d in checker.coerce(unit, unit.code)[1]] == ["unknown indicator 'v9' for tier 'xa'"]
    assert checker.quick_values(unit, unit.code) is None
    assert checker.quick_values(attrs.evolve(unit, values={"v1": "yes"}), unit.code) == {"v0": 3, "v1": True}


SMALL_COUNTS = st.one_of(st.integers(0, 12).map(str), DIGITS)
ADJACENT_PAIRS = st.tuples(st.integers(0, 12), st.integers(-1, 1)).map(lambda bd: [str(max(bd[0] + bd[1], 0)), str(bd[0])])
EDGES = st.one_of(SMALL_COUNTS, ADJACENT_PAIRS, st.lists(SMALL_COUNTS, min_size=2, max_size=2), st.tuples(SMALL_COUNTS, SMALL_COUNTS),
                  st.sampled_from(sorted(YES_WORDS | NO_WORDS) + ["YES", "Không", "co", "CO", "khong_co", "Đạt", "x"]),
                  NEAR_VALID)


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(range_=RANGES, may_exceed=st.booleans(), raw=EDGES, source=st.sampled_from(["self", "audit"]), audit_only=st.booleans(),
       limits=st.sampled_from([{}, {"v0": Decimal(8)}]))
def test_each_inline_case_of_the_generated_reader_reads_as_the_whole_path(
        kind: str, range_: tuple[Decimal, Decimal] | None, may_exceed: bool, raw: Any, source: str, audit_only: bool,
        limits: dict[str, Decimal]) -> None:
    """One indicator of each kind and its edges (small counts, so a pair's a is often b + 1): the generated
    reader reads what the whole path reads and leaves to it what it refuses."""
    read_as_the_whole_path(attrs.evolve(indicator(kind, range_, may_exceed), name="v0", audit_only=audit_only), raw,
                           source, limits)


EDGE_CASES = ["0", "1", "2", "3", "12", "100", "101", "999999999999999", "1000000000000000", "-1", "1.5", "", " ",
              "１２", "NaN", "yes", "có", "Có", "KHÔNG", "co", "khong_co", "x", " x", True, False, None, 0, 1, 1.5,
              Decimal("NaN"), Decimal("Infinity"), ["3", "4"], ["4", "4"], ["5", "4"], ("5", "4"), ["0", "0"], ["1", ""],
              ["１", "2"], [" 1", "2"], ["1", "2", "3"], ["1"], ["1", True], [1, 2], ["NaN", "1"], ["1", "inf"],
              {"a": "1", "b": "2"}, "1/2", "2/1", Pair(Decimal(5), Decimal(4)), "1.000", "12.500", ["1.000", "2"],
              ["1", "12.500"], "0.500"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_generated_reader_reads_every_edge_case_as_the_whole_path(kind: str) -> None:
    """Each kind, with and without a range, with and without a > b allowed, audit-only or not, on a fixed list of
    edge cases (the Hypothesis test above draws them at random; these are always tried)."""
    for range_ in (None, (Decimal(2), Decimal(3))):
        for may_exceed, audit_only, source in ((False, False, "audit"), (True, False, "self"), (False, True, "self")):
            for raw in EDGE_CASES:
                read_as_the_whole_path(attrs.evolve(indicator(kind, range_, may_exceed), name="v0", audit_only=audit_only),
                                       raw, source, {})


def read_as_the_whole_path(ind: m.Indicator, raw: Any, source: str, limits: dict[str, Decimal]) -> None:
    unit = Assessment("X1", "Xã 1", "xa", 2022, source, {"v0": raw}, {})
    checker = TierValues(tier_of(ind), limits)
    problems: list[Diagnostic] = []
    whole = checker.coerce_each(unit, unit.code, problems)
    try:
        quick = checker._reader(source != "audit")({"v0": raw})
    except _Unsure:
        assert checker.coerce(unit, unit.code) == (whole, problems)
        return
    assert not problems, (raw, problems)
    assert same(quick["v0"], whole["v0"]), (raw, quick, whole)


XA_LIKE = (indicator("pair"), indicator("yesno"), indicator("count", (Decimal(0), Decimal(2))), indicator("category"),
           indicator("number", (Decimal(0), Decimal(10000))), attrs.evolve(indicator("yesno"), audit_only=True))


def xa_like_tier() -> m.Tier:
    return tier_of(*(attrs.evolve(ind, name=f"v{i}") for i, ind in enumerate(XA_LIKE)))


def test_the_generated_reader_reads_what_files_hold_without_the_whole_path() -> None:
    """Not a check of values (the tests above are): that the inline cases are the ones taken for what the CSV and
    YAML readers give, so the differential test above compares the generated code, not only its fallbacks."""
    checker = TierValues(xa_like_tier(), {})
    read = checker._reader(True)
    values = {"v0": ["12", "20"], "v1": "yes", "v2": "1", "v3": "khong_co", "v4": "17"}
    assert read(values) == {"v0": Pair(Decimal(12), Decimal(20)), "v1": True, "v2": Decimal(1), "v3": "khong_co",
                            "v4": Decimal(17), "v5": None}
    for refused in ({**values, "v0": ["21", "20"]}, {**values, "v2": "3"}, {**values, "v5": "yes"}, {**values, "v1": "maybe"},
                    {k: v for k, v in values.items() if k != "v4"}):
        with pytest.raises(_Unsure):
            read(refused)


def test_a_pair_made_by_the_generated_reader_is_a_pair_like_any_other() -> None:
    made = TierValues(xa_like_tier(), {})._reader(False)({"v0": ["3", "5"], "v1": "no", "v2": "0", "v3": "co", "v4": "1", "v5": "yes"})["v0"]
    assert type(made) is Pair and made == Pair(Decimal(3), Decimal(5)) and hash(made) == hash(Pair(Decimal(3), Decimal(5)))
    assert str(made) == "3/5" and repr(made) == repr(Pair(Decimal(3), Decimal(5)))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.a = Decimal(4)  # type: ignore[misc]


def test_the_generated_reader_shares_the_pairs_it_reads_by_their_texts() -> None:
    """One (frozen) pair for the same two texts, not an object per unit for the collector to scan; ``a > b`` is
    read by the indicator's reader (refused, or read when allowed), never shared as an ordered pair."""
    read = TierValues(xa_like_tier(), {})._reader(False)
    values = {"v0": ["3", "5"], "v1": "no", "v2": "0", "v3": "co", "v4": "1", "v5": "yes"}
    assert read(values)["v0"] is read(dict(values))["v0"] == Pair(Decimal(3), Decimal(5))
    exceeding = TierValues(tier_of(attrs.evolve(indicator("pair", None, True), name="v0")), {})._reader(False)
    assert exceeding({"v0": ["6", "5"]})["v0"] == Pair(Decimal(6), Decimal(5))
    with pytest.raises(_Unsure):
        read({**values, "v0": ["6", "5"]})


def test_the_pairs_kept_by_their_texts_stay_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readergen, "_KNOWN_TEXTS", 50)
    ordered, any_order = readergen.KnownPairs(Pair, True), readergen.KnownPairs(Pair, False)
    for n in range(200):
        assert ordered[str(n), str(n + 1)] == any_order[str(n), str(n + 1)] == Pair(Decimal(n), Decimal(n + 1))
        assert ordered[str(n + 1), str(n)] is None and any_order[str(n + 1), str(n)] == Pair(Decimal(n + 1), Decimal(n))
    assert len(ordered) == len(any_order) == 50
    assert all(kept[texts] == Pair(Decimal(texts[0]), Decimal(texts[1])) for kept in (ordered, any_order) for texts in kept)
    assert ordered["1", "x"] is None and ordered[1, 2] is None and ordered["1.0", "2"] is None and ("1.0", "2") not in ordered


def test_no_text_of_the_ruleset_reaches_the_generated_source() -> None:
    """Indicator and category names that are Python code stay data: the constants table holds them."""
    hostile = ("x'); import os; os._exit(3) #", 'y"""\nraise SystemExit', "{v0}\\")
    categories = tuple(m.Category(name) for name in hostile)
    indicators = (attrs.evolve(indicator("pair"), name=hostile[0]), attrs.evolve(indicator("yesno"), name=hostile[1]),
                  attrs.evolve(indicator("category"), name=hostile[2], categories=categories))
    checker = TierValues(tier_of(*indicators), {})
    source, constants = readergen.generate([(ind.name, _fast_read(ind, {})) for ind in indicators], _Unsure, Pair)
    assert not any(text in source for text in (*hostile, "import os", "SystemExit"))
    assert all(any(text == k for k in constants if type(k) is str) for text in hostile)
    unit = Assessment("X1", "Xã 1", "xa", 2022, "audit", {hostile[0]: ["1", "2"], hostile[1]: "có", hostile[2]: hostile[0]})
    assert checker.coerce(unit, "X1") == ({hostile[0]: Pair(Decimal(1), Decimal(2)), hostile[1]: True, hostile[2]: hostile[0]}, [])


def test_the_numbers_kept_by_their_text_stay_within_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readergen, "_COUNTS", readergen.KnownNumbers(readergen.count_of))
    monkeypatch.setattr(readergen, "_NUMBERS", readergen.KnownNumbers(readergen.number_of))
    monkeypatch.setattr(readergen, "_KNOWN_TEXTS", 50)
    read = TierValues(xa_like_tier(), {})._reader(True)
    long = "0" * 40 + "7"  # read, but longer than any text kept
    for n in range(200):
        values = {"v0": [str(n), str(n + 1)], "v1": "no", "v2": "0", "v3": "co", "v4": f"{n}.5", "v5": None}
        assert read(values)["v4"] == Decimal(n) + Decimal("0.5")
        assert read({**values, "v4": long})["v4"] == 7
    for kept, read_as in ((readergen._COUNTS, Decimal), (readergen._NUMBERS, Decimal)):
        assert len(kept) == 50
        assert all(kept[text] == read_as(text) for text in kept)
    assert long not in readergen._NUMBERS
    assert readergen._COUNTS["1.5"] is None and readergen._NUMBERS["1e3"] == 1000 and readergen._NUMBERS[True] is None


def test_the_shipped_tiers_check_the_sample_the_same_both_ways() -> None:
    """The shipped xa tier's generated reader on the Gia Lai sample: the same values as the whole way, and taken
    for every unit (the sample is valid data)."""
    import cqdt_rules as cq

    ruleset = cq.load("egov_2020").ruleset
    checker = tier_values(ruleset.tier("xa"))
    for unit in cq.load_assessments(Path(__file__).resolve().parent.parent / "examples" / "gialai" / "egov-2022-audit-xa.csv"):
        problems: list[Diagnostic] = []
        whole = checker.coerce_each(unit, unit.code, problems)
        quick = checker._reader(False)(unit.values)
        assert not problems and quick.keys() == whole.keys() and all(same(quick[k], whole[k]) for k in quick)


def test_a_tier_generates_its_readers_only_when_its_values_are_checked() -> None:
    """Checking a file of communes compiles no reader for the ruleset's other tiers (each costs milliseconds)."""
    checker = TierValues(xa_like_tier(), {})
    assert checker._reads == {}
    unit = Assessment("X1", "Xã 1", "xa", 2022, "audit",
                      {"v0": ["1", "2"], "v1": "yes", "v2": "1", "v3": "co", "v4": "3", "v5": "no"})
    assert checker.coerce(unit, unit.code)[1] == []
    assert list(checker._reads) == [False]


def test_the_readers_code_is_kept_as_the_engine_keeps_its_generated_code() -> None:
    """Once the engine is loaded, the readers' code goes through its private code cache (kept between runs)."""
    from cqdt_rules.engine import codegen

    assert readergen._keeper is codegen.compile_kept
