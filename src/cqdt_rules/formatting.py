"""Numbers for people: Vietnamese (118,348; 164.290.796.000) or English (118.348; 164,290,796,000)."""

from __future__ import annotations

from decimal import Decimal

from cqdt_rules.compiler import round_to
from cqdt_rules.model import Rounding, Tier
from cqdt_rules.units import Pair


def format_number(value: Decimal | int | None, lang: str = "vi", digits: int | None = None) -> str:
    """Group thousands and use the language's decimal mark; ``digits`` fixes the decimals shown."""
    if value is None:
        return "—"
    number = Decimal(value)
    if digits is not None:
        number = round_to(number, Rounding(digits))
    sign = "-" if number < 0 else ""
    text = format(abs(number), "f")
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    thousands, decimal_mark = (".", ",") if lang == "vi" else (",", ".")
    result = thousands.join(groups)
    if fraction:
        result += decimal_mark + fraction
    return sign + result


def format_count(count: int, lang: str = "vi") -> str:
    """Counts in prose as the report writes them: two digits below ten in Vietnamese ('04 đơn vị')."""
    if lang == "vi" and 0 <= count < 10:
        return f"{count:02d}"
    return format_number(count, lang)


def format_percent(part: int, whole: int, lang: str = "vi", digits: int = 2) -> str:
    if whole == 0:
        return "—"
    share = Decimal(part) * 100 / Decimal(whole)
    return format_number(share, lang, digits) + "%"


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
