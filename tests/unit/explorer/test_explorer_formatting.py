"""Numbers as the market quotes them, and the chart's SVG."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sovereign_explorer import formatting
from sovereign_explorer.chart import line_chart
from sovereign_explorer.views import Point


@pytest.mark.parametrize(
    ("minor", "text"),
    [(0, "PKR 0.00"), (5, "PKR 0.05"), (123_456_789, "PKR 1,234,567.89"), (-150, "PKR -1.50")],
)
def test_amounts_in_rupees_and_paisa(minor: int, text: str) -> None:
    assert formatting.pkr(minor) == text


def test_prices_and_yields_to_four_decimals_rounded_once_half_up() -> None:
    assert formatting.price("99.875") == "99.8750"
    assert formatting.price(Decimal("91.52695")) == "91.5270"
    assert formatting.price(None) == "-"
    assert formatting.percent("0.12") == "12.0000%"
    assert formatting.percent("0.0741") == "7.4100%"
    assert formatting.percent("0.1234565") == "12.3457%"
    assert formatting.percent(None) == "-"
    assert formatting.share(1, 3) == "33.33%"
    assert formatting.share(1, 0) == "-"


def test_durations() -> None:
    assert formatting.duration(None) == "-"
    assert formatting.duration(2_350_000) == "2.350 s"
    assert formatting.duration(245_000_000) == "4 min 05 s"
    assert formatting.duration(86_400_000_000) == "24 h 00 min"


def test_a_chart_escapes_labels_and_says_when_it_is_empty() -> None:
    empty = line_chart("t", {}, str, empty="nothing <yet>")
    assert "nothing &lt;yet&gt;" in empty
    assert "<polyline" not in empty
    svg = line_chart(
        "Outstanding",
        {
            "<b>": [
                Point("2021-08-19T05:00:01.500000+00:00", Decimal(100)),
                Point("2021-09-01", Decimal(50)),
            ]
        },
        lambda v: formatting.amount(int(v)),
        empty="-",
    )
    assert svg.startswith("<svg")
    assert svg.endswith("</svg>")
    assert "&lt;b&gt;" in svg
    assert "<b>" not in svg
    assert svg.count("<circle") == 2
