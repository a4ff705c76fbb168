"""Households: people who share a home, a surname and often an email or phone are still different people."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tellus.linkage.engine import classify, prepare, score_query

from .engine_fixtures import DOB, febrl1_model, frame, record

BUILDING = "14 Hillside Close, Kingsford, Sydney"
HOME = "12 Acacia Avenue, Kingsford, Sydney"
CHILD_DOB = dt.date(2015, 6, 2)


def _score(query: dict, candidate: dict) -> pd.Series:
    scored = score_query(query, prepare(frame(candidate)), febrl1_model())
    return classify(scored.rename(columns={"unique_id": "unique_id_r"}).assign(unique_id_l=0)).iloc[0]


def test_the_flat_is_kept_apart_from_the_house_number_however_it_is_written():
    prepared = prepare(
        frame(
            record(1, address=f"Flat 2, {BUILDING}"),
            record(2, address="2/14 Hillside Cl, Kingsford, Sydney"),
            record(3, address=BUILDING),
        )
    )
    assert prepared["flat"].tolist() == ["2", "2", None]
    assert prepared["house_number"].tolist() == ["14", "14", "14"]
    assert prepared["street"].tolist() == ["hillside close"] * 3


def test_two_flats_in_one_building_count_against_a_match_as_different_addresses_do():
    flat_9 = record(1, first_name="Michael", last_name="Riley", address=f"Flat 9, {BUILDING}", postcode="2032")
    query = {"first_name": "Michael", "last_name": "Price", "address": f"Flat 2, {BUILDING}", "postcode": "2032"}
    elsewhere = {**query, "address": "3 Mill Lane, Kingsford, Sydney"}
    result, moved = _score(query, flat_9), _score(elsewhere, flat_9)
    assert result["label_street_address"] == "Same building, different flat"
    assert result["weight_street_address"] < 0
    assert result["weight_street_address"] == pytest.approx(moved["weight_street_address"], abs=1e-9)


def test_a_flat_missing_on_one_record_is_not_a_different_flat():
    flat_9 = record(1, first_name="Michael", last_name="Riley", address=f"Flat 9, {BUILDING}", postcode="2032")
    query = {"first_name": "Michael", "last_name": "Riley", "address": BUILDING, "postcode": "2032"}
    assert _score(query, flat_9)["label_street_address"] == "Same building, flat given on one record only"


def test_household_members_sharing_an_address_and_surname_are_not_linked():
    freya = record(1, first_name="Freya", last_name="Williams", date_of_birth=DOB, address=HOME, postcode="2032")
    query = {"first_name": "Arthur", "last_name": "Williams", "address": HOME, "postcode": "2032"}
    result = _score(query, freya)
    assert result["decision"] != "link"
    assert not result["auto_link_allowed"]


def test_a_parents_email_on_a_childs_record_does_not_link_child_and_parent():
    # Ivy (2015) and her father Thomas (1986): same surname, address and email; the email outweighs the rest.
    pair = pd.DataFrame(
        {
            "unique_id_l": [1],
            "unique_id_r": [2],
            "match_probability": [0.9999],
            "gamma_first_name": [0],
            "gamma_dob": [0],
            "gamma_email": [2],
        }
    )
    result = classify(pair).iloc[0]
    assert result["decision"] == "review"
    assert not result["auto_link_allowed"]


def _household_pair(**gammas: int) -> pd.DataFrame:
    """Two records scored 0.97 whose first names clearly differ, one of them without a date of birth."""
    levels = {"gamma_first_name": 0, "gamma_dob": -1, "gamma_email": -1, "gamma_phone": -1, **gammas}
    return pd.DataFrame(
        {
            "unique_id_l": [1],
            "unique_id_r": [2],
            "match_probability": [0.97],
            **{name: [level] for name, level in levels.items()},
        }
    )


def test_family_members_at_one_home_with_nothing_personal_in_common_stay_apart():
    # Same surname and address score high, but different first names and no date of birth, email or phone in common.
    result = classify(_household_pair(gamma_email=0)).iloc[0]
    assert result["decision"] == "apart"
    assert "nothing personal in common" in result["reason"]


def test_two_people_at_one_address_with_different_names_and_nothing_personal_in_common_are_not_even_reviewed():
    # In a large town the same house number, street and postcode alone can lift lodgers into the review band.
    pair = _household_pair(gamma_email=-1).assign(match_probability=0.6)
    result = classify(pair).iloc[0]
    assert result["decision"] == "apart"
    assert "nothing personal in common" in result["reason"]


def test_family_members_sharing_a_phone_go_to_review_rather_than_apart():
    # A shared phone (exactly or nearly) might be one person under two names, so staff look.
    for level in (2, 1):
        result = classify(_household_pair(gamma_phone=level)).iloc[0]
        assert result["decision"] == "review"
        assert "may be two people in one household" in result["reason"]


def test_a_parent_and_child_of_the_same_name_and_email_are_not_linked_automatically():
    parent = record(
        1,
        first_name="William",
        last_name="Davies",
        date_of_birth=dt.date(1976, 3, 1),
        address=HOME,
        postcode="2032",
        phone="01632 960810",
    )
    child = {
        "first_name": "William",
        "last_name": "Davies",
        "date_of_birth": CHILD_DOB,
        "address": HOME,
        "postcode": "2032",
        "phone": "01632 960810",
    }
    result = _score(child, parent)
    assert result["decision"] != "link"
    assert "dates of birth clearly differ" in result["reason"]


def test_the_household_rules_are_off_with_the_twins_guard_for_febrl_like_data():
    freya = record(1, first_name="Freya", last_name="Williams", date_of_birth=DOB, address=HOME, postcode="2032")
    query = {"first_name": "Arthur", "last_name": "Williams", "date_of_birth": DOB, "address": HOME, "postcode": "2032"}
    scored = score_query(query, prepare(frame(freya)), febrl1_model())
    pairs = scored.rename(columns={"unique_id": "unique_id_r"}).assign(unique_id_l=0)
    assert classify(pairs, twins_guard=True).iloc[0]["decision"] == "apart"
    assert classify(pairs, twins_guard=False).iloc[0]["reason"] == ""


def test_a_neighbour_on_the_same_street_gets_nothing_more_for_the_shared_postcode():
    number_12 = record(1, first_name="Michael", last_name="Riley", address=HOME, postcode="2032")
    query = {"first_name": "Michael", "last_name": "Riley", "address": "14 Acacia Avenue, Kingsford, Sydney"}
    result = _score({**query, "postcode": "2032"}, number_12)
    assert result["label_street_address"] == "Same street, different house number"
    assert result["label_postcode"].startswith("Same postcode, counted with the street")
    assert result["weight_postcode"] == 0.0


def test_spouses_who_kept_their_own_surnames_sharing_an_initial_and_a_home_are_not_linked_automatically():
    # "Mrs J Greco" and "Mr J Rossi": an initial and an address in common, nothing personal.
    greco = record(1, first_name="J", last_name="Greco", date_of_birth=None, address=HOME, postcode="2032")
    query = {"first_name": "J", "last_name": "Rossi", "address": HOME, "postcode": "2032"}
    result = _score(query, greco)
    assert result["label_first_name"] == "Initial agrees with the first given name"
    assert result["decision"] != "link"


def test_a_shared_first_name_and_street_never_links_different_surnames():
    # David Prescombe (a contact-centre record) and David Wolcombe, neighbours: scored to link, held for review.
    pair = pd.DataFrame(
        {
            "unique_id_l": [1],
            "unique_id_r": [2],
            "match_probability": [0.97],
            "gamma_first_name": [7],
            "gamma_last_name": [0],
            "gamma_dob": [-1],
            "gamma_email": [-1],
            "gamma_phone": [-1],
        }
    )
    result = classify(pair).iloc[0]
    assert result["decision"] == "review"
    assert result["held_back"]
    assert result["reason"].startswith("different surnames and nothing personal in common")
    assert classify(pair, twins_guard=False).iloc[0]["decision"] == "link"
