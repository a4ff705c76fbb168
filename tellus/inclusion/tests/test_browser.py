"""The inclusion pages in a real browser, checked by axe-core (WCAG 2.2 AA) at 1280 and 390 pixels, and worked
with the keyboard: a caseworker gives a reason, sees the needs, records one; a front-line officer sees only the
adjustments on the person page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tellus.demand.tests.factories import ServiceFactory
from tellus.inclusion.models import SupportNeed
from tellus.people.tests.factories import PersonFactory
from tellus.testing.browser import assert_no_axe_violations, sign_in

from .conftest import contact, record_need

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _both_widths(page, where: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_no_axe_violations(page, where)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_axe_violations(page, f"{where} at 390px wide")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_caseworker_gives_a_reason_sees_the_needs_and_records_one(page, live_server, caseworker):
    person = PersonFactory(display_name="Edith Marsh")
    record_need(person, review_on=timezone.localdate() - dt.timedelta(days=1))
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url, "caseworker", purpose="Casework")
    page.goto(f"{live_server.url}/inclusion/people/{person.pk}/")
    _both_widths(page, "the support page")
    with page.expect_navigation():
        page.get_by_role("link", name="See the needs behind them (you will be asked why)").click()
    _both_widths(page, "the reason page")
    page.get_by_label("Why do you need to see this?").fill("Reviewing her support plan with her")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # the Continue button, reached with the keyboard
    assert "Dementia or cognitive impairment" in page.content()
    _both_widths(page, "the needs page")
    with page.expect_navigation():
        page.get_by_role("link", name="Record a need").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the need").click()
    assert "There is a problem" in page.content()
    _both_widths(page, "the need form with errors")
    page.get_by_label("Need", exact=True).select_option("bereavement")
    page.get_by_label("Temporary").check()
    page.get_by_label("Review date").fill((timezone.localdate() + dt.timedelta(days=90)).isoformat())
    page.get_by_label("Who told us").select_option("person")
    page.get_by_label("Lawful basis for keeping it").select_option("public_task")
    page.get_by_label("Allow extra time").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Record the need").click()
    assert SupportNeed.objects.filter(person=person, need="bereavement").exists()
    page.goto(f"{live_server.url}/inclusion/review/")
    _both_widths(page, "the review list's reason page")
    page.get_by_label("Why do you need to see this?").fill("Monthly review of needs")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "Edith Marsh" in page.content()
    _both_widths(page, "the review list")


def test_the_joined_up_list_and_a_representative_form_pass_axe(page, live_server, caseworker):
    person = PersonFactory(display_name="Joan Many")
    for _ in range(3):
        contact(person, ServiceFactory(), timezone.now() - dt.timedelta(days=2))
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url, "caseworker", purpose="Casework")
    page.goto(f"{live_server.url}/inclusion/joined-up/")
    assert "Joan Many" in page.content()
    _both_widths(page, "the joined-up support list")
    page.goto(f"{live_server.url}/inclusion/people/{person.pk}/representatives/new/")
    _both_widths(page, "the representative form")
    page.goto(f"{live_server.url}/inclusion/people/{person.pk}/route/")
    _both_widths(page, "the route form")


def test_a_front_line_officer_sees_the_adjustments_on_the_person_page(page, live_server, officer):
    person = PersonFactory(display_name="Edith Marsh")
    record_need(person)
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url, "officer", purpose="Handling an enquiry")
    page.goto(f"{live_server.url}/console/people/{person.pk}/")
    content = page.content()
    assert "Speak to their advocate first" in content and "Dementia" not in content
    _both_widths(page, "the person page with adjustments")
