"""Indicator values as people read them, in the reader's language."""

from __future__ import annotations

from decimal import Decimal

from cqdt_rules.formatting import format_number
from cqdt_rules.model.ruleset import Tier
from cqdt_rules.model.units import Pair

_YES_NO = {"vi": ("có", "không"), "en": ("yes", "no")}


def format_value(value: object, lang: str = "vi", *, missing: str = "—", tier: Tier | None = None,
                 indicator: str | None = None) -> str:
    """An indicator value as a person reads it: yes/no in the language, a/b and numbers in the
    language's format, a category by its label when ``tier`` and ``indicator`` say which; ``missing``
    for a value not given."""
    if value is None:
        return missing
    if isinstance(value, bool):
        yes, no = _YES_NO[lang]
        return yes if value else no
    if isinstance(value, Pair):
        return f"{format_number(value.a, lang)}/{format_number(value.b, lang)}"
    if isinstance(value, (Decimal, int)):
        return format_number(value, lang)
    if tier is not None and indicator is not None:
        declared = next((ind for ind in tier.indicators if ind.name == indicator), None)
        label = next((c.label for c in declared.categories if c.name == value and c.label), None) if declared else None
        if label is not None:
            return label
    return str(value)
