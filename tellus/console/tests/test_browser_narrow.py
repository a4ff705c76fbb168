"""Every console page, as each role sees it, on a phone: at 390 px wide the document is never wider than the screen.

Each role signs in and states its purpose (so pages that show people show them, rather than asking for the purpose),
then opens every link in its navigation and the pages behind them (a person, their audit trail, a need, the contact
form for a caller with a long open need, with "what to discuss" shown) and checks `scrollWidth` against the width
of the viewport."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group

from tellus.catalogue.models import Service
from tellus.demand.services import contact_log
from tellus.demand.tests.factories import CommunityConsiderationFactory, ServiceFactory
from tellus.demand.worklist_services import needs_assign
from tellus.people.tests.factories import PersonFactory, PropertyFactory, SourceRecordFactory, SourceSystemFactory
from tellus.privacy import roles
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor
from tellus.testing.browser import MOBILE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_WORDS = " ".join(["The bin men left the whole street's recycling strewn across the pavement again"] * 12)
ROLE_PURPOSES = {
    "officer": Purpose.ENQUIRY,
    "caseworker": Purpose.CASEWORK,
    "service_manager": Purpose.SERVICE_MANAGEMENT,
    "analyst": Purpose.ANALYSIS,
    "privacy_officer": Purpose.PRIVACY_REVIEW,
    "administrator": Purpose.ADMINISTRATION,
}


@pytest.fixture
def service_manager(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username="manager", password="correct-horse-battery")
    roles.sync_roles()
    user.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    return user


@pytest.fixture
def town(officer: Any) -> dict[str, Any]:
    home = PropertyFactory(ward="North", postcode="TL2 2AN")
    rates = SourceSystemFactory(name="rates", title="Council tax")
    ann = PersonFactory(display_name="Annabel Wilhelmina Fortescue-Smythe", date_of_birth=dt.date(1980, 5, 17))
    SourceRecordFactory(
        person=ann, source_system=rates, source_key="CT-0001", first_name="Annabel", last_name="Fortescue-Smythe",
        address="Flat 12, Riverside Mansions, 4 Mill Lane, Tellham", postcode="TL2 2AN", property=home,
        email="annabel.wilhelmina.fortescue-smythe@example.org",
    )  # fmt: skip
    bins: Service = ServiceFactory(code="recycling", name="Recycling and garden waste", standard_days=5)
    CommunityConsiderationFactory(service=bins, title="Collection rounds", text="Crews cannot come back the same day.")
    contact = contact_log(
        actor=Actor.system("t"), purpose=Purpose.ENQUIRY, channel="phone", words=LONG_WORDS, person=ann,
        service=bins, demand_type="value", occurred_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    needs_assign(need_ids=[contact.need_id], assignee=officer, actor=Actor.system("t"), purpose=Purpose.CASEWORK)
    return {"ann": ann, "need": contact.need, "bins": bins}


def scroll_widths(page: Any) -> tuple[int, int, str]:
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    widest = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >"
        " window.innerWidth + 1).slice(-3).map(e => e.tagName + '.' + e.className).join(', ')"
    )
    return width, viewport, widest


@pytest.mark.parametrize("role", list(ROLE_PURPOSES))
def test_every_console_page_fits_a_390_px_screen_for_each_role(browser, live_server, request, role, town):
    from tellus.testing.browser import new_page

    user = request.getfixturevalue(role)
    page = new_page(browser, viewport=MOBILE)
    page.set_default_timeout(60_000)
    sign_in(page, live_server.url, user.username, purpose=str(ROLE_PURPOSES[role].label))
    ann, need = town["ann"], town["need"]
    links = page.locator("nav.header__nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert links, f"{role} has no navigation"
    deeper = [
        f"/console/people/{ann.pk}/",
        f"/console/people/{ann.pk}/audit/",
        f"/demand/needs/{need.pk}/",
        f"/demand/contacts/new/?person={ann.pk}",
        f"/demand/contacts/new/?person={ann.pk}&service={town['bins'].pk}",
        "/demand/needs/?queue=mine",
    ]
    visited = []
    for link in [*links, *deeper]:
        if link.startswith("/api/"):
            continue  # Swagger's own page, checked by the API's tests
        response = page.goto(f"{live_server.url}{link}")
        assert response is not None
        if response.status == 403 and link in deeper:
            continue  # a page behind the navigation that this role may not open
        assert response.status == 200, f"{role}: {link} answered {response.status}"
        assert "/console/purpose/" not in page.url, f"{role}: {link} asked for the purpose again"
        width, viewport, widest = scroll_widths(page)
        assert width <= viewport, f"{link} as {role} is {width} px wide on a {viewport} px screen ({widest})"
        visited.append(link)
        if link.startswith("/demand/contacts/new/?person="):
            page.get_by_role("button", name="Show what to discuss for the chosen service").click()
            page.wait_for_load_state()
            width, viewport, widest = scroll_widths(page)
            assert width <= viewport, f"what to discuss as {role} is {width} px wide ({widest})"
    assert len(visited) >= len([link for link in links if not link.startswith("/api/")])
