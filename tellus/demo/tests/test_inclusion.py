"""The demo's people with the least voice are measurably worse served and less heard, and the equity flags find
them: each cohort made worse is flagged underserved (on time and, through its failure demand, on satisfaction) and
unheard (it answers fewer surveys though in touch more), and the cohort made equal, the age bands and the wards
(which the demo does not treat differently) are not. Run on a generated year for 10,000 people, without the
database. (Capacities do differ in the demo: each belongs to different services, whose end-to-end times differ.)"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pandas as pd
import pytest

from tellus.demo.feedback import answers_for, response_chance
from tellus.demo.inclusion import COHORTS, hardship_of, vulnerable_people
from tellus.demo.year.generate import DemoYear, ServiceInfo, demo_year_generate
from tellus.demo.year.hardship import demo_year_worsen
from tellus.demo.year.profiles import PROFILES
from tellus.feedback.models import Route
from tellus.inclusion.models import DRIVER_OF
from tellus.insight import equity

START = dt.date(2024, 7, 1)
SERVICES = [ServiceInfo(id=i, code=code, team=f"Team {i}") for i, code in enumerate(PROFILES, start=1)]
PEOPLE = list(range(1, 10_001))
SEED = 42
WARDS = [f"Ward {n}" for n in range(1, 13)]


def _surveys(year: DemoYear, hardship: dict[int, float]) -> pd.DataFrame:
    """A survey for every met need, answered as `demo.feedback` answers them (everyone reached by email here, so
    only the hardship, the capacity and the failure demand differ): the rows of `feedback.equity_selectors`."""
    rng = random.Random(7)
    failures: dict[int, int] = defaultdict(int)
    capacity: dict[int, str] = {}
    for c in year.contacts:
        failures[c.need] += c.demand_type == "failure"
        if c.first:
            capacity[c.need] = c.capacity
    counts: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for index, need in enumerate(year.needs):
        if need.person_id is None or need.status != "met":
            continue
        chance = response_chance(
            route=Route.EMAIL, no_fixed_address=False, client=capacity[index] == "client", failures=failures[index],
            hardship=hardship.get(need.person_id, 1.0),
        )  # fmt: skip
        row = counts[(need.person_id, capacity[index])]
        row[0] += 1
        if rng.random() < chance:
            score = answers_for(rng, failures[index], rng.uniform(-0.35, 0.25))["satisfaction"]
            row[1] += 1
            row[2] += score is not None
            row[3] += score is not None and score >= 4
    return pd.DataFrame([(p, cap, *v) for (p, cap), v in counts.items()], columns=equity.FEEDBACK_COLUMNS)


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
    hardship = hardship_of(PEOPLE, SEED)
    year = demo_year_worsen(year, hardship=hardship, seed=SEED)
    return equity.equity_table(*_frames(year), _surveys(year, hardship))


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


@pytest.mark.parametrize(
    ("dimension", "key"),
    [("no_fixed_address", "yes"), ("driver", "health"), ("driver", "capability"), ("driver", "life_events")],
)
def test_the_groups_the_demo_serves_worse_are_less_satisfied_and_flagged_unheard(results, dimension, key):
    group = _group(results, dimension, key)
    assert "unheard" in group.flags
    assert "satisfaction" in {c.measure.key for c in group.underserved}
    response, satisfaction = group.comparisons["response_rate"], group.comparisons["satisfaction"]
    assert response.group < response.rest * 0.7  # measurably less heard
    assert satisfaction.group < satisfaction.rest * 0.7  # and less satisfied, through their failure demand
    assert group.contacts_per_person > group.rest_contacts_per_person  # though in touch more often
    assert satisfaction.high < 0 and response.high < 0  # the 95% intervals stay below no difference


def test_the_group_made_equal_is_not_flagged(results):
    resilience = _group(results, "driver", "resilience")
    assert resilience.people >= 150
    assert resilience.flags == []
    assert resilience.comparisons["response_rate"].group_n > 500  # it has surveys to judge ...
    assert not resilience.comparisons["response_rate"].worse  # ... and answers them like anyone
    assert not resilience.comparisons["satisfaction"].worse


def test_no_age_band_or_ward_is_flagged_when_the_demo_treats_them_alike(results):
    assert len([r for r in results if r.dimension in ("age_band", "ward") and not r.suppressed]) >= 18
    flagged = [(r.dimension, r.key) for r in results if r.flags and r.dimension in ("age_band", "ward")]
    assert flagged == []
