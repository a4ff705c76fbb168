"""The HTTP API at /api/v1/, with its OpenAPI document at /api/v1/openapi.json and docs at /api/v1/docs.

Each app contributes a router; domain errors become JSON 4xx bodies here, in one place."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import SessionAuth

from tellus.capacities.api import router as capacities_router
from tellus.catalogue.api import router as catalogue_router
from tellus.linkage.api import router as people_router
from tellus.linkage.services import LinkageError
from tellus.rights.api import router as rights_router

api = NinjaAPI(
    title="Tellus API",
    version="1",
    description=(
        "Tell us once: who a council is dealing with. Authenticate with a staff session; every read of a "
        "person is audited with the purpose given in the X-Tellus-Purpose header (default: enquiry)."
    ),
    urls_namespace="api-v1",
    auth=SessionAuth(csrf=True),
)
api.add_router("/services", catalogue_router)
api.add_router("/people", capacities_router)
api.add_router("/people", people_router)
api.add_router("/people", rights_router)


def _error(request: HttpRequest, status: int, detail: object) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, exc.errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "Sign in first: this API uses the staff console's session.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or "Your role does not allow this.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "Not found.")


@api.exception_handler(LinkageError)
def on_linkage_error(request: HttpRequest, exc: LinkageError) -> HttpResponse:
    return _error(request, 409, str(exc))
