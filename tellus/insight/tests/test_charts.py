"""The SVG charts: accessible names, escaped text, and no failure on flat or empty data."""

from __future__ import annotations

import pandas as pd

from tellus.insight import analytics, charts


def test_an_xmr_chart_of_a_flat_series_draws_and_names_itself():
    result = analytics.xmr(pd.Series([1.0, 1.0, 1.0]), lower_bound=0.0)
    assert result is not None
    svg = charts.xmr_chart(uid="flat", title="Flat <series>", description="All ones.", labels=["a", "b", "c"],
                           result=result)  # fmt: skip
    assert 'role="img"' in svg and 'aria-labelledby="flat-title flat-desc"' in svg
    assert '<title id="flat-title">Flat &lt;series&gt;</title>' in svg


def test_signals_are_drawn_as_their_own_shapes():
    result = analytics.xmr(pd.Series([10, 11, 9, 10, 11, 9, 10, 30, 10, 11]))
    assert result is not None
    svg = charts.xmr_chart(uid="x", title="t", description="d", labels=[str(i) for i in range(10)], result=result)
    diamonds = svg.count(f'fill="{charts.RED}" stroke="{charts.TEXT}"/>')
    assert diamonds == 2  # the point beyond the limit, and the legend's example


def test_nice_ranges_start_near_the_data_only_when_it_is_far_from_zero():
    assert charts.nice_range(0.0, 9.0)[0] == 0
    assert charts.nice_range(41.0, 48.0)[0] == 40
    assert charts.nice_range(41.0, 48.0)[-1] >= 48.0
    assert len(charts.nice_range(5.0, 5.0)) >= 2


def test_a_part_period_is_drawn_hollow_and_named_in_the_legend():
    result = analytics.xmr(pd.Series([1.0, 5.0, 7.0, 6.0, 9.0, 8.0, 30.0]), partial=[True] + [False] * 5 + [True])
    assert result is not None
    svg = charts.xmr_chart(uid="p", title="t", description="d", labels=[str(i) for i in range(7)], result=result)
    hollow = 'r="4.5" fill="#fff"'
    assert svg.count(hollow) == 3  # the two part weeks and the legend's example
    assert "part period: not judged" in svg
    assert svg.count(f'fill="{charts.RED}" stroke="{charts.TEXT}"/>') == 1  # the legend only: no point is beyond
