"""Numbers for people: Vietnamese (118,348; 164.290.796.000) or English (118.348; 164,290,796,000)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_number(value: Decimal | int | None, lang: str = "vi", digits: int | None = None) -> str:
    """Group thousands and use the language's decimal mark; ``digits`` fixes the decimals shown."""
    if value is None:
        return "—"
    number = value if type(value) is Decimal else Decimal(value)  # explanations format every number they show
    if digits is not None:
        number = number.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = format(abs(number), ",f")  # English marks: 164,290,796,000.5
    return sign + (text.translate(_VIETNAMESE_MARKS) if lang == "vi" else text)


_VIETNAMESE_MARKS = str.maketrans({",": ".", ".": ","})


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
