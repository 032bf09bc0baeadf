"""Plain-text tables for people: columns aligned by what the eye sees (combining marks take no width)."""

from __future__ import annotations

import unicodedata


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 1 for c in text)


def render_table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right or set()
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])
