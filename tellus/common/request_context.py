"""Which request (or command run) the current code is serving, so audit entries can say so."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("tellus_request_id", default="")
_VALID_INCOMING = re.compile(r"^[A-Za-z0-9._:-]{8,100}$")


def new_request_id(prefix: str = "req") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def current_request_id() -> str:
    return _request_id.get()


def accept_incoming_request_id(value: str | None) -> str:
    """Keep a proxy's X-Request-ID when it looks like one; otherwise make our own."""
    if value and _VALID_INCOMING.match(value):
        return value
    return new_request_id()


@contextmanager
def request_id_scope(request_id: str) -> Iterator[str]:
    token = _request_id.set(request_id)
    try:
        yield request_id
    finally:
        _request_id.reset(token)
