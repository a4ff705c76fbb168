"""Text messages through a pluggable sender, as Django sends email through EMAIL_BACKEND. `TELLUS_SMS_BACKEND` names
a class with `send(to, body)`; the ones here send nothing to the internet: a file per message under var/sms/ (the
demo's and a developer's default), the console, or a list in memory (the tests). A council plugs in its own
gateway's class by its dotted path."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

UK_MOBILE = re.compile(r"^(?:\+?44|0)7\d{9}$")


def is_mobile(number: str) -> bool:
    """A UK mobile number (07…, +447…, 00447…), whatever spaces, dashes or brackets it was typed with: the only
    kind a text can go to."""
    digits = re.sub(r"[\s\-().]", "", number or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    return bool(UK_MOBILE.match(digits))


@dataclass(frozen=True)
class TextMessage:
    to: str
    body: str


class SmsBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...


class FileBackend:
    """Each message a text file under TELLUS_SMS_FILE_PATH (default var/sms/)."""

    def send(self, to: str, body: str) -> None:
        folder = Path(getattr(settings, "TELLUS_SMS_FILE_PATH", "") or Path(settings.VAR_DIR) / "sms")
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        path = folder / f"{stamp}-{secrets.token_hex(4)}.txt"
        path.write_text(f"To: {to}\n\n{body}\n", encoding="utf-8")


class ConsoleBackend:
    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"Text message to {to}:\n{body}\n\n")


outbox: list[TextMessage] = []


class MemoryBackend:
    """Keeps each message in `tellus.common.sms.outbox`, for tests."""

    def send(self, to: str, body: str) -> None:
        outbox.append(TextMessage(to, body))


def send_text(*, to: str, body: str) -> None:
    """Send one text message through the configured sender. Raises whatever the sender raises."""
    backend: SmsBackend = import_string(settings.TELLUS_SMS_BACKEND)()
    backend.send(to, body)
