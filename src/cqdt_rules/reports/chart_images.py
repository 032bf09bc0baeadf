"""The report's charts as PNG images for the DOCX draft, drawn by matplotlib with its Agg back end.

matplotlib installs from wheels alone (no system library such as cairo) and its Agg back end needs no
display; the HTML and Markdown keep their own inline SVG (``charts``), which needs nothing at all.
Numbers on the images are formatted for the reader's language, as everywhere else."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from cqdt_rules.formatting import format_number
from cqdt_rules.reports.charts import FALL, RISE, palette
from cqdt_rules.reports.extras import require_extra


def _pyplot() -> Any:
    matplotlib = require_extra("matplotlib", "docx")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure: Any, plt: Any) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=150)
    plt.close(figure)
    return buffer.getvalue()


def bars_png(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], lang: str) -> bytes:
    """Grouped bars, one bar per series in each category (levels × years), counts on the bars."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    width = 0.8 / max(len(series), 1)
    for j, ((name, values), colour) in enumerate(zip(series, palette(len(series)))):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(categories))]
        drawn = axes.bar(xs, list(values), width=width * 0.95, color=colour, label=name)
        axes.bar_label(drawn, labels=[format_number(v, lang) for v in values], fontsize=7)
    axes.set_xticks(range(len(categories)), [c if len(c) <= 18 else c[:17] + "…" for c in categories], fontsize=8)
    axes.yaxis.set_major_formatter(lambda value, _: format_number(int(value), lang))
    axes.set_title(title, fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        axes.legend(fontsize=7, frameon=False)
    return _png(figure, plt)


def moves_png(title: str, moves: Sequence[tuple[str, int]], lang: str) -> bytes:
    """Places gained (green, right) or lost (red, left) per unit, largest rise on top."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6.4, 0.8 + 0.24 * max(len(moves), 1)))
    names = [name if len(name) <= 40 else name[:39] + "…" for name, _ in moves]
    values = [change for _, change in moves]
    positions = list(range(len(moves)))[::-1]
    drawn = axes.barh(positions, values, color=[RISE if v > 0 else FALL for v in values])
    axes.bar_label(drawn, labels=[("+" if v > 0 else "−") + format_number(abs(v), lang) for v in values], fontsize=7)
    axes.set_yticks(positions, names, fontsize=7)
    axes.axvline(0, color="#1b1f24", linewidth=0.8)
    axes.xaxis.set_major_formatter(lambda value, _: format_number(int(value), lang))
    axes.set_title(title, fontsize=9)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure, plt)
