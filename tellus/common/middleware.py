from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .request_context import accept_incoming_request_id, request_id_scope


class RequestIdMiddleware:
    """Gives every request an id, echoed in the X-Request-ID header and written on its audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accept_incoming_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        with request_id_scope(request_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
