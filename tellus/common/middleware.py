from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .request_context import client_request_id, new_request_id, request_id_scope


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
