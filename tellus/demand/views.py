"""Staff pages for logging contacts and working needs. Each view parses input, checks permission, calls one
service or selector and renders."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tellus.common.numbers import NotANumber, parse_number, query_number
from tellus.linkage.matching import MatchCandidate, MatchDetails, MatchError, match_person
from tellus.people.forms import PersonSearchForm
from tellus.people.models import Person
from tellus.people.selectors import person_search
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from .forms import ContactForm, NeedHandoffForm, NeedStatusForm
from .models import Need
from .selectors import ContactFormPerson, considerations_for_service, contact_form_person, need_get_for_staff
from .services import contact_log, need_handoff, need_transition

ANONYMOUS = "anonymous"


def _add_service_errors(form: Form, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form, against the field it concerns when the form has one."""
    fields = fields or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        target = fields.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def _who(request: HttpRequest, actor: Actor) -> tuple[ContactFormPerson | None, bool]:
    """The person chosen for the contact (audited), and whether the officer has chosen yet (anonymous counts)."""
    chosen = request.GET.get("person", "")
    if chosen == ANONYMOUS:
        purpose_of(request)  # the caller's words are personal data too: state a purpose before taking them
        return None, True
    if not chosen:
        return None, False
    try:
        person_id = parse_number(chosen, minimum=1)
    except NotANumber:
        raise BadRequest(_("Choose the person again: their number must be written with the digits 0 to 9.")) from None
    try:
        return contact_form_person(actor=actor, purpose=purpose_of(request), person_id=person_id), True
    except Person.DoesNotExist:
        raise Http404(_("There is no person with that number.")) from None


@require_http_methods(["GET", "POST"])
@staff_permission_required("demand.add_contact", "people.view_person")
def contact_new(request: HttpRequest) -> HttpResponse:
    actor = Actor.for_user(request.user)
    who, chosen = _who(request, actor)
    context: dict[str, Any] = {"who": who, "chosen": chosen, "anonymous": ANONYMOUS}
    if not chosen:
        search = PersonSearchForm(request.GET if "q" in request.GET else None)
        if search.is_valid() and search.has_terms():
            purpose = purpose_of(request)
            context["likely"] = _likely_people(actor, purpose, search.cleaned_data)
            context["results"] = person_search(
                actor=actor, purpose=purpose, query=search.cleaned_data["q"],
                date_of_birth=search.cleaned_data["dob"], page=query_number(request.GET, "page", default=1),
            )  # fmt: skip
        context["search_form"] = search
        return render(request, "demand/contact_new.html", context)
    open_needs = who.open_needs if who else []
    if request.method == "POST":
        form = ContactForm(request.POST, open_needs=open_needs)
        if "show_considerations" in request.POST:
            form.show_without_checking()
        elif form.is_valid():
            contact = _contact_save(request, form, actor, who)
            if contact is not None:
                messages.success(request, _("Contact logged. Need %(id)s is shown below.") % {"id": contact.need_id})
                return HttpResponseRedirect(reverse("demand:need", args=[contact.need_id]))
    else:
        service = query_number(request.GET, "service", default=None)
        form = ContactForm(open_needs=open_needs, initial={"service": service})
    discuss = form.chosen_service()
    context.update(
        form=form,
        discuss_service=discuss,
        considerations=considerations_for_service(discuss),
        asked_what_to_discuss=request.method == "POST" and "show_considerations" in request.POST,
    )
    return render(request, "demand/contact_new.html", context, status=400 if form.errors else 200)


_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)


def _likely_people(actor: Actor, purpose: str, data: dict[str, Any]) -> list[MatchCandidate]:
    """The front door's real-time match on what the caller said: a name, maybe a postcode, a date of birth."""
    text = data["q"] or ""
    postcode = _POSTCODE.search(text)
    name = _POSTCODE.sub(" ", text).replace(",", " ").strip()
    details = MatchDetails(name=name, date_of_birth=data["dob"], postcode=postcode.group(0) if postcode else "")
    try:
        return match_person(details, actor=actor, purpose=purpose, limit=5, min_probability=0.5)
    except MatchError:
        return []  # too little to match on, or no model yet: the plain search below still answers


def _contact_save(request: HttpRequest, form: ContactForm, actor: Actor, who: ContactFormPerson | None) -> Any:
    data = form.cleaned_data
    try:
        return contact_log(
            actor=actor,
            purpose=purpose_of(request),
            channel=data["channel"],
            words=data["words"],
            person=who.person if who else None,
            capacity=data["capacity"],
            what_matters=data["what_matters"],
            service=data["service"],
            demand_type=data["demand_type"] or None,
            failure_cause=data["failure_cause"],
            need=form.chosen_need(),
            need_summary=data["need_summary"],
            resolved_at_first_point=data["resolved_at_first_point"] == "yes",
            handed_off_to=data["handed_off_to"],
            consideration=data["consideration"],
            request_modified=data["request_modified"],
            modification=data["modification"],
        )
    except ValidationError as error:
        _add_service_errors(form, error, {"occurred_at": "need", "person": "need"})
        return None


def _need_page(
    request: HttpRequest,
    need_id: int,
    *,
    status_form: NeedStatusForm | None = None,
    handoff_form: NeedHandoffForm | None = None,
) -> HttpResponse:
    try:
        view = need_get_for_staff(actor=Actor.for_user(request.user), purpose=purpose_of(request), need_id=need_id)
    except Need.DoesNotExist:
        raise Http404(_("There is no need with that number.")) from None
    bound = bool((status_form is not None and status_form.errors) or (handoff_form is not None and handoff_form.errors))
    context = {
        "view": view,
        "need": view.need,
        "status_form": status_form or NeedStatusForm(),
        "handoff_form": handoff_form or NeedHandoffForm(),
    }
    return render(request, "demand/need_detail.html", context, status=400 if bound else 200)


@require_http_methods(["GET"])
@staff_permission_required("demand.view_need")
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    return _need_page(request, need_id)


def _need_or_404(need_id: int) -> Need:
    try:
        return Need.objects.get(pk=need_id)
    except Need.DoesNotExist:
        raise Http404(_("There is no need with that number.")) from None


@require_POST
@staff_permission_required("demand.view_need", "demand.change_need")
def need_status(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _need_or_404(need_id)
    form = NeedStatusForm(request.POST)
    if form.is_valid():
        try:
            need_transition(
                need=need, to_status=form.cleaned_data["to_status"], actor=Actor.for_user(request.user),
                purpose=purpose_of(request), note=form.cleaned_data["note"],
                note_visibility=form.cleaned_data["note_visibility"],
            )  # fmt: skip
        except ValidationError as error:
            _add_service_errors(form, error, {"at": "to_status"})
        else:
            messages.success(request, _("The need's status has been changed."))
            return HttpResponseRedirect(reverse("demand:need", args=[need.pk]))
    return _need_page(request, need.pk, status_form=form)


@require_POST
@staff_permission_required("demand.view_need", "demand.change_need")
def need_handoff_view(request: HttpRequest, need_id: int) -> HttpResponse:
    need = _need_or_404(need_id)
    form = NeedHandoffForm(request.POST)
    if form.is_valid():
        try:
            need_handoff(
                need=need, to_team=form.cleaned_data["to_team"], actor=Actor.for_user(request.user),
                purpose=purpose_of(request), note=form.cleaned_data["handoff_note"],
                note_visibility=form.cleaned_data["handoff_note_visibility"],
            )  # fmt: skip
        except ValidationError as error:
            _add_service_errors(form, error, {"note": "handoff_note", "note_visibility": "handoff_note_visibility"})
        else:
            messages.success(request, _("The need has been passed to %(team)s.") % {"team": need.holder_team})
            return HttpResponseRedirect(reverse("demand:need", args=[need.pk]))
    return _need_page(request, need.pk, handoff_form=form)
