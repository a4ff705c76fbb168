"""Demand analytics as plain functions over DataFrames: no ORM here. `selectors.py` feeds them aggregates computed
in the database; these turn the aggregates into the measures on the demand pages (seed 000: value and failure
demand, end-to-end time, capability charts)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Wheeler's scaling constants for individuals charts: 2.66 = 3 / d2 with d2 = 1.128 for moving ranges of two
# points, and 3.268 = D4 for the upper limit of the moving ranges.
NATURAL_PROCESS_LIMIT_FACTOR = 2.66
UPPER_RANGE_LIMIT_FACTOR = 3.268
RUN_LENGTH = 8

# Contacts per week, service and channel: how many, how many failure demand, how many first contacts about a need,
# and how many of those were resolved there. Value demand is contacts - failure.
CUBE_COLUMNS = ["week", "service_id", "channel", "contacts", "failure", "first_contacts", "resolved_first"]
HOUR, DAY, WEEK = 3600, 86400, 7 * 86400

# End-to-end bands for the distribution chart: (upper bound in seconds, exclusive; None for no bound).
E2E_BANDS: tuple[tuple[int | None, str], ...] = (
    (1, "at_once"),
    (HOUR, "under_1h"),
    (DAY, "1h_1d"),
    (2 * DAY, "1d_2d"),
    (WEEK, "2d_1w"),
    (2 * WEEK, "1w_2w"),
    (4 * WEEK, "2w_4w"),
    (13 * WEEK, "4w_13w"),
    (None, "13w_plus"),
)


def empty_cube() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="int64") for column in CUBE_COLUMNS}).astype(
        {"week": "object", "channel": "object"}
    )


def _share(part: float, whole: float) -> float | None:
    return None if not whole else float(part) / float(whole)


def demand_by(cube: pd.DataFrame, key: str) -> pd.DataFrame:
    """Value and failure demand per value of `key` (service_id, channel or week): columns key, value, failure,
    total and failure_share (0-1), busiest first for services and channels, in date order for weeks."""
    if cube.empty:
        return pd.DataFrame(columns=[key, "value", "failure", "total", "failure_share"])
    table = cube.groupby(key, as_index=False)[["contacts", "failure"]].sum().rename(columns={"contacts": "total"})
    table["value"] = table["total"] - table["failure"]
    table["failure_share"] = table["failure"] / table["total"].where(table["total"] > 0)
    table = table[[key, "value", "failure", "total", "failure_share"]]
    if key == "week":
        return table.sort_values("week", kind="stable").reset_index(drop=True)
    return table.sort_values(["total", key], ascending=[False, True], kind="stable").reset_index(drop=True)


def weekly_failure_share(cube: pd.DataFrame) -> pd.DataFrame:
    """One row per week from the first to the last week with contacts, weeks without contacts included with a
    share of NaN (no demand that week is not a share of zero): week, value, failure, total, failure_share."""
    weekly = demand_by(cube, "week")
    if weekly.empty:
        return weekly
    weeks = pd.to_datetime(weekly["week"])
    every = pd.date_range(weeks.min(), weeks.max(), freq="7D")
    weekly = weekly.assign(week=weeks).set_index("week").reindex(every)
    weekly[["value", "failure", "total"]] = weekly[["value", "failure", "total"]].fillna(0).astype("int64")
    weekly.index.name = "week"
    return weekly.reset_index()


@dataclass(frozen=True)
class DemandTotals:
    contacts: int
    value: int
    failure: int
    first_contacts: int
    resolved_first: int

    @property
    def failure_share(self) -> float | None:
        return _share(self.failure, self.contacts)

    @property
    def repeat_contacts(self) -> int:
        return self.contacts - self.first_contacts

    @property
    def repeat_rate(self) -> float | None:
        return repeat_contact_rate(contacts=self.contacts, first_contacts=self.first_contacts)

    @property
    def first_point_resolution(self) -> float | None:
        return first_point_resolution(first_contacts=self.first_contacts, resolved_first=self.resolved_first)


def repeat_contact_rate(*, contacts: int, first_contacts: int) -> float | None:
    """The share of contacts that were not the first about their need: the person had to get in touch again."""
    return _share(contacts - first_contacts, contacts)


def first_point_resolution(*, first_contacts: int, resolved_first: int) -> float | None:
    """The share of needs dealt with at the first contact about them, without being passed on."""
    return _share(resolved_first, first_contacts)


def demand_totals(cube: pd.DataFrame) -> DemandTotals:
    contacts, failure = int(cube["contacts"].sum()), int(cube["failure"].sum())
    return DemandTotals(
        contacts=contacts,
        value=contacts - failure,
        failure=failure,
        first_contacts=int(cube["first_contacts"].sum()),
        resolved_first=int(cube["resolved_first"].sum()),
    )


def rates_by(cube: pd.DataFrame, key: str) -> pd.DataFrame:
    """Repeat-contact rate and first-point resolution per value of `key`: key, contacts, repeat_contacts,
    repeat_rate, needs_opened, resolved_first, first_point_resolution; busiest first."""
    columns = [key, "contacts", "repeat_contacts", "repeat_rate", "needs_opened", "resolved_first"]
    if cube.empty:
        return pd.DataFrame(columns=[*columns, "first_point_resolution"])
    grouped = cube.groupby(key, as_index=False)[["contacts", "first_contacts", "resolved_first"]].sum()
    grouped = grouped.rename(columns={"first_contacts": "needs_opened"})
    grouped["repeat_contacts"] = grouped["contacts"] - grouped["needs_opened"]
    grouped["repeat_rate"] = grouped["repeat_contacts"] / grouped["contacts"].where(grouped["contacts"] > 0)
    grouped["first_point_resolution"] = grouped["resolved_first"] / grouped["needs_opened"].where(
        grouped["needs_opened"] > 0
    )
    grouped = grouped.sort_values(["contacts", key], ascending=[False, True], kind="stable")
    return grouped[[*columns, "first_point_resolution"]].reset_index(drop=True)


def failure_causes(frame: pd.DataFrame) -> pd.DataFrame:
    """Failure demand by cause from rows of failure_cause and contacts: cause, contacts and share of all failure
    demand (0-1), commonest first."""
    if frame.empty:
        return pd.DataFrame(columns=["failure_cause", "contacts", "share"])
    causes = frame.groupby("failure_cause", as_index=False)["contacts"].sum()
    causes["share"] = causes["contacts"] / causes["contacts"].sum()
    return causes.sort_values(["contacts", "failure_cause"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def weighted_percentile(values: pd.Series | np.ndarray, counts: pd.Series | np.ndarray, fraction: float) -> float:
    """The nearest-rank percentile of values each seen `counts` times: the smallest value with at least
    `fraction` of all observations at or below it."""
    total = int(np.asarray(counts, dtype="int64").sum())
    return value_at_rank(values, counts, max(1, math.ceil(fraction * total))) if total else math.nan


def value_at_rank(values: pd.Series | np.ndarray, counts: pd.Series | np.ndarray, rank: int) -> float:
    """The `rank`th smallest (from 1) of values each seen `counts` times; NaN when there are fewer."""
    order = np.argsort(np.asarray(values, dtype="float64"), kind="stable")
    sorted_values = np.asarray(values, dtype="float64")[order]
    cumulative = np.cumsum(np.asarray(counts, dtype="int64")[order])
    if len(cumulative) == 0 or cumulative[-1] < rank:
        return math.nan
    return float(sorted_values[np.searchsorted(cumulative, rank)])


def end_to_end_by_service(bins: pd.DataFrame, fractions: tuple[float, ...] = (0.5, 0.85, 0.95)) -> pd.DataFrame:
    """Per service, from rows of service_id, seconds and needs: needs met and the end-to-end percentiles in
    seconds (columns p50, p85, p95 for the default fractions), slowest 85th percentile first."""
    names = [f"p{round(f * 100)}" for f in fractions]
    if bins.empty:
        return pd.DataFrame(columns=["service_id", "needs", *names])
    rows = []
    for service_id, group in bins.groupby("service_id", sort=True):
        row: dict[str, float] = {"service_id": service_id, "needs": int(group["needs"].sum())}
        for name, fraction in zip(names, fractions, strict=True):
            row[name] = weighted_percentile(group["seconds"], group["needs"], fraction)
        rows.append(row)
    result = pd.DataFrame(rows)
    sort_key = "p85" if "p85" in names else names[-1]
    return result.sort_values([sort_key, "service_id"], ascending=[False, True], kind="stable").reset_index(drop=True)


def end_to_end_bands(bins: pd.DataFrame) -> pd.DataFrame:
    """How many needs were met within each band of end-to-end time (E2E_BANDS): band, needs, share (0-1)."""
    seconds = bins["seconds"].to_numpy(dtype="float64") if not bins.empty else np.array([])
    needs = bins["needs"].to_numpy(dtype="int64") if not bins.empty else np.array([], dtype="int64")
    rows, lower = [], 0
    for upper, band in E2E_BANDS:
        inside = (seconds >= lower) & (seconds < upper) if upper is not None else seconds >= lower
        rows.append({"band": band, "needs": int(needs[inside].sum())})
        lower = upper or 0
    result = pd.DataFrame(rows)
    total = result["needs"].sum()
    result["share"] = result["needs"] / total if total else np.nan
    return result


def days_covered(weeks: Sequence[object], *, first: dt.date | None, last: dt.date | None) -> list[int]:
    """For each Monday week, how many of its seven days fall from `first` to `last` (either end open when None):
    the days the records (and the filters) cover. A week with fewer than seven is a part week."""
    out = []
    for week in weeks:
        monday = pd.Timestamp(week).date()
        start = monday if first is None else max(monday, first)
        end = monday + dt.timedelta(days=6)
        end = end if last is None else min(end, last)
        out.append(max(0, (end - start).days + 1))
    return out


def part_weeks(
    weeks: Sequence[object], *, first: dt.date | None, last: dt.date | None, today: dt.date
) -> tuple[list[int], list[bool]]:
    """The days each week covers (`days_covered`) and whether it is a part week: fewer than seven days covered, or
    the week still running (it holds `today` or is later)."""
    days = days_covered(weeks, first=first, last=last)
    running = [pd.Timestamp(week).date() + dt.timedelta(days=6) >= today for week in weeks]
    return days, [d < 7 or r for d, r in zip(days, running, strict=True)]


def weekly_cohort_median(bins: pd.DataFrame, *, now: dt.datetime) -> pd.DataFrame:
    """The median end-to-end time of the needs opened each week, from rows of week (Monday of opening), hours
    (whole hours from first contact to met; missing while the need is still open) and needs. A need still open
    has taken longer than any time yet seen, so it counts above every met one: the nearest-rank median is exact as
    soon as half the week's needs are met, and missing before. The median is settled once every need of the week
    is at least that old (`now` less the week's end): a later meeting can no longer move it.

    Columns: week, needs, met, median_hours (NaN until half are met), settled; in week order."""
    columns = ["week", "needs", "met", "median_hours", "settled"]
    if bins.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for week, group in bins.groupby("week", sort=True):
        monday = pd.Timestamp(week)
        total = int(group["needs"].sum())
        met = group.dropna(subset=["hours"])
        met_count = int(met["needs"].sum())
        median = value_at_rank(met["hours"], met["needs"], max(1, math.ceil(total / 2))) if total else math.nan
        youngest_hours = (pd.Timestamp(now).tz_convert(None) - (monday + pd.Timedelta(days=7))).total_seconds() / HOUR
        rows.append(
            {
                "week": monday,
                "needs": total,
                "met": met_count,
                "median_hours": median,
                "settled": bool(not math.isnan(median) and median <= youngest_hours),
            }
        )
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class XmR:
    """An individuals and moving range chart: `points` has columns x, moving_range (NaN for the first whole
    period and for part periods), beyond_limits and in_run (the signals), partial (a part period: drawn and
    listed, but left out of the limits and never a signal), and the computed lines."""

    points: pd.DataFrame
    centre: float
    mean_moving_range: float
    lower_limit: float
    upper_limit: float
    upper_range_limit: float

    @property
    def signals(self) -> int:
        return int((self.points["beyond_limits"] | self.points["in_run"]).sum())


def moving_ranges(values: pd.Series) -> pd.Series:
    """|x_i - x_(i-1)| for each point after the first; NaN for the first."""
    return values.astype("float64").diff().abs()


def points_beyond_limits(values: pd.Series, *, lower: float, upper: float) -> pd.Series:
    """Signal one: a point outside the natural process limits."""
    return (values < lower) | (values > upper)


def runs_on_one_side(values: pd.Series, *, centre: float, length: int = RUN_LENGTH) -> pd.Series:
    """Signal two: every point in a run of `length` or more consecutive points on the same side of the centre
    line. A point on the centre line belongs to neither side and ends a run."""
    side = np.sign(values.to_numpy(dtype="float64") - centre)
    marked = np.zeros(len(side), dtype=bool)
    start = 0
    for i in range(1, len(side) + 1):
        if i == len(side) or side[i] != side[start] or side[i] == 0:
            if side[start] != 0 and i - start >= length:
                marked[start:i] = True
            start = i
    return pd.Series(marked, index=values.index)


def xmr(
    values: pd.Series,
    *,
    partial: Sequence[bool] | pd.Series | None = None,
    lower_bound: float | None = None,
    upper_bound: float | None = None,
) -> XmR | None:
    """Centre line = mean of the values; natural process limits = centre +/- 2.66 x mean moving range, clipped to
    `lower_bound`/`upper_bound` where the measure cannot go beyond them (a time cannot be negative, a share cannot
    pass 100%). Points flagged in `partial` (aligned with `values`: the part weeks at either end of a range) are
    kept for the picture but take no part in the centre line, the moving ranges or the limits, and are never a
    signal: a part week's count is small because the week is short, not because the system changed. None when
    there are fewer than two whole periods: there is no moving range yet."""
    flags = pd.Series(False if partial is None else list(partial), index=values.index, dtype="bool")
    keep = values.notna()
    x, part = values[keep].astype("float64"), flags[keep]
    whole = x[~part]
    if len(whole) < 2:
        return None
    ranges = moving_ranges(whole)
    centre = float(whole.mean())
    mean_range = float(ranges.mean())
    lower = centre - NATURAL_PROCESS_LIMIT_FACTOR * mean_range
    upper = centre + NATURAL_PROCESS_LIMIT_FACTOR * mean_range
    if lower_bound is not None:
        lower = max(lower, lower_bound)
    if upper_bound is not None:
        upper = min(upper, upper_bound)
    beyond = points_beyond_limits(whole, lower=lower, upper=upper).reindex(x.index, fill_value=False)
    in_run = runs_on_one_side(whole, centre=centre).reindex(x.index, fill_value=False)
    points = pd.DataFrame(
        {
            "x": x,
            "moving_range": ranges.reindex(x.index),
            "beyond_limits": beyond.astype("bool"),
            "in_run": in_run.astype("bool"),
            "partial": part,
        }
    )
    return XmR(
        points=points,
        centre=centre,
        mean_moving_range=mean_range,
        lower_limit=lower,
        upper_limit=upper,
        upper_range_limit=UPPER_RANGE_LIMIT_FACTOR * mean_range,
    )
