"""The receiver helper partners use refuses tampered and replayed messages, and tells a repeat from a first."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tellus.once.models import new_secret
from tellus.once.receiver import Receiver, WebhookRefused, sign

SECRET = new_secret()
BODY = json.dumps({"type": "person.death", "data": {"date_of_death": "2026-01-03"}})


def test_a_message_signed_with_the_secret_is_accepted_once_and_then_known_as_a_repeat() -> None:
    receiver = Receiver(SECRET)
    headers = sign(SECRET, BODY, message_id="msg_1")
    first = receiver.receive(BODY.encode(), headers)
    again = receiver.receive(BODY.encode(), headers)
    assert first.first_time and not again.first_time
    assert first.payload["data"]["date_of_death"] == "2026-01-03"


def test_a_tampered_body_is_refused() -> None:
    headers = sign(SECRET, BODY, message_id="msg_2")
    with pytest.raises(WebhookRefused):
        Receiver(SECRET).receive(BODY.replace("2026-01-03", "2026-01-04").encode(), headers)


def test_a_tampered_signature_or_id_is_refused() -> None:
    headers = sign(SECRET, BODY, message_id="msg_3")
    for changed in ({"webhook-signature": "v1,AAAA"}, {"webhook-id": "msg_4"}, {"webhook-signature": "garbage"}):
        with pytest.raises(WebhookRefused):
            Receiver(SECRET).receive(BODY.encode(), {**headers, **changed})


def test_a_replay_of_an_old_message_is_refused() -> None:
    old = dt.datetime.now(tz=dt.UTC) - dt.timedelta(minutes=10)
    with pytest.raises(WebhookRefused, match="too old"):
        Receiver(SECRET).receive(BODY.encode(), sign(SECRET, BODY, message_id="msg_5", at=old))


def test_a_message_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(WebhookRefused):
        Receiver(SECRET).receive(BODY.encode(), sign(new_secret(), BODY, message_id="msg_6"))


def test_unsigned_messages_are_refused() -> None:
    with pytest.raises(WebhookRefused):
        Receiver(SECRET).receive(BODY.encode(), {"content-type": "application/json"})
