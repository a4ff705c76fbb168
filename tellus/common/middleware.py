from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from .api_errors import json_error
from .request_context import client_request_id, new_request_id, request_id_scope

_ASCII_DIGITS = re.compile(r"[0-9]+")


class RequestIdMiddleware:
    """Gives every request an id of Tellus's own, echoed in the X-Request-ID header and written on its audit
    entries. A client's X-Request-ID is kept beside it (as client_request_id), never instead of it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id()
        client_id = client_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        request.client_request_id = client_id  # type: ignore[attr-defined]
        with request_id_scope(request_id, client_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class ApiErrorsAsJsonMiddleware:
    """Under the API's prefix, every error answers in the API's one JSON shape, whoever produced it: Django's
    404 for an unknown address, Ninja's plain-text 405, a bad Host's 400, a 500. Every header but the body's own
    (Allow, Retry-After, Cache-Control, the CSP…) is kept."""

    prefix = "/api/"
    body_headers = {"content-type", "content-length"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith(self.prefix)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            converted = json_error(response.status_code)
            for name, value in response.items():
                if name.lower() not in self.body_headers:
                    converted[name] = value
            converted.cookies = response.cookies
            return converted
        return response


class NoStoreForStaffMiddleware:
    """`Cache-Control: no-store` (and Django's other never-cache headers) on every response to a signed-in member
    of staff: person pages, searches, demand, audit trails, the API. Anything a signed-in member of staff sees may
    be personal data, so no browser or proxy may keep a copy. Static files are answered before this runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def _reads_as_a_number(value: str) -> bool:
    # ٣, ², ½, fullwidth digits: numbers to Python or to a reader, but not written with the digits 0 to 9
    if any(ch.isnumeric() and not ch.isascii() for ch in value):
        return True
    try:
        int(value)
    except ValueError:
        return False
    return True


class StrictNumbersInAdminMiddleware:
    """Django admin reads object ids and page numbers with int(), which takes `٣`, `²`, `+3`, ` 3` and `3_0` as
    numbers. Under /admin/, a path segment or query value that int() would read but that is not plain ASCII digits
    is refused with 400, so admin follows the rule tellus.common.numbers sets for every other interface. The search
    box (`q`) is text and left alone."""

    prefix = "/admin/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.prefix):
            values = [*request.path.split("/"), *(v for k, vs in request.GET.lists() if k != "q" for v in vs)]
            if any(_reads_as_a_number(v) and not _ASCII_DIGITS.fullmatch(v) for v in values):
                raise BadRequest("Numbers in an address are written with the digits 0 to 9.")
        return self.get_response(request)
