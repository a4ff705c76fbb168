"""Where the give and take redistributes: households' contributions against the services they received, by decile of
contribution and by ward, capacity, age band and needs driver. Plain functions over a pandas DataFrame whose amount
columns hold exact Decimals (object columns: pandas adds them as Decimals, never as floats). Groups with fewer
households than the council's threshold are suppressed, so nobody can be picked out."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from .statements import ZERO, pennies

COLUMNS = ("household_id", "ward", "age_band", "capacities", "needs_driver", "contributed", "received")
LIST_COLUMNS = ("capacities", "needs_driver")  # a household may hold several of these
DECILES = 10


@dataclass(frozen=True)
class GroupRow:
    """One group's totals, or only its label when it is too small to show."""

    group: str
    households: int
    suppressed: bool
    contributed_mean: Decimal | None = None
    received_mean: Decimal | None = None
    contributed_total: Decimal | None = None
    received_total: Decimal | None = None

    @property
    def net_mean(self) -> Decimal | None:
        """Received less contributed, per household: positive where the relationship gives more than it takes."""
        if self.received_mean is None or self.contributed_mean is None:
            return None
        return self.received_mean - self.contributed_mean

    @property
    def net_mean_abs(self) -> Decimal | None:
        net = self.net_mean
        return abs(net) if net is not None else None


def empty_frame() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in COLUMNS})


def _sum(values: pd.Series) -> Decimal:
    return sum(values, ZERO)


def _row(label: str, part: pd.DataFrame, suppress_below: int) -> GroupRow:
    n = len(part)
    if n < suppress_below:
        return GroupRow(group=label, households=n, suppressed=True)
    given, taken = _sum(part["contributed"]), _sum(part["received"])
    return GroupRow(
        group=label,
        households=n,
        suppressed=False,
        contributed_total=given,
        received_total=taken,
        contributed_mean=pennies(given / n),
        received_mean=pennies(taken / n),
    )


def deciles(frame: pd.DataFrame, *, suppress_below: int) -> list[GroupRow]:
    """Households ranked by what they contributed (ties by household number) and cut into ten groups of equal size,
    the first contributing least."""
    if frame.empty:
        return []
    order = sorted(range(len(frame)), key=lambda i: (frame["contributed"].iat[i], frame["household_id"].iat[i]))
    ranked = frame.iloc[order].reset_index(drop=True)
    n = len(ranked)
    positions = pd.Series(range(n), index=ranked.index)
    ranked = ranked.assign(decile=(positions * DECILES // n) + 1)
    return [
        _row(str(decile), ranked[ranked["decile"] == decile], suppress_below)
        for decile in range(1, DECILES + 1)
        if (ranked["decile"] == decile).any()
    ]


def by_group(frame: pd.DataFrame, key: str, *, suppress_below: int) -> list[GroupRow]:
    """Totals and means for each value of `key`. A household holding several values (capacities, needs drivers) is
    in each."""
    if frame.empty:
        return []
    data = frame.explode(key) if key in LIST_COLUMNS else frame
    data = data[data[key].notna() & (data[key] != "")]
    rows = [_row(str(label), part, suppress_below) for label, part in data.groupby(key, sort=True)]
    return sorted(rows, key=lambda row: (row.suppressed, row.group))


def age_band(age: int | None) -> str:
    if age is None:
        return "Not known"
    for upper, label in ((30, "Under 30"), (45, "30 to 44"), (65, "45 to 64"), (75, "65 to 74")):
        if age < upper:
            return label
    return "75 and over"
