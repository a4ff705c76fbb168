"""Fixtures for the inclusion tests: a service manager (the other roles are in the root conftest), a person with
a need and its adjustments, and contacts made straight into the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tellus.demand.models import Contact, Need, NeedStatus
from tellus.inclusion.models import AdjustmentKind, SpecificNeed, SupportNeed
from tellus.inclusion.services import support_need_record
from tellus.people.tests.factories import PersonFactory
from tellus.privacy import roles
from tellus.privacy.models import Purpose
from tellus.privacy.services import Actor

SYSTEM = Actor.system("test")


@pytest.fixture
def manager(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username="manager", password="correct-horse-battery")
    roles.sync_roles()
    user.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    return user


def record_need(person: Any, need: str = SpecificNeed.DEMENTIA, **kwargs: Any) -> SupportNeed:
    defaults: dict[str, Any] = {
        "permanence": SupportNeed.Permanence.PERMANENT,
        "review_on": timezone.localdate() + dt.timedelta(days=180),
        "source": SupportNeed.Source.PERSON,
        "lawful_basis": SupportNeed.LawfulBasis.EXPLICIT_CONSENT,
        "consent_given_on": timezone.localdate(),
        "adjustments": [(AdjustmentKind.SPEAK_TO_ADVOCATE_FIRST, ""), (AdjustmentKind.LARGE_PRINT, "")],
    }
    defaults.update(kwargs)
    return support_need_record(person=person, need=need, actor=SYSTEM, purpose=Purpose.CASEWORK, **defaults)


@pytest.fixture
def person_with_need(db):  # type: ignore[no-untyped-def]
    person = PersonFactory(display_name="Edith Marsh")
    record_need(person)
    return person


def contact(person: Any, service: Any, when: dt.datetime) -> Contact:
    need = Need.objects.create(person=person, service=service, summary="A need", status=NeedStatus.OPEN, opened_at=when)
    return Contact.objects.create(
        person=person, need=need, service=service, occurred_at=when, channel="phone", words="Words.",
        demand_type="value", is_first_contact_for_need=True, recorded_by_label="test",
    )  # fmt: skip
