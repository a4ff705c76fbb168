"""Staff console pages. Each view parses input, checks permission, calls one selector and renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tellus.people.models import Person
from tellus.people.selectors import person_get_for_staff, person_search
from tellus.privacy.models import Purpose
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.selectors import audit_events_for_person
from tellus.privacy.services import Actor

from .context_processors import PURPOSE_SESSION_KEY, current_purpose
from .forms import PersonSearchForm, PurposeForm


@require_GET
@staff_permission_required("people.view_person")
def search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.GET if request.GET else None)
    results = None
    if form.is_valid() and form.has_terms():
        results = person_search(
            actor=Actor.for_user(request.user),
            purpose=current_purpose(request),
            query=form.cleaned_data["q"],
            date_of_birth=form.cleaned_data["dob"],
            page=request.GET.get("page"),
        )
    return render(request, "console/search.html", {"form": form, "results": results})


@require_GET
@staff_permission_required("people.view_person")
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        view = person_get_for_staff(
            actor=Actor.for_user(request.user), purpose=current_purpose(request), person_id=person_id
        )
    except Person.DoesNotExist:
        raise Http404(_("There is no person with that number.")) from None
    return render(request, "console/person.html", {"view": view, "person": view.person})


@require_GET
@staff_permission_required("privacy.view_auditevent")
def person_audit(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        log = audit_events_for_person(
            actor=Actor.for_user(request.user), person_id=person_id, page=request.GET.get("page")
        )
    except Person.DoesNotExist:
        raise Http404(_("There is no person with that number.")) from None
    return render(request, "console/person_audit.html", {"log": log, "person": log.person})


@require_http_methods(["GET", "POST"])
@login_required
def purpose(request: HttpRequest) -> HttpResponse:
    """Choose the purpose written on this session's audit entries."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST":
        form = PurposeForm(request.POST)
        if form.is_valid():
            chosen = Purpose(form.cleaned_data["purpose"])
            request.session[PURPOSE_SESSION_KEY] = chosen.value
            messages.success(request, _("Your purpose is now: %(purpose)s.") % {"purpose": chosen.label})
            return HttpResponseRedirect(next_url or reverse("console:search"))
    else:
        form = PurposeForm(initial={"purpose": current_purpose(request).value})
    return render(request, "console/purpose.html", {"form": form, "next": next_url})
