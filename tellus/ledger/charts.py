"""An accessible paired bar chart drawn on the server, with exact decimals all the way (the bar lengths too).

Like insight's charts: an <svg role="img"> named by its <title> and described by its <desc>, series told apart by
pattern as well as colour, marks with at least 3:1 contrast, and the page puts the data table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TEXT = "#0b0c0c"
BLUE = "#1d70b8"  # 5.2:1 on white
GREEN = "#00703c"  # 5.9:1 on white
WIDTH = 780
LABEL_WIDTH = 150
VALUE_WIDTH = 110
BAR = 14
GAP = 12
FONT = 'font-family="Arial,sans-serif" font-size="13"'
TENTH = Decimal("0.1")


def _n(value: Decimal) -> str:
    return str(value.quantize(TENTH))


def paired_bars(
    *,
    uid: str,
    title: str,
    description: str,
    rows: Sequence[tuple[str, Decimal, Decimal]],
    series: tuple[str, str],
    currency: str,
) -> SafeString:
    """One pair of bars for each row: (label, first value, second value); the first solid blue, the second hatched
    green."""
    top = max([max(a, b) for _, a, b in rows] + [Decimal(1)])
    span = Decimal(WIDTH - LABEL_WIDTH - VALUE_WIDTH)
    height = 40 + len(rows) * (2 * BAR + GAP)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" aria-labelledby="{uid}-title {uid}-desc" {FONT}>',
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{GREEN}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>',
        f'<rect x="{LABEL_WIDTH}" y="6" width="14" height="14" fill="{BLUE}"/>'
        f'<text x="{LABEL_WIDTH + 20}" y="18" fill="{TEXT}">{escape(series[0])}</text>'
        f'<rect x="{LABEL_WIDTH + 260}" y="6" width="14" height="14" fill="url(#{uid}-hatch)"/>'
        f'<text x="{LABEL_WIDTH + 280}" y="18" fill="{TEXT}">{escape(series[1])}</text>',
    ]
    y = 34
    for label, first, second in rows:
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR + 4}" text-anchor="end" fill="{TEXT}">{escape(label)}</text>'
        )
        for value, fill in ((first, BLUE), (second, f"url(#{uid}-hatch)")):
            length = span * value / top
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_n(length)}" height="{BAR}" fill="{fill}"/>')
            parts.append(
                f'<text x="{_n(LABEL_WIDTH + length + 6)}" y="{y + BAR - 2}" fill="{TEXT}">'
                f"{escape(currency)}{value:,.2f}</text>"
            )
            y += BAR
        y += GAP
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text part escaped above)
