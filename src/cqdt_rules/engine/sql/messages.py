"""The problems the SQL companion query reports, turned into the Python engine's own messages."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from cqdt_rules.engine.sql.inputs import INPUT_DIGITS
from cqdt_rules.errors import Diagnostic, Span, did_you_mean
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import SOURCES, SOURCES_HINT, _kind_text, direct_limits

Locate = Callable[[str, int, str, str | None], Span]
"""Where a problem points: (unit_code, year, source, indicator or None) → a span in the data."""


def _number(text: str | None) -> str:
    try:
        return str(Decimal((text or "").replace(" ", "")))
    except InvalidOperation:
        return str(text)


def diagnostic(ruleset: m.Ruleset, tier: m.Tier, row: tuple[str, int, str, str, str, str | None, str | None],
               locate: Locate) -> Diagnostic:
    """One problem row (unit_code, year, source, indicator, problem, value, value_b) as the Python engine says it."""
    code, year, source, name, problem, value, value_b = row
    where = locate(code, year, source, name if not name.startswith("u_") else None)
    unit_where = locate(code, year, source, None)
    indicators = {ind.name: ind for ind in tier.indicators}
    ind = indicators.get(name)
    header = ruleset.header

    def about(message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(where, f"unit '{code}', '{name}': {message}", hint=hint)

    if problem == "unknown_indicator":
        return Diagnostic(where, f"unknown indicator '{name}' for tier '{tier.id}'", hint=did_you_mean(name, indicators))
    if problem == "unknown_source":
        return Diagnostic(unit_where, f"unknown source '{source}' for unit '{code}'", hint=SOURCES_HINT)
    if problem == "no_parent":
        return Diagnostic(unit_where, f"unit '{code}' of tier '{tier.id}' has no parent district",
                          hint="give its district's code as 'parent': this tier ranks or normalises within the district")
    if problem == "year":
        first, last = header.years or (0, None)
        covered = f"{first}–{last}" if last is not None else f"{first} onwards"
        return Diagnostic(unit_where, f"unit '{code}' is assessed for {year}, but ruleset '{header.id}' applies to {covered}",
                          hint="use the ruleset that covers that year, or force it (--any-year / any_year=True)")
    assert ind is not None, (name, problem)
    if problem == "no_evidence":
        return Diagnostic(unit_where, f"unit '{code}' has no evidence for '{name}'", hint=f"the ruleset requires: {ind.evidence}")
    if problem == "duplicate":
        return about("given more than once", "keep one row per unit, year, source and indicator")
    if problem == "missing":
        return Diagnostic(unit_where, f"unit '{code}' has no value for '{name}' ({ind.label})",
                          hint=f"add '{name}' ({_kind_text(ind)}) or declare a default in the ruleset")
    if problem == "audit_only":
        return Diagnostic(where, f"'{name}' is entered only by the audit team, not in a self-assessment",
                          hint="remove it from the self-assessed record")
    return _value_problem(ind, problem, value, value_b, tier, about)


def _value_problem(ind: m.Indicator, problem: str, value: str | None, value_b: str | None, tier: m.Tier,
                   about: Callable[..., Diagnostic]) -> Diagnostic:
    names = [c.name for c in ind.categories]
    a, b = _number(value), _number(value_b)
    low, high = ind.range or (None, None)
    simple = {
        "not_yesno": (f"expected yes or no, got '{value}'", "write yes/no (or có/không)"),
        "not_category": (f"'{value}' is not an allowed category", did_you_mean(value or "", names) or f"allowed: {', '.join(names)}"),
        "not_pair": (f"expected a pair a/b, got '{value}'", "give b in the column value_b"),
        "b_not_number": (f"both parts of the pair must be numbers, got '{value}/{value_b}'", None),
        "pair_negative": (f"a pair cannot be negative ({a}/{b})", None),
        "pair_not_whole": (f"the parts of a pair are counts and must be whole numbers ({a}/{b})",
                           "declare a 'range' for the indicator in the ruleset if its parts may have decimals"),
        "a_gt_b": (f"a = {a} is greater than b = {b}", "the ruleset does not allow a > b for this indicator; check the figures"),
        "a_out_of_range": (f"a = {a} is outside {low}..{high}", None),
        "b_out_of_range": (f"b = {b} is outside {low}..{high}", None),
        "not_whole": (f"expected a whole number, got {a}", None),
        "negative": (f"cannot be negative ({a})", None),
        "percent_over": (f"a percentage cannot exceed 100 ({a})", None),
        "out_of_range": (f"{a} is outside the declared range {low}..{high}", None),
        "too_precise": (f"'{value if ind.kind != 'pair' else f'{value}/{value_b}'}' has more than {INPUT_DIGITS} decimals, "
                        "more than the SQL back end reads", "round the figure in the data, or score it with the Python engine"),
        "b_too_precise": (f"'{value}/{value_b}' has more than {INPUT_DIGITS} decimals, more than the SQL back end reads",
                          "round the figure in the data, or score it with the Python engine"),
    }
    if problem == "not_number":
        if ind.kind == "pair":
            return about(f"both parts of the pair must be numbers, got '{value}/{value_b}'")
        return about(f"expected {_kind_text(ind)}, got '{value}'")
    if problem == "score_over":
        limit = direct_limits(tier)[ind.name]
        return about(f"{a} points is above the criterion's maximum {limit}", f"an assessed score must lie in 0..{limit}")
    message, hint = simple[problem]
    return about(message, hint)


def evaluation_diagnostic(code: str, error: str, where: Span) -> Diagnostic:
    node_id, _, message = error.partition("|")
    return Diagnostic(where, f"unit '{code}', {node_id}: {message}")


__all__ = ["diagnostic", "evaluation_diagnostic", "Locate", "SOURCES"]
