"""The input table and the first stages of every tier's query: one row per unit and indicator (long
form) pivoted to one row per unit, each value parsed from its text exactly into a scaled integer.

Input table (long form), one row per unit, year, source and indicator:

===========  ===========  ==============================================================
column       type         what
===========  ===========  ==============================================================
unit_code    text         the unit's official code
unit_name    text         its name (optional column, shown in results)
tier         text         the ruleset's tier id (``so``, ``huyen``, ``xa``)
parent       text         the district code of a commune (empty otherwise)
year         integer      the assessment year
source       text         ``self`` or ``audit``
indicator    text         the indicator's name as the ruleset declares it
value        text         the value (a number, yes/no, a category name, or a pair's a)
value_b      text         a pair's b; empty otherwise
evidence     text         the evidence reference(s); empty when none was given
===========  ===========  ==============================================================

``value`` is text, not a number: a category is a name, and a number typed DOUBLE in a warehouse has
already lost its exactness. The query checks the text against the limits of ``docs/language.md``
("Arithmetic": strictly within ±10^15, at most 12 decimals) with patterns, then parses it exactly
into an integer count of 10^-12 (the digits before the point, then those after it padded to 12, read
as one DECIMAL(38, 0)): a value is at most 27 digits. Counts and the parts of a pair without a
declared range are whole numbers (the checks refuse a fraction) and are kept as plain integers.
"""

from __future__ import annotations

from decimal import Decimal

import attrs
from sqlglot import exp

from cqdt_rules.errors import UsageError
from cqdt_rules.engine.sql.arith import INTEGER, Q, case, cmp, int_div, lit
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import MAX_DECIMALS, MAX_MAGNITUDE, MAX_TEXT
from cqdt_rules.model.units import Pair
from cqdt_rules.model.checking import NO_WORDS, YES_WORDS, coerce_value

INPUT_DIGITS = MAX_DECIMALS
"""Decimals a value may carry (the Python engine's limit); every number is read as an integer count of 10^-12."""
SCALE = 10**INPUT_DIGITS
COLUMNS = ("unit_code", "unit_name", "tier", "parent", "year", "source", "indicator", "value", "value_b", "evidence")
UNIT_KEYS = ("unit_code", "year", "source")
NAME_COLUMN, LOWEST_NAME_COLUMN = "cqdt_name", "cqdt_lowest_name"
"""A unit's name in a pivot that carries it (the largest its rows give), and the smallest."""
PLAIN_PATTERN = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$"
"""What the SQL back end parses: a number written out, without an exponent."""
MAGNITUDE_PATTERN = r"^[+-]?0*[0-9]{0,%d}([.][0-9]*)?$" % (len(str(MAX_MAGNITUDE)) - 1)
"""A plain number strictly within ±10^15: at most 15 digits before the point, leading zeros aside."""
DECIMALS_PATTERN = r"^[+-]?[0-9]*([.][0-9]{0,%d}0*)?$" % INPUT_DIGITS
"""A plain number with at most 12 decimals, trailing zeros aside."""
NUMERIC_KINDS = ("count", "number", "percent", "score")


class SqlUnsupported(UsageError):
    """A ruleset construct this back end cannot compute exactly; the message says which and why."""


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.column(name, table=table)


def text(value: str) -> exp.Literal:
    """Every text from a ruleset reaches SQL as a quoted, escaped literal."""
    return exp.Literal.string(value)


def is_blank(e: exp.Expr) -> exp.Expr:
    return exp.Or(this=exp.Is(this=e, expression=exp.Null()), expression=cmp("=", e, text("")))


def matches(e: exp.Expr, pattern: str) -> exp.Expr:
    return exp.RegexpLike(this=e, expression=text(pattern))


def squeezed(e: exp.Expr) -> exp.Expr:
    """The text without spaces or no-break spaces between digit groups, as the Python engine reads it."""
    return exp.func("REPLACE", exp.func("REPLACE", e, text(" "), text("")), text("\u00a0"), text(""))


def scaled(e: exp.Expr) -> exp.Expr:
    """A plain decimal text as an integer count of 10^-12, exactly: the digits before the point and the
    decimals padded to 12, cast as one integer (a cast to DECIMAL(38, 12) followed by a product would
    overflow 38 digits at 10^15). Only evaluated on squeezed text that passed the checks."""
    whole = exp.RegexpReplace(this=e, expression=text("[.].*$"), replacement=text(""))
    decimals = exp.RegexpReplace(this=e.copy(), expression=text("^[^.]*[.]?"), replacement=text(""))
    padded = exp.func("RPAD", decimals, exp.Literal.number(INPUT_DIGITS), text("0"))
    return exp.Cast(this=exp.DPipe(this=whole, expression=padded), to=INTEGER.copy())


@attrs.frozen
class Slot:
    """One indicator's columns: ``v{i}`` (trimmed text of value), ``b{i}`` (of value_b), ``e{i}`` (1 when
    evidence was given), ``n{i}`` (rows given: more than one is an error)."""

    index: int
    indicator: m.Indicator
    limit: Decimal | None = None
    """The maximum of the criterion a ``direct`` rule scores this indicator on."""

    @property
    def name(self) -> str:
        return self.indicator.name

    def raw(self, part: str) -> exp.Column:
        return col(f"{part}{self.index}")

    def parsed(self, part: str = "v") -> exp.Column:
        """The value (``v``) or a pair's b (``b``) parsed once (``parsed_cte``): NULL unless a number within the limits."""
        return col(f"z{part}{self.index}")

    @property
    def den(self) -> int:
        """What a parsed value counts: 1 for whole numbers (counts, pairs without a range), else 10^-12."""
        ind = self.indicator
        return 1 if ind.kind == "count" or (ind.kind == "pair" and ind.range is None) else SCALE

    @property
    def bound(self) -> int:
        """An upper bound on the parsed integer for every value the checks accept."""
        ind, largest = self.indicator, MAX_MAGNITUDE
        if ind.kind == "percent":
            largest = Decimal(100)
        if self.limit is not None:
            largest = min(largest, self.limit)
        if ind.range is not None:
            largest = min(largest, max(abs(ind.range[0]), abs(ind.range[1])))
        return int(largest * self.den)  # a limit has at most 12 decimals: exact


def slots(tier: m.Tier, limits: dict[str, Decimal]) -> list[Slot]:
    return [Slot(i, ind, limits.get(ind.name) if ind.kind == "score" else None) for i, ind in enumerate(tier.indicators)]


def source_cte(table: exp.Expr, tier: m.Tier, named: bool = False) -> exp.Select:
    """The tier's rows, with values as trimmed text whatever the column types are; ``named``: with the unit's name."""
    as_text = exp.DataType.build("VARCHAR")

    def trimmed(name: str) -> exp.Expr:
        return exp.Trim(this=exp.Cast(this=col(name), to=as_text.copy()))

    names = [col("unit_name")] if named else []
    return (exp.select(col("unit_code"), *names, col("parent"), col("year"), col("source"), col("indicator"),
                       trimmed("value").as_("v", copy=False), trimmed("value_b").as_("b", copy=False), trimmed("evidence").as_("e", copy=False))
            .from_(table, copy=False).where(cmp("=", col("tier"), text(tier.id)), copy=False))


def wide_cte(tier_slots: list[Slot], named: bool = False) -> exp.Select:
    """One row per unit: every indicator's text, evidence flag and row count side by side; ``named``: its name too,
    the largest and the smallest its rows give (``NAME_COLUMN``, ``LOWEST_NAME_COLUMN``)."""
    projections: list[exp.Expr] = [col(k) for k in UNIT_KEYS]
    projections.append(exp.Max(this=col("parent")).as_("parent", copy=False))
    if named:
        projections.append(exp.Max(this=col("unit_name")).as_(NAME_COLUMN, copy=False))
        projections.append(exp.Min(this=col("unit_name")).as_(LOWEST_NAME_COLUMN, copy=False))
    for slot in tier_slots:
        mine = cmp("=", col("indicator"), text(slot.name))
        projections.append(exp.Max(this=case(mine, col("v"), exp.Null())).as_(f"v{slot.index}", copy=False))
        projections.append(exp.Max(this=case(mine, col("b"), exp.Null())).as_(f"b{slot.index}", copy=False))
        has_evidence = exp.And(this=mine, expression=exp.Not(this=exp.Paren(this=is_blank(col("e")))))
        projections.append(exp.Max(this=case(has_evidence, lit(1), lit(0))).as_(f"e{slot.index}", copy=False))
        projections.append(exp.Sum(this=case(mine, lit(1), lit(0))).as_(f"n{slot.index}", copy=False))
    return exp.select(*projections).from_("src", copy=False).group_by(*[col(k) for k in UNIT_KEYS], copy=False)


def within_limits(text_: exp.Expr) -> exp.Expr:
    """Squeezed text that is a number written out, strictly within ±10^15, with at most 12 decimals."""
    found: exp.Expr = cmp("<=", exp.Length(this=text_), lit(MAX_TEXT))
    for pattern in (PLAIN_PATTERN, MAGNITUDE_PATTERN, DECIMALS_PATTERN):
        found = exp.And(this=found, expression=matches(text_.copy(), pattern))
    return found


def parsed_cte(tier_slots: list[Slot]) -> exp.Select:
    """Every number's text checked against the limits and parsed, once: ``zv…`` (and ``zb…``, a pair's b)
    in 10^-12, NULL for text that is not a number within the limits (``checks`` says why)."""
    projections: list[exp.Expr] = [exp.Star()]
    for slot in tier_slots:
        if slot.indicator.kind not in (*NUMERIC_KINDS, "pair"):
            continue
        for part in ("v", "b") if slot.indicator.kind == "pair" else ("v",):
            text_ = squeezed(slot.raw(part))
            projections.append(case(within_limits(text_), scaled(text_.copy()), exp.Null()).as_(f"z{part}{slot.index}", copy=False))
    return exp.select(*projections).from_("wide", copy=False)


def given(slot: Slot) -> exp.Expr:
    return exp.Not(this=exp.Paren(this=is_blank(slot.raw("v"))))


def not_assessed(slot: Slot) -> exp.Expr:
    """An audit-only value in a self-assessment: not assessed (NULL), never 0."""
    return exp.And(this=cmp("=", col("source"), text("self")), expression=exp.Boolean(this=slot.indicator.audit_only))


def yes_no(e: exp.Expr, words: set[str]) -> exp.Expr:
    return exp.In(this=exp.Lower(this=e), expressions=[text(w) for w in sorted(words)])


def typed_value(slot: Slot) -> list[exp.Expr]:
    """The parsed columns of one indicator: ``x{i}`` (and ``y{i}``, a pair's b). NULL when not assessed;
    invalid text also parses to NULL, but the query refuses any unit with a problem (``problems``)."""
    ind, v, b = slot.indicator, slot.raw("v"), slot.raw("b")
    default = None if ind.default is None else coerce_value(ind, ind.default, {}, lambda *_: None)
    if ind.kind == "pair":
        a_val, b_val = _number(slot.parsed("v"), slot.den), _number(slot.parsed("b"), slot.den)
        if isinstance(default, Pair):
            a_val = case(given(slot), a_val, _constant(default.a, slot.den))
            b_val = case(given(slot), b_val, _constant(default.b, slot.den))
        return [_unless_not_assessed(slot, a_val).as_(f"x{slot.index}", copy=False),
                _unless_not_assessed(slot, b_val).as_(f"y{slot.index}", copy=False)]
    value: exp.Expr
    fallback: exp.Expr | None = None
    if ind.kind == "yesno":
        value = case(yes_no(v, YES_WORDS), exp.true(), case(yes_no(v, NO_WORDS), exp.false(), exp.Null()))
        fallback = None if default is None else exp.Boolean(this=bool(default))
    elif ind.kind == "category":
        value, fallback = v, None if default is None else text(str(default))
    else:
        value = _number(slot.parsed("v"), slot.den)
        fallback = None if not isinstance(default, Decimal) else _constant(default, slot.den)
    if fallback is not None:
        value = case(given(slot), value, fallback)
    return [_unless_not_assessed(slot, value).as_(f"x{slot.index}", copy=False)]


def _unless_not_assessed(slot: Slot, value: exp.Expr) -> exp.Expr:
    if not slot.indicator.audit_only:
        return value
    return case(not_assessed(slot), exp.Null(), value)


def _number(parsed: exp.Expr, den: int) -> exp.Expr:
    """A parsed value (in 10^-12) as an integer count of ``1 / den``. Only values that passed the checks reach
    a score: a unit with a problem fails the query in ``vals``'s WHERE clause."""
    return parsed if den == SCALE else int_div(parsed, SCALE // den)  # a whole number: no remainder


def _constant(value: Decimal, den: int) -> exp.Expr:
    """A ruleset's default as an integer count of ``1 / den``."""
    number = Q.const(value)
    assert isinstance(number.den, int)
    if den % number.den:
        raise SqlUnsupported(f"default {value} has more decimals than the indicator's values may have")
    return number.scaled_to(den)


def number_of(slot: Slot, part: str = "x") -> Q:
    """An indicator's parsed value as a number."""
    return Q(col(f"{part}{slot.index}"), slot.den, slot.indicator.kind != "number", bound=slot.bound)
