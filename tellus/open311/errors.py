"""Open311's error format, in one place: every failure answers `<errors><error><code/><description/></error>
</errors>` or `[{"code": …, "description": …}]`, never an HTML page."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from .render import render

FORMATS = ("xml", "json")


@dataclass
class Open311Error(Exception):
    """A request Open311 refuses. `status` is the HTTP status, also given as the error's code."""

    status: int
    description: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status}: {self.description}"


def bad_request(description: str) -> Open311Error:
    return Open311Error(400, description)


def from_validation_error(exc: ValidationError) -> Open311Error:
    """A domain ValidationError, said in one line a client's developer can act on."""
    if hasattr(exc, "error_dict"):
        parts = [f"{field}: {' '.join(str(m) for m in messages)}" for field, messages in exc.message_dict.items()]
        return bad_request("; ".join(parts))
    return bad_request(" ".join(str(message) for message in exc.messages))


def format_of_path(path: str) -> str:
    """The format a path asks for by its extension: json or, by default, xml."""
    return "json" if path.lower().endswith(".json") else "xml"


def error_response(error: Open311Error, fmt: str) -> HttpResponse:
    body = [{"code": error.status, "description": error.description}]
    response = render(body, fmt if fmt in FORMATS else "xml", root="errors", item="error", status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response
