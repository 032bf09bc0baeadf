"""The problems the SQL companion query reports, turned into the Python engine's own messages."""

from __future__ import annotations

from collections.abc import Callable

from cqdt_rules.errors import Diagnostic, Span, did_you_mean
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.numbers import NotANumber, NumberError, read_number
from cqdt_rules.model.units import SOURCES, SOURCES_HINT, shown
from cqdt_rules.model.checking import direct_limits, grouped_problem, kind_text, looks_grouped

Locate = Callable[[str, int, str, str | None], Span]
"""Where a problem points: (unit_code, year, source, indicator or None) → a span in the data."""


EXPONENT_HINT = "write the number out (1500, not 1.5e3), or score the data with the Python engine"


def _number(text: str | None) -> str:
    """A value as the Python engine shows it in a message: the number it reads."""
    try:
        return str(read_number(text or ""))
    except NumberError:
        return str(text)


def _why(text: str | None) -> str:
    """Why the Python engine refuses to read ``text`` as a number (its own words)."""
    try:
        read_number(text or "")
    except NotANumber:
        return ""
    except NumberError as error:
        return str(error)
    return ""


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
                          hint=f"add '{name}' ({kind_text(ind)}) or declare a default in the ruleset")
    if problem == "audit_only":
        return Diagnostic(where, f"'{name}' is entered only by the audit team, not in a self-assessment",
                          hint="remove the value from a self-assessment")
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
    }
    if problem == "not_number":
        return _not_a_number(ind, value, value_b, about)
    if problem in ("grouped", "pair_grouped"):
        return about(*grouped_problem(value if value is not None and looks_grouped(value) else value_b or ""))
    if problem == "score_over":
        limit = direct_limits(tier)[ind.name]
        return about(f"{a} points is above the criterion's maximum {limit}", f"an assessed score must lie in 0..{limit}")
    message, hint = simple[problem]
    return about(message, hint)


def _not_a_number(ind: m.Indicator, value: str | None, value_b: str | None, about: Callable[..., Diagnostic]) -> Diagnostic:
    """A value the SQL did not read as a number within the limits, in the Python engine's words: the query
    only says which value, ``model.numbers`` says why (a pair: the first part's reason, else the second's),
    as the Python engine does. Text it reads but the SQL does not (an exponent) is said apart."""
    pair = ind.kind == "pair"
    written = shown(f"{value}/{value_b}") if pair else shown(value)
    expected = "both parts of the pair must be numbers" if pair else f"expected {kind_text(ind)}"
    why = _why(value) or (_why(value_b) if pair else "")
    readable = all(_readable(text) for text in ((value, value_b) if pair else (value,)))
    if readable and not why:
        return about(f"{expected}, got '{written}': the SQL back end reads numbers written out, without an exponent",
                     EXPONENT_HINT)
    return about(f"{expected}, got '{written}'" + (f": {why}" if why else ""))


def _readable(text: str | None) -> bool:
    try:
        read_number(text or "")
    except NumberError:
        return False
    return True


def evaluation_diagnostic(code: str, error: str, where: Span) -> Diagnostic:
    node_id, _, message = error.partition("|")
    return Diagnostic(where, f"unit '{code}', {node_id}: {message}")


__all__ = ["diagnostic", "evaluation_diagnostic", "Locate", "SOURCES"]
