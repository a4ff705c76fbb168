"""Fixtures for the demand analysis tests: a service manager (the other staff roles are in the root conftest),
and a way to write contacts and needs straight into the database, as the demo year and imports do."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group

from tellus.demand.models import Contact, Need, NeedStatus
from tellus.demand.tests.factories import ServiceFactory
from tellus.privacy import roles

MONDAY = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def service_manager(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(username="manager", password="correct-horse-battery")
    roles.sync_roles()
    user.groups.add(Group.objects.get(name=roles.SERVICE_MANAGER))
    return user


def need_with_contacts(
    *,
    service: Any,
    opened_at: dt.datetime,
    met_after: dt.timedelta | None = None,
    first: str = "value",
    cause: str = "",
    resolved: bool = False,
    repeats: tuple[tuple[dt.timedelta, str], ...] = (),
    channel: str = "phone",
) -> Need:
    """A need opened by one contact, optionally met after `met_after`, with repeat contacts (offset from opening,
    failure cause; an empty cause makes a value-demand repeat)."""
    met_at = opened_at + met_after if met_after is not None else None
    need = Need.objects.create(
        service=service,
        summary="A need",
        status=NeedStatus.MET if met_at else NeedStatus.OPEN,
        opened_at=opened_at,
        met_at=met_at,
        end_to_end_seconds=int(met_after.total_seconds()) if met_after is not None else None,
    )
    contacts = [
        Contact(
            need=need,
            service=service,
            occurred_at=opened_at,
            channel=channel,
            words="Words.",
            demand_type=first,
            failure_cause=cause,
            is_first_contact_for_need=True,
            resolved_at_first_point=resolved,
            recorded_by_label="test",
        )
    ]
    for offset, repeat_cause in repeats:
        contacts.append(
            Contact(
                need=need,
                service=service,
                occurred_at=opened_at + offset,
                channel=channel,
                words="Again.",
                demand_type="failure" if repeat_cause else "value",
                failure_cause=repeat_cause,
                is_first_contact_for_need=False,
                recorded_by_label="test",
            )
        )
    Contact.objects.bulk_create(contacts)
    return need


@pytest.fixture
def bins() -> Any:
    return ServiceFactory(code="household-waste", name="Household waste")


@pytest.fixture
def potholes() -> Any:
    return ServiceFactory(code="potholes", name="Potholes", responsible_team="Highways")
