"""Line charts as server-rendered SVG (no JavaScript needed to see them).

Owns :func:`line_chart`: series of (ISO instant or date, Decimal) points drawn on a time
axis, with labelled axes, a legend and a ``<title>`` per point carrying the exact value
as the tables format it. Coordinates are Decimal rounded to 0.1 px; every label is
escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from .views import Point

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, BOTTOM = 110, 20, 30
LEGEND_ROW, LEGEND_PER_ROW = 18, 3
PALETTE = ("#1b6ca8", "#c0392b", "#27864a", "#8e44ad", "#d68910", "#566573", "#117a65")
_TENTH = Decimal("0.1")


def _moment(text: str) -> Decimal:
    """Seconds since the epoch of an ISO instant or date (exact)."""
    if len(text) == 10:
        moment = datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    else:
        moment = datetime.fromisoformat(text)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return Decimal(delta.days * 86_400 + delta.seconds) + Decimal(delta.microseconds) / 10**6


def _px(value: Decimal) -> str:
    return str(value.quantize(_TENTH, rounding=ROUND_HALF_UP))


def _axis_label(text: str, span_seconds: Decimal) -> str:
    """A date, or a date and time (UTC) when the chart spans less than two days."""
    if len(text) == 10 or span_seconds >= 2 * 86_400:
        return text[:10]
    return datetime.fromisoformat(text).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def line_chart(
    title: str,
    series: Mapping[str, Sequence[Point]],
    label: Callable[[Decimal], str],
    *,
    empty: str,
    from_zero: bool = True,
) -> str:
    """An SVG document: one polyline per series, the legend above the plot; ``label``
    formats y values (axis ticks and point titles); ``empty`` is said when there is
    nothing to draw; ``from_zero``: the y axis starts at 0 (amounts) rather than just
    below the lowest value (yields)."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
    )
    points = [p for ps in series.values() for p in ps]
    if not points:
        return (
            head + f'<text x="{WIDTH // 2}" y="{HEIGHT // 2}" text-anchor="middle" '
            f'fill="#555">{escape(empty)}</text></svg>'
        )
    xs = [_moment(p.at) for p in points]
    x_min, x_max = min(xs), max(xs)
    span = x_max - x_min
    low, high = min(p.value for p in points), max(p.value for p in points)
    if from_zero:
        y_min, y_max = min(Decimal(0), low), high
    else:  # a tenth of the range (or of the value) of room below and above
        room = (high - low) / 10 or abs(high) / 10 or Decimal(1)
        y_min, y_max = low - room, high + room
    if x_max == x_min:
        x_min, x_max = x_min - 1, x_max + 1
    if y_max == y_min:
        y_max = y_min + 1
    rows = (len(series) + LEGEND_PER_ROW - 1) // LEGEND_PER_ROW
    top = 12 + LEGEND_ROW * rows
    plot_w, plot_h = Decimal(WIDTH - LEFT - RIGHT), Decimal(HEIGHT - top - BOTTOM)

    def x_of(at: str) -> Decimal:
        return LEFT + (_moment(at) - x_min) / (x_max - x_min) * plot_w

    def y_of(value: Decimal) -> Decimal:
        return top + plot_h - (value - y_min) / (y_max - y_min) * plot_h

    parts = [head]
    for i in range(5):
        value = y_min + (y_max - y_min) * i / 4
        y = _px(y_of(value))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#ddd"/>'
            f'<text x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle" '
            f'fill="#333">{escape(label(value))}</text>'
        )
    first = min(points, key=lambda p: _moment(p.at)).at
    last = max(points, key=lambda p: _moment(p.at)).at
    for text, anchor, x in (
        (_axis_label(first, span), "start", LEFT),
        (_axis_label(last, span), "end", WIDTH - RIGHT),
    ):
        parts.append(
            f'<text x="{x}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" '
            f'fill="#333">{escape(text)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{top + plot_h}" y2="{top + plot_h}" '
        'stroke="#333"/>'
    )
    for index, (name, ps) in enumerate(sorted(series.items())):
        colour = PALETTE[index % len(PALETTE)]
        ordered = sorted(ps, key=lambda p: _moment(p.at))
        coords = " ".join(f"{_px(x_of(p.at))},{_px(y_of(p.value))}" for p in ordered)
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'
        )
        for p in ordered:
            parts.append(
                f'<circle cx="{_px(x_of(p.at))}" cy="{_px(y_of(p.value))}" r="3" '
                f'fill="{colour}"><title>{escape(name)} {escape(p.at[:10])}: '
                f"{escape(label(p.value))}</title></circle>"
            )
        legend_x = 10 + (WIDTH - 20) // LEGEND_PER_ROW * (index % LEGEND_PER_ROW)
        legend_y = 4 + LEGEND_ROW * (index // LEGEND_PER_ROW)
        parts.append(
            f'<rect x="{legend_x}" y="{legend_y + 2}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{legend_x + 14}" y="{legend_y + 11}" fill="#222">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
