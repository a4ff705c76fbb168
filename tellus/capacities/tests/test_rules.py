"""The capacity rules as plain functions: the shipped rules file over hand-made facts, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from tellus.capacities.rules import (
    DEFAULT_RULES_PATH,
    OCCUPANCY,
    Fact,
    PersonFacts,
    RuleError,
    birthday,
    derive_capacities,
    rules_parse,
)
from tellus.people.models import SourceSystem

KINDS = SourceSystem.Kind.values
D = dt.date


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return rules_parse(DEFAULT_RULES_PATH.read_text(), kinds=KINDS)


def record(kind: str, record_id: int, *, valid_from=None, valid_to=None, ward="North", **raw):  # type: ignore[no-untyped-def]
    row = {f"raw.{k}": v for k, v in raw.items()}
    row.update(
        {
            "record.kind": kind,
            "record.valid_from": valid_from,
            "record.valid_to": valid_to,
            "property.kind": "dwelling",
            "property.ward": ward,
        }
    )
    return Fact(source=kind, row=row, record_ids=(record_id,), property_id=100 + record_id)


def occupancy(kind: str, record_id: int, *, date_from=None, date_to=None, **raw):  # type: ignore[no-untyped-def]
    fact = record(kind, record_id, valid_from=date_from, valid_to=date_to, **raw)
    row = dict(fact.row, **{"occupancy.date_from": date_from, "occupancy.date_to": date_to})
    return Fact(source=OCCUPANCY, row=row, record_ids=(record_id,), occupancy_id=500 + record_id, property_id=7)


BORN = D(1980, 5, 17)


def person(*facts: Fact, born=BORN, died=None) -> PersonFacts:  # type: ignore[no-untyped-def]
    return PersonFacts(person_id=1, date_of_birth=born, date_of_death=died, facts=facts)


def by_capacity(derived, capacity):  # type: ignore[no-untyped-def]
    return [d for d in derived if d.capacity == capacity]


def test_the_shipped_rules_file_parses_and_names_a_rule_for_every_capacity(rules):  # type: ignore[no-untyped-def]
    from tellus.capacities.models import Capacity

    assert {rule.capacity.value for rule in rules.rules} == set(Capacity.values)
    assert all(rule.description for rule in rules.rules)


def test_someone_turning_18_during_the_year_is_an_elector_from_their_18th_birthday(rules):  # type: ignore[no-untyped-def]
    attainer = person(record("electoral_roll", 1, valid_from=D(2026, 2, 1)), born=D(2008, 6, 30))

    electors = by_capacity(derive_capacities(rules, attainer), "elector")

    assert [(e.valid_from, e.valid_to) for e in electors] == [(D(2026, 6, 30), None)]
    assert electors[0].service_code == "elections"
    assert electors[0].evidence == (1,)


def test_an_adult_is_an_elector_from_the_day_they_registered(rules):  # type: ignore[no-untyped-def]
    adult = person(record("electoral_roll", 1, valid_from=D(2019, 3, 4)))

    assert [e.valid_from for e in by_capacity(derive_capacities(rules, adult), "elector")] == [D(2019, 3, 4)]


def test_someone_born_on_29_february_turns_18_on_1_march_in_a_common_year() -> None:
    assert birthday(D(2008, 2, 29), 18) == D(2026, 3, 1)
    assert birthday(D(2008, 2, 29), 16) == D(2024, 2, 29)


def test_moving_out_of_the_area_ends_residence_on_the_day_the_occupancy_ends(rules):  # type: ignore[no-untyped-def]
    mover = person(occupancy("electoral_roll", 1, date_from=D(2015, 1, 1), date_to=D(2026, 3, 31)))

    residents = by_capacity(derive_capacities(rules, mover), "resident")

    assert [(r.valid_from, r.valid_to) for r in residents] == [(D(2015, 1, 1), D(2026, 3, 31))]
    assert residents[0].occupancy_id == 501
    assert residents[0].property_id == 7


def test_a_landlord_who_lives_elsewhere_is_a_ratepayer_but_not_a_resident(rules):  # type: ignore[no-untyped-def]
    landlord = person(
        record(
            "rates",
            1,
            valid_from=D(2012, 4, 1),
            ratepayer_type="Individual",
            mail_address="4 Harbour View, Elsewhere",
        )
    )

    derived = derive_capacities(rules, landlord)

    assert [(r.valid_from, r.valid_to, r.property_id) for r in by_capacity(derived, "ratepayer")] == [
        (D(2012, 4, 1), None, 101)
    ]
    assert by_capacity(derived, "resident") == []


def test_a_closed_rates_account_ends_the_ratepayer_capacity(rules):  # type: ignore[no-untyped-def]
    seller = person(record("rates", 1, valid_from=D(2010, 4, 1), valid_to=D(2024, 8, 15), ratepayer_type="Individual"))

    ratepayer = by_capacity(derive_capacities(rules, seller), "ratepayer")

    assert [(r.valid_from, r.valid_to) for r in ratepayer] == [(D(2010, 4, 1), D(2024, 8, 15))]


def test_an_organisations_rates_account_never_makes_a_ratepayer_even_if_it_reaches_a_person(rules):  # type: ignore[no-untyped-def]
    company = person(record("rates", 1, valid_from=D(2010, 4, 1), ratepayer_type="Organisation"))

    assert by_capacity(derive_capacities(rules, company), "ratepayer") == []


def test_a_child_library_member_is_a_client_and_not_an_elector(rules):  # type: ignore[no-untyped-def]
    child = person(record("library", 1, valid_from=D(2022, 9, 1), status="Active"), born=D(2015, 1, 9))

    derived = derive_capacities(rules, child)

    assert [(c.valid_from, c.service_code) for c in by_capacity(derived, "client")] == [
        (D(2022, 9, 1), "library-loans")
    ]
    assert by_capacity(derived, "elector") == []
    assert [c.capacity for c in derived] == ["citizen", "client"]


def test_an_expired_library_card_is_not_a_client(rules):  # type: ignore[no-untyped-def]
    lapsed = person(record("library", 1, valid_from=D(2010, 9, 1), status="Expired"))

    assert by_capacity(derive_capacities(rules, lapsed), "client") == []


def test_every_capacity_ends_on_the_date_of_death_and_none_starts_after_it(rules):  # type: ignore[no-untyped-def]
    died = D(2026, 5, 2)
    late = person(
        record("rates", 1, valid_from=D(2000, 4, 1), ratepayer_type="Individual"),
        record("electoral_roll", 2, valid_from=D(2001, 1, 1)),
        occupancy("electoral_roll", 2, date_from=D(2001, 1, 1)),
        record("library", 3, valid_from=D(2026, 6, 1), status="Active"),
        born=D(1940, 1, 1),
        died=died,
    )

    derived = derive_capacities(rules, late)

    assert {d.capacity for d in derived} == {"citizen", "ratepayer", "elector", "resident"}
    assert all(d.valid_to == died for d in derived)


def test_a_citizen_spans_every_record_from_the_first(rules):  # type: ignore[no-untyped-def]
    known = person(
        record("library", 1, valid_from=D(2012, 1, 1), status="Active"),
        record("crm", 2, valid_from=D(2009, 6, 3)),
    )

    citizen = by_capacity(derive_capacities(rules, known), "citizen")

    assert [(c.valid_from, c.valid_to, c.evidence) for c in citizen] == [(D(2009, 6, 3), None, (1, 2))]


def test_an_animal_registration_makes_an_obligatee_for_the_year_it_covers(rules):  # type: ignore[no-untyped-def]
    owner = person(record("animal_registration", 1, valid_from=D(2026, 3, 1), status="Current"))

    obligatee = by_capacity(derive_capacities(rules, owner), "obligatee")

    assert [(o.valid_from, o.valid_to, o.service_code) for o in obligatee] == [
        (D(2026, 3, 1), D(2027, 3, 1), "animal-registration")
    ]


def test_a_lapsed_animal_registration_is_no_evidence_of_residence(rules):  # type: ignore[no-untyped-def]
    owner = person(occupancy("animal_registration", 1, date_from=D(2019, 3, 1), status="Lapsed"))

    assert by_capacity(derive_capacities(rules, owner), "resident") == []


def test_a_crm_contact_about_a_paid_service_makes_a_customer_on_that_day(rules):  # type: ignore[no-untyped-def]
    swimmer = person(record("crm", 1, valid_from=D(2026, 7, 4), service="Pool entry"))
    fined = person(record("crm", 2, valid_from=D(2026, 8, 9), service="parking fine"))

    customer = by_capacity(derive_capacities(rules, swimmer), "customer")
    obligatee = by_capacity(derive_capacities(rules, fined), "obligatee")

    assert [(c.valid_from, c.valid_to, c.service_code) for c in customer] == [
        (D(2026, 7, 4), D(2026, 7, 4), "aquatic-centre")
    ]
    assert [o.service_code for o in obligatee] == ["parking-enforcement"]


def test_housing_support_gives_the_client_capacity_of_each_service_while_the_case_is_open(rules):  # type: ignore[no-untyped-def]
    open_case = person(
        record(
            "housing", 1, valid_from=D(2020, 1, 1), support_type="Social housing tenancy; Home care", case_status="Open"
        )
    )
    closed_case = person(
        record("housing", 2, valid_from=D(2020, 1, 1), support_type="Temporary accommodation", case_status="Closed")
    )

    assert sorted(c.service_code for c in by_capacity(derive_capacities(rules, open_case), "client")) == [
        "community-care",
        "social-housing",
    ]
    assert by_capacity(derive_capacities(rules, closed_case), "client") == []


def test_a_rule_with_an_age_limit_excludes_people_of_unknown_age_when_it_says_so() -> None:
    text = """
[[rule]]
key = "young-client"
capacity = "client"
source = "library"
description = "Children's library."
valid_from = ["record.valid_from"]
max_age = 15
unknown_age = "exclude"
"""
    rules = rules_parse(text, kinds=KINDS)
    fact = record("library", 1, valid_from=D(2020, 1, 1))

    unknown = derive_capacities(rules, person(fact, born=None))
    child = derive_capacities(rules, person(fact, born=D(2010, 4, 2)))

    assert unknown == []
    assert [(c.valid_from, c.valid_to) for c in child] == [(D(2020, 1, 1), D(2026, 4, 1))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[rule]]\nkey = "x"\ncapacity = "king"\nsource = "rates"\ndescription = "d"', "capacity 'king'"),
        ('[[rule]]\nkey = "x"\ncapacity = "client"\nsource = "tax"\ndescription = "d"', "source 'tax'"),
        ('[[rule]]\nkey = "x"\ncapacity = "client"\nsource = "rates"', "description"),
        (
            '[[rule]]\nkey = "x"\ncapacity = "client"\nsource = "rates"\ndescription = "d"\nvalid_from = ["tomorrow"]',
            "not a date",
        ),
        (
            '[[rule]]\nkey = "x"\ncapacity = "client"\nsource = "rates"\ndescription = "d"\n'
            'valid_from = ["occupancy.date_from"]',
            "only known for",
        ),
        (
            '[[rule]]\nkey = "x"\ncapacity = "client"\nsource = "rates"\ndescription = "d"\n'
            'where = [{ field = "raw.a", like = "b" }]',
            "needs one of",
        ),
        (
            '[[rule]]\nkey = "x"\ncapacity = "client"\nsource = "rates"\ndescription = "d"\n'
            '[[rule]]\nkey = "x"\ncapacity = "client"\nsource = "rates"\ndescription = "d"',
            "unique",
        ),
        ("[[rule", "not valid TOML"),
    ],
)
def test_a_rules_file_with_a_mistake_is_refused_with_a_message_naming_it(text: str, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        rules_parse(text, kinds=KINDS)


def test_the_rules_digest_changes_when_the_file_does() -> None:
    base = '[[rule]]\nkey = "x"\ncapacity = "citizen"\nsource = "any"\ndescription = "d"\n'
    assert rules_parse(base, kinds=KINDS).digest != rules_parse(base + "# changed\n", kinds=KINDS).digest
