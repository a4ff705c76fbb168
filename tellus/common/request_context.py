"""Which request (or command run) the current code is serving, so audit entries can say so.

Tellus makes every request id itself. An id a client or proxy sends in X-Request-ID is never used instead: it is
kept beside Tellus's own (cleaned and cut to length) so the two logs can be joined, and nothing more."""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

CLIENT_REQUEST_ID_MAX_LENGTH = 100

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("tellus_request_id", default="")
_client_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("tellus_client_request_id", default="")
# Letters, digits and the punctuation ids are made of (UUIDs, ULIDs, base64, "trace:span"); nothing that could
# start a formula or markup when the audit log is read or exported.
_CLIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/+=@-]*$")


def new_request_id(prefix: str = "req") -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def current_request_id() -> str:
    return _request_id.get()


def current_client_request_id() -> str:
    return _client_request_id.get()


def client_request_id(value: str | None) -> str:
    """The client's own id for a request as kept beside Tellus's: trimmed, cut to 100 characters, and only when
    it is made of the characters ids are made of; otherwise nothing."""
    cleaned = (value or "").strip()[:CLIENT_REQUEST_ID_MAX_LENGTH]
    return cleaned if _CLIENT_ID.match(cleaned) else ""


@contextmanager
def request_id_scope(request_id: str, client_request_id: str = "") -> Iterator[str]:
    token = _request_id.set(request_id)
    client_token = _client_request_id.set(client_request_id)
    try:
        yield request_id
    finally:
        _client_request_id.reset(client_token)
        _request_id.reset(token)
