"""Console pages about staff accounts: role requests waiting for a second person, and the staff audit log."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tellus.common.numbers import query_number
from tellus.open311.keys import api_client_create, api_client_revoke
from tellus.open311.models import ApiClient
from tellus.privacy import staff
from tellus.privacy.models import Purpose, RoleGrant
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from .audit_search import AuditFilters, audit_csv, audit_search, describe
from .forms import ApiClientForm, AuditFilterForm


@require_http_methods(["GET"])
@staff_permission_required("privacy.view_rolegrant", "privacy.change_rolegrant")
def staff_requests(request: HttpRequest) -> HttpResponse:
    pending = list(staff.role_grants_pending())
    return render(request, "console/staff_requests.html", {"pending": pending})


@require_POST
@staff_permission_required("privacy.view_rolegrant", "privacy.change_rolegrant")
def staff_request_decide(request: HttpRequest, grant_id: int) -> HttpResponse:
    decision = request.POST.get("decision")
    if decision not in {"approve", "refuse"}:
        messages.error(request, _("Choose whether to approve or refuse the request."))
        return HttpResponseRedirect(reverse("console:staff_requests"))
    try:
        grant = staff.role_grant_decide(actor=request.user, grant_id=grant_id, approve=decision == "approve")  # type: ignore[arg-type]
    except RoleGrant.DoesNotExist:
        raise Http404(_("There is no such request.")) from None
    except staff.StaffAccountRefused as refusal:
        messages.error(request, str(refusal))
    else:
        text = (
            _("Approved: %(user)s now has the %(role)s role.")
            if grant.status == RoleGrant.Status.APPROVED
            else _("Refused: %(user)s was not given the %(role)s role.")
        )
        messages.success(request, text % {"user": grant.user.get_username(), "role": grant.role.name})
    return HttpResponseRedirect(reverse("console:staff_requests"))


@require_GET
@staff_permission_required("privacy.view_auditevent")
def staff_audit(request: HttpRequest) -> HttpResponse:
    page = staff.staff_audit_for_privacy_officer(actor=request.user, page=request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "console/staff_audit.html", {"page": page})


def _audit_filters(form: AuditFilterForm) -> AuditFilters:
    data = form.cleaned_data
    return AuditFilters(
        person=data.get("person"),
        staff=data.get("staff") or "",
        action=data.get("action") or "",
        purpose=data.get("purpose") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@require_GET
@staff_permission_required("privacy.view_auditevent")
def audit_log(request: HttpRequest) -> HttpResponse:
    """Search the audit log; with ?format=csv, export everything the filters find."""
    purpose_of(request, needed=Purpose.PRIVACY_REVIEW)  # reading the audit log is only ever a privacy review
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "console/audit_log.html", {"form": form, "page": None}, status=400)
    filters = _audit_filters(form) if form.is_bound else AuditFilters()
    actor = Actor.for_user(request.user)
    if request.GET.get("format") == "csv":
        response = StreamingHttpResponse(audit_csv(actor=actor, filters=filters), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="tellus-audit-log.csv"'
        return response  # type: ignore[return-value]  # streamed: an export can be the whole log
    page = audit_search(actor=actor, filters=filters, page=query_number(request.GET, "page", default=1))
    rows = [(event, describe(event)) for event in page]
    return render(request, "console/audit_log.html", {"form": form, "page": page, "rows": rows, "filters": filters})


@require_http_methods(["GET", "POST"])
@staff_permission_required("open311.view_apiclient", "open311.add_apiclient", "open311.change_apiclient")
def api_clients(request: HttpRequest) -> HttpResponse:
    """Open311 clients: create one (its key is shown on this response only), revoke one."""
    actor = Actor.for_user(request.user)
    form = ApiClientForm(request.POST if request.POST.get("action") == "create" else None)
    new_key = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            api_client_revoke(name=request.POST.get("name", ""), actor=actor)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The key was revoked: the client can no longer send anything."))
        return HttpResponseRedirect(reverse("console:api_clients"))
    if form.is_bound:
        if form.is_valid():
            try:
                _client, new_key = api_client_create(
                    name=form.cleaned_data["name"], actor=actor, rate_limit_per_minute=form.cleaned_data["rate_limit"]
                )
            except ValidationError as error:
                form.add_error(
                    "name",
                    _("There is already a client with that name.")
                    if "name" in getattr(error, "error_dict", {})
                    else " ".join(error.messages),
                )
        if form.errors:
            status = 400
    clients = list(ApiClient.objects.order_by("name"))
    # Staff pages are never cached (NoStoreForStaffMiddleware), so the key is not kept by the browser either.
    return render(
        request, "console/api_clients.html", {"form": form, "clients": clients, "new_key": new_key}, status=status
    )
