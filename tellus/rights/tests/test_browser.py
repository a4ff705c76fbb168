"""The staff pages for correction requests in a real browser, checked by axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest

from tellus.people.tests.factories import PersonFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy.services import Actor
from tellus.rights.corrections import correction_ask
from tellus.rights.models import CorrectionRequest
from tellus.testing.browser import assert_no_axe_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_caseworker_corrects_a_record_a_resident_flagged(page, live_server, caseworker):
    person = PersonFactory(display_name="Dora Wrong")
    tax = SourceSystemFactory(name="ctax", title="Council Tax", owning_team="Revenues")
    record = SourceRecordFactory(person=person, source_system=tax, source_key="CT-9", last_name="Wrnog")
    correction_ask(actor=Actor.system("r"), person_id=person.pk, record_id=record.pk, field="last_name", words="Wrong")
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url, "caseworker", purpose="Casework")
    page.goto(f"{live_server.url}/rights/corrections/")
    assert_no_axe_violations(page, "the correction requests list")
    with page.expect_navigation():
        page.get_by_role("link", name="Open the request from Dora Wrong").click()
    assert_no_axe_violations(page, "a correction request")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and reply").click()
    assert "There is a problem" in page.content()
    assert_no_axe_violations(page, "a correction request with errors")
    page.get_by_label("Corrected the record").check()
    page.get_by_label("Corrected value").fill("Wrong")
    page.get_by_label("Reply to the resident").fill("Corrected, sorry.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and reply").click()
    assert "There are no open correction requests." in page.content()
    assert CorrectionRequest.objects.get().status == "corrected"
