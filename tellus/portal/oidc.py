"""Signing residents in with the council's own OpenID Connect provider, through mozilla-django-oidc.

The library's backend is adapted to find a *resident account*, never a staff user, and its callback view to sign
the resident in to the portal's own session; neither is added to AUTHENTICATION_BACKENDS, so a provider's
answer can never open the staff console. An account is made on first sign-in only when the provider vouches for the
email address and that address is on exactly one person's records (the same evidence as an email link)."""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .models import ResidentAccount
from .services import account_create, normalise_email, people_holding_email
from .session import resident_sign_in


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class ResidentOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # An address the provider has not checked is no evidence of anything.
        return bool(claims.get("email")) and claims.get("email_verified") is True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return ResidentAccount.objects.filter(email=normalise_email(claims.get("email", "")))

    def create_user(self, claims: dict[str, Any]) -> ResidentAccount:
        email = normalise_email(claims["email"])
        people = people_holding_email(email)
        if len(people) != 1:
            raise SuspiciousOperation("The provider's email address is not on exactly one person's records.")
        with transaction.atomic():
            return account_create(email=email, person_id=people.pop(), tied_by=ResidentAccount.TiedBy.EMAIL_ON_RECORD)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        return user


class ResidentOIDCCallbackView(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states", {})
        if request.GET.get("code") and state in states:
            entry = states.pop(state)
            request.session["oidc_states"] = states  # the state is spent whatever happens next: no replay
            try:
                account = ResidentOIDCBackend().authenticate(
                    request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
                )
            except (SuspiciousOperation, requests.RequestException):
                account = None  # a forged or unreadable token, or the provider failing: the same refusal
            if isinstance(account, ResidentAccount):
                resident_sign_in(request, account)
                return redirect("portal:home")
        messages.error(request, _("We could not sign you in with that account. Try an email link instead."))
        return redirect("portal:sign_in")


def oidc_start(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    return OIDCAuthenticationRequestView.as_view()(request)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    return ResidentOIDCCallbackView.as_view()(request)
