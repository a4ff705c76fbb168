"""Sends staff who have not stated a purpose to the purpose page, and back to where they were going after."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tellus.privacy.purposes import PurposeNotStated, PurposeRefused


def _back_to(request: HttpRequest) -> str:
    """Where to return once a purpose is stated: this page for a GET, the page the form was on for a POST."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if safe else ""


class PurposeMiddleware:
    """A view that reads personal data asks tellus.privacy.purposes.purpose_of(request) first; when no purpose is
    stated that raises PurposeNotStated, and this turns it into a redirect to the purpose page with `next`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PurposeRefused):
            raise PermissionDenied(str(exception)) from exception
        if not isinstance(exception, PurposeNotStated):
            return None
        query = {}
        if back := _back_to(request):
            query["next"] = back
        if exception.needed is not None:
            query["purpose"] = exception.needed.value
        messages.info(request, str(exception))
        url = reverse("console:purpose")
        return HttpResponseRedirect(f"{url}?{urlencode(query)}" if query else url)
