"""Delivering to a real local HTTP receiver: signed, minimal, retried on 429/5xx/timeouts with back-off, not on other
4xx, dead-lettered with a staff alert, retried by staff, and acknowledged through the signed callback."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tellus.once import receiver
from tellus.once.models import Delivery, DeliveryAttempt, EventType, Subscriber
from tellus.once.services import (
    backoff_seconds,
    change_confirm,
    change_report,
    deliveries_recover,
    delivery_attempt,
    delivery_retry,
)
from tellus.once.testing import Behaviour, LocalReceiver
from tellus.privacy.models import Purpose

from .conftest import ADMIN, self_reporter

pytestmark = pytest.mark.django_db


def _delivery(town: dict[str, Any], url: str) -> Delivery:
    Subscriber.objects.filter(pk=town["partner"].pk).update(url=url)
    report = change_report(
        person=town["alice"],
        event_type=EventType.CONTACT,
        data={"email": "new@example.org", "phone": "01632 960001"},
        reporter=self_reporter(town["alice"]),
        purpose=Purpose.ADMINISTRATION,
    )
    change_confirm(
        report_id=report.pk,
        agreed={town["partner"].pk},
        reporter=self_reporter(town["alice"]),
        purpose=Purpose.ADMINISTRATION,
    )
    return Delivery.objects.get(report=report)


def _due_now(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def test_a_webhook_is_signed_and_carries_only_the_entitled_fields(town: dict[str, Any]) -> None:
    with LocalReceiver(town["secret"]) as hook:
        delivery = _delivery(town, hook.url)
        assert delivery_attempt(delivery.pk) == "sent"
    summary = hook.summary()
    assert summary["acted"] == 1 and summary["refused"] == 0
    assert summary["payloads"][delivery.message_id] == {
        "type": "person.contact",
        "data": {"email": "new@example.org", "name": "Alice Example", "person_reference": f"P{town['alice'].pk}"},
    }  # the phone number was not an entitled field
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 1


@pytest.mark.parametrize("answer", [500, 503, 429, "hang"])
def test_a_server_error_too_many_requests_or_timeout_is_retried_with_the_same_webhook_id(
    town: dict[str, Any], settings: Any, answer: int | str
) -> None:
    settings.TELLUS_ONCE_TIMEOUT_SECONDS = 0.5
    with LocalReceiver(town["secret"], Behaviour(script=[answer], hang=1.5)) as hook:
        delivery = _delivery(town, hook.url)
        before = timezone.now()
        assert delivery_attempt(delivery.pk) == "retry"
        delivery.refresh_from_db()
        assert delivery.status == "pending"
        assert delivery.next_attempt_at >= before + dt.timedelta(seconds=backoff_seconds(1))
        assert delivery_attempt(delivery.pk) == "not due"  # back-off holds it until then
        _due_now(delivery)
        assert delivery_attempt(delivery.pk) == "sent"
    assert list(hook.acted.values()) == [1]
    assert list(hook.acted) == [delivery.message_id]


@pytest.mark.parametrize("answer", [400, 404, 410, 422])
def test_other_client_errors_are_not_retried_but_dead_lettered_with_a_staff_alert(
    town: dict[str, Any], settings: Any, answer: int, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TELLUS_ONCE_ALERT_EMAILS = ["duty@council.example"]
    with LocalReceiver(town["secret"], Behaviour(script=[answer])) as hook:
        delivery = _delivery(town, hook.url)
        with django_capture_on_commit_callbacks(execute=True):
            assert delivery_attempt(delivery.pk) == "refused"
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.dead_lettered_at is not None and delivery.attempts == 1
    assert hook.requests == 1
    assert mail.outbox[-1].to == ["duty@council.example"] and delivery.message_id in mail.outbox[-1].body


def test_after_the_last_attempt_a_delivery_is_dead_lettered(town: dict[str, Any], settings: Any) -> None:
    settings.TELLUS_ONCE_MAX_ATTEMPTS = 3
    with LocalReceiver(town["secret"], Behaviour(script=[500, 500, 500, 500])) as hook:
        delivery = _delivery(town, hook.url)
        for _ in range(3):
            _due_now(delivery)
            delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.dead_lettered_at is not None and delivery.attempts == 3 and hook.requests == 3
    assert [a.outcome for a in DeliveryAttempt.objects.filter(delivery=delivery)] == ["retry", "retry", "retry"]


def test_staff_retry_sends_a_dead_letter_again_with_the_same_webhook_id(town: dict[str, Any]) -> None:
    with LocalReceiver(town["secret"], Behaviour(script=[410])) as hook:
        delivery = _delivery(town, hook.url)
        delivery_attempt(delivery.pk)
        delivery_retry(delivery_id=delivery.pk, actor=ADMIN, purpose=Purpose.ADMINISTRATION)
        assert delivery_attempt(delivery.pk) == "sent"
    assert list(hook.acted) == [delivery.message_id]


def test_the_back_off_doubles_from_thirty_seconds_up_to_six_hours(settings: Any) -> None:
    assert [backoff_seconds(n) for n in (1, 2, 3, 4, 10)] == [30, 60, 120, 240, 15360]
    assert backoff_seconds(20) == 6 * 3600


def test_a_delivery_whose_worker_died_holding_it_is_queued_again(town: dict[str, Any]) -> None:
    with LocalReceiver(town["secret"]) as hook:
        delivery = _delivery(town, hook.url)
        past = timezone.now() - dt.timedelta(seconds=5)
        Delivery.objects.filter(pk=delivery.pk).update(lease_until=past, attempts=1)  # a killed worker's lease
        assert delivery_attempt(delivery.pk) == "sent"  # an expired lease does not block a new try
        Delivery.objects.filter(pk=delivery.pk).update(status="pending", lease_until=past)
        assert deliveries_recover() == 1


def _ack(client: Client, secret: str, message_id: str, status: str, **kw: Any) -> Any:
    body, headers = receiver.acknowledgement(secret, message_id, status)
    return client.post(
        "/once/callbacks/libraries/",
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "content-type"},
        **kw,
    )


def test_a_signed_acknowledgement_moves_the_delivery_to_received_then_actioned(town: dict[str, Any]) -> None:
    with LocalReceiver(town["secret"]) as hook:
        delivery = _delivery(town, hook.url)
        delivery_attempt(delivery.pk)
    client = Client()
    assert _ack(client, town["secret"], delivery.message_id, "received").status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == "received"
    assert _ack(client, town["secret"], delivery.message_id, "actioned").status_code == 202
    assert _ack(client, town["secret"], delivery.message_id, "actioned").status_code == 202  # a repeat is harmless
    delivery.refresh_from_db()
    assert delivery.status == "actioned" and delivery.acknowledgements.count() == 2


def test_a_tampered_or_wrongly_signed_acknowledgement_is_refused(town: dict[str, Any]) -> None:
    with LocalReceiver(town["secret"]) as hook:
        delivery = _delivery(town, hook.url)
        delivery_attempt(delivery.pk)
    client = Client()
    body, headers = receiver.acknowledgement(town["secret"], delivery.message_id, "received")
    tampered = body.replace(b"received", b"actioned")
    response = client.post(
        "/once/callbacks/libraries/",
        data=tampered,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "content-type"},
    )
    assert response.status_code == 401 and "detail" in json.loads(response.content)
    assert _ack(client, "whsec_" + "A" * 32, delivery.message_id, "actioned").status_code == 401
    delivery.refresh_from_db()
    assert delivery.status == "sent" and not delivery.acknowledgements.exists()
