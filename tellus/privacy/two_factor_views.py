"""Two-factor pages: what is set up, setting up an authenticator app, verifying at sign-in, recovery codes."""

from __future__ import annotations

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import two_factor
from .models import User


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_lazy("Code"),
        max_length=20,
        strip=True,
        error_messages={"required": _lazy("Enter the code.")},
    )


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return ""


def _home(request: HttpRequest) -> str:
    """Where to go after verifying: where they were going, else the start page of their role."""
    if _next(request):
        return _next(request)
    return reverse("console:home")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@never_cache
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "enrolled": two_factor.two_factor_enrolled(user),
        "required": two_factor.two_factor_required(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "two_factor/overview.html", context)


def _qr_svg(url: str) -> str:
    # Drawn here as inline SVG: no image request, nothing from another site.
    return segno.make(url, error="m").svg_inline(scale=4, dark="#0b0c0c", light="#ffffff", omitsize=False)


def _key_groups(device: two_factor.TOTPDevice) -> str:
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if two_factor.two_factor_enrolled(user):
        return HttpResponseRedirect(reverse("two_factor:overview"))
    device = two_factor.pending_app_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_enrol(request=request, user=user, token=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "two_factor/recovery_codes.html",
                {"codes": codes, "just_enrolled": True, "next": _home(request)},
            )
        form.add_error("code", _("That code is not right. Enter the 6-digit code your app shows now."))
    context = {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (segno's own SVG markup)
        "key": _key_groups(device),
        "required": two_factor.two_factor_required(user),
        "next": _next(request),
    }
    return render(request, "two_factor/setup.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.is_verified():  # type: ignore[attr-defined]
        return HttpResponseRedirect(_home(request))
    if not two_factor.two_factor_state(user)[0]:
        return HttpResponseRedirect(reverse("two_factor:setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.two_factor_verify(request=request, user=user, token=form.cleaned_data["code"]):
            return HttpResponseRedirect(_home(request))
        form.add_error(
            "code",
            _(
                "That code is not right, or came too soon after a wrong one. Wait a few seconds, then enter the code "
                "your app shows now, or one of your recovery codes."
            ),
        )
    return render(request, "two_factor/verify.html", {"form": form, "next": _next(request)})


@never_cache
@require_POST
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = two_factor.recovery_codes_renew(user=_user(request))
    except two_factor.TwoFactorRefused as refusal:
        messages.error(request, str(refusal))
        return HttpResponseRedirect(reverse("two_factor:overview"))
    return render(
        request,
        "two_factor/recovery_codes.html",
        {"codes": codes, "just_enrolled": False, "next": reverse("two_factor:overview")},
    )


@require_POST
@login_required
def turn_off(request: HttpRequest) -> HttpResponse:
    try:
        two_factor.two_factor_turn_off(user=_user(request))
    except two_factor.TwoFactorRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return HttpResponseRedirect(reverse("two_factor:overview"))
