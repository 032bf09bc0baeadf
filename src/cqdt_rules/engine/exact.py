"""Roots rounded exactly: the declared digits of a square or n-th root of a rational, without floating point.

A root of a rational is rarely rational, so a ruleset must say to how many decimals (and how) such a value
is published. The value returned is the exact root rounded once, as a person with unlimited paper would:
the integer part of root × 10^digits comes from an integer root, and the choice between it and the next
step is made by comparing powers of rationals, never by an approximation. Other back ends (batch, SQL)
must produce the same digits: they may use this module, or refuse the function with a clear error."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # fractions is imported when a root is computed (about a millisecond of every scoring run)
    from fractions import Fraction


def integer_root(value: int, n: int) -> int:
    """The largest whole k with k^n <= value (value >= 0, n >= 1)."""
    if value < 0 or n < 1:
        raise ValueError("integer_root needs value >= 0 and n >= 1")
    if value < 2 or n == 1:
        return value
    # Newton's method on integers from an estimate above the root; it decreases to the floor of the root
    k = 1 << -(-value.bit_length() // n)
    while True:
        better = ((n - 1) * k + value // k ** (n - 1)) // n
        if better >= k:
            return k
        k = better


def rounded_root(radicand: Fraction, n: int, digits: int, mode: str) -> Decimal:
    """The n-th root of ``radicand`` (>= 0) rounded to ``digits`` decimals: half_up, half_even, down or up."""
    from fractions import Fraction

    if radicand < 0:
        raise ValueError("rounded_root needs a radicand >= 0")
    scaled = radicand * Fraction(10) ** (n * digits)  # root(scaled) = root(radicand) × 10^digits
    low = integer_root(scaled.numerator // scaled.denominator, n)  # floor(root(floor(x))) = floor(root(x))
    exact = Fraction(low) ** n == scaled
    if exact or mode == "down":
        whole = low
    elif mode == "up":
        whole = low + 1
    else:
        middle = (Fraction(2 * low + 1, 2)) ** n
        if scaled > middle or (scaled == middle and (mode == "half_up" or low % 2 == 1)):
            whole = low + 1
        else:
            whole = low
    return Decimal(whole).scaleb(-digits)


def rounded_signed_root(sign: int, radicand: Fraction, n: int, digits: int, mode: str) -> Decimal:
    """``sign`` × root(radicand), rounded symmetrically (every mode treats -x as the mirror of x)."""
    magnitude = rounded_root(radicand, n, digits, mode)
    return -magnitude if sign < 0 and magnitude != 0 else magnitude
