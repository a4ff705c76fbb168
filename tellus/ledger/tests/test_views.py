from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tellus.ledger.importing import ledger_import, mapping_load
from tellus.privacy.models import AuditEvent, Purpose
from tellus.privacy.services import Actor
from tellus.privacy.tests.helpers import signed_in

from .conftest import contributions_csv, use_csv


@pytest.fixture
def loaded(tmp_path, town, contributions_mapping, use_mapping):  # type: ignore[no-untyped-def]
    actor = Actor.system("test")
    for path, mapping in (
        (contributions_csv(tmp_path, town), contributions_mapping),
        (use_csv(tmp_path, town), use_mapping),
    ):
        assert not ledger_import(path=path, mapping=mapping_load(mapping), year=town.year, actor=actor).refused
    return town


def test_an_officer_reads_a_household_statement_in_plain_words_and_it_is_audited(client, officer, loaded):
    staff = signed_in(client, officer, purpose=Purpose.ENQUIRY)

    response = staff.get(reverse("ledger:household_statement", args=[loaded.home.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "In 2025/26 this household paid the council £1349.56" in text
    assert "apportioned" in text and "Ana Ruiz" in text and "Rates account R0001" in text
    assert AuditEvent.objects.filter(object_type="ledger.statement", purpose="enquiry").count() == 2


def test_staff_who_have_not_stated_a_purpose_are_sent_to_state_one_first(client, officer, loaded):
    staff = signed_in(client, officer, purpose=None)

    response = staff.get(reverse("ledger:person_statement", args=[loaded.ana.pk]))

    assert response.status_code == 302 and "/console/purpose/" in response["Location"]
    assert not AuditEvent.objects.filter(object_type="ledger.statement").exists()


def test_someone_without_the_permission_sees_no_statement(client, outsider, analyst, loaded):
    for user in (outsider, analyst):
        staff = signed_in(Client(), user, purpose=Purpose.ANALYSIS if user is analyst else None)
        assert staff.get(reverse("ledger:person_statement", args=[loaded.ana.pk])).status_code == 403
    assert Client().get(reverse("ledger:person_statement", args=[loaded.ana.pk])).status_code == 302


def test_a_statement_downloads_as_a_pdf(client, caseworker, loaded):
    staff = signed_in(client, caseworker, purpose=Purpose.CASEWORK)

    response = staff.get(reverse("ledger:person_statement_pdf", args=[loaded.ana.pk]), {"year": "2025-26"})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response.content.startswith(b"%PDF")
        and b"statement-person-2025-26.pdf" in response["Content-Disposition"].encode()
    )
    assert AuditEvent.objects.filter(object_type="ledger.statement", subject_person_id=loaded.ana.pk).count() == 1


def test_an_unknown_year_or_person_is_a_clear_4xx(client, officer, loaded):
    staff = signed_in(client, officer, purpose=Purpose.ENQUIRY)

    assert staff.get(reverse("ledger:person_statement", args=[loaded.ana.pk]), {"year": "1999-00"}).status_code == 400
    assert staff.get(reverse("ledger:person_statement", args=[99999999])).status_code == 404


def test_an_analyst_sees_distributions_with_small_groups_suppressed(client, analyst, loaded):
    staff = signed_in(client, analyst, purpose=Purpose.ANALYSIS)

    response = staff.get(reverse("ledger:distribution"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "By decile of contribution" in text and "By needs driver" in text
    assert "Not shown: too few households" in text  # two households, under the threshold of ten
    assert "Ana Ruiz" not in text and "Mill Lane" not in text


def test_an_officer_cannot_see_distributions(client, officer, loaded):
    assert signed_in(client, officer, purpose=Purpose.ENQUIRY).get(reverse("ledger:distribution")).status_code == 403


def test_where_your_rates_go_is_public_and_shows_only_aggregates(loaded):
    response = Client().get(reverse("ledger_public:where_your_rates_go"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "For every £100 of rates" in text and "Libraries" in text
    for private in ("Ana Ruiz", "Ben Ruiz", "Cara Quay", "Mill Lane", "R0001", "payments.csv"):
        assert private not in text


def test_an_estimate_for_a_bill_works_without_javascript(loaded):
    response = Client().get(reverse("ledger_public:where_your_rates_go"), {"bill": "1000.00", "year": "2025-26"})

    assert response.status_code == 200
    assert "Where a bill of £1000.00 goes" in response.content.decode()


@pytest.mark.parametrize("bill", ["abc", "-5", "0", "12.345", "99999999999"])
def test_a_bad_bill_is_a_400_with_a_form_error(loaded, bill):
    response = Client().get(reverse("ledger_public:where_your_rates_go"), {"bill": bill})

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
