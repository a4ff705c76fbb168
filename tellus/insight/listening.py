"""Listening analytics as plain functions over DataFrames, no ORM: driver scores with 95% confidence intervals,
response rates, small-group suppression with secondary suppression, and weekly theme counts for XmR charts.

A driver score is the share of people who agreed or strongly agreed (4 or 5 on the five-point scale) among those
who answered that question: the "top-two box" the A-11 section 280 reports use. Its 95% interval is Wilson's,
which stays inside 0-100% and behaves for small groups and shares near the ends."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
MIN_GROUP = 10  # groups answering fewer times than this are not shown (nor can they be worked out from the rest)


def wilson_interval(successes: pd.Series, trials: pd.Series, z: float = Z95) -> tuple[pd.Series, pd.Series]:
    """Wilson score interval for each share successes/trials, as fractions; NaN where trials is 0."""
    n = trials.astype("float64")
    p = successes.astype("float64") / n.where(n > 0)
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (centre - half).clip(lower=0), (centre + half).clip(upper=1)


def suppress(counts: pd.Series, minimum: int = MIN_GROUP) -> pd.Series:
    """Which groups to hide: every group under `minimum` (primary), and, when exactly one group is hidden that
    way and a total is shown, also the next-smallest group (secondary), so the total less the groups shown does
    not give the hidden one away. Returns a boolean Series aligned with `counts`."""
    hidden = counts < minimum
    if int(hidden.sum()) == 1 and len(counts) > 1:
        shown = counts[~hidden]
        if not shown.empty:
            hidden.loc[shown.sort_values(kind="stable").index[0]] = True
    return hidden


def driver_scores(frame: pd.DataFrame, key: str, questions: tuple[str, ...]) -> pd.DataFrame:
    """One row per group of `key`, from a frame with columns key, responses, and <q>_n and <q>_agree for each
    question: adds <q>_score, <q>_low, <q>_high (percentages) and `suppressed`, which hides the whole row.
    A group is suppressed on its number of responses, so no question's count can be worked out from another's."""
    table = frame.copy()
    if table.empty:
        return table.assign(suppressed=pd.Series(dtype="bool"))
    table["suppressed"] = suppress(table["responses"])
    for question in questions:
        low, high = wilson_interval(table[f"{question}_agree"], table[f"{question}_n"])
        share = table[f"{question}_agree"] / table[f"{question}_n"].where(table[f"{question}_n"] > 0)
        table[f"{question}_score"] = (share * 100).round(1)
        table[f"{question}_low"] = (low * 100).round(1)
        table[f"{question}_high"] = (high * 100).round(1)
        table.loc[table["suppressed"], [f"{question}_score", f"{question}_low", f"{question}_high"]] = math.nan
    return table.sort_values(["suppressed", "responses"], ascending=[True, False], kind="stable").reset_index(drop=True)


def response_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """From columns group, offered, opened, responded: adds rate, low, high (percentages of offered) and
    `suppressed` (on the number offered, with secondary suppression), lowest rate first so the groups least
    heard are at the top."""
    table = frame.copy()
    if table.empty:
        return table.assign(rate=[], low=[], high=[], suppressed=pd.Series(dtype="bool"))
    table["suppressed"] = suppress(table["offered"])
    low, high = wilson_interval(table["responded"], table["offered"])
    table["rate"] = (table["responded"] / table["offered"].where(table["offered"] > 0) * 100).round(1)
    table["low"], table["high"] = (low * 100).round(1), (high * 100).round(1)
    table.loc[table["suppressed"], ["rate", "low", "high", "opened", "responded"]] = math.nan
    return table.sort_values(["suppressed", "rate"], kind="stable").reset_index(drop=True)


def theme_weeks(frame: pd.DataFrame) -> pd.DataFrame:
    """From columns theme_id, week, texts: one row per theme and week from the first week to the last, weeks with
    no text about the theme counted as zero (a theme's silence is data for its chart)."""
    if frame.empty:
        return frame
    weeks = pd.to_datetime(frame["week"])
    every = pd.date_range(weeks.min(), weeks.max(), freq="7D")
    pieces = []
    for theme_id, part in frame.assign(week=weeks).groupby("theme_id"):
        series = part.set_index("week")["texts"].groupby(level=0).sum().reindex(every, fill_value=0)
        pieces.append(pd.DataFrame({"theme_id": theme_id, "week": every, "texts": series.to_numpy()}))
    return pd.concat(pieces, ignore_index=True)
