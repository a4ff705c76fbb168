"""The receiver helper Tellus ships for partners: check a Tell us once webhook and acknowledge it.

Plain Python (the `standardwebhooks` library and the standard library only, no Django), so a partner can copy this
one file into any service. Use it like this::

    receiver = Receiver(secret="whsec_...")            # the secret Tellus showed once
    try:
        message = receiver.receive(body, headers)      # raw body bytes and the request's headers
    except WebhookRefused:
        return 400                                     # tampered, unsigned, too old or too new: do nothing
    if message.first_time:
        act_on(message.payload)                        # a repeat of a webhook-id is answered 2xx but not acted on
    return 204

    send_acknowledgement(callback_url, secret, message.id, "actioned")   # later, when the change is made

A message is refused when its signature does not match the body (tampered), when a header is missing, or when its
timestamp is more than five minutes from now (a replay of an old capture). Within those five minutes a replay
carries a webhook-id already seen, so `first_time` is False and the partner does not act twice: the webhook-id is
the idempotency key. `SeenIds` keeps ids in memory; a partner with several processes passes a store shared by all
of them (anything with `add(id) -> bool`).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

ACK_STATUSES = ("received", "actioned")


class WebhookRefused(Exception):
    """The message is not from Tellus as sent: refuse it and do nothing."""


class SeenStore(Protocol):
    def add(self, message_id: str) -> bool:
        """Remember the id; True when it was not seen before."""


class SeenIds:
    """Webhook-ids seen by this process (thread-safe)."""

    def __init__(self) -> None:
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def add(self, message_id: str) -> bool:
        with self._lock:
            if message_id in self._ids:
                return False
            self._ids.add(message_id)
            return True


@dataclass(frozen=True)
class Message:
    id: str
    payload: dict[str, Any]
    first_time: bool


class Receiver:
    def __init__(self, secret: str, seen: SeenStore | None = None) -> None:
        self.webhook = Webhook(secret)
        self.seen = seen if seen is not None else SeenIds()

    def receive(self, body: bytes | str, headers: dict[str, str]) -> Message:
        """Verify the signature and timestamp; raise WebhookRefused when they do not hold."""
        try:
            payload = self.webhook.verify(body, dict(headers))
        except (WebhookVerificationError, ValueError, TypeError) as exc:
            raise WebhookRefused(str(exc) or "The signature does not match.") from None
        message_id = {k.lower(): v for k, v in headers.items()}["webhook-id"]
        return Message(id=message_id, payload=payload, first_time=self.seen.add(message_id))


def sign(secret: str, body: str, *, message_id: str | None = None, at: dt.datetime | None = None) -> dict[str, str]:
    """The three Standard Webhooks headers for a body."""
    message_id = message_id or f"msg_{secrets.token_hex(12)}"
    at = at or dt.datetime.now(tz=dt.UTC)
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=at.astimezone(dt.UTC), data=body)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def acknowledgement(secret: str, message_id: str, status: str, note: str = "") -> tuple[bytes, dict[str, str]]:
    """The signed body and headers of an acknowledgement of the delivery `message_id`."""
    if status not in ACK_STATUSES:
        raise ValueError(f"status must be one of {ACK_STATUSES}")
    body = json.dumps({"delivery": message_id, "status": status, "note": note})
    return body.encode(), sign(secret, body, message_id=f"ack_{status}_{message_id}")


def send_acknowledgement(url: str, secret: str, message_id: str, status: str, note: str = "") -> int:
    """POST a signed acknowledgement to Tellus's callback URL; the HTTP status Tellus answered."""
    body, headers = acknowledgement(secret, message_id, status, note)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return int(response.status)
