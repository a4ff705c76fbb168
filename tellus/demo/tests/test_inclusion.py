"""The demo's people with the least voice are measurably worse served, and the equity flags find them: each
cohort made worse is flagged underserved, and the cohort made equal, the age bands and the wards (which the demo
does not treat differently) are not. Run on a generated year for 10,000 people, without the database. (Capacities
do differ in the demo: each belongs to different services, whose end-to-end times differ.)"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pandas as pd
import pytest

from tellus.demo.inclusion import COHORTS, hardship_of, vulnerable_people
from tellus.demo.year.generate import DemoYear, ServiceInfo, demo_year_generate
from tellus.demo.year.hardship import demo_year_worsen
from tellus.demo.year.profiles import PROFILES
from tellus.inclusion.models import DRIVER_OF
from tellus.insight import equity

START = dt.date(2024, 7, 1)
SERVICES = [ServiceInfo(id=i, code=code, team=f"Team {i}") for i, code in enumerate(PROFILES, start=1)]
PEOPLE = list(range(1, 10_001))
SEED = 42
WARDS = [f"Ward {n}" for n in range(1, 13)]


def _frames(year: DemoYear) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What `insight.equity_data` reads from the database, made from the generated year and the cohorts."""
    cohorts = vulnerable_people(PEOPLE, SEED)
    rng = random.Random(1)  # age bands and wards at random: the demo serves them all alike
    people = pd.DataFrame({"person_id": PEOPLE})
    people["age_band"] = [equity.age_band(rng.randint(16, 95)) for _ in PEOPLE]
    people["ward"] = [WARDS[rng.randrange(len(WARDS))] for _ in PEOPLE]
    people["language"] = None
    people["no_fixed_address"] = [cohorts.get(p) is not None and cohorts[p].key == "no_fixed_address" for p in PEOPLE]
    for driver in equity.DRIVERS:
        people[driver] = [
            p in cohorts and any(DRIVER_OF[need] == driver for need, _, _ in cohorts[p].needs) for p in PEOPLE
        ]
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for c in year.contacts:
        if c.person_id is None:
            continue
        row = counts[(c.person_id, c.capacity)]
        row[0] += 1
        row[1] += c.demand_type == "failure"
        row[2] += c.first
        row[3] += c.first and c.resolved_at_first_point
    contacts = pd.DataFrame([(p, cap, *v) for (p, cap), v in counts.items()], columns=equity.CONTACT_COLUMNS)
    capacity = {c.need: c.capacity for c in year.contacts if c.first}
    needs = pd.DataFrame(
        [
            (n.person_id, capacity[i], int((n.met_at - n.opened_at).total_seconds()))
            for i, n in enumerate(year.needs)
            if n.person_id is not None and n.status == "met" and n.met_at is not None
        ],
        columns=equity.NEED_COLUMNS,
    )
    return people, contacts, needs


@pytest.fixture(scope="module")
def results() -> list[equity.GroupResult]:
    year = demo_year_generate(seed=SEED, people=PEOPLE, services=SERVICES, start=START)
    year = demo_year_worsen(year, hardship=hardship_of(PEOPLE, SEED), seed=SEED)
    return equity.equity_table(*_frames(year))


def _group(results: list[equity.GroupResult], dimension: str, key: str) -> equity.GroupResult:
    return next(r for r in results if r.dimension == dimension and r.key == key)


def test_the_cohorts_are_disjoint_deterministic_and_sized_by_their_share():
    chosen = vulnerable_people(PEOPLE, SEED)
    assert chosen == vulnerable_people(list(reversed(PEOPLE)), SEED)
    sizes = {cohort.key: sum(1 for c in chosen.values() if c is cohort) for cohort in COHORTS}
    assert sizes == {cohort.key: round(len(PEOPLE) * cohort.share) for cohort in COHORTS}
    assert vulnerable_people(PEOPLE, SEED + 1) != chosen


def test_a_hardship_of_one_changes_nothing():
    year = demo_year_generate(seed=3, people=PEOPLE[:500], services=SERVICES, start=START)
    again = demo_year_generate(seed=3, people=PEOPLE[:500], services=SERVICES, start=START)
    demo_year_worsen(again, hardship=dict.fromkeys(PEOPLE[:500], 1.0), seed=3)
    assert year.contacts == again.contacts and year.needs == again.needs


@pytest.mark.parametrize(
    ("dimension", "key"),
    [("no_fixed_address", "yes"), ("driver", "health"), ("driver", "capability"), ("driver", "life_events")],
)
def test_the_groups_the_demo_serves_worse_are_flagged_underserved(results, dimension, key):
    group = _group(results, dimension, key)
    assert not group.suppressed
    assert "underserved" in group.flags
    worse = {c.measure.key for c in group.underserved}
    assert "e2e_median" in worse or "e2e_p90" in worse
    median = group.comparisons["e2e_median"]
    assert median.group > median.rest * 1.3  # measurably worse, not only significantly


def test_the_group_made_equal_is_not_flagged(results):
    resilience = _group(results, "driver", "resilience")
    assert resilience.people >= 150
    assert resilience.flags == []


def test_no_age_band_or_ward_is_flagged_when_the_demo_treats_them_alike(results):
    assert len([r for r in results if r.dimension in ("age_band", "ward") and not r.suppressed]) >= 18
    flagged = [(r.dimension, r.key) for r in results if r.flags and r.dimension in ("age_band", "ward")]
    assert flagged == []
