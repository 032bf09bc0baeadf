"""Charts as inline SVG text (no script, nothing loaded): units per level this year against last, and
rank movement. Numbers on the charts are formatted for the reader's language."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from cqdt_rules.formatting import format_number

CURRENT = "#1d5fa8"
PREVIOUS = "#a7b3c2"
RISE = "#2e8540"
FALL = "#c0392b"
INK = "#1b1f24"
GRID = "#d9dee4"
SERIES = ["#d5dbe3", "#a7b3c2", "#7c8ea6", "#4f79b0", CURRENT]  # oldest (light) to newest (strong)
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"


def _text(x: float, y: float, text: str, *, size: int = 12, anchor: str = "start", weight: str = "normal",
          fill: str = INK, cls: str | None = None) -> str:
    extra = f' class="{cls}"' if cls else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}"{extra}>{escape(text)}</text>')


def _svg(width: int, height: int, title: str, body: list[str], kind: str) -> str:
    label = escape(title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" aria-label="{label}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="{FONT}">'
            f"<title>{label}</title>" + "".join(body) + "</svg>")


def _nice_step(top: int) -> int:
    if top <= 5:
        return 1
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power)
    return int(10 * power)


def _heading(text: str, limit: int) -> list[str]:
    """The chart's heading in one or two lines (split after a colon or at a space), bold, from the top."""
    if len(text) <= limit:
        lines = [text]
    else:
        cut = text.rfind(": ", 0, limit)
        cut = cut + 1 if cut > 0 else text.rfind(" ", 0, limit)
        lines = [text[:cut].strip(), _shorten(text[cut:].strip(), limit)]
    return [_text(8, 20 + 18 * i, line, size=14, weight="bold") for i, line in enumerate(lines)]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def level_chart(title: str, labels: Sequence[str], current: Sequence[int], previous: Sequence[int] | None,
                current_label: str, previous_label: str | None, lang: str = "vi", heading: str | None = None) -> str:
    """Grouped bars: for each level, last year's count (grey) beside this year's (blue), counts on the bars.

    ``title`` names the chart for screen readers; ``heading`` (default: the title) is drawn on it."""
    series = ([(previous_label or "", list(previous), PREVIOUS, "previous")] if previous is not None else [])
    series.append((current_label, list(current), CURRENT, "current"))
    return _bars(title, labels, series, lang, heading, "levels", legend=previous is not None and bool(previous_label))


def palette(count: int) -> list[str]:
    """Colours for ``count`` series, oldest lightest, the last in the strong colour (grey and blue for two)."""
    if count <= 2:
        return [PREVIOUS, CURRENT][-count:] if count else []
    return SERIES[-count:] if count <= len(SERIES) else [SERIES[i % len(SERIES)] for i in range(count)]


def grouped_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                  lang: str = "vi") -> str:
    """Grouped bars for any number of series (e.g. units per level, one bar per year), the last series
    in the strong colour."""
    drawn = [(name, list(values), colour, "current" if i == len(series) - 1 else "previous")
             for i, ((name, values), colour) in enumerate(zip(series, palette(len(series))))]
    return _bars(title, categories, drawn, lang, None, "grouped", legend=True)


def _bars(title: str, labels: Sequence[str], series: list[tuple[str, list[int], str, str]], lang: str,
          heading: str | None, kind: str, legend: bool) -> str:
    width, height = 640, 320
    left, right, top, bottom = 44, 16, 92, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([v for _, values, _, _ in series for v in values] + [1])
    step = _nice_step(highest)
    ceiling = step * math.ceil(highest / step)
    body = _heading(heading or title, 70)
    legend_x = left
    for name, _, colour, _ in (series if legend else series[-1:]):
        body.append(f'<rect x="{legend_x}" y="50" width="12" height="12" fill="{colour}"/>')
        body.append(_text(legend_x + 17, 60, name, size=12))
        legend_x += 30 + 8 * len(name)
    for value in range(0, ceiling + 1, step):
        y = top + plot_h - plot_h * value / ceiling
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 6, y + 4, format_number(value, lang), size=11, anchor="end", fill="#555"))
    group_w = plot_w / max(len(labels), 1)
    bar_w = min(44.0, group_w * 0.7 / max(len(series), 1))
    for i, label in enumerate(labels):
        centre = left + group_w * (i + 0.5)
        start = centre - bar_w * len(series) / 2
        for j, (_, values, colour, name) in enumerate(series):
            value = values[i]
            x = start + j * bar_w
            h = plot_h * value / ceiling
            y = top + plot_h - h
            body.append(f'<rect class="bar bar-{name}" x="{x + 1:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" '
                        f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {escape(format_number(value, lang))}'
                        f"</title></rect>")
            body.append(_text(x + bar_w / 2, y - 4, format_number(value, lang), size=11, anchor="middle",
                              weight="bold" if name == "current" else "normal"))
        body.append(_text(centre, top + plot_h + 18, _shorten(label, 18), size=12, anchor="middle"))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}"/>')
    return _svg(width, height, title, body, kind)


def rank_chart(title: str, moves: Sequence[tuple[str, int]], rise_label: str, fall_label: str, lang: str = "vi",
               heading: str | None = None) -> str:
    """Diverging horizontal bars: places gained (green, right) or lost (red, left) per unit."""
    width = 720
    name_w, right, top, row_h = 290, 40, 72, 22
    height = top + row_h * max(len(moves), 1) + 16
    plot_w = width - name_w - right
    zero = name_w + plot_w / 2
    largest = max([abs(change) for _, change in moves] + [1])
    scale = (plot_w / 2 - 28) / largest
    body = _heading(heading or title, 80)
    body.append(f'<rect x="{name_w}" y="50" width="12" height="12" fill="{FALL}"/>')
    body.append(_text(name_w + 17, 60, fall_label, size=12))
    body.append(f'<rect x="{zero + 20:.1f}" y="50" width="12" height="12" fill="{RISE}"/>')
    body.append(_text(zero + 37, 60, rise_label, size=12))
    for i, (name, change) in enumerate(moves):
        y = top + i * row_h
        length = abs(change) * scale
        colour = RISE if change > 0 else FALL
        x = zero if change > 0 else zero - length
        body.append(_text(name_w - 8, y + 15, _shorten(name, 40), size=12, anchor="end"))
        body.append(f'<rect class="bar bar-{"rise" if change > 0 else "fall"}" x="{x:.1f}" y="{y + 4}" '
                    f'width="{max(length, 1):.1f}" height="{row_h - 8}" fill="{colour}"><title>{escape(name)}: '
                    f"{escape(_signed(change, lang))}</title></rect>")
        label_x = zero + length + 4 if change > 0 else zero - length - 4
        body.append(_text(label_x, y + 15, _signed(change, lang), size=11, anchor="start" if change > 0 else "end"))
    body.append(f'<line x1="{zero:.1f}" y1="{top - 4}" x2="{zero:.1f}" y2="{height - 8}" stroke="{INK}"/>')
    return _svg(width, height, title, body, "ranks")


def _signed(value: int, lang: str) -> str:
    text = format_number(abs(value), lang)
    return ("+" if value > 0 else "−" if value < 0 else "") + text
