"""The engine's arithmetic: its own decimal context and the limits every number read must meet.

docs/language.md ("Arithmetic") states what these constants promise; the batch and SQL back ends
reproduce it. A number from a ruleset or from unit data is read here, strictly, so that a value the
engine computes with is always finite, within ``MAX_MAGNITUDE`` and has at most ``MAX_DECIMALS``
decimals; with those limits every sum and every product of two values fits ``PRECISION`` digits
exactly, and the caller's ``decimal`` context never changes a result."""

from __future__ import annotations

import decimal
import re
from decimal import Decimal

PRECISION = 60
"""Significant digits the engine keeps. A value has at most 15 digits before the point and
``MAX_DECIMALS`` after it (27 digits), so a sum or a product of two values is exact; only a division
(or a product of three or more values in a formula) is rounded, half-even, to this many digits."""

MAX_MAGNITUDE = Decimal(10) ** 15
"""Every number read (a value, a pair part, a number in a ruleset) lies strictly between -10^15 and 10^15."""

MAX_DECIMALS = 12
"""Every number read has at most this many decimals (the most a ruleset may round to, too)."""

MAX_EXPONENT = 999_999
"""The exponent range of the engine's context; a formula that leaves it stops with an error, never wraps."""

ARITHMETIC = decimal.Context(
    prec=PRECISION, rounding=decimal.ROUND_HALF_EVEN, Emax=MAX_EXPONENT, Emin=-MAX_EXPONENT,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)
"""The context every engine computation runs in (``decimal.localcontext(ARITHMETIC)``), whatever the caller's."""

_EXACT = decimal.Context(prec=200)  # wider than any number read (at most MAX_TEXT digits): normalising never rounds
_STEP = Decimal(1).scaleb(-MAX_DECIMALS)
_ONE = Decimal(1)
_PLAIN = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?")
_INTEGER_DIGITS = 16  # a text of fewer ASCII digits is a whole number below 10^15
MAX_TEXT = 64  # characters: no valid number within the limits is longer, however it is written


class NumberError(ValueError):
    """A number that cannot be read, or lies outside the limits; the message says which limit."""


class NotANumber(NumberError):
    """Text that is not a number at all (as opposed to a number outside the limits)."""


def read_value(raw: object) -> Decimal:
    """A number as a reader hands it over (text, an int, a spreadsheet's float or a Decimal), checked."""
    if isinstance(raw, str):  # first: what the YAML and CSV readers give
        return read_number(raw)
    if isinstance(raw, bool):
        raise NotANumber("yes/no is not a number")
    if isinstance(raw, Decimal):
        return checked(raw)
    if isinstance(raw, int):
        if abs(raw) >= MAX_MAGNITUDE:
            raise NumberError("the number is too large: every number must lie between -10^15 and 10^15")
        return Decimal(raw)
    if isinstance(raw, float):
        return from_float(raw)
    raise NotANumber("not a number")


def read_number(text: str) -> Decimal:
    """A number written in plain ASCII digits (``12``, ``-3.5``, ``1e3``; spaces between digit groups
    are ignored), checked against the limits. ``1_0``, ``NaN``, ``Infinity``, non-ASCII digits and
    hexadecimal are refused: Python's ``Decimal`` would read some of them, a person would not."""
    if len(text) < _INTEGER_DIGITS and text.isascii() and text.isdigit():  # a count as most data hold it: read at once
        return Decimal(text)
    whole, point, fraction = text.partition(".")
    if point and len(whole) < _INTEGER_DIGITS and len(fraction) <= MAX_DECIMALS and text.isascii() and whole.isdigit() \
            and fraction.isdigit():  # digits, a point, digits: within the limits as written, nothing for checked() to do
        return Decimal(text)
    compact = text.strip().replace(" ", "").replace("\u00a0", "")
    if len(compact) > MAX_TEXT:
        raise NumberError(f"a number of {len(compact):,} characters is longer than any number within the limits "
                          f"(|x| < 10^15, at most {MAX_DECIMALS} decimals)")
    if not _PLAIN.fullmatch(compact):
        raise NotANumber("not a number written with the digits 0-9")
    return checked(Decimal(compact))


def checked(number: Decimal) -> Decimal:
    """``number`` if it is finite and within the limits (``-0`` becomes ``0``, ``1E+3`` ``1000``); NumberError
    otherwise."""
    if not number.is_finite():
        raise NumberError("not a finite number")
    if number.copy_abs() >= MAX_MAGNITUDE:  # copy_abs, not abs(): abs() rounds to the caller's precision
        raise NumberError("the number is too large: every number must lie between -10^15 and 10^15")
    sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite
    beyond = -exponent - MAX_DECIMALS  # digits after the last decimal allowed; only zeros may stand there
    if beyond > 0:
        if any(digits[-beyond:]):
            raise NumberError(f"the number has more than {MAX_DECIMALS} decimals")
        number = number.quantize(_STEP, context=_EXACT)
    elif exponent > 0:  # 1e3 is 1E+3 to Decimal, and str() would write it so in every output: 1000, as written plain
        number = number.quantize(_ONE, context=_EXACT)
    if number.is_zero():
        return number.copy_abs()
    return number


def from_float(value: float) -> Decimal:
    """A spreadsheet's binary number as the decimal it shows: 15 significant digits, as Excel keeps."""
    return checked(Decimal(format(value, ".15g")))


def is_whole(number: Decimal) -> bool:
    return number == number.to_integral_value(context=ARITHMETIC)
