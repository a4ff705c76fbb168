"""The HTTP API's one error shape, used for every 4xx and 5xx under /api/: `{"detail": …, "errors": […]}`.

`detail` says what went wrong in a sentence; `errors` lists each input that could not be read (empty otherwise).
Ninja's exception handlers (tellus/api.py) and ApiErrorsAsJsonMiddleware (for what Django answers before or
around Ninja: an unknown address, a wrong method, a bad Host, a crash) both build it here."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import JsonResponse
from ninja import Schema


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    """Every error the API returns."""

    detail: str
    errors: list[FieldErrorOut] = []


MESSAGES = {
    400: "The request could not be read.",
    401: "Sign in first: this API uses the staff console's session.",
    403: "Your role does not allow this.",
    404: "There is nothing at this address in the API.",
    405: "This address does not take that method.",
    413: "The request is too large.",
    422: "Some of the input could not be read.",
    429: "Too many requests: wait and try again.",
    500: "Something went wrong in Tellus. It has been logged; try again later.",
}


def error_message(status: int) -> str:
    if status in MESSAGES:
        return MESSAGES[status]
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return "The request failed."


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's (and so Ninja's) validation errors as the shape's `errors`: where, what, and which kind."""
    return [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in errors
    ]


def error_body(detail: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def json_error(status: int, detail: str | None = None, errors: list[dict[str, Any]] | None = None) -> JsonResponse:
    return JsonResponse(error_body(detail or error_message(status), errors), status=status)


def documented_errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error responses an operation documents, for `response={200: …, **documented_errors(400, 404)}`.

    Every operation can answer 401 (no session), 403 (role, or a missing CSRF token on a POST), 422 (input that
    cannot be read) and 500; name any others it raises."""
    return {status: ErrorOut for status in sorted({401, 403, 422, 500, *statuses})}
