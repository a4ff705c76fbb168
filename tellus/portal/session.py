"""A resident's signed-in session. Kept apart from Django's staff authentication: a resident is never
`request.user`, so no staff permission check can ever be satisfied by a resident's session."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode

from .models import ResidentAccount
from .services import account_signed_in

SESSION_KEY = "portal_account_id"

View = Callable[..., HttpResponse]


def resident_sign_in(request: HttpRequest, account: ResidentAccount) -> None:
    # A new session key on every sign-in, so a session id planted before sign-in is worth nothing after it.
    request.session.cycle_key()
    request.session[SESSION_KEY] = account.pk
    account_signed_in(account=account)


def resident_sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def signed_in_account(request: HttpRequest) -> ResidentAccount | None:
    account_id = request.session.get(SESSION_KEY)
    if account_id is None:
        return None
    return ResidentAccount.objects.select_related("person").filter(pk=account_id).first()


def resident_required(view: View) -> View:
    """Only a signed-in resident; anyone else goes to the sign-in page and comes back after."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = signed_in_account(request)
        if account is None:
            return redirect(f"/my/sign-in/?{urlencode({'next': request.get_full_path()})}")
        request.resident = account  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped
