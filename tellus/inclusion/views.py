"""Staff pages for a person's support: adjustments, needs (with a reason asked first), representatives, how to
reach them, no fixed address and local connection; the review list and the joined-up support list."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tellus.common.numbers import query_number
from tellus.people.models import Person, Representative
from tellus.people.services import person_no_fixed_address_set, representative_create, representative_end
from tellus.privacy.models import Purpose
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from . import forms as f
from .models import SupportNeed
from .selectors import (
    joined_up_support_for_staff,
    needs_due_for_review,
    needs_for_staff,
    needs_purpose_check,
    support_page_for_staff,
)
from .services import (
    adjustment_record,
    correspondence_route_set,
    local_connection_declare,
    support_need_end,
    support_need_record,
    support_need_review,
)

REASONS_SESSION_KEY = "inclusion_reasons"
REASON_LASTS_SECONDS = 30 * 60  # a reason covers the page it was given for, for half an hour
REVIEW_KEY = "review"


def _person(person_id: int) -> Person:
    try:
        return Person.objects.get(pk=person_id, merged_into__isnull=True)
    except Person.DoesNotExist:
        raise Http404(_("There is no person with that number.")) from None


def _reason(request: HttpRequest, key: str) -> str:
    given = request.session.get(REASONS_SESSION_KEY, {}).get(key)
    if not given or time.time() - given[1] > REASON_LASTS_SECONDS:
        return ""
    return str(given[0])


def _service_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _form_page(
    request: HttpRequest, *, person: Person, form: Form, title: str, button: str, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "inclusion/form.html",
        {"person": person, "form": form, "title": title, "button": button, "intro": intro},
        status=400 if form.errors else 200,
    )


def _handle(
    request: HttpRequest, *, person: Person, form: Form, save: Callable[[dict[str, Any]], Any], done: str, **page: str
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(reverse("inclusion:person", args=[person.pk]))
    return _form_page(request, person=person, form=form, **page)


@require_GET
@staff_permission_required("people.view_person", "inclusion.view_adjustment")
def support_page(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    _person(person_id)
    with_routes = request.user.has_perms(("people.view_representative", "inclusion.view_correspondenceroute"))
    page = support_page_for_staff(actor=actor, purpose=purpose, person_id=person_id, with_routes=with_routes)
    return render(request, "inclusion/person.html", {"page": page, "person": page.person, "with_routes": with_routes})


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "inclusion.view_supportneed")
def reason(request: HttpRequest, person_id: int) -> HttpResponse:
    """Asked before the needs page opens: why this member of staff needs to see them."""
    needs_purpose_check(purpose_of(request))
    person = _person(person_id)
    form = f.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reasons = request.session.get(REASONS_SESSION_KEY, {})
        reasons[str(person_id)] = [form.cleaned_data["reason"], time.time()]
        request.session[REASONS_SESSION_KEY] = reasons
        return HttpResponseRedirect(reverse("inclusion:needs", args=[person_id]))
    return _form_page(
        request, person=person, form=form, title=_("Why do you need to see this person's needs?"),
        button=_("Continue"),
        intro=_(
            "Needs are sensitive. Most staff see only the adjustments to make. "
            "Your reason is kept with your name and purpose in the audit log."
        ),
    )  # fmt: skip


@require_GET
@staff_permission_required("people.view_person", "inclusion.view_supportneed")
def needs_page(request: HttpRequest, person_id: int) -> HttpResponse:
    purpose = needs_purpose_check(purpose_of(request))
    person = _person(person_id)
    given = _reason(request, str(person_id))
    if not given:
        return HttpResponseRedirect(reverse("inclusion:reason", args=[person_id]))
    needs = needs_for_staff(actor=Actor.for_user(request.user), purpose=purpose, person_id=person_id, reason=given)
    return render(request, "inclusion/needs.html", {"person": person, "needs": needs, "reason": given})


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "inclusion.view_supportneed", "inclusion.add_supportneed")
def need_new(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), needs_purpose_check(purpose_of(request))
    person = _person(person_id)
    form = f.NeedForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        support_need_record(
            person=person, need=data["need"], permanence=data["permanence"], review_on=data["review_on"],
            source=data["source"], lawful_basis=data["lawful_basis"], consent_given_on=data["consent_given_on"],
            language=data["language"], detail=data["detail"], actor=actor, purpose=purpose,
            adjustments=[(kind, data["adjustment_detail"]) for kind in data["adjustments"]],
        )  # fmt: skip

    return _handle(
        request, person=person, form=form, save=save, done=_("Need recorded."),
        title=_("Record a need"), button=_("Record the need"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "inclusion.view_supportneed", "inclusion.change_supportneed")
def need_change(request: HttpRequest, person_id: int, need_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), needs_purpose_check(purpose_of(request))
    person = _person(person_id)
    try:
        need = SupportNeed.objects.get(pk=need_id, person=person, ended_at__isnull=True)
    except SupportNeed.DoesNotExist:
        raise Http404(_("There is no such current need.")) from None
    form = f.NeedChangeForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        if data["action"] == "review":
            support_need_review(support_need=need, review_on=data["review_on"], actor=actor, purpose=purpose)
        else:
            support_need_end(support_need=need, reason=data["reason"], actor=actor, purpose=purpose)

    return _handle(
        request, person=person, form=form, save=save, done=_("Need updated."),
        title=_("Review or end a need"), button=_("Save"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "inclusion.add_adjustment")
def adjustment_new(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(person_id)
    form = f.AdjustmentForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        adjustment_record(person=person, kind=data["kind"], detail=data["detail"], actor=actor, purpose=purpose)

    return _handle(
        request, person=person, form=form, save=save, done=_("Adjustment recorded."),
        title=_("Add an adjustment"), button=_("Add the adjustment"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "people.add_representative")
def representative_new(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(person_id)
    form = f.RepresentativeForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        representative_create(person=person, actor=actor, purpose=purpose, **data)

    return _handle(
        request, person=person, form=form, save=save, done=_("Representative recorded."),
        title=_("Add a representative"), button=_("Add the representative"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "people.change_representative")
def representative_end_view(request: HttpRequest, person_id: int, representative_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(person_id)
    try:
        representative = Representative.objects.get(pk=representative_id, person=person)
    except Representative.DoesNotExist:
        raise Http404(_("There is no such representative.")) from None
    form = f.RepresentativeEndForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        representative_end(representative=representative, actor=actor, purpose=purpose, **data)

    return _handle(
        request, person=person, form=form, save=save, done=_("Representative ended."),
        title=_("End the authority of %(name)s") % {"name": representative.name}, button=_("End their authority"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "inclusion.add_correspondenceroute")
def route_set(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(person_id)
    representatives = list(Representative.objects.filter(person=person, ends_on__isnull=True))
    form = f.RouteForm(request.POST or None, representatives=representatives)

    def save(data: dict[str, Any]) -> None:
        correspondence_route_set(
            person=person, method=data["method"], office=data["office"], care_of_name=data["care_of_name"],
            care_of_address=data["care_of_address"], email=data["email"], phone=data["phone"],
            representative=form.chosen_representative(), actor=actor, purpose=purpose,
        )  # fmt: skip

    return _handle(
        request, person=person, form=form, save=save, done=_("How to reach them is saved."),
        title=_("How to reach them"), button=_("Save"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "inclusion.add_correspondenceroute")
def no_fixed_address(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(person_id)
    form = f.NoFixedAddressForm(
        request.POST or None, initial={"no_fixed_address": "yes" if person.no_fixed_address else "no"}
    )

    def save(data: dict[str, Any]) -> None:
        person_no_fixed_address_set(
            person=person, no_fixed_address=data["no_fixed_address"], actor=actor, purpose=purpose
        )

    return _handle(
        request, person=person, form=form, save=save, done=_("Saved."),
        title=_("Settled address"), button=_("Save"),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "inclusion.add_localconnection")
def local_connection(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(person_id)
    form = f.LocalConnectionForm(request.POST or None)

    def save(data: dict[str, Any]) -> None:
        local_connection_declare(person=person, actor=actor, purpose=purpose, **data)

    return _handle(
        request, person=person, form=form, save=save, done=_("Declaration of local connection recorded."),
        title=_("Declaration of local connection"), button=_("Record the declaration"),
        intro=_(
            "For someone with no address who wants to register to vote: "
            "where in the area they spend most of their time. It lasts 12 months."
        ),
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@staff_permission_required("inclusion.view_supportneed", "inclusion.change_supportneed")
def review_due(request: HttpRequest) -> HttpResponse:
    purpose = needs_purpose_check(purpose_of(request))
    given = _reason(request, REVIEW_KEY)
    form = f.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reasons = request.session.get(REASONS_SESSION_KEY, {})
        reasons[REVIEW_KEY] = [form.cleaned_data["reason"], time.time()]
        request.session[REASONS_SESSION_KEY] = reasons
        return HttpResponseRedirect(reverse("inclusion:review"))
    if not given:
        return render(request, "inclusion/reason_list.html", {"form": form}, status=400 if form.errors else 200)
    due = needs_due_for_review(actor=Actor.for_user(request.user), purpose=purpose, reason=given)
    return render(request, "inclusion/review.html", {"due": due})


@require_GET
@staff_permission_required("inclusion.view_joined_up_support", "people.view_person")
def joined_up(request: HttpRequest) -> HttpResponse:
    purpose = purpose_of(request)
    if purpose != Purpose.CASEWORK:
        # The list is for casework only: say so and offer the purpose page, rather than refuse a page the navigation
        # offers to a caseworker who is, for now, handling an enquiry.
        return render(request, "inclusion/joined_up.html", {"needs_casework": True})
    found = joined_up_support_for_staff(
        actor=Actor.for_user(request.user),
        purpose=purpose,
        page=query_number(request.GET, "page", default=1) or 1,
    )
    return render(request, "inclusion/joined_up.html", {"page_obj": found})
