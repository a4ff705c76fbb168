"""Console pages about staff accounts: the accounts themselves (make one, details, roles, switching off, a new
password, a two-factor reset), role requests waiting for a second person, the staff audit log, Open311 clients."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from tellus.common.numbers import query_number
from tellus.open311.keys import api_client_create, api_client_revoke
from tellus.open311.models import ApiClient
from tellus.privacy import staff
from tellus.privacy.models import Purpose, RoleGrant, User
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor
from tellus.privacy.two_factor import two_factor_reset

from .audit_search import AuditFilters, audit_csv, audit_search, describe
from .forms import ApiClientForm, AuditFilterForm, StaffDetailsForm, StaffPasswordForm


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


STAFF_PERMS = ("privacy.view_user", "privacy.add_user", "privacy.change_user")


@require_GET
@staff_permission_required(*STAFF_PERMS)
def staff_accounts(request: HttpRequest) -> HttpResponse:
    """Every staff account: roles, team, whether it may sign in, two-factor, and role requests waiting."""
    users = list(
        User.objects.order_by("username")
        .prefetch_related("groups")
        .annotate(
            has_two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            waiting=Count("role_grants", filter=Q(role_grants__status=RoleGrant.Status.PENDING)),
        )
    )
    return render(request, "console/staff_accounts.html", {"accounts": users})


def _roles_message(request: HttpRequest, grants: list[RoleGrant]) -> None:
    for grant in grants:
        messages.warning(
            request,
            _("The %(role)s role for %(user)s waits for a second privacy officer or administrator to approve it.")
            % {"role": grant.role.name, "user": grant.user.get_username()},
        )


@require_http_methods(["GET", "POST"])
@staff_permission_required(*STAFF_PERMS)
def staff_account_new(request: HttpRequest) -> HttpResponse:
    form = StaffDetailsForm(request.POST or None, new=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, grants = staff.staff_account_create(
                actor=request.user,  # type: ignore[arg-type]
                username=data["username"],
                password=data["password1"],
                roles=data["roles"],
                **{name: data[name] for name in staff.STAFF_FIELDS},
            )
        except staff.StaffAccountRefused as refusal:
            form.add_error("roles", str(refusal))
        else:
            messages.success(request, _("The account %(user)s was made.") % {"user": user.get_username()})
            _roles_message(request, grants)
            return HttpResponseRedirect(reverse("console:staff_account", args=[user.pk]))
    status = 400 if form.errors else 200
    return render(request, "console/staff_account_new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_permission_required(*STAFF_PERMS)
def staff_account(request: HttpRequest, user_id: int) -> HttpResponse:
    """One account: details, roles and whether it may sign in; a new password; a two-factor reset."""
    account = User.objects.filter(pk=user_id).first()
    if account is None:
        raise Http404(_("There is no such staff account."))
    actor: User = request.user  # type: ignore[assignment]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in {"details", "password", "two_factor"}:
        return HttpResponseBadRequest(_("Choose what to change on the page."))
    may_change = staff.staff_account_may_change(actor=actor, user=account)
    if request.method == "POST" and not may_change:
        raise PermissionDenied(_("Only a superuser can change a superuser's account."))
    initial = {
        **{name: getattr(account, name) for name in staff.STAFF_FIELDS},
        "roles": staff.role_names(account),
        "is_active": account.is_active,
    }
    details = StaffDetailsForm(request.POST if action == "details" else None, new=False, initial=initial)
    password = StaffPasswordForm(request.POST if action == "password" else None, user=account)
    if action == "details" and details.is_valid():
        data = details.cleaned_data
        try:
            grants = staff.staff_account_update(
                actor=actor,
                user=account,
                is_active=data["is_active"],
                roles=data["roles"],
                **{name: data[name] for name in staff.STAFF_FIELDS},
            )
        except staff.StaffAccountRefused as refusal:
            details.add_error("is_active" if "switch off" in str(refusal) else "roles", str(refusal))
        else:
            messages.success(request, _("Saved."))
            _roles_message(request, grants)
            return HttpResponseRedirect(reverse("console:staff_account", args=[account.pk]))
    if action == "password" and password.is_valid():
        staff.staff_password_set(actor=actor, user=account, password=password.cleaned_data["password1"])
        messages.success(request, _("The new password is set. Give it to them by a safe route."))
        return HttpResponseRedirect(reverse("console:staff_account", args=[account.pk]))
    two_factor_refusal = staff.staff_two_factor_reset_allowed(actor=actor, user=account)
    if action == "two_factor":
        if two_factor_refusal:
            messages.error(request, two_factor_refusal)
        else:
            removed = two_factor_reset(user=account, by=actor.get_username(), actor=actor)
            messages.success(
                request,
                _("Two-factor sign-in is reset (%(n)s devices removed): they set it up again when they next sign in.")
                % {"n": removed},
            )
        return HttpResponseRedirect(reverse("console:staff_account", args=[account.pk]))
    context = {
        "account": account,
        "details": details,
        "password": password,
        "may_change": may_change,
        "two_factor_on": TOTPDevice.objects.filter(user=account, confirmed=True).exists(),
        "two_factor_refusal": two_factor_refusal,
        "waiting": list(staff.role_grants_pending().filter(user=account)),
    }
    status = 400 if details.errors or password.errors else 200
    return render(request, "console/staff_account.html", context, status=status)
