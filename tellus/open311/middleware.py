"""Open311 clients read errors in the spec's shape, never an HTML page: this middleware, first in the chain, makes
sure of it for what fails before or outside the Open311 views (which answer their own errors)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import Open311Error, error_response, format_of_path
from .render import CONTENT_TYPES

PREFIX = "/open311/"
DESCRIPTIONS = {
    400: gettext_lazy("The request could not be read."),
    403: gettext_lazy("Forbidden."),
    404: gettext_lazy("No such Open311 resource. See discovery.xml."),
    405: gettext_lazy("That method is not allowed here."),
    413: gettext_lazy("The request body is too large."),
}


class Open311ErrorShapeMiddleware:
    """Under /open311/: a Host header the server does not answer to is a 400 in the spec's shape (Django would
    send an HTML page), and any other error answer that is not already XML or JSON (Django's own 4xx and 500
    pages, from a middleware or the URL resolver) is replaced by the spec's shape with the same status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        fmt = format_of_path(request.path_info)
        try:
            request.get_host()
        except DisallowedHost:
            error = Open311Error(400, _("The Host header names a host this server does not answer to."))
            return self._finish(request, error_response(error, fmt))
        response = self.get_response(request)
        if response.status_code >= 400 and response.get("Content-Type") not in CONTENT_TYPES.values():
            description = str(DESCRIPTIONS.get(response.status_code, _("Something went wrong on our side.")))
            replacement = error_response(Open311Error(response.status_code, description), fmt)
            for header in ("Allow", "Retry-After", "X-Request-ID"):
                if header in response:
                    replacement[header] = response[header]
            response = replacement
        return self._finish(request, response)

    @staticmethod
    def _finish(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if request.method == "HEAD" and response.content:
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response
