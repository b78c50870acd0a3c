"""Charts drawn at build time by matplotlib as SVG, inlined into the pages.

Text stays text (``svg.fonttype = none``), set in the DejaVu Sans the pages inline, so
labels are crisp in print, selectable and read by screen readers; matplotlib lays
them out with that same font's metrics. Bars carry their figure at their end, so a
chart reads without its axis on a phone or a wall.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from danvan.report.fonts import FAMILY
from danvan.report.numbers import vi_compact, vi_number

# Okabe–Ito: told apart by colour-blind readers and in grey print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MUTED = "#8c8c8c"
WIDTH_INCHES = 6.4
_STYLE = {
    "font.family": FAMILY,
    "font.size": 10,
    "svg.fonttype": "none",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#666666",
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "legend.frameon": False,
    "legend.fontsize": 9,
    "hatch.color": "#ffffff",
}
_SIZE = re.compile(r'\s(width|height)="[^"]*pt"')

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


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _text_inches(labels: Iterable[str], points: float = 9) -> float:
    """Width of the longest label: DejaVu Sans averages 0.6 em a character.

    Margins are set from it rather than by a layout engine, which measures every text
    twice and made the charts five times slower to draw.
    """
    return max((len(label) for label in labels), default=0) * points * 0.6 / 72


def _place(
    figure, *, left: float, bottom: float, top: float = 0.15, right: float = 0.25, **spacing: float
) -> None:
    """Margins in inches around the axes."""
    width, height = figure.get_size_inches()
    figure.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
        **spacing,
    )


def _svg(figure, chart_id: str, description: str) -> str:
    """The figure as an inline <svg> that scales to its box, with a text alternative."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": chart_id}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = _SIZE.sub("", svg, count=2)
    return svg.replace(
        "<svg ",
        f'<svg class="chart" id="{chart_id}" role="img" aria-label="{_attr(description)}" ',
        1,
    )


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _value(value: Number) -> float:
    return 0.0 if value is None else float(value)


def _draw_bars(
    axes, categories: Sequence[str], series: Sequence[Series], horizontal: bool, label: Callable
) -> None:
    groups = sorted({s.group for s in series})
    width = 0.8 / len(groups)
    positions = range(len(categories))
    for slot, group in enumerate(groups):
        offset = (slot - (len(groups) - 1) / 2) * width
        where = [p + offset for p in positions]
        base = [0.0] * len(categories)
        for one in (s for s in series if s.group == group):
            values = [_value(v) for v in one.values]
            draw = axes.barh if horizontal else axes.bar
            extent = {"left" if horizontal else "bottom": base}
            draw(
                where,
                values,
                width * 0.92,
                **extent,
                color=one.color,
                hatch=one.hatch,
                label=one.label,
                linewidth=0,
            )
            base = [b + v for b, v in zip(base, values, strict=True)]
        for position, total in zip(where, base, strict=True):
            if total:
                xy = (total, position) if horizontal else (position, total)
                axes.annotate(
                    label(total),
                    xy,
                    xytext=(3, 0) if horizontal else (0, 2),
                    textcoords="offset points",
                    fontsize=8,
                    ha="left" if horizontal else "center",
                    va="center" if horizontal else "bottom",
                )
    ticks = axes.set_yticks if horizontal else axes.set_xticks
    ticks(list(positions), list(categories))
    if horizontal:
        axes.invert_yaxis()
        axes.margins(x=0.12)
        axes.xaxis.set_major_formatter(_formatter(label))
        axes.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    else:
        axes.margins(y=0.15)
        axes.yaxis.set_major_formatter(_formatter(label))
        axes.grid(axis="y", color="#e5e5e5", linewidth=0.6)
        if _rotated(categories):
            axes.tick_params(axis="x", labelrotation=45)
            for tick in axes.get_xticklabels():
                tick.set_horizontalalignment("right")
                tick.set_rotation_mode("anchor")
    axes.set_axisbelow(True)


def _formatter(label: Callable):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: label(value))


def count_label(value: float) -> str:
    return vi_number(round(value, 1))


def money_label(value: float) -> str:
    return vi_compact(value)


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
    import matplotlib

    legend = _legend_inches(series)
    with matplotlib.rc_context(_STYLE):
        if horizontal:
            figure = _figure(WIDTH_INCHES, 0.6 + legend + 0.26 * len(categories))
            _place(figure, left=0.2 + _text_inches(categories, 10), bottom=0.4 + legend)
        else:
            labels_below = _below_axis_inches(categories)
            figure = _figure(WIDTH_INCHES, 2.8 + labels_below + legend)
            _place(figure, left=0.75, bottom=0.15 + labels_below + legend)
        axes = figure.subplots()
        _draw_bars(axes, categories, series, horizontal, label)
        if legend:
            _legend(figure, axes)
        return _svg(figure, chart_id, description)


def _rotated(categories: Sequence[str]) -> bool:
    return len(categories) > 6 or max((len(c) for c in categories), default=0) > 8


def _below_axis_inches(categories: Sequence[str]) -> float:
    """Room for the category labels under a vertical bar chart (rotated 45° when crowded)."""
    if _rotated(categories):
        return 0.15 + _text_inches(categories, 10) * 0.72
    return 0.3


def _legend_inches(series: Sequence[Series]) -> float:
    """One line a series, under the chart (long bilingual labels do not fit side by side)."""
    return 0.08 + 0.19 * len({s.label for s in series}) if len(series) > 1 else 0.0


def panel_chart(
    chart_id: str,
    description: str,
    panels: Sequence[Panel],
    *,
    label: Callable[[Panel], Callable[[float], str]] = lambda panel: count_label,
) -> str:
    """Small multiples, two to a row: each panel its own scale and unit."""
    import matplotlib

    columns = 1 if len(panels) == 1 else 2
    rows = -(-len(panels) // columns)
    legend = max((_legend_inches(panel.series) for panel in panels), default=0.0)
    below = max(_below_axis_inches(panel.categories) for panel in panels)
    panel_height = 2.1 + below + 0.45
    with matplotlib.rc_context(_STYLE):
        figure = _figure(WIDTH_INCHES, rows * panel_height + legend + 0.1)
        _place(
            figure,
            left=0.7,
            bottom=below + legend + 0.1,
            top=0.4,
            right=0.2,
            hspace=(below + 0.45) / 2.1,
            wspace=0.9 / (WIDTH_INCHES / columns),
        )
        grid = figure.subplots(rows, columns, squeeze=False)
        legend_from = None
        for panel, axes in zip(panels, grid.flat, strict=False):
            _draw_bars(axes, panel.categories, panel.series, False, label(panel))
            axes.set_title(panel.title, fontsize=9, wrap=True)
            if len(panel.series) > 1 and legend_from is None:
                legend_from = axes
        for axes in list(grid.flat)[len(panels) :]:
            axes.set_visible(False)
        if legend_from is not None:
            _legend(figure, legend_from)
        return _svg(figure, chart_id, description)


def _legend(figure, axes) -> None:
    handles, labels = axes.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    figure.legend(
        unique.values(),
        unique.keys(),
        loc="lower left",
        bbox_to_anchor=(0.01, 0.0),
        ncols=1,
        fontsize=8,
        borderaxespad=0.2,
    )


def heatmap(
    chart_id: str,
    description: str,
    rows: Sequence[str],
    columns: Sequence[str],
    shares: Sequence[Sequence[Number]],
    labels: Sequence[Sequence[str]],
) -> str:
    """Cells coloured by a percentage (0–100; None: nothing expected), labelled inside."""
    import matplotlib
    import numpy

    with matplotlib.rc_context(_STYLE):
        below = 0.2 + _text_inches(columns, 10) * 0.72
        figure = _figure(WIDTH_INCHES, 0.3 + 0.3 * len(rows) + below)
        _place(figure, left=0.2 + _text_inches(rows, 10), bottom=below, right=0.9, top=0.1)
        axes = figure.subplots()
        grid = numpy.ma.masked_invalid(
            numpy.array([[numpy.nan if v is None else float(v) for v in row] for row in shares])
        )
        colours = matplotlib.colormaps["YlGnBu"].with_extremes(bad="#f2f2f2")
        mesh = axes.pcolormesh(
            grid, cmap=colours, vmin=0, vmax=100, edgecolors="white", linewidth=1.5
        )
        for y, row in enumerate(labels):
            for x, text in enumerate(row):
                if text:
                    value = grid[y, x]
                    dark = value is not numpy.ma.masked and value > 55
                    axes.text(
                        x + 0.5,
                        y + 0.5,
                        text,
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if dark else "#222222",
                    )
        axes.set_xticks([x + 0.5 for x in range(len(columns))], list(columns))
        axes.set_yticks([y + 0.5 for y in range(len(rows))], list(rows))
        axes.tick_params(axis="x", labelrotation=45, length=0)
        axes.tick_params(axis="y", length=0)
        for tick in axes.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
        axes.invert_yaxis()
        for spine in axes.spines.values():
            spine.set_visible(False)
        bar = figure.colorbar(mesh, ax=axes, fraction=0.05, pad=0.02)
        bar.ax.yaxis.set_major_formatter(_formatter(lambda v: f"{vi_number(v, 0)} %"))
        bar.outline.set_visible(False)
        return _svg(figure, chart_id, description)


def colour_for(index: int) -> str:
    return PALETTE[index % len(PALETTE)]
