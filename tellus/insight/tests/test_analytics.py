"""The analytics functions on small frames whose answers were worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from tellus.insight import analytics


def test_xmr_limits_match_a_hand_computed_example():
    # X = 5, 7, 6, 9, 8: mean 7. mR = 2, 1, 3, 1: mean 1.75. Limits 7 +/- 2.66 x 1.75 = 2.345 and 11.655;
    # upper range limit 3.268 x 1.75 = 5.719.
    result = analytics.xmr(pd.Series([5, 7, 6, 9, 8]))
    assert result is not None
    assert result.centre == pytest.approx(7.0)
    assert result.mean_moving_range == pytest.approx(1.75)
    assert result.lower_limit == pytest.approx(2.345)
    assert result.upper_limit == pytest.approx(11.655)
    assert result.upper_range_limit == pytest.approx(5.719)
    assert math.isnan(result.points["moving_range"].iloc[0])
    assert list(result.points["moving_range"].iloc[1:]) == [2, 1, 3, 1]
    assert result.signals == 0


def test_xmr_lower_limit_is_floored_where_the_measure_cannot_be_negative():
    # X = 1, 5, 1, 5: mean 3, mean mR 4, so the lower limit would be 3 - 10.64 = -7.64.
    unfloored = analytics.xmr(pd.Series([1, 5, 1, 5]))
    floored = analytics.xmr(pd.Series([1, 5, 1, 5]), lower_bound=0.0)
    assert unfloored is not None and floored is not None
    assert unfloored.lower_limit == pytest.approx(-7.64)
    assert floored.lower_limit == 0.0
    assert floored.upper_limit == pytest.approx(13.64)


def test_xmr_upper_limit_is_capped_where_the_measure_cannot_pass_it():
    result = analytics.xmr(pd.Series([60.0, 95.0, 60.0, 95.0]), upper_bound=100.0)
    assert result is not None
    assert result.upper_limit == 100.0


def test_xmr_needs_two_points_for_a_moving_range():
    assert analytics.xmr(pd.Series([4.0])) is None
    assert analytics.xmr(pd.Series([4.0, float("nan")])) is None


def test_a_point_beyond_the_limits_is_marked_and_the_others_are_not():
    # Mean 12.1; mR sum 49 over 9 ranges, 5.444; upper limit 12.1 + 14.48 = 26.58, so only the 30 is beyond.
    values = pd.Series([10, 11, 9, 10, 11, 9, 10, 30, 10, 11])
    result = analytics.xmr(values)
    assert result is not None
    assert result.upper_limit == pytest.approx(12.1 + 2.66 * 49 / 9)
    assert list(result.points["beyond_limits"]) == [False] * 7 + [True] + [False] * 2
    assert not result.points["in_run"].any(), "seven points below the centre line are not a run of eight"


def test_a_run_of_eight_on_one_side_of_the_centre_line_is_marked():
    # Eight points below the mean of 3.5 and then eight above; none beyond the limits (3.5 +/- 2.66 x 17/15).
    values = pd.Series([1, 2, 1, 2, 1, 2, 1, 2, 5, 6, 5, 6, 5, 6, 5, 6])
    result = analytics.xmr(values)
    assert result is not None
    assert result.upper_limit == pytest.approx(3.5 + 2.66 * 17 / 15)
    assert result.points["in_run"].all()
    assert not result.points["beyond_limits"].any()


def test_a_series_without_signals_marks_nothing():
    result = analytics.xmr(pd.Series([4, 6] * 6))
    assert result is not None
    assert result.signals == 0
    assert not result.points["beyond_limits"].any()
    assert not result.points["in_run"].any()


def test_only_the_points_in_a_run_of_eight_are_marked_and_a_point_on_the_centre_line_ends_a_run():
    above_seven, centre, above_eight = [11] * 7, [10], [12] * 8
    values = pd.Series([9, *above_seven, *centre, *above_eight, 8])
    marked = analytics.runs_on_one_side(values, centre=10.0)
    assert list(marked) == [False] * 9 + [True] * 8 + [False]


def _cube(rows: list[tuple[str, int, str, int, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=analytics.CUBE_COLUMNS)


def test_weekly_failure_share_is_failure_over_all_contacts_and_a_week_without_contacts_has_no_share():
    cube = _cube(
        [
            ("2025-03-03", 1, "phone", 3, 0, 3, 1),
            ("2025-03-03", 2, "email", 1, 1, 0, 0),
            ("2025-03-17", 1, "phone", 2, 2, 1, 0),
            ("2025-03-17", 1, "web", 2, 0, 2, 2),
        ]
    )
    weekly = analytics.weekly_failure_share(cube)
    assert [d.date().isoformat() for d in weekly["week"]] == ["2025-03-03", "2025-03-10", "2025-03-17"]
    assert list(weekly["total"]) == [4, 0, 4]
    assert weekly["failure_share"].iloc[0] == pytest.approx(0.25)
    assert math.isnan(weekly["failure_share"].iloc[1])
    assert weekly["failure_share"].iloc[2] == pytest.approx(0.5)


def test_demand_by_service_counts_value_and_failure_busiest_first():
    cube = _cube(
        [
            ("2025-03-03", 1, "phone", 3, 0, 3, 1),
            ("2025-03-03", 2, "email", 5, 5, 2, 0),
            ("2025-03-10", 2, "phone", 1, 0, 1, 1),
        ]
    )
    by = analytics.demand_by(cube, "service_id")
    assert list(by["service_id"]) == [2, 1]
    assert list(by["value"]) == [1, 3]
    assert list(by["failure"]) == [5, 0]
    assert list(by["failure_share"]) == pytest.approx([5 / 6, 0.0])


def test_repeat_contact_rate_is_the_share_of_contacts_that_were_not_the_first_about_their_need():
    assert analytics.repeat_contact_rate(contacts=5, first_contacts=3) == pytest.approx(0.4)
    assert analytics.repeat_contact_rate(contacts=0, first_contacts=0) is None


def test_first_point_resolution_is_the_share_of_needs_dealt_with_at_their_first_contact():
    assert analytics.first_point_resolution(first_contacts=3, resolved_first=1) == pytest.approx(1 / 3)
    assert analytics.first_point_resolution(first_contacts=0, resolved_first=0) is None


def test_weighted_percentile_takes_the_nearest_rank():
    values, counts = pd.Series([0, 10, 20, 30]), pd.Series([5, 3, 1, 1])
    assert analytics.weighted_percentile(values, counts, 0.5) == 0  # rank 5 of 10
    assert analytics.weighted_percentile(values, counts, 0.51) == 10  # rank 6
    assert analytics.weighted_percentile(values, counts, 0.85) == 20  # rank 9
    assert analytics.weighted_percentile(values, counts, 1.0) == 30


def test_end_to_end_bands_place_each_need_once():
    bins = pd.DataFrame({"seconds": [0, 1800, 7200, 3 * 86400, 200 * 86400], "needs": [4, 1, 2, 3, 1]})
    bands = analytics.end_to_end_bands(bins).set_index("band")["needs"]
    assert bands["at_once"] == 4
    assert bands["under_1h"] == 1
    assert bands["1h_1d"] == 2
    assert bands["2d_1w"] == 3
    assert bands["13w_plus"] == 1
    assert bands.sum() == 11


def test_failure_causes_are_ranked_with_their_share_of_failure_demand():
    frame = pd.DataFrame(
        {"failure_cause": ["not_done", "progress_chasing", "not_done"], "service_id": [1, 1, 2], "contacts": [2, 5, 3]}
    )
    causes = analytics.failure_causes(frame)
    assert list(causes["failure_cause"]) == ["not_done", "progress_chasing"]
    assert list(causes["share"]) == pytest.approx([0.5, 0.5])


def test_days_covered_counts_the_days_of_each_monday_week_inside_the_range():
    weeks = ["2025-03-03", "2025-03-10", "2025-03-17"]
    assert analytics.days_covered(weeks, first=dt.date(2025, 3, 5), last=dt.date(2025, 3, 18)) == [5, 7, 2]
    assert analytics.days_covered(weeks, first=None, last=None) == [7, 7, 7]
    _, partial = analytics.part_weeks(weeks, first=None, last=None, today=dt.date(2025, 3, 19))
    assert partial == [False, False, True], "the week holding today is still running"


def test_a_part_week_takes_no_part_in_the_limits_and_is_never_a_signal():
    # Whole weeks 5, 7, 6, 9, 8 (mean 7, limits 2.345 to 11.655 as in the hand example); a first part week of 1
    # and a last of 30 would pull the limits and be beyond them if they counted.
    values = pd.Series([1, 5, 7, 6, 9, 8, 30])
    result = analytics.xmr(values, partial=[True, False, False, False, False, False, True])
    assert result is not None
    assert result.centre == pytest.approx(7.0)
    assert result.lower_limit == pytest.approx(2.345)
    assert result.upper_limit == pytest.approx(11.655)
    assert not result.points["beyond_limits"].any()
    assert list(result.points["partial"]) == [True, False, False, False, False, False, True]
    assert math.isnan(result.points["moving_range"].iloc[0]) and math.isnan(result.points["moving_range"].iloc[-1])
    unmarked = analytics.xmr(values)
    assert unmarked is not None and unmarked.points["beyond_limits"].iloc[-1], "unmarked, the 30 is a signal"


def test_xmr_needs_two_whole_periods():
    assert analytics.xmr(pd.Series([4.0, 5.0, 6.0]), partial=[True, False, True]) is None


def test_the_weekly_cohort_median_counts_needs_still_open_as_longer_than_any_met():
    now = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    bins = pd.DataFrame(
        [
            ("2025-03-03", 0, 1), ("2025-03-03", 50, 1), ("2025-03-03", None, 1),  # median 50 h (rank 2 of 3)
            ("2025-03-10", 5, 1), ("2025-03-10", None, 2),  # one met of three: no median yet
            ("2025-03-24", 1, 1), ("2025-03-24", 200, 1),  # median 1 h; the week ended a day ago: settled
        ],
        columns=["week", "hours", "needs"],
    )  # fmt: skip
    weekly = analytics.weekly_cohort_median(bins, now=now)
    assert list(weekly["needs"]) == [3, 3, 2]
    assert weekly["median_hours"].iloc[0] == 50 and math.isnan(weekly["median_hours"].iloc[1])
    assert weekly["median_hours"].iloc[2] == 1
    assert list(weekly["settled"]) == [True, False, True]
    later = analytics.weekly_cohort_median(bins.assign(hours=bins["hours"].where(bins["week"] != "2025-03-24", 40)),
                                           now=now)  # fmt: skip
    assert not later["settled"].iloc[2], "a 40-hour median of a week that ended 24 hours ago could still move"
