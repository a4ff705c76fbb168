"""The demo's year of Tell us once: changes with their deliveries, a partner that failed for a day (503) and
recovered, and Tellus's own copy of each person taking the new names, addresses and contact details they told."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tellus.demo.once import FAILING_PARTNER, demo_once_history
from tellus.once.models import ChangeReport, Delivery, DeliveryAttempt, EventType
from tellus.people.models import Person, SourceRecord
from tellus.people.services import TOLD_SYSTEM_NAME
from tellus.people.tests.factories import PersonFactory, PropertyFactory

pytestmark = pytest.mark.django_db


def test_a_year_of_changes_with_a_partner_down_for_a_day_that_recovers(settings: Any) -> None:
    settings.TELLUS_ONCE_ALLOW_HTTP = True
    for n in range(5):
        PropertyFactory(reference=f"2000000{n}", address_line_1=f"{n + 1} Quay Street", postcode="TL3 3CC")
    for n in range(300):
        PersonFactory(display_name=f"Demo Person{n}", date_of_birth=dt.date(1960, 1, 1) + dt.timedelta(days=n))
    made = demo_once_history(seed=3)
    assert made["changes"] >= 20 and made["deliveries"] > 0
    kinds = set(ChangeReport.objects.values_list("event_type", flat=True))
    assert {EventType.ADDRESS, EventType.DEATH, EventType.NAME} <= kinds
    # The failing partner: during its day down each try was answered 503 and retried on the back-off, then the
    # delivery went through; no delivery was lost.
    failed_then_sent = [
        d
        for d in Delivery.objects.filter(subscriber__code=FAILING_PARTNER)
        if [a.status_code for a in d.attempt_rows.all()][:1] == [503]
    ]
    assert failed_then_sent, "the partner's day down shows in its deliveries"
    for delivery in failed_then_sent:
        attempts = list(delivery.attempt_rows.order_by("number"))
        assert [a.status_code for a in attempts[:-1]] == [503] * (len(attempts) - 1)
        assert attempts[-1].status_code == 204 and delivery.status == Delivery.Status.ACTIONED
        assert attempts[-1].started_at - attempts[0].started_at < dt.timedelta(days=1, hours=7)
    assert not Delivery.objects.exclude(status=Delivery.Status.ACTIONED).exists()
    assert DeliveryAttempt.objects.filter(status_code=503).count() == made["outage_retries"]
    # Own copy: the latest new name each person told is their name now.
    for report in ChangeReport.objects.filter(event_type=EventType.NAME).order_by("reported_at"):
        person = Person.objects.get(pk=report.person_id)
        latest = ChangeReport.objects.filter(person=person, event_type=EventType.NAME).order_by("-reported_at")[0]
        assert person.display_name == latest.details["new_name"]
        assert SourceRecord.objects.filter(person=person, source_system__name=TOLD_SYSTEM_NAME).exists()
