"""Charts of the indicator site as inline SVG: bars and lines, each with a title, a description and its data table.

The SVG is written by hand (no plotting library, no script): it scales with the page
(``viewBox``, ``width="100%"``), is announced as one image (``role="img"``) named by its
``<title>`` and described by its ``<desc>``, and every value drawn is also in the
:class:`Chart`'s table, which the page shows next to the chart for screen readers and copying.
Texts and numbers arrive already translated and formatted: the charts know no language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: Colours of the bars and lines: dark enough for 3:1 against white (WCAG 1.4.11).
DEFAULT_COLOR = "#1f5f8b"
TEXT_COLOR = "#1a1a1a"
GRID_COLOR = "#c8c8c8"
WIDTH_PX = 640


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG markup and the table of the values it draws.

    Attributes
    ----------
    chart_id : str
        Unique within a page (ids of the SVG's title and description derive from it).
    title, description : str
        The chart's name and what it shows in words (its text alternative).
    svg : Markup
        The ``<svg>`` element.
    columns : tuple of str
        Header of the table: the category, then one column per value drawn for it.
    rows : tuple of tuple of str
        The table rows: label, then each formatted value.
    """

    chart_id: str
    title: str
    description: str
    svg: Markup
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value`` (1 for nothing to draw)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _open_svg(chart_id: str, title: str, description: str, height_px: int) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH_PX} {height_px}" '
        f'width="100%" aria-labelledby="{cid}-title {cid}-desc" focusable="false">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13, weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" fill="{TEXT_COLOR}" font-size="{size}" font-weight="{weight}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def hbar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    chart_id: str,
    title: str,
    description: str,
    columns: tuple[str, str],
    value_text: Callable[[float | None], str],
    colors: Sequence[str] | None = None,
) -> Chart:
    """Horizontal bars, one per category, each labelled with its formatted value.

    Parameters
    ----------
    labels : sequence of str
        Category names (already translated).
    values : sequence of float or None
        One per label; None is drawn as no bar and shown as ``value_text(None)``.
    chart_id : str
        Unique id within the page.
    title, description : str
        The chart's title and its description in words.
    columns : (str, str)
        Header of the data table.
    value_text : callable
        Formats a value for the labels and the table (e.g. ``1 234,5 daa``).
    colors : sequence of str, optional
        One colour per bar (default one dark blue).

    Returns
    -------
    Chart
    """
    if len(labels) != len(values):
        raise ValueError(f"hbar_chart: {len(labels)} labels but {len(values)} values; expected one value per label")
    bar_h, gap, top, label_w, value_w = 26, 10, 8, 190, 120
    height = top * 2 + len(labels) * (bar_h + gap)
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    top_value = _nice_max(max(finite, default=0.0))
    plot_w = WIDTH_PX - label_w - value_w - 10
    parts = _open_svg(chart_id, title, description, height)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * (bar_h + gap)
        parts.append(_text(label_w - 8, y + bar_h * 0.68, label, anchor="end"))
        width = 0.0 if value is None or not math.isfinite(float(value)) else max(float(value), 0.0) / top_value * plot_w
        color = colors[i] if colors else DEFAULT_COLOR
        parts.append(f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{escape(color)}"/>')
        parts.append(_text(label_w + width + 6, y + bar_h * 0.68, value_text(value), weight="bold"))
    parts.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - top + 4}" stroke="{TEXT_COLOR}"/>')
    parts.append("</svg>")
    rows = tuple((label, value_text(v)) for label, v in zip(labels, values, strict=True))
    return Chart(chart_id, title, description, Markup("".join(parts)), columns, rows)


def _value_axis(
    top_value: float, *, top: float, plot_h: float, left: float, right: float, axis_text: Callable[[float], str]
) -> list[str]:
    """Grid lines and labels of a value axis: 0, ¼, ½, ¾ and the top."""
    parts = []
    for k in range(5):
        tick = top_value * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH_PX - right}" y2="{y:.1f}" stroke="{GRID_COLOR}"/>')
        parts.append(_text(left - 6, y + 4, axis_text(tick), anchor="end", size=12))
    return parts


def column_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    chart_id: str,
    title: str,
    description: str,
    columns: tuple[str, str],
    value_text: Callable[[float | None], str],
    axis_text: Callable[[float], str],
    line: bool = False,
) -> Chart:
    """Vertical columns (or a line with points) over ordered categories such as years.

    Parameters
    ----------
    labels : sequence of str
        Categories in order (e.g. years).
    values : sequence of float or None
        One per label (None: a gap).
    chart_id : str
        Unique id within the page.
    title, description : str
        The chart's title and its description in words.
    columns : (str, str)
        Header of the data table.
    value_text : callable
        Formats a value for the table.
    axis_text : callable
        Formats the value axis' ticks.
    line : bool
        Draw a line through the points instead of columns.

    Returns
    -------
    Chart
    """
    if len(labels) != len(values):
        raise ValueError(f"column_chart: {len(labels)} labels but {len(values)} values; expected one value per label")
    height, left, right, top, bottom = 260, 70, 10, 12, 40
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    top_value = _nice_max(max(finite, default=0.0))
    plot_w, plot_h = WIDTH_PX - left - right, height - top - bottom
    parts = _open_svg(chart_id, title, description, height)
    parts += _value_axis(top_value, top=top, plot_h=plot_h, left=left, right=right, axis_text=axis_text)
    n = max(len(labels), 1)
    slot = plot_w / n
    every = max(1, math.ceil(n / 12))  # at most about twelve category labels
    points = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * i
        if i % every == 0:
            parts.append(_text(x + slot / 2, height - bottom + 18, label, anchor="middle", size=12))
        if value is None or not math.isfinite(float(value)):
            continue
        h = max(float(value), 0.0) / top_value * plot_h
        if line:
            points.append((x + slot / 2, top + plot_h - h))
        else:
            w = max(slot * 0.7, 1.0)
            parts.append(
                f'<rect x="{x + (slot - w) / 2:.1f}" y="{top + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" '
                f'fill="{DEFAULT_COLOR}"/>'
            )
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{DEFAULT_COLOR}" stroke-width="2.5"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{DEFAULT_COLOR}"/>' for x, y in points]
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH_PX - right}" y2="{base}" stroke="{TEXT_COLOR}"/>')
    parts.append("</svg>")
    rows = tuple((label, value_text(v)) for label, v in zip(labels, values, strict=True))
    return Chart(chart_id, title, description, Markup("".join(parts)), columns, rows)


def stacked_column_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    chart_id: str,
    title: str,
    description: str,
    category: str,
    value_text: Callable[[float | None], str],
    axis_text: Callable[[float], str],
    extra: Sequence[tuple[str, Sequence[str]]] = (),
) -> Chart:
    """Vertical columns over ordered categories (such as years), each stacked from several parts, with a legend.

    Parameters
    ----------
    labels : sequence of str
        Categories in order (e.g. years).
    series : sequence of (str, str, sequence of float or None)
        Each part: its name (already translated), its colour and one value per label (None: nothing).
        Drawn bottom up in this order; the legend lists them in the same order.
    chart_id : str
        Unique id within the page.
    title, description : str
        The chart's title and its description in words.
    category : str
        Header of the table's first column (e.g. "Year"); the other headers are the parts' names.
    value_text : callable
        Formats a value for the table.
    axis_text : callable
        Formats the value axis' ticks.
    extra : sequence of (str, sequence of str)
        Columns of the table that are not drawn: header and one formatted text per label.

    Returns
    -------
    Chart
    """
    for name, values in [*((n, v) for n, _, v in series), *extra]:
        if len(values) != len(labels):
            raise ValueError(
                f"stacked_column_chart: {len(labels)} labels but {len(values)} values of {name!r}; "
                "expected one value per label"
            )
    legend_rows = math.ceil(len(series) / 3)
    height, left, right, top, bottom = 260 + 22 * legend_rows, 70, 10, 12, 40 + 22 * legend_rows
    totals = [
        sum(max(float(v), 0.0) for _, _, values in series if (v := values[i]) is not None and math.isfinite(float(v)))
        for i in range(len(labels))
    ]
    top_value = _nice_max(max(totals, default=0.0))
    plot_w, plot_h = WIDTH_PX - left - right, height - top - bottom
    parts = _open_svg(chart_id, title, description, height)
    parts += _value_axis(top_value, top=top, plot_h=plot_h, left=left, right=right, axis_text=axis_text)
    n = max(len(labels), 1)
    slot = plot_w / n
    width = max(min(slot * 0.7, 80.0), 1.0)
    every = max(1, math.ceil(n / 12))  # at most about twelve category labels
    base = top + plot_h
    for i, label in enumerate(labels):
        x = left + slot * i
        if i % every == 0:  # kept inside the chart (about 6.5 px per character at 12 px)
            half = len(label) * 3.25
            cx = min(max(x + slot / 2, left + half), WIDTH_PX - right - half)
            parts.append(_text(cx, base + 18, label, anchor="middle", size=12))
        y = float(base)
        for _, color, values in series:
            value = values[i]
            if value is None or not math.isfinite(float(value)) or float(value) <= 0:
                continue
            h = float(value) / top_value * plot_h
            y -= h
            parts.append(
                f'<rect x="{x + (slot - width) / 2:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{escape(color)}" stroke="#ffffff" stroke-width="0.5"/>'
            )
    parts.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH_PX - right}" y2="{base}" stroke="{TEXT_COLOR}"/>')
    for j, (name, color, _) in enumerate(series):  # legend below the axis, three to a row
        lx = left + (j % 3) * (plot_w / 3)
        ly = base + 34 + 22 * (j // 3)
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 11:.1f}" width="14" height="14" fill="{escape(color)}"/>')
        parts.append(_text(lx + 20, ly, name, size=12))
    parts.append("</svg>")
    columns = (category, *(name for name, _, _ in series), *(name for name, _ in extra))
    rows = tuple(
        (label, *(value_text(values[i]) for _, _, values in series), *(texts[i] for _, texts in extra))
        for i, label in enumerate(labels)
    )
    return Chart(chart_id, title, description, Markup("".join(parts)), columns, rows)
