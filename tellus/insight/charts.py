"""Accessible SVG charts drawn on the server: no JavaScript and no dependency.

Every chart is an <svg role="img"> named by its <title> and described by its <desc>, with text labels on the
marks, and series told apart by pattern and shape as well as colour. Every colour used for marks and lines has
at least 3:1 contrast with the white background (WCAG 1.4.11); text is near-black. The page puts the data table
beside each chart, so nothing is only in the picture."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .analytics import XmR

TEXT = "#0b0c0c"  # 19.4:1 on white
GRID = "#b1b4b6"  # gridlines only: decoration, not information
BLUE = "#1d70b8"  # 5.2:1
RED = "#d4351c"  # 4.5:1
GREEN = "#00703c"  # 5.9:1
GREY = "#505a5f"  # 7.0:1
WIDTH = 780
FONT = 'font-family="Arial,sans-serif" font-size="13"'  # presentation attributes: the CSP allows no style=""

Format = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    """One kind of mark: its name in the legend, its colour, and a pattern so it does not rely on colour."""

    label: str
    colour: str
    pattern: str = "solid"  # solid, hatch or dots


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[float, ...]  # one per series, stacked
    note: str = ""  # printed after the bar


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _defs(uid: str, series: Sequence[Series]) -> str:
    parts = []
    for i, s in enumerate(series):
        if s.pattern == "hatch":
            parts.append(
                f'<pattern id="{uid}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
                f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{s.colour}"/>'
                f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>'
            )
        elif s.pattern == "dots":
            parts.append(
                f'<pattern id="{uid}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
                f'<rect width="6" height="6" fill="{s.colour}"/><circle cx="3" cy="3" r="1.3" fill="#fff"/></pattern>'
            )
    return f"<defs>{''.join(parts)}</defs>" if parts else ""


def _fill(uid: str, series: Sequence[Series], i: int) -> str:
    return series[i].colour if series[i].pattern == "solid" else f"url(#{uid}-p{i})"


def _open(uid: str, title: str, description: str, height: float) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" aria-labelledby="{uid}-title {uid}-desc" {FONT}>'
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>'
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{TEXT}"{extra}>{escape(text)}</text>'


def _legend(uid: str, series: Sequence[Series], x: float, y: float) -> str:
    parts = []
    for i, s in enumerate(series):
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="14" height="14" fill="{_fill(uid, series, i)}" '
            f'stroke="{TEXT}" stroke-width="0.5"/>'
        )
        parts.append(_text(x + 20, y, s.label))
        x += 34 + 7.2 * len(s.label)
    return "".join(parts)


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top`."""
    if top <= 0 or not math.isfinite(top):
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(math.ceil(top / step - 1e-9) + 1)]


def nice_range(low: float, high: float, count: int = 5) -> list[float]:
    """Round ticks covering low..high; from zero unless the values sit far from it, so a chart of shares around
    45% is not squashed into its top tenth."""
    if low <= 0 or low < 0.4 * high or high - low < 1e-9 * high:
        return nice_ticks(high, count)
    ticks = nice_ticks(high - low, count)
    step = ticks[1] - ticks[0]
    start = math.floor(low / step) * step
    return [start + step * i for i in range(math.ceil((high - start) / step - 1e-9) + 1)]


def _spread(positions: list[float], gap: float = 13.0) -> list[float]:
    """Label positions moved apart so no two are closer than `gap`, keeping their order."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = list(positions)
    for before, after in itertools.pairwise(order):
        placed[after] = max(placed[after], placed[before] + gap)
    return placed


def bar_chart(
    *, uid: str, title: str, description: str, bars: Sequence[Bar], series: Sequence[Series], fmt: Format = _fmt
) -> SafeString:
    """Horizontal bars, one per row, each stacked from the series; the note (usually the total and a share) is
    printed at the end of the bar."""
    label_w, note_w, row_h, top = 250, 170, 26, 40
    plot_w = WIDTH - label_w - note_w - 10
    height = top + row_h * len(bars) + 30
    longest = max((sum(b.values) for b in bars), default=0.0)
    ticks = nice_ticks(longest)
    scale = plot_w / ticks[-1]
    out = [_open(uid, title, description, height), _defs(uid, series)]
    if len(series) > 1:
        out.append(_legend(uid, series, label_w, 18))
    for tick in ticks:
        x = label_w + tick * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 26}" stroke="{GRID}"/>')
        out.append(_text(x, height - 10, fmt(tick), "middle"))
    for row, bar in enumerate(bars):
        y = top + row * row_h
        out.append(_text(label_w - 8, y + 15, _clip(bar.label, 34), "end"))
        x = float(label_w)
        for i, value in enumerate(bar.values):
            w = value * scale
            if w > 0:
                out.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w - 1, 0.8):.1f}" height="{row_h - 8}" '
                    f'fill="{_fill(uid, series, i)}"/>'
                )
            x += w
        out.append(_text(x + 6, y + 15, bar.note))
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def column_chart(
    *,
    uid: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[Sequence[float]],
    series: Sequence[Series],
    fmt: Format = _fmt,
    label_every: int = 1,
) -> SafeString:
    """Vertical columns, stacked from the series; `values[i]` are column i's values per series. Category labels
    are printed under every `label_every`th column."""
    left, right, top, plot_h = 64, 16, 40, 240
    height = top + plot_h + 50
    plot_w = WIDTH - left - right
    totals = [sum(v) for v in values]
    ticks = nice_ticks(max(totals, default=0.0))
    scale = plot_h / ticks[-1]
    step = plot_w / max(len(labels), 1)
    out = [_open(uid, title, description, height), _defs(uid, series)]
    if len(series) > 1:
        out.append(_legend(uid, series, left, 18))
    base = top + plot_h
    for tick in ticks:
        y = base - tick * scale
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 6, y + 4, fmt(tick), "end"))
    for i, (label, column) in enumerate(zip(labels, values, strict=True)):
        x = left + i * step
        y = float(base)
        for j, value in enumerate(column):
            h = value * scale
            if h > 0:
                out.append(
                    f'<rect x="{x + step * 0.1:.1f}" y="{y - h:.1f}" width="{step * 0.8:.1f}" height="{h:.1f}" '
                    f'fill="{_fill(uid, series, j)}"/>'
                )
            y -= h
        if len(labels) <= 12:
            out.append(_text(x + step / 2, y - 5, fmt(totals[i]), "middle"))
        if i % label_every == 0:
            out.append(_text(x + step / 2, base + 18, label, "middle"))
    out.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{TEXT}"/>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "\N{HORIZONTAL ELLIPSIS}"


def _marker(x: float, y: float, beyond: bool, in_run: bool, partial: bool = False) -> str:
    """A signal is told by shape, not colour alone: a diamond beyond the limits, a square in a run of eight, a
    hollow circle for a part period (never a signal)."""
    if partial:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#fff" stroke="{TEXT}" stroke-width="1.5"/>'
    if beyond:
        return (
            f'<path d="M{x:.1f} {y - 7:.1f}L{x + 7:.1f} {y:.1f}L{x:.1f} {y + 7:.1f}L{x - 7:.1f} {y:.1f}Z" '
            f'fill="{RED}" stroke="{TEXT}"/>'
        )
    if in_run:
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{BLUE}" stroke="{TEXT}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{TEXT}"/>'


def _panel(
    *,
    values: Sequence[float | None],
    lines: Sequence[tuple[float, str, bool]],
    top: float,
    plot_h: float,
    fmt: Format,
    markers: Sequence[tuple[bool, bool, bool]] | None,
    labels: Sequence[str],
    label_every: int,
) -> list[str]:
    left, right = 64, 150
    plot_w = WIDTH - left - right
    known = [v for v in values if v is not None]
    every_value = [*known, *(value for value, _, _ in lines)]
    ticks = nice_range(min(every_value, default=0.0), max([*every_value, 0.0]))
    scale = plot_h / (ticks[-1] - ticks[0])
    base = top + plot_h + ticks[0] * scale  # where zero would be
    step = plot_w / max(len(values) - 1, 1)
    out = []
    for tick in ticks:
        y = base - tick * scale
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        out.append(_text(left - 6, y + 4, fmt(tick), "end"))
    label_ys = _spread([base - value * scale + 4 for value, _, _ in lines])
    for (value, name, dashed), label_y in zip(lines, label_ys, strict=True):
        y = base - value * scale
        dash = ' stroke-dasharray="8 4"' if dashed else ""
        colour = RED if dashed else TEXT
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
        )
        out.append(_text(left + plot_w + 6, label_y, f"{name} {fmt(value)}"))
    # A value of None (a moving range that is not computed) is left out and breaks the line.
    points = [(left + i * step, None if v is None else base - v * scale) for i, v in enumerate(values)]
    path, pen_down = [], False
    for x, maybe_y in points:
        if maybe_y is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{x:.1f} {maybe_y:.1f}")
        pen_down = True
    if path:
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="{GREY}" stroke-width="1.5"/>')
    for i, (x, maybe_y) in enumerate(points):
        if maybe_y is None:
            continue
        beyond, in_run, partial = markers[i] if markers else (False, False, False)
        out.append(_marker(x, maybe_y, beyond, in_run, partial))
    for i, label in enumerate(labels):
        if i % label_every == 0:
            out.append(_text(left + i * step, top + plot_h + 18, label, "middle"))
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{TEXT}"/>')
    return out


def xmr_chart(
    *, uid: str, title: str, description: str, labels: Sequence[str], result: XmR, fmt: Format = _fmt
) -> SafeString:
    """The individuals chart (values, centre line, natural process limits, signals marked) above its moving range
    chart (moving ranges, their mean and upper range limit)."""
    x_top, x_h, gap, mr_h = 50, 240, 70, 120
    height = x_top + x_h + gap + mr_h + 40
    points = result.points
    every = max(1, math.ceil(len(labels) / 10))
    out = [_open(uid, title, description, height)]
    out.append(_text(64, 18, _("Individual values (X)"), extra=' font-weight="bold"'))
    out.append(_marker(300, 14, False, False) + _text(310, 18, _("point")))
    out.append(_marker(370, 14, True, False) + _text(382, 18, _("beyond a limit")))
    out.append(_marker(500, 14, False, True) + _text(512, 18, _("in a run of 8 on one side")))
    if points["partial"].any():
        out.append(_marker(300, 33, False, False, True) + _text(310, 37, _("part period: not judged")))
    lines = [
        (result.upper_limit, _("Upper limit"), True),
        (result.centre, _("Centre"), False),
        (result.lower_limit, _("Lower limit"), True),
    ]
    markers = list(zip(points["beyond_limits"], points["in_run"], points["partial"], strict=True))
    out += _panel(
        values=list(points["x"]),
        lines=lines,
        top=x_top,
        plot_h=x_h,
        fmt=fmt,
        markers=markers,
        labels=labels,
        label_every=every,
    )
    mr_top = x_top + x_h + gap
    out.append(_text(64, mr_top - 18, _("Moving ranges (mR)"), extra=' font-weight="bold"'))
    ranges = [None if math.isnan(v) else float(v) for v in points["moving_range"]]
    mr_lines = [(result.upper_range_limit, _("Upper limit"), True), (result.mean_moving_range, _("Mean"), False)]
    out += _panel(
        values=ranges[1:],
        lines=mr_lines,
        top=mr_top,
        plot_h=mr_h,
        fmt=fmt,
        markers=None,
        labels=labels[1:],
        label_every=every,
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
