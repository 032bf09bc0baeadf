"""Checking the parent each unit names: a unit of another tier, in the input or the province's unit list."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from cqdt_rules.errors import Diagnostic, Span, did_you_mean
from cqdt_rules.model.units import Assessment, shown, unit_origin


class ParentLink(NamedTuple):
    """What checking a unit's parent needs of it: who it is, the parent it names, and where."""

    code: str
    tier: str
    year: int
    source: str
    parent: str
    where: Span  # the parent as written
    origin: Span  # the unit


def parent_link(a: Assessment) -> ParentLink | None:
    """The unit's link to its parent, or None when it names none."""
    if not a.parent:
        return None
    origin = a.origin or Span(f"<unit {a.code}>", 0, 0, 0, 0)
    return ParentLink(a.code, a.tier, a.year, a.source, a.parent, a.field_spans.get("parent", origin), origin)


def check_parents(assessments: Iterable[Assessment], unit_list: Mapping[str, str] | None = None,
                  grouped: Iterable[str] | None = None) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """Errors and warnings about the ``parent`` of every assessment that names one.

    A parent must be a unit of another tier present in the same input (same year and source) or in
    ``unit_list`` (code → tier, e.g. the province's units.csv); the parents of one tier are all of one
    tier (a department's code among districts is a typo). When the input holds no unit any parent
    names and no unit list is given (a file of communes alone), the parents cannot be checked: one
    warning lists those of the tiers in ``grouped`` (the tiers ranked or normalised within their
    district, where a wrong parent changes a result; every tier when None)."""
    by_cohort: dict[tuple[int, str], dict[str, str]] = {}
    members = list(assessments)
    for a in members:
        by_cohort.setdefault((a.year, a.source), {})[a.code] = a.tier
    warnings = _parents_without_errors(members, by_cohort, unit_list, grouped)
    if warnings is not None:
        return [], warnings
    links = [link for link in map(parent_link, members) if link is not None]
    return check_parent_links(links, lambda year, source, code: by_cohort[(year, source)].get(code),
                              lambda: {code for codes in by_cohort.values() for code in codes}, unit_list, grouped)


def _parents_without_errors(members: list[Assessment], by_cohort: dict[tuple[int, str], dict[str, str]],
                            unit_list: Mapping[str, str] | None, grouped: Iterable[str] | None) -> list[Diagnostic] | None:
    """The warnings of ``check_parent_links`` when it finds no error (the usual case), found without making a link
    per unit; None when it finds one (each test below stands for one of its errors)."""
    listed = unit_list or {}
    parent_tiers: dict[str, str] = {}  # a tier → the tier of its units' parents
    unresolved: list[Assessment] = []
    for a in members:
        parent = a.parent
        if not parent:
            continue
        tier = by_cohort[(a.year, a.source)].get(parent) or listed.get(parent)
        if parent == a.code or tier == a.tier:
            return None
        if tier is None:
            unresolved.append(a)
        elif parent_tiers.setdefault(a.tier, tier) != tier:
            return None
    if parent_tiers or unit_list is not None:
        return None if unresolved else []
    tiers = None if grouped is None else set(grouped)
    unchecked = [a for a in unresolved if tiers is None or a.tier in tiers]
    return _unchecked([a.parent or "" for a in unchecked], unit_origin(unchecked[0], unchecked[0].code)) if unchecked else []


def check_parent_links(links: Iterable[ParentLink], tier_in_input: Callable[[int, str, str], str | None],
                       input_codes: Callable[[], set[str]], unit_list: Mapping[str, str] | None = None,
                       grouped: Iterable[str] | None = None) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """``check_parents`` on the units' links: ``tier_in_input(year, source, code)`` is the tier of a unit of the
    input (None when there is none), and ``input_codes()`` every code of the input (asked for only to suggest
    a code for a parent nothing holds)."""
    errors: list[Diagnostic] = []
    resolved: list[tuple[ParentLink, str]] = []
    unresolved: list[ParentLink] = []
    for a in links:
        if a.parent == a.code:
            errors.append(Diagnostic(a.where, f"unit '{shown(a.code)}' names itself as its parent",
                                     hint="give the code of its district"))
            continue
        tier = tier_in_input(a.year, a.source, a.parent) or (unit_list or {}).get(a.parent)
        if tier is None:
            unresolved.append(a)
        elif tier == a.tier:
            errors.append(Diagnostic(a.where, f"the parent '{shown(a.parent)}' of unit '{shown(a.code)}' is a unit of "
                                              f"its own tier '{a.tier}'", hint="give the code of its district"))
        else:
            resolved.append((a, tier))
    errors.extend(_mixed_parent_tiers(resolved))
    if not resolved and unit_list is None:
        tiers = None if grouped is None else set(grouped)
        unchecked = [a for a in unresolved if tiers is None or a.tier in tiers]
        return errors, _unchecked([a.parent for a in unchecked], unchecked[0].origin) if unchecked else []
    known = set(unit_list or {}) | input_codes() if unresolved else set()
    for a in unresolved:
        errors.append(Diagnostic(a.where, f"the parent '{shown(a.parent)}' of unit '{shown(a.code)}' is not a unit of "
                                          f"{a.year} ({a.source}) in the input" + (" nor in the unit list" if unit_list else ""),
                                 hint=did_you_mean(a.parent or "", known) or "check the district's code"))
    return errors, []


def _mixed_parent_tiers(resolved: list[tuple[ParentLink, str]]) -> list[Diagnostic]:
    """The parents of one tier's units are all of one tier: the one most of them name."""
    counts: dict[str, dict[str, int]] = {}
    for a, parent_tier in resolved:
        tally = counts.setdefault(a.tier, {})
        tally[parent_tier] = tally.get(parent_tier, 0) + 1
    usual = {tier: max(tally, key=lambda t: (tally[t], t)) for tier, tally in counts.items()}
    return [Diagnostic(a.where,
                       f"the parent '{shown(a.parent)}' of unit '{shown(a.code)}' is a unit of tier '{parent_tier}', but "
                       f"the parents of the other units of tier '{a.tier}' are of tier '{usual[a.tier]}'",
                       hint="check the code of its district")
            for a, parent_tier in resolved if parent_tier != usual[a.tier]]


def _unchecked(parents_named: list[str], first: Span) -> list[Diagnostic]:
    """The warning for units whose parents (``parents_named``, one per unit) could not be checked; ``first`` is the
    first of these units."""
    parents = sorted(set(parents_named))
    listed = ", ".join(shown(p) for p in parents[:20]) + (f" and {len(parents) - 20} more" if len(parents) > 20 else "")
    return [Diagnostic(first,
                       f"the parents of {len(parents_named)} unit(s) could not be checked: {listed}", "warning",
                       hint="the input holds no unit they name; give the province's unit list with --units "
                            "(e.g. units.csv) to check them")]
