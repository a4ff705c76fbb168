"""Joined-up support: people in touch with three or more services in 90 days, for casework only, each listed
person audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tellus.demand.tests.factories import ServiceFactory
from tellus.inclusion.models import JOINED_UP_OBJECT_TYPE
from tellus.inclusion.selectors import joined_up_support_for_staff
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor

from .conftest import contact

pytestmark = pytest.mark.django_db


def test_only_people_in_touch_with_three_services_in_90_days_are_listed(caseworker):
    now = timezone.now()
    bins, rates, housing = ServiceFactory(), ServiceFactory(), ServiceFactory()
    many, two, long_ago = PersonFactory(), PersonFactory(), PersonFactory()
    for service in (bins, rates, housing):
        contact(many, service, now - dt.timedelta(days=10))
        contact(long_ago, service, now - dt.timedelta(days=120 if service is housing else 5))
    for service in (bins, rates):
        contact(two, service, now - dt.timedelta(days=3))
    contact(two, bins, now - dt.timedelta(days=4))

    found = joined_up_support_for_staff(actor=Actor.for_user(caseworker), purpose=Purpose.CASEWORK)

    assert [(row.person_id, row.services, row.contacts) for row in found.object_list] == [(many.pk, 3, 3)]
    entry = AuditEvent.objects.get(object_type=JOINED_UP_OBJECT_TYPE)
    assert entry.action == AuditAction.LISTED and entry.subject_person_id == many.pk and entry.actor == caseworker


def test_the_list_is_for_casework_only(caseworker):
    with pytest.raises(PermissionDenied):
        joined_up_support_for_staff(actor=Actor.for_user(caseworker), purpose=Purpose.ENQUIRY)


def test_the_page_lists_them_for_a_caseworker(sign_in, caseworker):
    now = timezone.now()
    person = PersonFactory(display_name="Joan Many")
    for _ in range(3):
        contact(person, ServiceFactory(), now - dt.timedelta(days=1))
    page = sign_in(caseworker, purpose=Purpose.CASEWORK).get("/inclusion/joined-up/")
    assert page.status_code == 200 and "Joan Many" in page.content.decode()
    # With another purpose the page lists no one and says it is for casework (the navigation offers it, so no 403).
    other = sign_in(caseworker, purpose=Purpose.ENQUIRY).get("/inclusion/joined-up/")
    assert other.status_code == 200
    assert "Joan Many" not in other.content.decode() and "for casework only" in other.content.decode()
