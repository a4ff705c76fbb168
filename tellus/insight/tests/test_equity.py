"""Equity statistics as plain functions: each group against everyone else with a 95% interval, flags only for a
real and material difference, small groups suppressed with a second where needed, and "unheard" from feedback."""

from __future__ import annotations

import math
import random

import pandas as pd
import pytest

from tellus.insight import equity


def _town(  # type: ignore[no-untyped-def]
    n: int = 2000,
    *,
    worse: set[int] = frozenset(),  # type: ignore[assignment]
    seed: int = 5,
    feedback_worse: set[int] = frozenset(),  # type: ignore[assignment]
    unhappy: set[int] = frozenset(),  # type: ignore[assignment]
):
    """n people in two wards and three age bands; `worse` wait three times as long and chase more;
    `feedback_worse` answer far fewer surveys; `unhappy` are satisfied far less often."""
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
        satisfied = sum(rng.random() < (0.3 if person in unhappy else 0.8) for _ in range(responses))
        feedback.append((person, "resident", surveys, responses, responses, satisfied))
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


def test_a_figure_few_people_stand_behind_is_hidden_with_a_second_to_protect_it():
    people, contacts, needs, feedback = _town(n=1000)
    people.loc[people["person_id"] <= 40, "ward"] = "Harbour"  # 40 people, shown ...
    harbour = feedback["person_id"] <= 40
    feedback.loc[harbour & (feedback["person_id"] > 5), ["responses", "rated", "satisfied"]] = 0  # ... 5 answered
    feedback.loc[harbour & (feedback["person_id"] <= 5), ["responses", "rated", "satisfied"]] = (2, 2, 0)
    results = equity.equity_table(people, contacts, needs, feedback)
    wards = {r.key: r for r in results if r.dimension == "ward"}
    assert not wards["harbour"].suppressed
    satisfaction = wards["harbour"].comparisons["satisfaction"]
    assert satisfaction.suppressed == "fewer than 10 people"
    assert satisfaction.group is None and satisfaction.rest is None
    assert not satisfaction.worse  # a hidden figure raises no flag
    assert wards["harbour"].comparisons["response_rate"].group == pytest.approx(10 / 80)  # 40 people behind it
    protected = [r.key for r in wards.values() if r.comparisons["satisfaction"].suppressed]
    assert len(protected) == 2 and "harbour" in protected
    row = next(g for g in equity.as_json(results)["groups"] if g["group"] == "harbour")
    assert row["measures"]["satisfaction"] == {
        "group": None, "everyone_else": None, "difference": None, "ci95": [None, None], "worse": False,
        "suppressed": "fewer than 10 people",
    }  # fmt: skip


def test_many_contacts_and_little_feedback_is_flagged_unheard():
    unheard = set(range(1, 201))
    people, contacts, needs, feedback = _town(feedback_worse=unheard)
    people["health"] = people["person_id"].isin(unheard)
    contacts.loc[contacts["person_id"].isin(unheard), "contacts"] += 3  # in touch more often than most
    results = equity.equity_table(people, contacts, needs, feedback)
    health = _group(results, "driver", "health")
    assert "unheard" in health.flags
    assert not _group(results, "ward", "north").flags


def test_the_unheard_flag_names_its_evidence():
    unheard = set(range(1, 201))
    people, contacts, needs, feedback = _town(feedback_worse=unheard)
    people["health"] = people["person_id"].isin(unheard)
    contacts.loc[contacts["person_id"].isin(unheard), "contacts"] += 3
    results = equity.equity_table(people, contacts, needs, feedback)
    found = [f for f in equity.flags(results) if f["flag"] == "unheard"]
    assert found == [
        {"dimension": "driver", "group": "health", "label": "Health", "flag": "unheard",
         "measures": ["response_rate", "contacts_per_person"]}
    ]  # fmt: skip
    health = next(g for g in equity.as_json(results)["groups"] if g["group"] == "health")
    assert health["contacts_per_person"]["group"] > health["contacts_per_person"]["everyone_else"]
    low, high = health["measures"]["response_rate"]["ci95"]
    assert low < health["measures"]["response_rate"]["difference"] < high < 0


def test_a_group_that_answers_less_but_is_in_touch_less_is_not_unheard():
    quiet = set(range(1, 201))
    people, contacts, needs, feedback = _town(feedback_worse=quiet)
    people["health"] = people["person_id"].isin(quiet)
    contacts.loc[contacts["person_id"].isin(quiet), ["contacts", "first_contacts", "failure", "resolved_first"]] = (
        1, 1, 0, 1
    )  # fmt: skip
    results = equity.equity_table(people, contacts, needs, feedback)
    health = _group(results, "driver", "health")
    assert health.comparisons["response_rate"].worse  # the response rate is worse ...
    assert not health.in_touch_as_often and "unheard" not in health.flags  # ... but they are seldom in touch


def test_a_group_less_satisfied_is_underserved_on_satisfaction():
    unhappy = set(range(1, 301))
    people, contacts, needs, feedback = _town(unhappy=unhappy)
    people["health"] = people["person_id"].isin(unhappy)
    results = equity.equity_table(people, contacts, needs, feedback)
    health = _group(results, "driver", "health")
    assert health.flags == ["underserved"]
    assert [c.measure.key for c in health.underserved] == ["satisfaction"]
    satisfaction = health.comparisons["satisfaction"]
    assert satisfaction.group < 0.4 < 0.7 < satisfaction.rest
    assert not any(r.flags for r in results if r.dimension in ("ward", "age_band"))


def test_a_group_made_equal_in_feedback_is_not_flagged_satisfaction_or_unheard():
    people, contacts, needs, feedback = _town()
    people["health"] = people["person_id"] <= 300  # a need recorded, but answered and satisfied like anyone
    contacts.loc[contacts["person_id"] <= 300, "contacts"] += 3  # in touch more often than most
    results = equity.equity_table(people, contacts, needs, feedback)
    health = _group(results, "driver", "health")
    assert health.in_touch_as_often and not health.comparisons["response_rate"].worse
    assert not health.comparisons["satisfaction"].worse and "unheard" not in health.flags
    assert all("unheard" not in r.flags and "satisfaction" not in {c.measure.key for c in r.underserved}
               for r in results)  # fmt: skip


def test_survey_figures_for_a_capacity_are_its_own_surveys_not_its_peoples_others():
    people, contacts, needs, feedback = _town(n=1000)
    clients = list(range(1, 301))
    contacts = pd.concat(
        [contacts, pd.DataFrame([(p, "client", 2, 0, 1, 1) for p in clients], columns=equity.CONTACT_COLUMNS)]
    )
    as_client = pd.DataFrame([(p, "client", 2, 0, 0, 0) for p in clients], columns=equity.FEEDBACK_COLUMNS)
    results = equity.equity_table(people, contacts, needs, pd.concat([feedback, as_client]))
    client = _group(results, "capacity", "client")
    resident = _group(results, "capacity", "resident")
    assert client.comparisons["response_rate"].group == 0.0 and client.comparisons["response_rate"].group_n == 600
    assert resident.comparisons["response_rate"].group > 0.3
    assert resident.comparisons["response_rate"].group_n == 2000


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
