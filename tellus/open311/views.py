"""Open311 GeoReport v2 endpoints, with mySociety's servicerequestupdates extension. Each view parses its
input, calls one service or selector and renders; `endpoint` turns anything that goes wrong into the spec's
error shape, so no Open311 client is ever sent an HTML page."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import forms, selectors, serialisers
from .errors import FORMATS, Open311Error, error_response, format_of_path, from_validation_error
from .keys import api_client_authenticate, rate_limit_hit
from .models import ApiClient
from .render import render
from .services import UpdateInput, request_create, update_record

logger = logging.getLogger(__name__)
View = Callable[..., HttpResponse]
CHANGESET = "2026-01-01T00:00:00+00:00"  # when this API's description last changed
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def _format_of(request: HttpRequest, kwargs: dict[str, Any]) -> str:
    fmt = kwargs.get("fmt") or format_of_path(request.path)
    return fmt if fmt in FORMATS else "xml"


def _data(request: HttpRequest) -> QueryDict:
    """The form for a POST, the query string for a GET. Reading a malformed body raises here, inside the view."""
    return request.POST if request.method == "POST" else request.GET


def _jurisdiction(request: HttpRequest) -> None:
    """With TELLUS_OPEN311_JURISDICTION_ID set, a jurisdiction_id that is given (in the query string or the form)
    must be it: another is refused with 404, as GeoReport v2 says. Empty or absent is fine: Tellus serves one."""
    expected = settings.TELLUS_OPEN311_JURISDICTION_ID.strip()
    sources = [request.GET] + ([request.POST] if request.method == "POST" else [])
    for data in sources:
        given = forms.text(data, "jurisdiction_id", max_length=200)
        if given and expected and given.casefold() != expected.casefold():
            raise Open311Error(
                404, _("Unknown jurisdiction_id “%(j)s”: this endpoint serves %(e)s.") % {"j": given, "e": expected}
            )


def _without_body(response: HttpResponse) -> HttpResponse:
    """The answer to HEAD: the GET answer's status and headers, its length, and no body."""
    response["Content-Length"] = str(len(response.content))
    response.content = b""
    return response


def endpoint(*methods: str) -> Callable[[View], View]:
    """Allow these methods (and HEAD wherever GET is allowed), check jurisdiction_id, and answer every failure in
    Open311's error shape."""
    allowed = tuple(dict.fromkeys((*methods, "HEAD"))) if "GET" in methods else methods

    def decorate(view: View) -> View:
        @csrf_exempt  # Open311 clients authenticate with api_key, not a session
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = _answer(request, view, allowed, *args, **kwargs)
            return _without_body(response) if request.method == "HEAD" else response

        return wrapped

    return decorate


def _answer(request: HttpRequest, view: View, allowed: tuple[str, ...], *args: Any, **kwargs: Any) -> HttpResponse:
    fmt = _format_of(request, kwargs)
    try:
        if request.method not in allowed:
            response = error_response(Open311Error(405, _("Use %(m)s here.") % {"m": " or ".join(allowed)}), fmt)
            response["Allow"] = ", ".join(allowed)
            return response
        _jurisdiction(request)
        return view(request, *args, **kwargs)
    except Open311Error as exc:
        return error_response(exc, fmt)
    except ValidationError as exc:
        return error_response(from_validation_error(exc), fmt)
    except RequestDataTooBig:
        return error_response(Open311Error(400, _("The request body is too large.")), fmt)
    except (MultiPartParserError, BadRequest, SuspiciousOperation, UnicodeDecodeError):
        return error_response(Open311Error(400, _("The request body could not be read.")), fmt)
    except Exception:  # a bug: still an Open311 answer, and logged with its traceback
        logger.exception("Open311 %s %s failed", request.method, request.path)
        return error_response(Open311Error(500, _("Something went wrong on our side.")), fmt)


def _client(request: HttpRequest) -> ApiClient:
    """The client whose api_key came with the form (or, for clients that put it there, the query string)."""
    data = _data(request)
    key = forms.text(data if "api_key" in data else request.GET, "api_key", max_length=200)
    client = api_client_authenticate(key)
    rate_limit_hit(client)
    return client


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311:root"))
    body = {
        "changeset": CHANGESET,
        "contact": settings.TELLUS_OPEN311_CONTACT or _("The council's Tellus administrator."),
        "key_service": _("Ask the council's Tellus administrator for an api_key."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render(body, fmt, root="discovery")


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    body = [serialisers.service_dict(service) for service in selectors.services_open311()]
    return render(body, fmt, root="services", item="service")


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    # A code with control characters (a NUL, which PostgreSQL cannot even compare) is no service's.
    service = None if forms.has_control_characters(code) else selectors.service_open311(code)
    if service is None:
        raise Open311Error(404, _("No service with service_code “%(c)s”.") % {"c": code})
    return render(serialisers.definition_dict(service), fmt, root="service_definition")


def _page(items: QuerySet[Any], data: QueryDict) -> list[Any]:
    page, size = forms.page_args(data)
    return list(items[(page - 1) * size : page * size])


def _requests_list(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.GET
    ids = forms.request_ids(data)
    if ids is not None:
        found = selectors.requests_open311(ids=ids)
    else:
        statuses = [s.lower() for s in forms.comma_list(data, "status")]
        if any(s not in ("open", "closed") for s in statuses):
            raise Open311Error(400, _("status is open, closed, or both (comma separated)."))
        start, end = forms.date_range(data)
        found = selectors.requests_open311(
            service_codes=forms.comma_list(data, "service_code"), statuses=statuses, start=start, end=end
        )
    body = [serialisers.request_dict(each) for each in _page(found, data)]
    return render(body, fmt, root="service_requests", item="request")


def _request_create(request: HttpRequest, fmt: str) -> HttpResponse:
    client = _client(request)
    created = request_create(client=client, data=forms.request_input(request.POST))
    return render([serialisers.created_dict(created)], fmt, root="service_requests", item="request", status=201)


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, fmt)
    return _requests_list(request, fmt)


@endpoint("GET")
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    number = forms.request_id(request_id)
    found = list(selectors.requests_open311(ids=[number])[:1]) if number is not None else []
    if not found:
        raise Open311Error(404, _("No request %(id)s.") % {"id": request_id})
    return render([serialisers.request_dict(found[0])], fmt, root="service_requests", item="request")


@endpoint("GET")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    found = None if forms.has_control_characters(token) else selectors.request_by_token(token)
    if found is None:
        raise Open311Error(404, _("No request has token %(t)s.") % {"t": token})
    return render([serialisers.token_dict(found)], fmt, root="service_requests", item="request")


def _update_input(data: QueryDict) -> UpdateInput:
    return UpdateInput(
        service_request_id=forms.text(data, "service_request_id", max_length=20, required=True),
        update_id=forms.text(data, "update_id", max_length=60, required=True),
        updated_datetime=forms.w3c_datetime(
            forms.text(data, "updated_datetime", max_length=40, required=True), "updated_datetime"
        ),
        status=forms.text(data, "status", max_length=40, required=True),
        description=forms.text(data, "description", max_length=forms.DESCRIPTION_MAX),
        media_urls=forms.media_urls(data),
        reporter=forms.reporter(data),
        client_fields=forms.client_fields(data),
    )


@endpoint("GET", "POST")
def service_request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        client = _client(request)
        update = update_record(client=client, data=_update_input(request.POST))
        body = [serialisers.posted_update_dict(update)]
        return render(body, fmt, root="service_request_updates", item="request_update")
    data = request.GET
    start, end = forms.date_range(data)
    ids = forms.request_ids(data)
    events = _page(selectors.council_updates(start=start, end=end, ids=ids), data)
    body = [serialisers.council_update_dict(event) for event in events]
    return render(body, fmt, root="service_request_updates", item="request_update")


@endpoint("GET")
def root(request: HttpRequest) -> HttpResponse:
    raise Open311Error(404, _("This is an Open311 GeoReport v2 endpoint: start at discovery.xml."))


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    raise Open311Error(404, _("No such Open311 resource. See discovery.xml."))
