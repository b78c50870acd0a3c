"""Charts written as SVG at build time and inlined into the pages.

The report needs bar charts (stacked, grouped, ranked) and one heatmap, nothing a
reader interacts with, so they are written here as plain SVG rather than drawn by a
plotting library: a national report of 35 pages with some 250 charts builds in
seconds, the output is a few kB of text any browser, printer or editor reads, and
there is no plotting library to keep up with. Text stays text, set in the page's
inlined typeface and laid out with that typeface's own advance widths, so labels
are crisp in print, selectable and read by screen readers. Every bar carries its
figure, so a chart reads without a value axis, on a phone as on a wall.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from itertools import pairwise

from danvan.report.fonts import FAMILY, text_width
from danvan.report.numbers import vi_compact, vi_number

# Okabe–Ito: told apart by colour-blind readers and in grey print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MUTED = "#8c8c8c"
INK = "#333333"
WIDTH = 640.0
LABEL_SIZE = 11.0
VALUE_SIZE = 10.0
LEGEND_LINE = 17.0
# Completeness from none (pale) to all (deep blue), as YlGnBu.
HEAT_STOPS = ((0.0, (255, 255, 217)), (0.5, (65, 182, 196)), (1.0, (8, 29, 88)))

Number = int | float | Decimal | None


@dataclass(frozen=True)
class Series:
    """Bars of one kind; series of the same group stack, groups stand side by side."""

    label: str
    values: Sequence[Number]
    color: str
    group: int = 0
    hatch: str | None = None


@dataclass(frozen=True)
class Panel:
    """One small chart of a set (one indicator, one contribution type)."""

    title: str
    categories: Sequence[str]
    series: Sequence[Series]


def count_label(value: float) -> str:
    return vi_number(round(Decimal(str(value)), 1))


def money_label(value: float) -> str:
    return vi_compact(value)


def colour_for(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: float = LABEL_SIZE, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in attributes.items())
    return f'<text x="{_f(x)}" y="{_f(y)}" font-size="{_f(size)}"{extra}>{escape(text)}</text>'


def _svg(chart_id: str, description: str, height: float, body: list[str], defs: str = "") -> str:
    return (
        f'<svg class="chart" id="{chart_id}" role="img" aria-label="{escape(description)}" '
        f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(WIDTH)} {_f(height)}" '
        f'font-family="{FAMILY}, sans-serif" fill="{INK}">'
        f"<title>{escape(description)}</title>"
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="2.2" height="6" fill="#ffffff"/></pattern>{defs}</defs>'
        f'<rect width="{_f(WIDTH)}" height="{_f(height)}" fill="#ffffff"/>'
        + "".join(body)
        + "</svg>"
    )


def _value(value: Number) -> float:
    return 0.0 if value is None else float(value)


def _rotated(categories: Sequence[str], band: float) -> bool:
    return any(text_width(c, LABEL_SIZE) > band - 4 for c in categories)


def _bars(
    chart_id: str,
    x0: float,
    y0: float,
    width: float,
    plot_height: float,
    categories: Sequence[str],
    series: Sequence[Series],
    label: Callable[[float], str],
) -> tuple[list[str], float]:
    """Vertical bars in the box from (x0, y0), width wide; returns the SVG and its height."""
    groups = sorted({s.group for s in series})
    band = width / max(len(categories), 1)
    bar = band * 0.8 / len(groups)
    totals = {
        group: [sum(_value(s.values[i]) for s in series if s.group == group)
                for i in range(len(categories))]
        for group in groups
    }  # fmt: skip
    top = max((t for values in totals.values() for t in values), default=0.0) or 1.0
    scale = plot_height / top
    base_y = y0 + VALUE_SIZE + 6 + plot_height
    out = []
    for slot, group in enumerate(groups):
        offset = band * 0.1 + slot * bar
        stacked = [0.0] * len(categories)
        for one in (s for s in series if s.group == group):
            for i, raw in enumerate(one.values):
                value = _value(raw)
                if value <= 0:
                    continue
                x = x0 + i * band + offset + bar * 0.04
                h = value * scale
                y = base_y - (stacked[i] + value) * scale
                box = f'x="{_f(x)}" y="{_f(y)}" width="{_f(bar * 0.92)}" height="{_f(h)}"'
                out.append(f'<rect {box} fill="{one.color}"/>')
                if one.hatch:
                    out.append(f'<rect {box} fill="url(#{chart_id}-hatch)"/>')
                stacked[i] += value
        for i, total in enumerate(totals[group]):
            if total:
                x = x0 + i * band + offset + bar / 2
                out.append(
                    _text(
                        x,
                        base_y - total * scale - 4,
                        label(total),
                        VALUE_SIZE,
                        text_anchor="middle",
                    )
                )
    out.append(
        f'<line x1="{_f(x0)}" x2="{_f(x0 + width)}" y1="{_f(base_y)}" y2="{_f(base_y)}" '
        'stroke="#666666" stroke-width="1"/>'
    )
    below = _category_labels(out, categories, x0, band, base_y)
    return out, base_y - y0 + below


def _category_labels(
    out: list[str], categories: Sequence[str], x0: float, band: float, base_y: float
) -> float:
    """Labels under the bars, turned 45° when they do not fit; returns the room they take."""
    if _rotated(categories, band):
        for i, category in enumerate(categories):
            x, y = x0 + (i + 0.5) * band, base_y + 12
            out.append(
                _text(x, y, category, text_anchor="end", transform=f"rotate(-45 {_f(x)} {_f(y)})")
            )
        return 16 + max(text_width(c, LABEL_SIZE) for c in categories) * 0.71
    for i, category in enumerate(categories):
        out.append(_text(x0 + (i + 0.5) * band, base_y + 15, category, text_anchor="middle"))
    return 22


def _legend(out: list[str], series: Sequence[Series], chart_id: str, y: float) -> float:
    """One line a series under the chart (long bilingual labels do not fit side by side)."""
    seen: dict[str, Series] = {}
    for one in series:
        seen.setdefault(one.label, one)
    if len(seen) < 2:
        return 0.0
    for line, one in enumerate(seen.values()):
        top = y + 6 + line * LEGEND_LINE
        box = f'x="8" y="{_f(top)}" width="12" height="12"'
        out.append(f'<rect {box} fill="{one.color}"/>')
        if one.hatch:
            out.append(f'<rect {box} fill="url(#{chart_id}-hatch)"/>')
        out.append(_text(26, top + 10.5, one.label, 10.5))
    return 10 + len(seen) * LEGEND_LINE


def bar_chart(
    chart_id: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    horizontal: bool = False,
    label: Callable[[float], str] = count_label,
) -> str:
    """Bars by category: stacked within a group, groups side by side, totals at their end."""
    if horizontal:
        return _ranked(chart_id, description, categories, series, label)
    out, height = _bars(chart_id, 8, 4, WIDTH - 16, 200, categories, series, label)
    height += 4
    height += _legend(out, series, chart_id, height)
    return _svg(chart_id, description, height + 6, out)


def _ranked(
    chart_id: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    label: Callable[[float], str],
) -> str:
    """Horizontal bars, one row a category (a province), groups side by side in the row."""
    groups = sorted({s.group for s in series})
    row = 14.0 + 8.0 * len(groups)
    left = 12 + max(text_width(c, LABEL_SIZE) for c in categories)
    totals = {
        group: [sum(_value(s.values[i]) for s in series if s.group == group)
                for i in range(len(categories))]
        for group in groups
    }  # fmt: skip
    widest_label = max(text_width(label(t), VALUE_SIZE) for v in totals.values() for t in v)
    top = max((t for values in totals.values() for t in values), default=0.0) or 1.0
    scale = (WIDTH - left - widest_label - 16) / top
    bar = (row - 6) / len(groups)
    out = []
    for i, category in enumerate(categories):
        y = 6 + i * row
        out.append(_text(left - 6, y + row / 2 + 4, category, text_anchor="end"))
        for slot, group in enumerate(groups):
            x, top_y = left, y + 3 + slot * bar
            for one in (s for s in series if s.group == group):
                value = _value(one.values[i])
                if value <= 0:
                    continue
                box = (
                    f'x="{_f(x)}" y="{_f(top_y)}" width="{_f(value * scale)}" '
                    f'height="{_f(bar - 1)}"'
                )
                out.append(f'<rect {box} fill="{one.color}"/>')
                if one.hatch:
                    out.append(f'<rect {box} fill="url(#{chart_id}-hatch)"/>')
                x += value * scale
            if totals[group][i]:
                out.append(_text(x + 4, top_y + bar / 2 + 3.5, label(totals[group][i]), VALUE_SIZE))
    height = 6 + len(categories) * row
    out.append(f'<line x1="{_f(left)}" x2="{_f(left)}" y1="4" y2="{_f(height)}" stroke="#666666"/>')
    height += _legend(out, series, chart_id, height + 4) + 4
    return _svg(chart_id, description, height + 6, out)


def panel_chart(
    chart_id: str,
    description: str,
    panels: Sequence[Panel],
    *,
    label: Callable[[Panel], Callable[[float], str]] = lambda panel: count_label,
) -> str:
    """Small multiples, two to a row: each panel its own scale and unit."""
    columns = 1 if len(panels) == 1 else 2
    width = (WIDTH - 16) / columns
    out: list[str] = []
    y = 4.0
    for start in range(0, len(panels), columns):
        row_height = 0.0
        for column, panel in enumerate(panels[start : start + columns]):
            x = 8 + column * width
            out.append(
                _text(x + 4, y + 12, _fit(panel.title, width - 12), 11.5, font_weight="bold")
            )
            bars, height = _bars(
                chart_id,
                x + 4,
                y + 18,
                width - 16,
                120,
                panel.categories,
                panel.series,
                label(panel),
            )
            out += bars
            row_height = max(row_height, 18 + height)
        y += row_height + 14
    # a legend for the stacks only: a panel of one series is named by its title
    stacked = [s for panel in panels if len(panel.series) > 1 for s in panel.series]
    y += _legend(out, stacked, chart_id, y)
    return _svg(chart_id, description, y + 6, out)


def _fit(text: str, width: float) -> str:
    """Cut a title to the width of its panel (the table beside it has it whole)."""
    if text_width(text, 11.5) <= width:
        return text
    while text and text_width(text + "…", 11.5) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def heatmap(
    chart_id: str,
    description: str,
    rows: Sequence[str],
    columns: Sequence[str],
    shares: Sequence[Sequence[Number]],
    labels: Sequence[Sequence[str]],
) -> str:
    """Cells coloured by a percentage (0–100; None: nothing expected), labelled inside."""
    left = 12 + max(text_width(r, LABEL_SIZE) for r in rows)
    key = 46.0
    cell_width = min(64.0, (WIDTH - left - key - 8) / max(len(columns), 1))
    cell_height = 22.0
    out = []
    for y, (name, row) in enumerate(zip(rows, shares, strict=True)):
        top = 4 + y * cell_height
        out.append(_text(left - 6, top + cell_height / 2 + 4, name, text_anchor="end"))
        for x, share in enumerate(row):
            fill = "#eeeeee" if share is None else _heat(float(share))
            out.append(
                f'<rect x="{_f(left + x * cell_width)}" y="{_f(top)}" '
                f'width="{_f(cell_width - 2)}" height="{_f(cell_height - 2)}" '
                f'fill="{fill}"/>'
            )
            text = labels[y][x]
            if text:
                dark = share is not None and float(share) > 55
                out.append(
                    _text(
                        left + (x + 0.5) * cell_width - 1,
                        top + cell_height / 2 + 3,
                        text,
                        9.5,
                        text_anchor="middle",
                        fill="#ffffff" if dark else INK,
                    )
                )
    base = 4 + len(rows) * cell_height
    below = _category_labels(out, columns, left, cell_width, base - 8)
    # the colour key
    key_x = WIDTH - key + 6
    out.append(f'<rect x="{_f(key_x)}" y="4" width="10" height="80" fill="url(#{chart_id}-key)"/>')
    out.append(_text(key_x + 14, 12, "100 %", 9.5))
    out.append(_text(key_x + 14, 84, "0 %", 9.5))
    stops = "".join(
        f'<stop offset="{_f(100 * (1 - at))}%" stop-color="{_heat(100 * at)}"/>'
        for at, _colour in HEAT_STOPS
    )
    gradient = (
        f'<linearGradient id="{chart_id}-key" x1="0" x2="0" y1="0" y2="1">{stops}</linearGradient>'
    )
    return _svg(chart_id, description, max(base + below, 92), out, defs=gradient)


def _heat(percent: float) -> str:
    at = max(0.0, min(1.0, percent / 100))
    for (low, low_rgb), (high, high_rgb) in pairwise(HEAT_STOPS):
        if at <= high:
            t = (at - low) / (high - low)
            rgb = (round(a + (b - a) * t) for a, b in zip(low_rgb, high_rgb, strict=True))
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*HEAT_STOPS[-1][1])
