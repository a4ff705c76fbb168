"""Equity statistics as plain functions: each group against everyone else with a 95% interval, flags only for a
real and material difference, small groups suppressed with a second where needed, and "unheard" from feedback."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from tellus.insight import equity


def _town(n: int = 2000, *, worse: set[int] = frozenset(), seed: int = 5, feedback_worse: set[int] = frozenset()):  # type: ignore[no-untyped-def,assignment]
    """n people in two wards and three age bands; `worse` wait three times as long and chase more."""
    rng = random.Random(seed)
    people = pd.DataFrame({"person_id": range(1, n + 1)})
    people["age_band"] = [("18 to 24", "25 to 34", "75 and over")[i % 3] for i in range(n)]
    people["ward"] = [("North", "South")[i % 2] for i in range(n)]
    people["language"] = None
    people["no_fixed_address"] = people["person_id"].isin(worse)
    for driver in equity.DRIVERS:
        people[driver] = False
    people["health"] = people["person_id"].isin(worse)
    contacts, needs, feedback = [], [], []
    for person in range(1, n + 1):
        bad = person in worse
        first = rng.randint(1, 4)
        repeats = sum(rng.random() < (0.8 if bad else 0.3) for _ in range(first))
        failure = sum(rng.random() < (0.7 if bad else 0.4) for _ in range(first + repeats))
        resolved = sum(rng.random() < (0.15 if bad else 0.35) for _ in range(first))
        contacts.append((person, "resident", first + repeats, failure, first, resolved))
        for _ in range(first):
            needs.append((person, "resident", int(rng.lognormvariate(math.log(86400 * (9 if bad else 3)), 0.8))))
        surveys = 2
        responses = sum(rng.random() < (0.05 if person in feedback_worse else 0.4) for _ in range(surveys))
        feedback.append((person, surveys, responses, responses))
    return (
        people,
        pd.DataFrame(contacts, columns=equity.CONTACT_COLUMNS),
        pd.DataFrame(needs, columns=equity.NEED_COLUMNS),
        pd.DataFrame(feedback, columns=equity.FEEDBACK_COLUMNS),
    )


def _group(results, dimension, key):  # type: ignore[no-untyped-def]
    return next(r for r in results if r.dimension == dimension and r.key == key)


def test_a_group_served_worse_is_flagged_with_the_measures_that_show_it():
    people, contacts, needs, _ = _town(worse=set(range(1, 101)))
    results = equity.equity_table(people, contacts, needs)
    nfa = _group(results, "no_fixed_address", "yes")
    assert nfa.people == 100 and nfa.flags == ["underserved"]
    assert {c.measure.key for c in nfa.underserved} >= {"e2e_median", "failure_share", "repeat_rate", "first_point"}
    median = nfa.comparisons["e2e_median"]
    assert median.low > 0 and median.low < median.difference < median.high
    assert equity.flags(results)[0]["measures"]


def test_a_group_made_equal_is_not_flagged():
    people, contacts, needs, _ = _town(worse=set())
    people["no_fixed_address"] = people["person_id"] <= 100
    results = equity.equity_table(people, contacts, needs)
    assert all(not r.flags for r in results)
    assert _group(results, "no_fixed_address", "yes").people == 100


def test_a_difference_too_small_to_matter_is_not_flagged_however_certain():
    comparison = equity._judged(
        equity.Comparison(equity.MEASURES[2], 0.505, 0.5, 0.005, 0.004, 0.006, se=0.0001), z=3.0
    )
    assert not comparison.worse


def test_groups_under_ten_people_are_hidden_with_a_second_to_protect_them():
    people, contacts, needs, _ = _town(n=400)
    people.loc[people["person_id"] <= 6, "ward"] = "Harbour"  # 6 people: too few to show
    results = equity.equity_table(people, contacts, needs)
    wards = {r.key: r for r in results if r.dimension == "ward"}
    assert wards["harbour"].suppressed == "fewer than 10 people"
    assert sum(1 for r in wards.values() if r.suppressed) == 2
    data = equity.as_json(results)
    hidden = [g for g in data["groups"] if g["dimension"] == "ward" and g["suppressed"]]
    assert len(hidden) == 2 and all("measures" not in g and "people" not in g for g in hidden)


def test_many_contacts_and_little_feedback_is_flagged_unheard():
    unheard = set(range(1, 201))
    people, contacts, needs, feedback = _town(feedback_worse=unheard)
    people["health"] = people["person_id"].isin(unheard)
    contacts.loc[contacts["person_id"].isin(unheard), "contacts"] += 3  # in touch more often than most
    results = equity.equity_table(people, contacts, needs, feedback)
    health = _group(results, "driver", "health")
    assert "unheard" in health.flags
    assert not _group(results, "ward", "north").flags


def test_without_feedback_there_is_no_satisfaction_and_no_unheard_flag():
    people, contacts, needs, _ = _town()
    results = equity.equity_table(people, contacts, needs)
    assert all("satisfaction" not in r.comparisons and "unheard" not in r.flags for r in results)


def test_the_flag_level_keeps_the_whole_table_at_five_percent():
    assert equity.family_z(1) == pytest.approx(1.96, abs=0.01)
    assert equity.family_z(100) == pytest.approx(3.48, abs=0.01)


@pytest.mark.parametrize(
    ("age", "band"), [(17, "Under 18"), (18, "18 to 24"), (75, "75 and over"), (None, "Not known")]
)
def test_age_bands(age, band):
    assert equity.age_band(age) == band
