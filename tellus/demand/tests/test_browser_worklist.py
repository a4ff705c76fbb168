"""The needs worklist in a real browser: reached from the navigation (with its count), checked with axe-core (WCAG
2.2 AA) at 1280 and 390 px wide with no sideways scrolling, and needs assigned in bulk, or refused all together."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tellus.demand.models import Need
from tellus.demand.services import contact_log
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.services import Actor
from tellus.testing.browser import DESKTOP, MOBILE, assert_no_axe_violations, sign_in

from .factories import ServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def needs() -> list[Need]:
    potholes = ServiceFactory(code="potholes", name="Potholes", group="Roads", responsible_team="Highways",
                              standard_days=7)  # fmt: skip
    people = [PersonFactory(display_name=name) for name in ("Alice Example", "Bartholomew Featherstonehaugh")]
    made = []
    for days_ago, person in [(10, people[0]), (6, people[1]), (1, None)]:
        contact = contact_log(
            actor=Actor.system("t"), purpose="enquiry", channel="phone", person=person, service=potholes,
            words="A pothole outside the school gates, deep enough to lose a wheel in " * 4, demand_type="value",
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        )  # fmt: skip
        made.append(contact.need)
    return made


def check_both_widths(page: Any, where: str) -> None:
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page, where)
    page.set_viewport_size(MOBILE)
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport, f"{where} is {width} px wide on a {viewport} px screen"
    assert_no_axe_violations(page, f"{where} at 390 px")
    page.set_viewport_size(DESKTOP)


def test_a_caseworker_assigns_needs_in_bulk_from_the_worklist(page, live_server, caseworker, officer, needs):
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url, caseworker.username, purpose="Casework")
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Needs worklist").click()
    page.wait_for_url("**/demand/needs/")
    assert page.get_by_role("heading", level=1, name="Needs worklist").is_visible()
    assert page.get_by_role("link", name="Overdue 1").is_visible()
    check_both_widths(page, "the needs worklist")

    page.get_by_role("button", name="Apply to the ticked needs").click()
    assert page.title().startswith("Error:")
    assert page.get_by_role("link", name="Tick at least one need.").is_visible()
    check_both_widths(page, "the needs worklist with errors")

    page.locator(f"#need-{needs[0].pk}").check()
    page.locator(f"#need-{needs[1].pk}").check()
    page.get_by_label("Assign to a member of staff").check()
    page.get_by_label("Member of staff", exact=True).select_option(label="officer")
    page.get_by_role("button", name="Apply to the ticked needs").click()
    assert page.get_by_text("2 needs changed.").is_visible()
    assert set(Need.objects.filter(assignee=officer).values_list("pk", flat=True)) == {needs[0].pk, needs[1].pk}

    page.locator(f"#need-{needs[1].pk}").check()
    page.locator(f"#need-{needs[2].pk}").check()
    page.get_by_label("Assign to a member of staff").check()
    page.get_by_label("Member of staff", exact=True).select_option(label="officer")
    page.get_by_role("button", name="Apply to the ticked needs").click()
    assert page.get_by_text(f"Need {needs[1].pk} is already assigned to officer.").is_visible()
    assert Need.objects.get(pk=needs[2].pk).assignee is None  # all or nothing
    check_both_widths(page, "the needs worklist refusing a bulk action")


def test_the_officer_sees_their_needs_counted_in_the_navigation(page, live_server, officer, needs):
    from tellus.demand.worklist_services import needs_assign

    needs_assign(need_ids=[needs[0].pk], assignee=officer, actor=Actor.system("t"), purpose="casework")
    sign_in(page, live_server.url, officer.username, purpose="Handling an enquiry")
    page.get_by_role("link", name="Needs worklist 1").click()
    page.get_by_role("link", name="Mine 1").click()
    page.wait_for_url("**queue=mine*")
    assert page.get_by_text("Alice Example").is_visible()
    assert page.get_by_text("Bartholomew Featherstonehaugh").count() == 0
    check_both_widths(page, "the officer's own needs")
