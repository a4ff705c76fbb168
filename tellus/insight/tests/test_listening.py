"""The listening analytics: Wilson intervals, suppression of small groups (and the secondary suppression that stops a
total giving one away), driver scores and response rates."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tellus.insight import listening


def test_the_wilson_interval_matches_the_textbook_figure_and_stays_within_0_and_1():
    low, high = listening.wilson_interval(pd.Series([81, 0, 10]), pd.Series([263, 10, 10]))

    # Wilson's interval for 81 of 263 (Newcombe 1998, table I): 0.2553 to 0.3662.
    assert low[0] == pytest.approx(0.2553, abs=1e-4) and high[0] == pytest.approx(0.3662, abs=1e-4)
    assert low[1] == pytest.approx(0, abs=1e-12) and 0 < high[1] < 0.35
    assert high[2] == pytest.approx(1, abs=1e-12) and 0.65 < low[2] < 1


def test_an_empty_group_has_no_interval():
    low, high = listening.wilson_interval(pd.Series([0]), pd.Series([0]))
    assert math.isnan(low[0]) and math.isnan(high[0])


def test_a_group_under_ten_is_suppressed_and_so_is_the_next_smallest_when_it_is_alone():
    hidden = listening.suppress(pd.Series([120, 4, 30, 55], index=list("abcd")))

    assert hidden.to_dict() == {"a": False, "b": True, "c": True, "d": False}


def test_two_small_groups_protect_each_other_so_no_more_are_hidden():
    hidden = listening.suppress(pd.Series([120, 4, 6, 55]))

    assert hidden.tolist() == [False, True, True, False]


def test_nothing_is_hidden_when_every_group_is_large_enough():
    assert not listening.suppress(pd.Series([10, 11, 500])).any()


def _scores(rows):
    frame = pd.DataFrame(rows, columns=["group", "responses", "satisfaction_n", "satisfaction_agree"])
    return listening.driver_scores(frame, "group", ("satisfaction",))


def test_a_driver_score_is_the_share_agreeing_with_its_interval_and_small_groups_show_none():
    table = _scores([("a", 200, 190, 150), ("b", 3, 3, 3), ("c", 40, 40, 10)]).set_index("group")

    assert table.loc["a", "satisfaction_score"] == pytest.approx(78.9, abs=0.05)
    assert table.loc["a", "satisfaction_low"] < 78.9 < table.loc["a", "satisfaction_high"]
    assert table.loc["b", "suppressed"] and math.isnan(table.loc["b", "satisfaction_score"])
    assert table.loc["c", "suppressed"]  # secondary: the only other group small enough to give b away
    assert not table.loc["a", "suppressed"]


def test_response_rates_put_the_least_heard_first_and_hide_small_groups():
    frame = pd.DataFrame(
        [("email", 1000, 600, 400), ("letter", 900, 200, 90), ("none", 5, 1, 1), ("sms", 300, 100, 60)],
        columns=["group", "offered", "opened", "responded"],
    )

    table = listening.response_rates(frame)

    assert table["group"].tolist()[:2] == ["letter", "email"]
    assert table.set_index("group").loc["letter", "rate"] == pytest.approx(10.0)
    hidden = table[table["suppressed"]]  # "none" is under ten; sms, the smallest shown, would give it away
    assert set(hidden["group"]) == {"none", "sms"} and hidden["responded"].isna().all()


def test_theme_weeks_fill_silent_weeks_with_zero():
    frame = pd.DataFrame(
        [(1, "2026-01-05", 3), (1, "2026-01-19", 2), (2, "2026-01-12", 4)], columns=["theme_id", "week", "texts"]
    )

    weeks = listening.theme_weeks(frame)

    assert weeks[weeks["theme_id"] == 1]["texts"].tolist() == [3, 0, 2]
    assert weeks[weeks["theme_id"] == 2]["texts"].tolist() == [0, 4, 0]
