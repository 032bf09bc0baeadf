"""What the Python engine refuses, as SQL: per unit and indicator the first problem with its value, as
a code the runner turns into the Python engine's own message (``messages``).

The scoring query refuses a unit with any problem (a failing cast in its WHERE clause), so a missing or
invalid value can never reach a rule as NULL and fall into an ``ELSE`` branch as 0."""

from __future__ import annotations

from decimal import Decimal
from typing import Union

from sqlglot import exp

from cqdt_rules.engine.sql.arith import Q, case, cmp, lit
from cqdt_rules.engine.sql.inputs import (
    NUMERIC_KINDS,
    SCALE,
    Slot,
    col,
    given,
    is_blank,
    matches,
    not_assessed,
    text,
    yes_no,
)
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import SOURCES
from cqdt_rules.model.checking import GROUPED_PATTERN, NO_WORDS, YES_WORDS

GROUPED = f"^{GROUPED_PATTERN}$"

Checks = list[tuple[exp.Expr, Union[str, None]]]
"""(condition, problem code) in order; None: the value is fine, stop looking."""


def _when(pairs: Checks) -> exp.Expr:
    """The code of the first condition that holds (None: the value is fine, stop looking), else NULL."""
    return exp.Case(ifs=[exp.If(this=condition, true=text(code) if code else exp.Null()) for condition, code in pairs],
                    default=exp.Null())


def _bound(value: Decimal) -> exp.Expr:
    """A limit from the ruleset in 10^-12 (a ruleset's numbers have at most 12 decimals too)."""
    return Q.const(value).scaled_to(SCALE)


def _unread(column: exp.Expr) -> exp.Expr:
    return exp.Is(this=column, expression=exp.Null())


def slot_problem(slot: Slot, limits: dict[str, Decimal]) -> exp.Expr:
    """The code of the first problem of one indicator's value in a unit, or NULL."""
    ind, v = slot.indicator, slot.raw("v")
    checks: Checks = [(cmp(">", slot.raw("n"), lit(1)), "duplicate")]
    missing = is_blank(v)
    if ind.audit_only:
        checks.append((exp.And(this=not_assessed(slot), expression=given(slot)), "audit_only"))
        checks.append((exp.And(this=not_assessed(slot), expression=missing), None))
    if ind.default is None:
        checks.append((missing, "missing"))
    else:
        checks.append((missing, None))
    checks.extend(_kind_problems(slot, limits))
    return _when(checks)


def _kind_problems(slot: Slot, limits: dict[str, Decimal]) -> Checks:
    ind, v = slot.indicator, slot.raw("v")
    if ind.kind == "yesno":
        return [(exp.Not(this=exp.Paren(this=exp.Or(this=yes_no(v, YES_WORDS), expression=yes_no(v, NO_WORDS)))),
                 "not_yesno")]
    if ind.kind == "category":
        names = [text(c.name) for c in ind.categories]
        return [(exp.Not(this=exp.Paren(this=exp.In(this=v, expressions=names))), "not_category")]
    if ind.kind == "pair":
        return _pair_problems(slot)
    number = slot.parsed("v")
    found: Checks = [(matches(v, GROUPED), "grouped")] if ind.kind == "count" else []
    found.append((_unread(number), "not_number"))  # why: the runner asks model.numbers (messages)
    if ind.kind == "count":
        found.append((cmp("!=", exp.Mod(this=number, expression=lit(SCALE)), lit(0)), "not_whole"))
    if ind.kind in ("count", "percent", "score"):
        found.append((cmp("<", number, lit(0)), "negative"))
    if ind.kind == "percent":
        found.append((cmp(">", number, lit(100 * SCALE)), "percent_over"))
    if ind.kind == "score" and ind.name in limits:
        found.append((cmp(">", number, _bound(limits[ind.name])), "score_over"))
    if ind.range is not None:
        low, high = ind.range
        found.append((exp.Or(this=cmp("<", number, _bound(low)), expression=cmp(">", number, _bound(high))),
                      "out_of_range"))
    assert ind.kind in NUMERIC_KINDS
    return found


def _pair_problems(slot: Slot) -> Checks:
    ind, b = slot.indicator, slot.raw("b")
    a_value, b_value = slot.parsed("v"), slot.parsed("b")
    found: Checks = [(is_blank(b), "not_pair")]
    if ind.range is None:  # counts: 1.000 is refused before it is read (model.checking.looks_grouped)
        found.append((exp.Or(this=matches(slot.raw("v"), GROUPED), expression=matches(b, GROUPED)), "pair_grouped"))
    found.append((exp.Or(this=_unread(a_value), expression=_unread(b_value)), "not_number"))
    found.append((exp.Or(this=cmp("<", a_value, lit(0)), expression=cmp("<", b_value, lit(0))), "pair_negative"))
    if ind.range is None:  # the parts are counts (docs/language.md, "Arithmetic")
        fraction = exp.Or(this=cmp("!=", exp.Mod(this=a_value, expression=lit(SCALE)), lit(0)),
                          expression=cmp("!=", exp.Mod(this=b_value, expression=lit(SCALE)), lit(0)))
        found.append((fraction, "pair_not_whole"))
    if not ind.a_may_exceed_b:
        found.append((cmp(">", a_value, b_value), "a_gt_b"))
    if ind.range is not None:
        low, high = (_bound(x) for x in ind.range)
        found.append((exp.Or(this=cmp("<", a_value, low), expression=cmp(">", a_value, high)), "a_out_of_range"))
        found.append((exp.Or(this=cmp("<", b_value, low), expression=cmp(">", b_value, high)), "b_out_of_range"))
    return found


def unit_problems(ruleset: m.Ruleset, tier: m.Tier, needs_parent: bool,
                  any_year: bool) -> list[tuple[str, exp.Expr]]:
    """Problems of a whole unit: (column name, code-or-NULL expression)."""
    found: list[tuple[str, exp.Expr]] = [
        ("u_source", case(exp.Not(this=exp.In(this=col("source"), expressions=[text(s) for s in SOURCES])),
                          text("unknown_source"), exp.Null())),
    ]
    if needs_parent:
        found.append(("u_parent", case(exp.Is(this=col("parent"), expression=exp.Null()), text("no_parent"), exp.Null())))
    years = ruleset.header.years
    if any_year:
        return found
    if years is not None:
        first, last = years
        outside = cmp("<", col("year"), lit(first))
        if last is not None:
            outside = exp.Or(this=outside, expression=cmp(">", col("year"), lit(last)))
        found.append(("u_year", case(outside, text("year"), exp.Null())))
    else:
        found.append(("u_year", text("year")))
    return found


def evidence_problem(slot: Slot) -> exp.Expr:
    """Under ``on_missing_evidence error``: a value that claims something, without evidence."""
    return case(exp.And(this=needs_evidence(slot), expression=cmp("=", slot.raw("e"), lit(0))),
                text("no_evidence"), exp.Null())


def needs_evidence(slot: Slot) -> exp.Expr:
    """The parsed value is given and, for a yes/no, not "no" (mirrors ``Indicator.needs_evidence``)."""
    x = col(f"x{slot.index}")
    present = exp.Not(this=exp.Is(this=x, expression=exp.Null()))
    if slot.indicator.kind == "yesno":
        return exp.And(this=present, expression=exp.Paren(this=x))
    return present


__all__ = ["slot_problem", "unit_problems", "evidence_problem", "needs_evidence"]
