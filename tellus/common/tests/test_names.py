"""Names as council systems write them parse into title, given names (initials kept) and family name, and a joint
billing name into its people."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tellus.common.names import PARTICLES, SUFFIXES, TITLES, PersonName, parse_given, parse_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("N G WILKINSON", [PersonName("", "N G", "WILKINSON")]),
        ("MR N WILKINSON", [PersonName("Mr", "N", "WILKINSON")]),
        ("WILKINSON, N.G.", [PersonName("", "N G", "WILKINSON")]),
        ("WILKINSON N G", [PersonName("", "N G", "WILKINSON")]),
        ("Neil WILKINSON", [PersonName("", "Neil", "WILKINSON")]),
        ("WILKINSON Neil George", [PersonName("", "Neil George", "WILKINSON")]),
        ("SMITH, John", [PersonName("", "John", "SMITH")]),
        ("Mary Ann Jones", [PersonName("", "Mary Ann", "Jones")]),
        ("Anna de Souza", [PersonName("", "Anna", "de Souza")]),
        ("Dr. Jane Doe OBE", [PersonName("Dr OBE", "Jane", "Doe")]),
        ("SMITH JNR, John", [PersonName("Jnr", "John", "SMITH")]),
        ("MAJOR, John", [PersonName("", "John", "MAJOR")]),
        ("Cher", [PersonName("", "", "Cher")]),
        ("N & D WILKINSON", [PersonName("", "N", "WILKINSON"), PersonName("", "D", "WILKINSON")]),
        ("WILKINSON, N & D", [PersonName("", "N", "WILKINSON"), PersonName("", "D", "WILKINSON")]),
        ("John and Mary Smith", [PersonName("", "John", "Smith"), PersonName("", "Mary", "Smith")]),
        ("John Smith & Mary Jones", [PersonName("", "John", "Smith"), PersonName("", "Mary", "Jones")]),
        ("Mr & Mrs J Smith", [PersonName("Mr", "J", "Smith"), PersonName("Mrs", "", "Smith")]),
        ("Mr J Rossi & Mrs J Greco", [PersonName("Mr", "J", "Rossi"), PersonName("Mrs", "J", "Greco")]),
        ("", []),
    ],
)
def test_revenue_system_names_parse_into_title_given_and_family(text: str, expected: list[PersonName]) -> None:
    assert parse_name(text) == expected


def test_a_title_in_the_given_name_column_goes_to_the_title() -> None:
    assert parse_given("Mr N", "Wilkinson") == [PersonName("Mr", "N", "Wilkinson")]


def test_joint_given_names_in_their_own_column_give_one_person_each() -> None:
    assert parse_given("N & D", "Wilkinson") == [PersonName("", "N", "Wilkinson"), PersonName("", "D", "Wilkinson")]


# Property-based: names built from parts, written the ways revenue systems write them, parse back to the parts.
def _word(longest: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda first, rest: first + rest,
        st.sampled_from(string.ascii_uppercase),
        st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=longest),
    ).filter(lambda word: word.casefold() not in TITLES | SUFFIXES | PARTICLES | {"and"})


_given_word = _word(9)
_family_word = _word(11)
_initial = st.sampled_from(string.ascii_uppercase)
# Machines shared by several test runs are slow: the examples are cheap, the health check's timer is not.
_patient = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
_title = st.sampled_from(["Mr", "Mrs", "Ms", "Miss", "Dr", "MR", "MRS", "Rev"])


@_patient
@given(title=_title, initials=st.lists(_initial, min_size=1, max_size=3), family=_family_word)
def test_titles_and_initials_before_a_family_name_parse_whatever_the_form(
    title: str, initials: list[str], family: str
) -> None:
    expected_title = title.capitalize()
    forms = [
        f"{title} {' '.join(initials)} {family.upper()}",  # MR N G WILKINSON
        f"{family.upper()}, {title} {'.'.join(initials)}.",  # WILKINSON, MR N.G.
        f"{title} {' '.join(initials)} {family}",  # Mr N G Wilkinson
    ]
    for form in forms:
        [person] = parse_name(form)
        assert person.title == expected_title, form
        assert person.given == " ".join(initials), form
        assert person.family.casefold() == family.casefold(), form


@_patient
@given(initials=st.lists(_initial, min_size=1, max_size=3), family=_family_word)
def test_a_family_name_followed_by_initials_is_surname_first(initials: list[str], family: str) -> None:
    [person] = parse_name(f"{family.upper()} {' '.join(initials)}")
    assert (person.given, person.family) == (" ".join(initials), family.upper())


@_patient
@given(given_names=st.lists(_given_word, min_size=1, max_size=3), family=_family_word)
def test_given_and_family_names_parse_in_either_order_when_the_family_name_is_in_capitals(
    given_names: list[str], family: str
) -> None:
    for form in (f"{' '.join(given_names)} {family.upper()}", f"{family.upper()} {' '.join(given_names)}"):
        [person] = parse_name(form)
        assert (person.given, person.family) == (" ".join(given_names), family.upper()), form
    [person] = parse_name(f"{family.upper()}, {' '.join(given_names)}")
    assert (person.given, person.family) == (" ".join(given_names), family.upper())


@_patient
@given(
    firsts=st.lists(st.one_of(_initial, _given_word), min_size=2, max_size=4),
    family=_family_word,
    joiner=st.sampled_from([" & ", " and ", " AND ", " + "]),
)
def test_a_joint_name_gives_one_person_per_given_name_sharing_the_family_name(
    firsts: list[str], family: str, joiner: str
) -> None:
    people = parse_name(f"{joiner.join(firsts)} {family}")
    assert [(person.given, person.family) for person in people] == [(first, family) for first in firsts]


@_patient
@given(st.text(max_size=60))
def test_any_text_parses_without_error_into_people_with_some_name(text: str) -> None:
    for person in parse_name(text):
        assert isinstance(person, PersonName)
        assert person.given or person.family or person.title
