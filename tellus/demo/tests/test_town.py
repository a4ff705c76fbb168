"""The synthetic town and its extracts: deterministic, and as untidy as real council data, in known ways."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from tellus.demo.town import REFERENCE_DATE, Rendered, Town, csv_text, extracts_render, town_generate
from tellus.demo.town.geography import NO_FIXED_ADDRESS, PSEUDO_REFERENCE
from tellus.demo.town.names import NICKNAMES
from tellus.people.importing import load_mapping

MAPPINGS = Path(__file__).resolve().parent.parent / "mappings"


@pytest.fixture(scope="module")
def town() -> Town:
    return town_generate(people=3000, seed=7)


@pytest.fixture(scope="module")
def rendered(town: Town) -> Rendered:
    return extracts_render(town)


def _files(people: int, seed: int) -> dict[str, str]:
    rendered = extracts_render(town_generate(people=people, seed=seed))
    files = {name: csv_text(e.columns, e.rows) for name, e in rendered.extracts.items()}
    files["gazetteer"] = csv_text(rendered.gazetteer.columns, rendered.gazetteer.rows)
    files["truth"] = csv_text(["k"], ({"k": repr(t)} for t in rendered.truth))
    return files


def _rows_with_truth(rendered: Rendered, system: str) -> list[tuple[dict[str, str], str]]:
    truth = {t.source_key: t for t in rendered.truth if t.source_system == system}
    extract = rendered.extracts[system]
    return [(row, truth[row[extract.columns[0]]].true_id) for row in extract.rows]


def test_the_same_people_and_seed_give_byte_identical_files() -> None:
    assert _files(400, 3) == _files(400, 3)


def test_a_different_seed_gives_a_different_town() -> None:
    first, second = _files(400, 3), _files(400, 4)
    assert all(first[name] != second[name] for name in first)


def test_the_town_has_exactly_the_people_asked_for_in_at_least_four_wards(town: Town) -> None:
    assert len(town.people) == 3000
    assert len({p.ward for p in town.properties if p.ward}) >= 4
    assert {p.kind for p in town.properties} == {"dwelling", "non_residential", "shared", "pseudo"}
    assert 0.35 < len(town.properties) / len(town.people) < 0.5


def test_six_source_systems_are_rendered(rendered: Rendered) -> None:
    assert set(rendered.extracts) == {"rates", "electoral", "library", "animals", "crm", "housing"}
    assert all(extract.rows for extract in rendered.extracts.values())


def test_the_ground_truth_covers_every_extract_row_once(rendered: Rendered) -> None:
    rows = {(name, row[e.columns[0]]) for name, e in rendered.extracts.items() for row in e.rows}
    truth = [(t.source_system, t.source_key) for t in rendered.truth]
    assert len(truth) == len(set(truth)) == sum(len(e.rows) for e in rendered.extracts.values())
    assert set(truth) == rows


def test_every_mapping_names_only_columns_its_extract_has(rendered: Rendered) -> None:
    for name, extract in rendered.extracts.items():
        mapping = load_mapping(MAPPINGS / f"{name}.toml")
        assert mapping.source_columns() <= set(extract.columns), name
        assert mapping.columns["source_key"] == (extract.columns[0],)


def test_children_are_never_on_the_electoral_roll_which_holds_adults_only(town: Town, rendered: Rendered) -> None:
    electors = _rows_with_truth(rendered, "electoral")
    assert electors
    assert all(town.person_by_id[true_id].age_on(REFERENCE_DATE) >= 18 for _, true_id in electors)


def test_children_are_library_members(town: Town, rendered: Rendered) -> None:
    members = _rows_with_truth(rendered, "library")
    assert any(town.person_by_id[true_id].age_on(REFERENCE_DATE) < 18 for _, true_id in members)


def test_twins_share_surname_birthday_and_address_but_not_first_name(town: Town, rendered: Rendered) -> None:
    twins = [p for p in town.people if p.twin_of]
    assert twins
    for person in twins:
        other = town.person_by_id[person.twin_of]
        assert (person.dob, person.surname, person.residence) == (other.dob, other.surname, other.residence)
        assert person.first_name != other.first_name
    seen = {t.true_id for t in rendered.truth}
    assert any(p.id in seen and p.twin_of in seen for p in twins)


def test_some_people_have_their_old_surname_in_one_system_and_their_new_one_in_another(
    town: Town, rendered: Rendered
) -> None:
    surnames: dict[str, set[str]] = defaultdict(set)
    for name in ("electoral", "library", "housing", "animals"):
        last = {"electoral": "surname", "library": "last_name", "housing": "family_name", "animals": "owner_last"}[name]
        for row, true_id in _rows_with_truth(rendered, name):
            surnames[true_id].add(row[last].casefold())
    changed = [
        p
        for p in town.people
        if p.surname_since and p.birth_surname.casefold() in surnames[p.id] and p.surname.casefold() in surnames[p.id]
    ]
    assert changed


def test_nicknames_stand_in_for_formal_first_names(town: Town, rendered: Rendered) -> None:
    found = [
        row["first_name"]
        for row, true_id in _rows_with_truth(rendered, "library")
        if row["first_name"] in NICKNAMES.get(town.person_by_id[true_id].first_name, ())
    ]
    assert found


def test_dates_of_birth_are_sometimes_missing_or_with_day_and_month_swapped(town: Town, rendered: Rendered) -> None:
    missing = swapped = 0
    for row, true_id in _rows_with_truth(rendered, "library"):
        dob = town.person_by_id[true_id].dob
        if not row["date_of_birth"]:
            missing += 1
        elif dob.day <= 12 and dob.day != dob.month:
            swapped += dt.date.fromisoformat(row["date_of_birth"]) == dob.replace(day=dob.month, month=dob.day)
    assert missing and swapped


def test_some_records_carry_typos(rendered: Rendered) -> None:
    variations = {v for t in rendered.truth for v in t.variations.split(";")}
    assert {"typo_first_name", "typo_last_name"} <= variations


def test_people_who_moved_have_an_old_address_in_one_system(town: Town, rendered: Rendered) -> None:
    moved = [t for t in rendered.truth if "old_address" in t.variations.split(";")]
    assert moved
    person = town.person_by_id[moved[0].true_id]
    assert len(person.residences) > 1


def test_some_housing_clients_have_no_fixed_address(rendered: Rendered) -> None:
    homeless = [row for row in rendered.extracts["housing"].rows if row["current_address"] == NO_FIXED_ADDRESS]
    assert homeless
    assert all(row["uprn"] == PSEUDO_REFERENCE and not row["postcode"] for row in homeless)


def test_people_who_died_remain_in_some_extracts(town: Town, rendered: Rendered) -> None:
    dead = {p.id for p in town.people if p.dod}
    assert dead
    assert {t.source_system for t in rendered.truth if t.true_id in dead} >= {"rates", "library"}
    assert any(row["account_status"] == "Deceased" for row in rendered.extracts["rates"].rows)


def test_companies_pay_rates_and_have_no_date_of_birth(rendered: Rendered) -> None:
    companies = [t for t in rendered.truth if t.source_system == "rates" and t.entity == "organisation"]
    assert companies
    rows = {row["account_ref"]: row for row in rendered.extracts["rates"].rows}
    assert any(rows[t.source_key]["ratepayer_name"].endswith(" Ltd") for t in companies)
    assert not {"dob", "date_of_birth"} & set(rendered.extracts["rates"].columns)


def test_landlords_who_live_elsewhere_get_their_rates_bill_at_another_address(town: Town, rendered: Rendered) -> None:
    away = {p.id for p in town.people if p.outside}
    rows = {row["account_ref"]: row for row in rendered.extracts["rates"].rows}
    billed = [rows[t.source_key] for t in rendered.truth if t.source_system == "rates" and t.true_id in away]
    assert billed
    assert all(row["mail_address"] and not row["mail_postcode"].startswith("TL") for row in billed)


def test_several_people_with_one_common_name_live_in_the_same_street(town: Town) -> None:
    streets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for person in town.people:
        prop = town.property_by_ref.get(person.residence.address.reference)
        if prop is not None and prop.street:
            streets[(f"{person.first_name} {person.surname}", prop.street)].add(person.id)
    assert max(len(ids) for ids in streets.values()) >= 3


def test_the_contact_centre_records_a_date_of_birth_for_verified_callers_mostly_by_phone_or_in_person(
    town: Town, rendered: Rendered
) -> None:
    with_dob: dict[str, list[bool]] = defaultdict(list)
    typed_wrongly = 0
    for row, true_id in _rows_with_truth(rendered, "crm"):
        with_dob[row["channel"]].append(bool(row["date_of_birth"]))
        if row["date_of_birth"]:
            typed_wrongly += dt.date.fromisoformat(row["date_of_birth"]) != town.person_by_id[true_id].dob
    share = {channel: sum(flags) / len(flags) for channel, flags in with_dob.items()}
    assert share["Phone"] > 0.6 and share["Walk-in"] > 0.6
    assert share["Email"] < 0.35
    assert 0.5 < sum(sum(f) for f in with_dob.values()) / sum(len(f) for f in with_dob.values()) < 0.75
    assert typed_wrongly  # the same slips as in other systems: day and month swapped, a wrong year


@pytest.mark.parametrize("people", [3000, 20000])
def test_every_household_has_a_home_of_its_own(people: int) -> None:
    """Households outnumbering the gazetteer's homes get new builds, not a stranger's address (all of them used to
    lodge at one home: 142 people at one house in the 20,000-person town, 28,763 records at 200,000)."""
    town = town_generate(people=people, seed=1)
    homes = [h.property_ref for h in town.households]
    assert len(homes) == len(set(homes))
    assert all(town.property_by_ref[ref].kind == "dwelling" for ref in homes)
    assert max(len(h.members) for h in town.households) <= 8
    at_home: dict[str, int] = defaultdict(int)
    for person in town.people:
        if person.household is not None:
            at_home[person.residence.address.reference] += 1
    assert max(at_home.values()) <= 8


def test_an_email_or_web_form_contact_keeps_the_address_it_came_from_and_most_calls_keep_the_number(
    town: Town, rendered: Rendered
) -> None:
    written, calls = [], []
    for row, true_id in _rows_with_truth(rendered, "crm"):
        person = town.person_by_id[true_id]
        if row["channel"] in ("Email", "Web form") and person.email:
            written.append(row["email"].lower() == person.email.lower())
        if row["channel"] == "Phone" and (person.mobile or person.phone):
            calls.append(bool(row["phone"]))
    assert written and all(written)
    assert 0.85 < sum(calls) / len(calls) < 0.95  # about one caller in ten withholds their number


def test_electors_tenants_and_ratepayers_have_given_some_contact_details(town: Town, rendered: Rendered) -> None:
    columns = {"electoral": ("email", "telephone"), "housing": ("contact_email", "contact_phone")}
    columns["rates"] = ("email", "phone")
    for system, (email, phone) in columns.items():
        rows = [(row, town.person_by_id.get(true_id)) for row, true_id in _rows_with_truth(rendered, system)]
        people = [(row, person) for row, person in rows if person is not None]
        with_email = [row[email] for row, person in people if person.email]
        with_phone = [row[phone] for row, person in people if person.mobile or person.phone]
        assert 0.2 < sum(map(bool, with_email)) / len(with_email) < 0.9, system
        assert 0.2 < sum(map(bool, with_phone)) / len(with_phone) < 0.95, system
    companies = [row for row, true_id in _rows_with_truth(rendered, "rates") if true_id not in town.person_by_id]
    assert companies and not any(row["email"] or row["phone"] for row in companies)


def test_a_dead_landlords_rates_account_keeps_the_home_address_bills_go_to(town: Town, rendered: Rendered) -> None:
    billed = [
        (row, town.person_by_id[true_id])
        for row, true_id in _rows_with_truth(rendered, "rates")
        if true_id in town.person_by_id and town.person_by_id[true_id].dod
    ]
    elsewhere = [(row, person) for row, person in billed if row["uprn"] != person.residence.address.reference]
    assert elsewhere
    assert all(row["mail_postcode"] == person.residence.address.postcode for row, person in elsewhere)
