from __future__ import annotations

from decimal import Decimal

import pandas as pd

from tellus.ledger.distributions import age_band, by_group, deciles, empty_frame


def _frame(n: int, *, ward: str = "North") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "household_id": i,
                "ward": ward,
                "age_band": "45 to 64",
                "capacities": ["Ratepayer", "Resident"],
                "needs_driver": ["Health"],
                "contributed": Decimal(i) + Decimal("0.01"),
                "received": Decimal("100.10"),
            }
            for i in range(1, n + 1)
        ]
    )


def test_households_are_cut_into_ten_equal_deciles_by_what_they_contributed():
    rows = deciles(_frame(100), suppress_below=5)

    assert [row.group for row in rows] == [str(d) for d in range(1, 11)]
    assert all(row.households == 10 for row in rows)
    assert rows[0].contributed_mean == Decimal("5.51")  # households 1-10 paid 1.01 to 10.01
    assert rows[9].contributed_mean == Decimal("95.51")
    assert rows[0].net_mean == Decimal("94.59") and rows[9].net_mean == Decimal("4.59")


def test_amounts_stay_exact_decimals_through_the_aggregation():
    rows = deciles(_frame(30), suppress_below=1)

    assert all(isinstance(row.contributed_total, Decimal) for row in rows)
    assert sum((row.contributed_total for row in rows), Decimal(0)) == sum(
        Decimal(i) + Decimal("0.01") for i in range(1, 31)
    )


def test_groups_smaller_than_the_threshold_are_suppressed():
    frame = pd.concat([_frame(12, ward="North"), _frame(3, ward="South")], ignore_index=True)

    rows = {row.group: row for row in by_group(frame, "ward", suppress_below=10)}

    assert not rows["North"].suppressed and rows["North"].households == 12
    assert rows["South"].suppressed and rows["South"].contributed_mean is None and rows["South"].net_mean is None


def test_a_household_is_counted_in_each_capacity_its_members_hold():
    rows = {row.group: row for row in by_group(_frame(10), "capacities", suppress_below=10)}

    assert set(rows) == {"Ratepayer", "Resident"} and rows["Resident"].households == 10


def test_no_households_give_no_rows():
    assert deciles(empty_frame(), suppress_below=10) == [] and by_group(empty_frame(), "ward", suppress_below=10) == []


def test_ages_fall_into_bands():
    assert [age_band(a) for a in (None, 18, 30, 64, 65, 80)] == [
        "Not known",
        "Under 30",
        "30 to 44",
        "45 to 64",
        "65 to 74",
        "75 and over",
    ]
