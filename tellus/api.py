"""The HTTP API at /api/v1/, with its OpenAPI document at /api/v1/openapi.json, accessible docs at /api/v1/docs
(tellus/api_docs.py) and Django Ninja's Swagger UI at /api/v1/swagger/.

Each app contributes a router; every error becomes the one JSON shape of tellus.common.api_errors here, in one
place (and ApiErrorsAsJsonMiddleware does the same for errors Django answers around Ninja)."""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import SessionAuth

from tellus.catalogue.api import router as catalogue_router
from tellus.catalogue.dealing_with_api import router as capacities_router
from tellus.common.api_errors import error_body, error_message, field_errors
from tellus.feedback.api import router as feedback_router
from tellus.inclusion.api import router as inclusion_router
from tellus.linkage.api import router as people_router
from tellus.linkage.services import LinkageError
from tellus.privacy.purposes import PURPOSE_HEADER, PurposeError, stated_in_header
from tellus.rights.api import router as rights_router


class StaffSession(SessionAuth):
    """The staff console's session; a purpose sent in the header is checked on every endpoint, not only on those
    that read people, so a claim the caller's role does not allow is refused wherever it is made."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            stated_in_header(request)
        return user


api = NinjaAPI(
    title="Tellus API",
    version="1",
    description=(
        "Tell us once: who a council is dealing with. Authenticate with a staff session. Every read of a person "
        f"is audited with its purpose: send it in the {PURPOSE_HEADER} header (one your role allows, as listed in "
        "docs/permissions.md), or state it first in the console, whose session the API uses. There is no default: "
        "a person endpoint with no purpose stated answers 400, and a purpose your role does not allow 403."
    ),
    urls_namespace="api-v1",
    docs_url="/swagger/",
    auth=StaffSession(csrf=True),
)
api.add_router("/services", catalogue_router)
api.add_router("/people", capacities_router)
api.add_router("/people", people_router)
api.add_router("/people", rights_router)
api.add_router("/feedback", feedback_router)
api.add_router("/people", inclusion_router)


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None) -> HttpResponse:
    return api.create_response(request, error_body(detail, errors), status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, error_message(422), field_errors(exc.errors))


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, error_message(401))


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = _error(request, 429, error_message(429))
    if exc.wait:
        response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403 and str(exc) == "CSRF check Failed":  # Ninja's words for a POST without a token
        return _error(request, 403, "Send the CSRF token: the csrftoken cookie's value in an X-CSRFToken header.")
    return _error(request, exc.status_code, str(exc) or error_message(exc.status_code))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or error_message(403))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.")


@api.exception_handler(PurposeError)
def on_purpose_error(request: HttpRequest, exc: PurposeError) -> HttpResponse:
    return _error(request, exc.status, exc.api_detail)


@api.exception_handler(LinkageError)
def on_linkage_error(request: HttpRequest, exc: LinkageError) -> HttpResponse:
    return _error(request, 409, str(exc))
