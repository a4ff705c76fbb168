"""A resident's own give-and-take statement at /my/statement/: only their own lines, never anyone else's."""

from __future__ import annotations

import pytest
from django.test import Client

from tellus.ledger.importing import ledger_import, mapping_load
from tellus.ledger.tests.conftest import (
    CONTRIBUTIONS_MAPPING,
    USE_MAPPING,
    contributions_csv,
    town_make,
    use_csv,
    write,
)
from tellus.portal.tests.conftest import signed_in_client
from tellus.portal.tests.factories import ResidentAccountFactory
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():  # type: ignore[no-untyped-def]
    return town_make()


@pytest.fixture
def ana_client(tmp_path, town):  # type: ignore[no-untyped-def]
    actor = Actor.system("test")
    contributions_mapping = write(tmp_path, "contributions.toml", CONTRIBUTIONS_MAPPING)
    use_mapping = write(tmp_path, "use.toml", USE_MAPPING)
    for path, mapping in (
        (contributions_csv(tmp_path, town), contributions_mapping),
        (use_csv(tmp_path, town), use_mapping),
    ):
        assert not ledger_import(path=path, mapping=mapping_load(mapping), year=town.year, actor=actor).refused
    return signed_in_client(ResidentAccountFactory(person=town.ana, email="ana@example.org"))


def test_a_resident_sees_their_own_statement_in_plain_words(ana_client, town):
    response = ana_client.get("/my/statement/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "In 2025/26 you paid the council £1234.56" in text
    assert "Library loans" in text and "apportioned" in text


def test_a_resident_sees_no_one_elses_lines_not_even_their_households(ana_client, town):
    text = ana_client.get("/my/statement/").content.decode()

    assert "Parking penalty" not in text  # Ben's, who lives with her
    assert "Garden waste" not in text  # billed to the household, not to her
    assert "Swim" not in text and "Cara" not in text and "Ben Ruiz" not in text
    assert not AuditEvent.objects.filter(object_type="ledger.statement").exists()  # her own read is not a staff view


def test_a_resident_downloads_their_statement_as_a_pdf(ana_client):
    response = ana_client.get("/my/statement.pdf", {"year": "2025-26"})

    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_someone_not_signed_in_is_sent_to_sign_in(town):
    response = Client().get("/my/statement/")

    assert response.status_code == 302 and response["Location"].startswith("/my/sign-in/")


def test_an_unknown_year_is_a_400(ana_client):
    assert ana_client.get("/my/statement/", {"year": "1999-00"}).status_code == 400
