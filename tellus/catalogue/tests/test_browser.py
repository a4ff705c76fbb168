"""The catalogue pages in a real browser, checked with axe-core for WCAG 2.2 AA, as the console's are."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group

from tellus.capacities.services import capacities_refresh
from tellus.capacities.tests.factories import a_person, a_property, add_record
from tellus.catalogue.models import CustomerGroup
from tellus.catalogue.services import DEMO_CATALOGUE_PATH, catalogue_load
from tellus.privacy import roles
from tellus.privacy.services import Actor
from tellus.testing.browser import PASSWORD, assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def manager(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username="manager", password=PASSWORD)
    roles.sync_roles()
    user.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    return user


@pytest.fixture
def catalogue() -> None:
    actor = Actor.system("test")
    catalogue_load(path=DEMO_CATALOGUE_PATH, actor=actor)
    add_record(
        a_person(), "rates", valid_from=dt.date(2012, 4, 1), prop=a_property(ward="North"), ratepayer_type="Individual"
    )
    capacities_refresh(actor=actor)


def sign_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/console/")


def test_a_service_manager_reads_the_catalogue_and_builds_a_customer_list_with_no_violations(
    page, live_server, manager, catalogue
):  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, manager.username)

    page.goto(f"{live_server.url}/catalogue/")
    assert page.get_by_role("heading", level=1, name="Service catalogue").is_visible()
    assert_no_axe_violations(page, "the catalogue list")

    page.get_by_role("link", name="Street trees").click()
    page.wait_for_url("**/catalogue/street-trees/")
    assert page.get_by_role("heading", level=2, name="Community considerations").is_visible()
    assert_no_axe_violations(page, "a service page")

    page.get_by_role("link", name="Build the customer list with Simons' questions").click()
    page.wait_for_url("**/catalogue/street-trees/customer-list/step-1/")
    assert page.title().startswith("Step 1 of 10")
    assert_no_axe_violations(page, "the first step of the guided form")
    page.get_by_label("What services do you provide, by function and by touchpoint?").fill("Tree inspections")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/step-2/")
    page.goto(f"{live_server.url}/catalogue/street-trees/customer-list/step-3/")
    page.get_by_label("Groups this names, one per line").fill("Residents asking for tree work\nCyclists")
    assert_no_axe_violations(page, "a step of the guided form that names groups")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/step-4/")
    assert CustomerGroup.objects.filter(service__code="street-trees", name="Cyclists").exists()

    page.goto(f"{live_server.url}/catalogue/street-trees/customer-list/groups/")
    assert_no_axe_violations(page, "the segments step of the guided form")
    cyclists = page.get_by_role("group", name="Cyclists")
    cyclists.get_by_label("Ward").select_option("North")
    cyclists.get_by_label("People in the records: capacity").select_option("resident")
    page.get_by_role("button", name="Save the customer list").click()
    page.wait_for_url("**/catalogue/street-trees/customers/")
    assert page.get_by_text("The customer list is saved.").is_visible()
    assert page.get_by_role("cell", name="current resident, in ward North").is_visible()
    assert_no_axe_violations(page, "the customer list page")


def test_the_customer_list_prints_without_the_console_around_it(page, live_server, manager, catalogue):  # type: ignore[no-untyped-def]
    sign_in(page, live_server.url, manager.username)
    page.goto(f"{live_server.url}/catalogue/rates/customers/")

    page.emulate_media(media="print")

    assert not page.locator(".header").is_visible()
    assert not page.locator(".footer").is_visible()
    assert page.get_by_role("heading", level=1, name="Customer list: Rates billing and collection").is_visible()
    assert page.get_by_role("cell", name="Ratepayers in North ward").first.is_visible()
