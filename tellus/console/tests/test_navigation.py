"""Every role lands on a page it may use, and its navigation offers exactly the pages it may open."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tellus.console.navigation import NAVIGATION, home_for
from tellus.privacy import roles
from tellus.privacy.tests.helpers import signed_in, with_two_factor
from tellus.privacy.two_factor import TWO_FACTOR_REQUIRED_ROLES

pytestmark = pytest.mark.django_db

HOMES = {
    roles.FRONT_LINE_OFFICER: "console:search",
    roles.CASEWORKER: "console:search",
    roles.SERVICE_MANAGER: "console:search",
    roles.ANALYST: "insight:demand",
    roles.PRIVACY_OFFICER: "console:audit",
    roles.ADMINISTRATOR: "console:administration",
    roles.COUNTER_FRAUD: "console:search",
}


def _member_of(django_user_model, role: str):  # type: ignore[no-untyped-def]
    roles.sync_roles()
    user = django_user_model.objects.create_user(username=f"u{len(role)}{role[:3]}", password="correct-horse-battery")
    user.groups.add(Group.objects.get(name=role))
    if role in TWO_FACTOR_REQUIRED_ROLES:
        with_two_factor(user)
    return user


def _nav_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="header__nav".*?</nav>', html, re.S)
    assert nav, "the page has no navigation"
    return re.findall(r'href="([^"]+)"', nav.group(0))


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_each_role_lands_on_its_own_start_page_after_signing_in(client, django_user_model, role):
    user = _member_of(django_user_model, role)
    client = signed_in(client, user, purpose=roles.ROLE_PURPOSES[role][0])

    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(HOMES[role])


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_each_role_can_follow_every_link_in_its_navigation_and_is_refused_nothing(client, django_user_model, role):
    user = _member_of(django_user_model, role)
    client = signed_in(client, user, purpose=roles.ROLE_PURPOSES[role][0])
    links = _nav_links(client.get(reverse(HOMES[role])).content.decode())
    assert links, f"the {role} sees no navigation"

    for link in links:
        response = client.get(link)
        assert response.status_code == 200, f"{role}: {link} answered {response.status_code}"


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_the_navigation_hides_only_the_pages_the_role_would_be_refused(client, django_user_model, role):
    user = _member_of(django_user_model, role)
    client = signed_in(client, user, purpose=roles.ROLE_PURPOSES[role][0])
    shown = set(_nav_links(client.get(reverse(HOMES[role])).content.decode()))

    for item in NAVIGATION:
        if item.url in shown:
            continue
        assert client.get(item.url).status_code == 403, f"{role} may open {item.url} but the navigation hides it"


def test_someone_with_no_role_has_no_start_page_and_is_told_so(client, outsider):
    client = signed_in(client, outsider, purpose=None)

    response = client.get("/", follow=True)

    assert home_for(outsider) is None
    assert response.status_code == 403
    assert b"You do not have permission to see this page" in response.content


def test_signing_in_takes_an_analyst_to_demand_analysis_not_a_refusal(client, analyst):
    response = client.post(
        reverse("login"), {"username": analyst.username, "password": "correct-horse-battery"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("insight:demand")
    assert response.status_code == 200
