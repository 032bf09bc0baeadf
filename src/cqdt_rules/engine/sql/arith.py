"""Exact arithmetic as SQL expressions: integers only, every division an integer division with its
remainder looked at, every comparison of fractions cross-multiplied.

A number is a :class:`Q`, a fraction ``num / den`` of two integer-valued SQL expressions with
``den > 0``. A fixed-point value (what a rounded criterion publishes) is a ``Q`` whose ``den`` is the
Python integer ``10 ** digits``. Denominators known when the query is compiled stay Python integers,
so most arithmetic folds them away; only a pair's ``b`` or a cohort's best value makes a denominator
that the database computes.

Integer division is always ``exp.IntDiv`` of a non-negative dividend by a positive divisor, so the
three dialects agree: DuckDB renders it ``a // b`` (on HUGEINT; on DECIMAL DuckDB's ``//`` returns
DOUBLE, which is why DuckDB gets HUGEINT), PostgreSQL ``DIV(a, b)`` (on NUMERIC, exact, truncating)
and Spark ``a DIV b``, a BIGINT: it silently wraps a quotient beyond 2^63, even in ANSI mode, so a
division whose quotient may pass it is marked ``wide`` and written ``(a - a % b) / b``, which divides
exactly (the remainder is taken off first) in DECIMAL(38, 6), 32 digits before the point (``dialects``).

**Bounds.** Every ``Q`` carries ``bound``, an upper bound on ``|num|`` over all data within the limits
of ``docs/language.md`` ("Arithmetic"), and ``den_bound``, one on a computed ``den``. Every operation
works out the bound of what it builds and raises :class:`TooWide` when an intermediate could pass
``LIMIT`` (38 digits, what DECIMAL(38, 0) holds in every dialect) or a quotient ``QUOTIENT_LIMIT``;
the compiler turns that into a refusal of the ruleset (``SqlUnsupported``), so no query ever
overflows, and none returns a wrapped number.
"""

from __future__ import annotations

import math
from decimal import Decimal

import attrs
from sqlglot import exp

INTEGER = exp.DataType.build("DECIMAL(38, 0)")
"""The integer type of every parsed value; DuckDB's rendering swaps it for HUGEINT (see ``dialects``)."""

MODES = ("half_up", "half_even", "down", "up")

LIMIT = 10**38 - 1
"""The largest integer every dialect holds exactly: DECIMAL(38, 0) (Spark, and PostgreSQL's casts), and
less than DuckDB's HUGEINT (about 1.7 * 10^38)."""
QUOTIENT_LIMIT = 10**32 - 1
"""The largest quotient of an integer division: Spark's exact division yields DECIMAL(38, 6)."""


class TooWide(ValueError):
    """An intermediate value that could pass ``LIMIT`` (or a quotient ``QUOTIENT_LIMIT``) for valid data."""


def fits(bound: int, limit: int = LIMIT) -> int:
    """``bound`` when it is within ``limit``; TooWide otherwise."""
    if bound > limit:
        raise TooWide(bound)
    return bound


def lit(n: int) -> exp.Expr:
    """An integer constant. Constants beyond 32 bits are cast, so no dialect reads them as DOUBLE."""
    if n < 0:
        return exp.Neg(this=lit(-n))
    if n < 2**31:
        return exp.Literal.number(n)
    return exp.Cast(this=exp.Literal.number(n), to=INTEGER.copy())


def paren(e: exp.Expr) -> exp.Expr:
    return e if isinstance(e, (exp.Literal, exp.Column, exp.Paren, exp.Cast, exp.Case)) else exp.Paren(this=e)


def constant(e: exp.Expr) -> int | None:
    """The value of an integer constant built by ``lit``, else None."""
    if isinstance(e, exp.Literal) and e.is_int:
        return int(e.this)
    if isinstance(e, exp.Neg):
        inner = constant(e.this)
        return None if inner is None else -inner
    if isinstance(e, exp.Cast) and isinstance(e.this, exp.Literal) and e.this.is_int:
        return int(e.this.this)
    return None


def mul(a: exp.Expr, b: exp.Expr | int) -> exp.Expr:
    if isinstance(b, int):
        if b == 1:
            return a
        known = constant(a)
        if known is not None:
            return lit(known * b)
        b = lit(b)
    return exp.Mul(this=paren(a), expression=paren(b))


def add(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    known_a, known_b = constant(a), constant(b)
    if known_a is not None and known_b is not None:
        return lit(known_a + known_b)
    return exp.Add(this=paren(a), expression=paren(b))


def sub(a: exp.Expr, b: exp.Expr) -> exp.Expr:
    known_a, known_b = constant(a), constant(b)
    if known_a is not None and known_b is not None:
        return lit(known_a - known_b)
    return exp.Sub(this=paren(a), expression=paren(b))


LONG_QUOTIENT = 2**63 - 1
"""The largest quotient Spark's own ``DIV`` returns right (a BIGINT); beyond it, it wraps."""


def int_div(a: exp.Expr, b: exp.Expr | int, quotient: int = 0) -> exp.Expr:
    """a DIV b for a >= 0 and b > 0 (truncation and floor agree there). ``quotient`` bounds the result: past a
    BIGINT, the division is marked ``wide`` and Spark gets its exact form (``dialects``)."""
    division = exp.IntDiv(this=paren(a), expression=paren(lit(b) if isinstance(b, int) else b))
    if quotient > LONG_QUOTIENT:
        division.meta["wide"] = True
    return division


def case(condition: exp.Expr, then: exp.Expr, otherwise: exp.Expr) -> exp.Expr:
    return exp.Case(ifs=[exp.If(this=condition, true=then)], default=otherwise)


def one_if(condition: exp.Expr) -> exp.Expr:
    return case(condition, lit(1), lit(0))


def cmp(op: str, a: exp.Expr, b: exp.Expr) -> exp.Expr:
    cls = {">=": exp.GTE, ">": exp.GT, "<=": exp.LTE, "<": exp.LT, "==": exp.EQ, "=": exp.EQ, "!=": exp.NEQ}[op]
    return cls(this=paren(a), expression=paren(b))


def fraction(value: Decimal | int) -> tuple[int, int]:
    """An exact decimal as numerator and a power-of-ten denominator."""
    sign, digits, exponent = Decimal(value).as_tuple()
    assert isinstance(exponent, int)
    whole = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    return (whole * 10**exponent, 1) if exponent >= 0 else (whole, 10 ** (-exponent))


@attrs.frozen
class Q:
    """``num / den``: integer-valued expressions, ``den`` > 0 (a Python int when known at compile time)."""

    num: exp.Expr
    den: exp.Expr | int = 1
    nonneg: bool = False
    """Known never to be negative (validated inputs, points, sums and products of such): rounding then
    needs no sign test."""
    bound: int = attrs.field(kw_only=True)
    """An upper bound on ``|num|`` for every valid input."""
    den_bound: int = attrs.field(kw_only=True, default=1)
    """An upper bound on ``den`` when the database computes it (a compile-time ``den`` is its own bound)."""
    most: Decimal | None = attrs.field(kw_only=True, default=None)
    """An upper bound on ``|num / den|`` the rule guarantees (a part of its whole times max), when known: it
    bounds the quotient of rounding it more tightly than ``bound`` does."""

    def __attrs_post_init__(self) -> None:
        fits(self.bound)
        fits(self.dmax)

    @property
    def dmax(self) -> int:
        return self.den if isinstance(self.den, int) else self.den_bound

    @staticmethod
    def const(value: Decimal | int) -> Q:
        num, den = fraction(value)
        return Q(lit(num), den, num >= 0, bound=abs(num))

    def scaled_to(self, den: int) -> exp.Expr:
        """The numerator over ``den``, for a compile-time ``den`` that ``self.den`` divides."""
        assert isinstance(self.den, int) and den % self.den == 0
        fits(self.bound * (den // self.den))
        return mul(self.num, den // self.den)

    def bound_over(self, den: int) -> int:
        assert isinstance(self.den, int) and den % self.den == 0
        return self.bound * (den // self.den)

    def digits(self) -> int | None:
        """The decimal places this value has exactly, or None (a denominator not of the form 2^a·5^b or unknown)."""
        if not isinstance(self.den, int):
            return None
        den, twos, fives = self.den, 0, 0
        while den % 2 == 0:
            den, twos = den // 2, twos + 1
        while den % 5 == 0:
            den, fives = den // 5, fives + 1
        return max(twos, fives) if den == 1 else None


def _den_product(a: exp.Expr | int, b: exp.Expr | int) -> exp.Expr | int:
    if isinstance(a, int) and isinstance(b, int):
        return a * b
    if isinstance(a, int):
        return mul(b, a) if not isinstance(b, int) else a * b
    return mul(a, b)


def _times(num: exp.Expr, den: exp.Expr | int) -> exp.Expr:
    return mul(num, den)


def q_add(x: Q, y: Q, minus: bool = False) -> Q:
    join = sub if minus else add
    nonneg = x.nonneg and y.nonneg and not minus
    if isinstance(x.den, int) and isinstance(y.den, int):
        common = math.lcm(x.den, y.den)
        return Q(join(x.scaled_to(common), y.scaled_to(common)), common, nonneg,
                 bound=x.bound_over(common) + y.bound_over(common))
    return Q(join(_times(x.num, y.den), _times(y.num, x.den)), _den_product(x.den, y.den), nonneg,
             bound=x.bound * y.dmax + y.bound * x.dmax, den_bound=x.dmax * y.dmax)


def q_neg(x: Q) -> Q:
    return Q(exp.Neg(this=paren(x.num)), x.den, bound=x.bound, den_bound=x.den_bound)


def q_mul(x: Q, y: Q) -> Q:
    known = constant(y.num)
    num = mul(x.num, known) if known is not None and known >= 0 else mul(x.num, y.num)
    return Q(num, _den_product(x.den, y.den), x.nonneg and y.nonneg, bound=x.bound * y.bound, den_bound=x.dmax * y.dmax)


def q_div(x: Q, y: Q) -> Q:
    """x / y for y != 0 (the caller checks y = 0); the sign moves to the numerator so den stays positive.
    Compile-time denominators cancel first (a / b of two values in the same fixed point is a.num / b.num)."""
    known = constant(y.num)
    if known is not None and known != 0 and isinstance(y.den, int):
        # a constant divisor (total / 1000): the denominator stays known, no division happens in SQL
        sign = 1 if known > 0 else -1
        den = x.den * abs(known) if isinstance(x.den, int) else mul(x.den, abs(known))
        return Q(mul(x.num, y.den * sign), den, x.nonneg and known > 0, bound=x.bound * y.den, den_bound=x.dmax * abs(known))
    x_den, y_den = x.den, y.den
    if isinstance(x_den, int) and isinstance(y_den, int):
        common = math.gcd(x_den, y_den)
        x_den, y_den = x_den // common, y_den // common
    x_dmax = x_den if isinstance(x_den, int) else x.dmax
    y_dmax = y_den if isinstance(y_den, int) else y.dmax
    num = _times(x.num, y_den)
    bound, den_bound = x.bound * y_dmax, x_dmax * y.bound
    if y.nonneg:
        return Q(num, _den_product(x_den, y.num), x.nonneg, bound=bound, den_bound=den_bound)
    negative = cmp("<", y.num, lit(0))
    magnitude = case(negative, exp.Neg(this=paren(y.num)), y.num.copy())
    return Q(case(negative.copy(), exp.Neg(this=paren(num)), num.copy()), _den_product(x_den, magnitude),
             bound=bound, den_bound=den_bound)


def q_cmp(op: str, x: Q, y: Q) -> exp.Expr:
    if isinstance(x.den, int) and isinstance(y.den, int):
        common = math.lcm(x.den, y.den)
        return cmp(op, x.scaled_to(common), y.scaled_to(common))
    fits(x.bound * y.dmax)
    fits(y.bound * x.dmax)
    return cmp(op, _times(x.num, y.den), _times(y.num, x.den))


def q_case(condition: exp.Expr, then: Q, otherwise: Q) -> Q:
    nonneg = then.nonneg and otherwise.nonneg
    if isinstance(then.den, int) and isinstance(otherwise.den, int):
        common = math.lcm(then.den, otherwise.den)
        return Q(case(condition, then.scaled_to(common), otherwise.scaled_to(common)), common, nonneg,
                 bound=max(then.bound_over(common), otherwise.bound_over(common)))
    # each branch keeps its own denominator: the other branch's may be 0 where this one is taken
    then_den = lit(then.den) if isinstance(then.den, int) else then.den
    otherwise_den = lit(otherwise.den) if isinstance(otherwise.den, int) else otherwise.den
    return Q(case(condition, then.num, otherwise.num), case(condition.copy(), then_den, otherwise_den), nonneg,
             bound=max(then.bound, otherwise.bound), den_bound=max(then.dmax, otherwise.dmax))


def q_min(x: Q, y: Q, largest: bool = False) -> Q:
    return q_case(q_cmp("<=" if not largest else ">=", x, y), x, y)


def round_div(n: exp.Expr, d: exp.Expr | int, mode: str, nonneg: bool = False, *, bound: int, d_bound: int,
              quotient: int | None = None) -> exp.Expr:
    """n / d rounded to an integer as ``mode`` says (half_up: ties away from zero, as Python's
    ROUND_HALF_UP), for d > 0, in integer operations only. For n >= 0: down is n DIV d, up is
    (n + d - 1) DIV d, half_up is (2n + d) DIV 2d, half_even looks at the remainder; a negative n is
    rounded as -|n| (every mode is symmetric about zero). ``bound``, ``d_bound`` and ``quotient`` bound |n|,
    d and |n / d| (by default ``bound``: d >= 1)."""
    if isinstance(d, int) and d == 1:
        return n
    fits(2 * bound + 2 * d_bound)  # the largest dividend built (2n + d) and divisor (2d)
    largest = fits((bound // d if isinstance(d, int) else bound) + 1 if quotient is None else quotient, QUOTIENT_LIMIT) + 1
    if not isinstance(d, int):
        d = exp.Nullif(this=d, expression=lit(0))  # d = 0 only on a unit already refused; never divide by it
    if nonneg:
        return _round_nonneg(n, d, mode, largest)
    negative = cmp("<", n, lit(0))
    magnitude = exp.Neg(this=paren(n.copy()))
    return case(negative, exp.Neg(this=paren(_round_nonneg(magnitude, _copy(d), mode, largest))),
                _round_nonneg(n, d, mode, largest))


def _copy(d: exp.Expr | int) -> exp.Expr | int:
    return d if isinstance(d, int) else d.copy()


def _round_nonneg(n: exp.Expr, d: exp.Expr | int, mode: str, largest: int) -> exp.Expr:
    """``largest`` bounds every quotient built here (the rounded value plus one)."""
    d_expr = lit(d) if isinstance(d, int) else d
    if mode == "down":
        return int_div(n, d, largest)
    if mode == "up":
        return int_div(sub(add(n, d_expr), lit(1)), _copy(d), largest)
    if mode == "half_up":
        return int_div(add(mul(n, 2), d_expr), 2 * d if isinstance(d, int) else mul(d.copy(), 2), largest)
    quotient = int_div(n, d, largest)
    # the remainder and the parity with %, exact on integers >= 0 in every dialect: no second division
    twice = mul(exp.Mod(this=paren(n.copy()), expression=paren(d_expr.copy())), 2)
    odd = cmp("=", exp.Mod(this=paren(quotient.copy()), expression=lit(2)), lit(1))
    above = exp.Or(this=cmp(">", twice, d_expr),
                   expression=exp.And(this=cmp("=", twice.copy(), d_expr.copy()), expression=odd))
    return add(quotient, one_if(above))


def q_round(x: Q, digits: int, mode: str = "half_up") -> Q:
    """x rounded to ``digits`` decimals: a fixed-point value."""
    scale = 10**digits
    own = x.digits()
    if own is not None and own <= digits:
        return Q(x.scaled_to(scale), scale, x.nonneg, bound=x.bound_over(scale))
    if isinstance(x.den, int):  # n / den * 10^digits with the common factor taken out first
        common = math.gcd(scale, x.den)
        up, down = scale // common, x.den // common
        bound = x.bound * up
        rounded = round_div(mul(x.num, up), down, mode, x.nonneg, bound=fits(bound), d_bound=down)
        return Q(rounded, scale, x.nonneg, bound=bound // down + 1)
    bound = fits(x.bound * scale)
    quotient = bound if x.most is None else min(bound, int(x.most * scale) + 1)
    return Q(round_div(mul(x.num, scale), x.den, mode, x.nonneg, bound=bound, d_bound=x.dmax, quotient=quotient),
             scale, x.nonneg, bound=quotient)
