"""Exact rational columns for the batch engine: a numerator array over a positive denominator, never floats.

A column ``Q`` is ``num / den`` elementwise: ``num`` an integer array, ``den`` a positive Python int shared by
every row (fixed point, e.g. 10**3 for points rounded to 3 decimals) or a positive integer array (a ratio
a/b before it is rounded). Every operation first works out, from the bounds of its operands, the largest
magnitude its result can take; where that can exceed int64 the operands become Python-int object arrays, so
numpy's silent wrap-around (164,290,796,000,000 × 100,000 comes out negative) can never happen.

The scalar engine computes with ``Decimal`` at ``model.numbers.PRECISION`` (60) significant digits; the batch
engine must agree with it to the last digit. Sums and products of values that fit 60 digits are exact in both.
A quotient that does not terminate (1/3) is rounded to 60 digits by ``Decimal`` before any declared rounding:
the exact rational gives the same published value as long as the quotient cannot come within 10**-59 of a
rounding boundary, which the bounds prove (``margin_ok``); otherwise the caller falls back to the scalar engine.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import numpy as np

from cqdt_rules.model.numbers import PRECISION

Array = Any  # a numpy integer or object array; numpy's own types say little more under mypy
INT64_MAX = 2**63 - 1
DECIMAL_COEFFICIENT = 10**PRECISION  # the engine's decimal context keeps PRECISION significant digits
SAFE_QUOTIENT = 10 ** (PRECISION - 3)  # numerator size × denominator size × 10**digits below this: no double-rounding risk


class Fallback(Exception):
    """The batch engine cannot reproduce the scalar engine's arithmetic here; the reason says why."""


class Q:
    """An exact rational column ``num / den`` with bounds: |num| <= bound, den <= den_bound."""

    __slots__ = ("num", "den", "bound", "den_bound")

    def __init__(self, num: Array | int, den: Array | int, bound: int, den_bound: int | None = None):
        self.num = num
        self.den = den
        self.bound = bound
        self.den_bound = den if den_bound is None else den_bound

    @property
    def fixed(self) -> bool:
        """True when every row shares the denominator (a fixed-point column)."""
        return isinstance(self.den, int)


def fraction(value: Decimal) -> tuple[int, int]:
    """A finite Decimal as an integer numerator over a power of ten."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exponent >= 0:
        return coefficient * 10**exponent, 1
    return coefficient, 10**-exponent


def const(value: Decimal | int, scale: int = 1) -> Q:
    """A constant; at denominator ``scale`` when it is a whole number of 1/scale (so that columns built from
    it, such as a criterion's points, need no rescaling before they are rounded to that scale)."""
    num, den = fraction(Decimal(value))
    if scale % den == 0:
        num, den = num * (scale // den), scale
    return Q(num, den, abs(num))


def column(values: Array, scale: int) -> Q:
    """A fixed-point column of integers already multiplied by ``scale``."""
    bound = int(np.max(np.abs(values))) if len(values) and values.dtype != object else (
        max((abs(v) for v in values), default=0))
    return Q(values, scale, bound)


def _big(x: Array | int) -> Array | int:
    if isinstance(x, np.ndarray) and x.dtype != object:
        return x.astype(object)
    return x


def _wide(bound: int, *operands: Array | int) -> tuple[Array | int, ...]:
    """The operands, as Python-int object arrays when the result (or a constant operand) may not fit int64."""
    if bound > INT64_MAX or any(isinstance(x, int) and abs(x) > INT64_MAX for x in operands):
        return tuple(_big(x) for x in operands)
    return operands


def _value(bound: int) -> int:
    """A bound on a value the scalar engine holds as a Decimal: beyond PRECISION digits it would round, we would not."""
    if bound >= DECIMAL_COEFFICIENT:
        raise Fallback(f"a value needs more than {PRECISION} significant digits, where Decimal arithmetic rounds")
    return bound


def _mul(x: Array | int, y: Array | int, bound: int) -> Array | int:
    if isinstance(y, int) and y == 1:
        return x
    if isinstance(x, int) and x == 1:
        return y
    x, y = _wide(bound, x, y)
    return x * y


def add(p: Q, q: Q) -> Q:
    if p.fixed and q.fixed:
        assert isinstance(p.den, int) and isinstance(q.den, int)
        common = math.lcm(p.den, q.den)
        fp, fq = common // p.den, common // q.den
        bound = _value(p.bound * fp + q.bound * fq)
        left, right = _wide(bound, p.num, q.num)
        if fp != 1:
            left = _mul(left, fp, bound)
        if fq != 1:
            right = _mul(right, fq, bound)
        return Q(left + right, common, bound)
    bound = _value(p.bound * q.den_bound + q.bound * p.den_bound)
    return Q(_mul(p.num, q.den, bound) + _mul(q.num, p.den, bound), _mul(p.den, q.den, p.den_bound * q.den_bound),
             bound, p.den_bound * q.den_bound)


def negate(p: Q) -> Q:
    return Q(-p.num, p.den, p.bound, p.den_bound)


def multiply(p: Q, q: Q) -> Q:
    bound = _value(p.bound * q.bound)
    den_bound = p.den_bound * q.den_bound
    return Q(_mul(p.num, q.num, bound), _mul(p.den, q.den, den_bound), bound, den_bound)


def divide(p: Q, q: Q) -> tuple[Q, Array | bool]:
    """p / q, and where q is 0 (those rows hold p over 1: the caller decides what a division by zero means)."""
    zero = q.num == 0
    if isinstance(q.num, int):
        sign: Array | int = -1 if q.num < 0 else 1
    else:
        sign = np.where(q.num < 0, -1, 1) if (q.num < 0).any() else 1
    magnitude = q.num * sign if not (isinstance(sign, int) and sign == 1) else q.num
    bound = p.bound * q.den_bound
    den_bound = p.den_bound * q.bound
    num = _mul(_mul(p.num, q.den, bound), sign, bound)
    den = _mul(p.den, magnitude, den_bound)
    if isinstance(den, int):
        if den == 0:
            return Q(np.zeros_like(p.num) if isinstance(p.num, np.ndarray) else 0, 1, 0, 1), True
        return Q(num, den, bound, den_bound), False
    den = np.where(zero, 1, den)
    return Q(num, den, bound, max(den_bound, 1)), zero


def margin_ok(p: Q, digits: int) -> bool:
    """Whether rounding p to ``digits`` exactly gives what Decimal gives after its own PRECISION-digit quotient."""
    if p.fixed:
        return True  # fixed point up to PRECISION digits is exactly what Decimal holds
    return bool(p.bound * p.den_bound * 10**digits < SAFE_QUOTIENT)


def round_column(p: Q, digits: int, mode: str) -> Q:
    """p rounded to ``digits`` decimals as Decimal.quantize rounds: half_up and up away from zero."""
    if not margin_ok(p, digits):
        raise Fallback(f"a quotient is too large to round exactly as the scalar engine's {PRECISION}-digit Decimal does")
    step = 10**digits
    if p.fixed and isinstance(p.den, int) and step % p.den == 0:
        bound = _value(p.bound * (step // p.den))
        return Q(_mul(p.num, step // p.den, bound), step, bound)
    scaled_bound = p.bound * step
    scaled = _mul(p.num, step, scaled_bound)
    den = p.den
    scaled, den = _wide(scaled_bound * 2 + p.den_bound, scaled, den)
    if mode != "half_even" and not (np.asarray(scaled) < 0).any():  # the usual case: nothing negative
        if mode == "half_up":
            result = (scaled * 2 + den) // (den * 2)
        elif mode == "up":
            result = (scaled + den - 1) // den
        else:
            result = scaled // den
        return Q(np.asarray(result), step, _value(p.bound * step // max(1, _min_den(p)) + 1))
    quotient = scaled // den
    remainder = scaled - quotient * den
    if mode == "down":
        bump = (np.asarray(scaled) < 0) & (np.asarray(remainder) != 0)
    elif mode == "up":
        bump = (np.asarray(scaled) > 0) & (np.asarray(remainder) != 0)
    else:
        twice = np.asarray(remainder * 2)
        den_array = np.asarray(den)
        if mode == "half_up":
            bump = np.where(np.asarray(scaled) >= 0, twice >= den_array, twice > den_array)
        else:  # half_even
            bump = (twice > den_array) | ((twice == den_array) & (np.asarray(quotient % 2) == 1))
    result = quotient + (bump.astype(object) if np.asarray(quotient).dtype == object else bump)
    bound = _value(p.bound * step // max(1, _min_den(p)) + 1)
    return Q(np.asarray(result), step, bound)


def round_ratio(a: Q, factor: Q, b: Q, digits: int, mode: str) -> tuple[Q, Array]:
    """round(a × factor / b) for non-negative columns a, b and a constant factor, with the constants folded into
    one multiplication each (the ratio and normalised rules, in every unit's hot path); and where b is 0."""
    assert a.fixed and b.fixed and isinstance(factor.num, int) and isinstance(factor.den, int)
    assert isinstance(a.den, int) and isinstance(b.den, int)
    step = 10**digits
    if not margin_ok(Q(0, 1, a.bound * abs(factor.num), b.bound * factor.den * a.den), digits):
        raise Fallback(f"a quotient is too large to round exactly as the scalar engine's {PRECISION}-digit Decimal does")
    top = abs(factor.num) * step * b.den  # value = a.num * top / (b.num * bottom)
    bottom = factor.den * a.den
    zero = b.num == 0
    bound = a.bound * top * 2 + b.bound * bottom * 2
    a_num, b_num = _wide(bound, a.num, np.where(zero, 1, b.num))
    if mode == "half_up":
        result = (_mul(a_num, 2 * top, bound) + _mul(b_num, bottom, bound)) // _mul(b_num, 2 * bottom, bound)
    elif mode == "down":
        result = _mul(a_num, top, bound) // _mul(b_num, bottom, bound)
    elif mode == "up":
        den = _mul(b_num, bottom, bound)
        result = (_mul(a_num, top, bound) + den - 1) // den
    else:
        return round_column(divide(multiply(a, factor), b)[0], digits, mode), zero
    return Q(np.asarray(result), step, _value(a.bound * top // max(1, bottom) + 1)), zero


def _min_den(p: Q) -> int:
    if isinstance(p.den, int):
        return p.den
    return 1


def compare(p: Q, q: Q, op: str) -> Array:
    """Elementwise p OP q as a bool array, exactly (cross-multiplied; denominators are positive)."""
    if p.fixed and q.fixed and p.den == q.den:
        left, right = p.num, q.num
    else:
        if p.fixed and q.fixed:
            assert isinstance(p.den, int) and isinstance(q.den, int)
            common = math.lcm(p.den, q.den)
            left = _mul(p.num, common // p.den, p.bound * (common // p.den))
            right = _mul(q.num, common // q.den, q.bound * (common // q.den))
        else:
            left = _mul(p.num, q.den, p.bound * q.den_bound)
            right = _mul(q.num, p.den, q.bound * p.den_bound)
        left, right = _wide(max(_bound_of(left), _bound_of(right)), left, right)
    left, right = np.asarray(left), np.asarray(right)
    if left.dtype == object or right.dtype == object:
        left, right = left.astype(object), right.astype(object)
    result = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less,
              "==": np.equal, "=": np.equal, "!=": np.not_equal}[op](left, right)
    return np.asarray(result, dtype=bool)


def _bound_of(x: Array | int) -> int:
    if isinstance(x, int):
        return abs(x)
    if isinstance(x, np.ndarray) and x.dtype == object:
        return INT64_MAX + 1
    return 0


def where(mask: Array, p: Q, q: Q) -> Q:
    """p where mask holds, else q."""
    if isinstance(mask, np.ndarray) and mask.ndim == 1 and len(mask):
        if not mask.any():
            return q
        if mask.all():
            return p
    if p.fixed and q.fixed:
        assert isinstance(p.den, int) and isinstance(q.den, int)
        common = math.lcm(p.den, q.den)
        bound = max(p.bound * (common // p.den), q.bound * (common // q.den))
        left = p.num if common == p.den else _mul(p.num, common // p.den, bound)
        right = q.num if common == q.den else _mul(q.num, common // q.den, bound)
        left, right = _wide(bound, left, right)
        return Q(_select(mask, left, right), common, bound)
    den_bound = max(p.den_bound, q.den_bound)
    bound = max(p.bound, q.bound)
    num_l, num_r = _wide(bound, p.num, q.num)
    den_l, den_r = _wide(den_bound, p.den, q.den)
    return Q(_select(mask, num_l, num_r), _select(mask, den_l, den_r), bound, den_bound)


def _select(mask: Array, left: Array | int, right: Array | int) -> Array:
    left_a, right_a = np.asarray(left), np.asarray(right)
    if left_a.dtype == object or right_a.dtype == object:
        left_a, right_a = left_a.astype(object), right_a.astype(object)
    return np.where(mask, left_a, right_a)


def minimum(p: Q, q: Q) -> Q:
    """Elementwise min; on equality the first, as Python's min()."""
    return where(compare(p, q, "<="), p, q)


def maximum(p: Q, q: Q) -> Q:
    """Elementwise max; on equality the first, as Python's max()."""
    return where(compare(p, q, ">="), p, q)


def boolean(mask: Array) -> Q:
    return Q(np.asarray(mask, dtype=np.int64), 1, 1)


def broadcast(p: Q, rows: int) -> Q:
    """p with a numerator array of ``rows`` entries (a constant becomes a column)."""
    num, den = p.num, p.den
    if np.ndim(num) == 0:
        value = int(num)
        num = np.full(rows, value, dtype=object if abs(value) > INT64_MAX else np.int64)
    if not isinstance(den, int) and np.ndim(den) == 0:
        den = int(den)
    return Q(num, den, p.bound, p.den_bound)


def fixed_at(p: Q, scale: int) -> Array:
    """The numerators of a fixed-point column at denominator ``scale`` (a multiple of its own)."""
    assert isinstance(p.den, int) and scale % p.den == 0
    factor = scale // p.den
    return _mul(p.num, factor, p.bound * factor) if factor != 1 else p.num


def to_decimal(num: int, den: int) -> Decimal:
    """One value as the scalar engine holds it: exact for a power-of-ten denominator, else a PRECISION-digit quotient (the caller's context is ARITHMETIC)."""
    digits = len(str(den)) - 1
    if den == 10**digits:
        return Decimal(int(num)).scaleb(-digits)
    return Decimal(int(num)) / Decimal(int(den))
