"""People who move: a record at an old address says the addresses differ once, not once per part of the address."""

from __future__ import annotations

from typing import Any

import pandas as pd

from tellus.linkage.engine import classify

from .engine_fixtures import DOB, record, score_against

OLD_HOME = "12 Acacia Avenue, Kingsford"
NEW_HOME = "7 Harbour Street, Glebe"


def test_a_move_to_another_town_counts_against_a_match_once_in_the_street_address():
    before = record(1, first_name="Margaret", last_name="Evans", date_of_birth=DOB, address=OLD_HOME, postcode="2032")
    query = {
        "first_name": "Margaret",
        "last_name": "Evans",
        "date_of_birth": DOB,
        "address": NEW_HOME,
        "postcode": "2600",
    }
    result = score_against(query, before)
    assert result["label_street_address"] == "All other comparisons"
    assert result["weight_street_address"] < 0
    assert result["label_postcode"].startswith("Different postcode, street and town")
    assert result["label_town"].startswith("Different town and street")
    assert result["weight_postcode"] == result["weight_town"] == 0.0


def test_a_different_postcode_is_still_compared_when_the_street_agrees():
    before = record(1, first_name="Margaret", last_name="Evans", date_of_birth=DOB, address=OLD_HOME, postcode="2032")
    query = {
        "first_name": "Margaret",
        "last_name": "Evans",
        "date_of_birth": DOB,
        "address": OLD_HOME,
        "postcode": "2600",
    }
    result = score_against(query, before)
    assert result["label_postcode"] == "All other comparisons"
    assert result["weight_postcode"] != 0.0


def test_the_same_name_and_birthday_at_an_old_address_in_another_town_is_linked_or_reviewed():
    before = record(1, first_name="Margaret", last_name="Evans", date_of_birth=DOB, address=OLD_HOME, postcode="2032")
    query = {
        "first_name": "Margaret",
        "last_name": "Evans",
        "date_of_birth": DOB,
        "address": NEW_HOME,
        "postcode": "2600",
    }
    assert score_against(query, before)["decision"] in {"review", "link"}


def _review_pair(**labels: str) -> pd.DataFrame:
    row = {
        "unique_id_l": 1,
        "unique_id_r": 2,
        "match_probability": 0.7,
        "gamma_first_name": 7,
        "gamma_dob": 3,
        "label_first_name": "Same first name",
        "label_last_name": "Same last name",
        "label_dob": "Same date of birth",
    }
    return pd.DataFrame([{**row, **labels}])


def test_the_same_name_and_birthday_in_the_review_band_is_linked_whatever_the_address():
    decided = classify(_review_pair()).iloc[0]
    assert decided["decision"] == "link"
    assert decided["auto_link_allowed"]
    assert decided["reason"] == "same name and one more identifier"


def test_a_nickname_counts_as_the_same_name_for_that_rule_but_a_similar_surname_does_not():
    assert (
        classify(_review_pair(label_first_name="Nickname of the same name (Bill and William)")).iloc[0]["decision"]
        == "link"
    )
    assert classify(_review_pair(label_last_name="Very similar last name")).iloc[0]["decision"] == "review"


def test_a_shared_phone_links_the_same_name_and_a_shared_postcode_only_where_a_street_is_missing():
    same_phone = _review_pair(label_dob="Missing on one record", label_phone="Same phone number")
    assert classify(same_phone).iloc[0]["decision"] == "link"
    postcode_only = _review_pair(
        label_dob="Missing on one record", label_postcode="Same postcode", label_street_address="Missing on one record"
    )
    assert classify(postcode_only).iloc[0]["decision"] == "link"
    moved_in_postcode = postcode_only.assign(label_street_address="All other comparisons")
    assert classify(moved_in_postcode).iloc[0]["decision"] == "review"


def test_the_same_name_and_birthday_below_the_review_band_stays_apart():
    assert classify(_review_pair(match_probability=0.2)).iloc[0]["decision"] == "apart"


def test_a_thin_record_is_not_linked_by_that_rule():
    assert classify(_review_pair(), too_thin_ids={2}).iloc[0]["decision"] == "review"


def test_a_record_whose_identity_was_only_stated_is_never_linked_by_the_machine_however_high_the_score():
    decided = classify(_review_pair(match_probability=0.9997), review_only_ids={2}).iloc[0]

    assert decided["decision"] == "review" and not decided["auto_link_allowed"]
    assert "caseworker" in decided["reason"]
    assert classify(_review_pair(match_probability=0.2), review_only_ids={2}).iloc[0]["decision"] == "apart"


def _doris_on_the_register_at_her_new_home() -> dict[str, Any]:
    return record(
        1,
        source_system="electoral",
        first_name="Doris",
        last_name="Evans",
        date_of_birth=DOB,
        address=NEW_HOME,
        postcode="2600",
    )


def test_a_contact_centre_record_with_name_and_date_of_birth_links_to_the_electoral_record_at_a_new_address():
    elector = _doris_on_the_register_at_her_new_home()
    caller = {"first_name": "Doris", "last_name": "Evans", "date_of_birth": DOB, "address": OLD_HOME}
    assert score_against(caller, elector)["decision"] == "link"


def test_a_contact_centre_record_with_only_a_name_and_an_old_address_is_not_linked():
    elector = _doris_on_the_register_at_her_new_home()
    caller = {"first_name": "Doris", "last_name": "Evans", "address": OLD_HOME}
    assert score_against(caller, elector)["decision"] != "link"
