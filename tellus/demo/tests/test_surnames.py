"""The town's surnames spread as they do in England and Wales (decision 0012): a few common, most rare."""

from __future__ import annotations

from collections import Counter

import pytest

from tellus.demo.town import town_generate
from tellus.demo.town.names import SURNAME_TABLE, SURNAMES


@pytest.fixture(scope="module")
def surnames() -> Counter[str]:
    return Counter(person.surname for person in town_generate(people=10_000, seed=7).people)


def test_no_surname_is_held_by_more_than_2_percent_of_the_town_and_the_ten_commonest_by_under_8(
    surnames: Counter[str],
) -> None:
    people = sum(surnames.values())
    commonest = surnames.most_common(10)
    assert commonest[0][1] / people < 0.02
    assert sum(count for _, count in commonest) / people < 0.08


def test_smith_is_still_the_commonest_surname_but_most_people_share_theirs_with_few_others(
    surnames: Counter[str],
) -> None:
    people = sum(surnames.values())
    assert surnames.most_common(1)[0][0] == "Smith"
    held_by_at_most_ten = sum(count for count in surnames.values() if count <= 10)
    assert held_by_at_most_ten / people > 0.5


def test_the_table_keeps_the_old_names_first_and_has_thousands_of_distinct_surnames() -> None:
    assert SURNAME_TABLE[: len(SURNAMES)] == SURNAMES
    assert len(set(SURNAME_TABLE)) == len(SURNAME_TABLE) > 5000
