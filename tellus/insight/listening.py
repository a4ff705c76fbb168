"""Listening analytics as plain functions over DataFrames, no ORM: driver scores with 95% confidence intervals,
response rates, small-group suppression with secondary suppression, and weekly theme counts for XmR charts.

A driver score is the share of people who agreed or strongly agreed (4 or 5 on the five-point scale) among those
who answered that question: the "top-two box" the A-11 section 280 reports use. Its 95% interval is Wilson's,
which stays inside 0-100% and behaves for small groups and shares near the ends.

The arithmetic works on the frame's NumPy arrays and builds the result frame once: a panel has a few dozen groups
and seven questions, and pandas' per-column operations (each an index alignment and a new Series) cost tens of
milliseconds there, as long as the aggregate query itself at tens of thousands of responses (decision 0060)."""

from __future__ import annotations

import numpy as np
import pandas as pd

Z95 = 1.959963984540054
MIN_GROUP = 10  # groups answering fewer times than this are not shown (nor can they be worked out from the rest)


def _wilson(successes: np.ndarray, trials: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    n = trials.astype("float64")
    n = np.where(n > 0, n, np.nan)
    p = successes.astype("float64") / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    with np.errstate(invalid="ignore"):  # a count above its total (not from the database) gives NaN, not a warning
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return np.clip(centre - half, 0, None), np.clip(centre + half, None, 1)


def wilson_interval(successes: pd.Series, trials: pd.Series, z: float = Z95) -> tuple[pd.Series, pd.Series]:
    """Wilson score interval for each share successes/trials, as fractions; NaN where trials is 0."""
    low, high = _wilson(successes.to_numpy(), trials.to_numpy(), z)
    return pd.Series(low, index=successes.index), pd.Series(high, index=successes.index)


def _hidden(counts: np.ndarray, minimum: int = MIN_GROUP) -> np.ndarray:
    hidden = counts < minimum
    if int(hidden.sum()) == 1 and len(counts) > 1:
        shown = np.flatnonzero(~hidden)
        if shown.size:
            hidden[shown[np.argsort(counts[shown], kind="stable")[0]]] = True
    return hidden


def suppress(counts: pd.Series, minimum: int = MIN_GROUP) -> pd.Series:
    """Which groups to hide: every group under `minimum` (primary), and, when exactly one group is hidden that
    way and a total is shown, also the next-smallest group (secondary), so the total less the groups shown does
    not give the hidden one away. Returns a boolean Series aligned with `counts`."""
    return pd.Series(_hidden(counts.to_numpy(), minimum), index=counts.index)


def _percent(values: np.ndarray) -> np.ndarray:
    return np.round(values * 100, 1)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    whole = whole.astype("float64")
    return part.astype("float64") / np.where(whole > 0, whole, np.nan)


def _table(columns: dict[str, np.ndarray], order: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({name: values[order] for name, values in columns.items()})


def driver_scores(frame: pd.DataFrame, key: str, questions: tuple[str, ...]) -> pd.DataFrame:
    """One row per group of `key`, from a frame with columns key, responses, and <q>_n and <q>_agree for each
    question: adds <q>_score, <q>_low, <q>_high (percentages) and `suppressed`, which hides the whole row.
    A group is suppressed on its number of responses, so no question's count can be worked out from another's.
    Shown groups come first, largest first."""
    if frame.empty:
        return frame.copy().assign(suppressed=pd.Series(dtype="bool"))
    columns = {name: frame[name].to_numpy() for name in frame.columns}
    responses = columns["responses"]
    hidden = _hidden(responses)
    columns["suppressed"] = hidden
    for question in questions:
        agree, answered = columns[f"{question}_agree"], columns[f"{question}_n"]
        low, high = _wilson(agree, answered)
        for name, values in (("score", _share(agree, answered)), ("low", low), ("high", high)):
            percent = _percent(values)
            percent[hidden] = np.nan
            columns[f"{question}_{name}"] = percent
    order = np.lexsort((-responses.astype("int64"), hidden))  # stable: ties keep the query's order
    return _table(columns, order)


def response_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """From columns group, offered, opened, responded: adds rate, low, high (percentages of offered) and
    `suppressed` (on the number offered, with secondary suppression), lowest rate first so the groups least
    heard are at the top."""
    if frame.empty:
        return frame.copy().assign(rate=[], low=[], high=[], suppressed=pd.Series(dtype="bool"))
    columns = {name: frame[name].to_numpy() for name in frame.columns}
    offered, responded = columns["offered"], columns["responded"]
    hidden = _hidden(offered)
    low, high = _wilson(responded, offered)
    columns["suppressed"] = hidden
    columns["rate"], columns["low"], columns["high"] = (
        _percent(_share(responded, offered)),
        _percent(low),
        _percent(high),
    )
    for name in ("rate", "low", "high", "opened", "responded"):
        values = columns[name].astype("float64")
        values[hidden] = np.nan
        columns[name] = values
    order = np.lexsort((columns["rate"], hidden))  # a missing rate sorts last, as pandas would put it
    return _table(columns, order)


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
