from __future__ import annotations

import datetime as dt

from tellus.linkage.engine import prepare, too_thin_to_link
from tellus.linkage.engine.nicknames import canonical_first_name
from tellus.linkage.engine.prepare import soundex

from .engine_fixtures import frame, record


def test_names_are_normalised_and_nicknames_share_a_canonical_form():
    prepared = prepare(
        frame(record(1, first_name="  Bill ", last_name="O'Brien-Smith"), record(2, first_name="WILLIAM"))
    )
    assert prepared.loc[0, "first_name"] == "bill"
    assert prepared.loc[0, "last_name"] == "obrien smith"
    assert prepared.loc[0, "first_name_canonical"] == prepared.loc[1, "first_name_canonical"] == "william"


def test_common_nicknames_map_to_their_formal_names():
    assert canonical_first_name("liz") == "elizabeth"
    assert canonical_first_name("bob") == "robert"
    assert canonical_first_name("peggy") == "margaret"
    assert canonical_first_name("zebedee") == "zebedee"


def test_only_the_first_given_name_decides_the_canonical_form():
    # 'Robert George' on the electoral roll and 'Bobby' at the library are one Robert.
    assert canonical_first_name("robert george") == canonical_first_name("bobby") == "robert"
    assert canonical_first_name("patricia ann") == canonical_first_name("trish")


def test_a_nickname_short_for_two_names_matches_either():
    assert canonical_first_name("nicky") == canonical_first_name("nicola") == canonical_first_name("nicholas")
    assert canonical_first_name("jo") == canonical_first_name("joanne") == canonical_first_name("josephine")
    assert canonical_first_name("jon") == canonical_first_name("jonathan") != canonical_first_name("john")


def test_dates_of_birth_become_iso_text_from_dates_or_digits():
    prepared = prepare(
        frame(record(1, date_of_birth=dt.date(1980, 4, 9)), record(2, date_of_birth="19800409"), record(3))
    )
    assert list(prepared["dob"]) == ["1980-04-09", "1980-04-09", None]


def test_address_is_split_into_house_number_street_locality_and_town():
    prepared = prepare(frame(record(1, address="Flat 2, 12 High Street, Newtown, Townsville", postcode="ab12cd")))
    row = prepared.iloc[0]
    assert (row["house_number"], row["street"], row["locality"], row["town"]) == (
        "12",
        "high street",
        "newtown townsville",
        "townsville",
    )
    assert row["postcode"] == "AB1 2CD"


def test_a_shared_or_pseudo_address_is_blanked_so_it_is_never_evidence():
    prepared = prepare(
        frame(record(1, address="1 Shelter Road, Townsville", postcode="AB1 2CD", address_is_evidence=False))
    )
    row = prepared.iloc[0]
    assert row[["house_number", "street", "locality", "town", "postcode"]].isna().all()


def test_phone_numbers_with_and_without_country_code_compare_equal():
    prepared = prepare(frame(record(1, phone="+44 7700 900123"), record(2, phone="07700-900123")))
    assert prepared.loc[0, "phone"] == prepared.loc[1, "phone"]


def test_a_record_with_only_a_first_name_is_too_thin_to_link():
    prepared = prepare(
        frame(
            record(1, first_name="Sam"),
            record(2, first_name="Sam", last_name="Jones"),
            record(3, first_name="Sam", date_of_birth="1990-01-01"),
            record(4, first_name="Sam", address="1 Shelter Road, Townsville", address_is_evidence=False),
        )
    )
    assert list(too_thin_to_link(prepared)) == [True, True, False, True]


def test_soundex_codes_names_that_sound_alike_the_same():
    assert soundex("robert") == soundex("rupert") == "R163"
    assert soundex("ashcraft") == "A261"
