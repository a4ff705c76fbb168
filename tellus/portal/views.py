"""Resident pages at /my/. Thin: parse, call one service or selector, render. No JavaScript needed anywhere."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tellus.feedback.surveys import surveys_open_for_resident
from tellus.ledger import selectors as ledger_selectors
from tellus.ledger.forms import YearForm
from tellus.ledger.views import pdf_response as ledger_pdf_response
from tellus.people.selectors import people_merged_into
from tellus.rights.consents import ConsentError
from tellus.rights.corrections import CorrectionError

from . import rights, selectors, services
from .forms import CorrectionForm, EmailForm, InvitationForm, PasswordForm, PasswordSignInForm
from .oidc import oidc_enabled
from .session import resident_required, resident_sign_in, resident_sign_out, signed_in_account
from .throttle import client_address, sign_in_allowed, sign_in_failed

LINK_IDENTIFIER = "sign-in-link"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()})
    return candidate if safe and candidate.startswith("/my/") else reverse("portal:home")


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/throttled.html", status=429)


def home(request: HttpRequest) -> HttpResponse:
    account = signed_in_account(request)
    if account is None:
        return render(
            request,
            "portal/start.html",
            {"oidc_enabled": oidc_enabled(), "oidc_provider": settings.TELLUS_OIDC_PROVIDER_NAME},
        )
    request.resident = account  # type: ignore[attr-defined]
    person = selectors.resident_person(account)
    waiting = len(surveys_open_for_resident(person_ids=people_merged_into(person.pk)))
    return render(request, "portal/home.html", {"account": account, "person": person, "surveys_waiting": waiting})


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.sign_in_link_request(
            email=form.cleaned_data["email"],
            client_address=client_address(request),
            link_url=lambda token: request.build_absolute_uri(reverse("portal:link", args=[token])),
        )
        if outcome is services.LinkOutcome.THROTTLED:
            return _throttled(request)
        # The same page whether or not a link went: the answer must not tell anyone which addresses we hold.
        return redirect("portal:check_email")
    return render(request, "portal/sign_in.html", {"form": form, "next": _next_url(request)})


def check_email(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/check_email.html")


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """GET only shows a button: mail scanners that open links must not use up the one use."""
    if not sign_in_allowed(request, LINK_IDENTIFIER):
        return _throttled(request)
    try:
        if request.method == "POST":
            account = services.sign_in_link_use(token=token)
            resident_sign_in(request, account)
            return redirect("portal:home")
        services.sign_in_link_check(token=token)
    except services.PortalError as exc:
        sign_in_failed(request, LINK_IDENTIFIER)
        return render(request, "portal/link_refused.html", {"message": str(exc)}, status=400)
    return render(request, "portal/link.html")


@require_http_methods(["GET", "POST"])
def password_sign_in(request: HttpRequest) -> HttpResponse:
    form = PasswordSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        identifier = form.cleaned_data["identifier"]
        if not sign_in_allowed(request, identifier):
            return _throttled(request)
        try:
            account = services.password_sign_in(identifier=identifier, password=form.cleaned_data["password"])
        except services.SignInRefused as exc:
            sign_in_failed(request, identifier)
            form.add_error(None, str(exc))
        else:
            resident_sign_in(request, account)
            return redirect(_next_url(request))
    return render(request, "portal/password_sign_in.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not sign_in_allowed(request, "invitation"):
            return _throttled(request)
        try:
            account = services.invitation_redeem(
                code=form.cleaned_data["code"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except services.SignInRefused as exc:
            sign_in_failed(request, "invitation")
            form.add_error("code", str(exc))
        except services.PortalError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            resident_sign_in(request, account)
            messages.success(
                request,
                _("Your account is open. Your account reference is %(reference)s: keep it to sign in again.")
                % {"reference": account.reference},
            )
            return redirect("portal:home")
    return render(request, "portal/invitation.html", {"form": form})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    resident_sign_out(request)
    messages.info(request, _("You have signed out."))
    return redirect("portal:home")


@resident_required
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    account = request.resident  # type: ignore[attr-defined]
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_password_set(account=account, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc)
        else:
            messages.success(request, _("Your password is set. You can still sign in with an email link."))
            return redirect("portal:home")
    return render(request, "portal/password.html", {"form": form, "account": account})


@resident_required
def record(request: HttpRequest) -> HttpResponse:
    mine = selectors.my_record(account=request.resident)  # type: ignore[attr-defined]
    return render(request, "portal/record.html", {"record": mine})


@resident_required
def looked(request: HttpRequest) -> HttpResponse:
    result = selectors.who_looked(account=request.resident, page=request.GET.get("page"))  # type: ignore[attr-defined]
    return render(request, "portal/looked.html", {"looked": result, "page_obj": result.page})


@resident_required
@require_http_methods(["GET", "POST"])
def copy(request: HttpRequest) -> HttpResponse:
    """A copy of everything held about the resident (subject access), produced at once and audited."""
    account = request.resident  # type: ignore[attr-defined]
    if request.method == "POST":
        produced = rights.subject_access_for_resident(account=account)
        response = HttpResponse(produced.content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{produced.filename}"'
        return response
    return render(request, "portal/copy.html", {"account": account})


@resident_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest) -> HttpResponse:
    """What the resident has consented to; giving and withdrawing are one button each, and work without JavaScript."""
    account = request.resident  # type: ignore[attr-defined]
    if request.method == "POST":
        give = request.POST.get("action") == "give"
        if request.POST.get("action") not in {"give", "withdraw"}:
            return HttpResponseBadRequest(_("Choose to give or to withdraw your consent."))
        try:
            rights.consent_change_for_resident(account=account, purpose_code=request.POST.get("purpose", ""), give=give)
        except ConsentError as exc:
            messages.error(request, str(exc))
        else:
            done = _("You have given your consent.") if give else _("You have withdrawn your consent.")
            messages.success(request, done)
        return redirect("portal:consents")
    return render(
        request,
        "portal/consents.html",
        {
            "choices": rights.consents_for_resident(account=account),
            "history": rights.consent_history_for_resident(account=account),
        },
    )


@resident_required
@require_http_methods(["GET", "POST"])
def corrections(request: HttpRequest) -> HttpResponse:
    """Tell the council a detail of one of their records is wrong; see each request's status and the team's reply."""
    account = request.resident  # type: ignore[attr-defined]
    records = rights.records_for_resident(account=account)
    form = CorrectionForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        try:
            rights.correction_ask_for_resident(
                account=account,
                record_id=form.cleaned_data["record"],
                field=form.cleaned_data["field"],
                words=form.cleaned_data["words"],
            )
        except CorrectionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you. The team that keeps that record will look at it."))
            return redirect("portal:corrections")
    return render(
        request,
        "portal/corrections.html",
        {"form": form, "requests": rights.corrections_for_resident(account=account), "records": records},
    )


@resident_required
@require_http_methods(["GET"])
def statement(request: HttpRequest, as_pdf: bool = False) -> HttpResponse:
    """The resident's own give-and-take statement for a financial year: only lines whose payer or user is them."""
    form = YearForm(request.GET or None, years=ledger_selectors.financial_years())
    if form.is_bound and not form.is_valid():
        return render(request, "portal/statement.html", {"form": form}, status=400)
    year = form.chosen()
    if year is None:
        return render(request, "portal/statement.html", {"form": form})
    person = selectors.resident_person(request.resident)  # type: ignore[attr-defined]
    mine = ledger_selectors.statement_for_resident(person_id=person.pk, year=year)
    if as_pdf:
        return ledger_pdf_response(mine, resident=True)
    return render(request, "portal/statement.html", {"form": form, "statement": mine, "query": f"?year={year.slug}"})
