"""Feedback pages. Residents answer the survey by their link, without signing in, and anyone reads "You said, we
did"; staff record feedback, work complaints through their closed loop, and keep the themes. Each view parses its
input with a form, checks permission, calls one service or selector and renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tellus.common.numbers import NotANumber, parse_number
from tellus.demand.models import Need
from tellus.people.models import Person
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from . import complaints as loop
from .changes import change_publish, changes_public, changes_recent
from .forms import (
    ChangeForm,
    EscalateForm,
    ExtendForm,
    FeedbackForm,
    LearningForm,
    MergeForm,
    NoteForm,
    RenameForm,
    RespondForm,
    SurveyCodeForm,
    SurveyForm,
)
from .models import Feedback, Theme
from .questions import survey
from .selectors import feedback_get_for_staff
from .surveys import SurveyError, survey_open, survey_respond
from .themes import theme_merge, theme_rename, theme_split, themes_with_counts

HANDLE = ("feedback.view_feedback", "feedback.change_feedback")
KEEP_THEMES = ("feedback.change_theme", "feedback.add_change")


def _service_errors(form: Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# Residents -----------------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, token: str) -> HttpResponse:
    """The survey by its single-use link: works with no JavaScript and no account."""
    try:
        invitation = survey_open(token=token) if request.method == "GET" else None
    except SurveyError as error:
        return render(request, "feedback/survey_refused.html", {"message": str(error)}, status=error.status)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_respond(
                token=token, answers=form.answers(), comment=form.cleaned_data["comment"],
                wants_updates=form.cleaned_data["wants_updates"],
            )  # fmt: skip
        except SurveyError as error:
            return render(request, "feedback/survey_refused.html", {"message": str(error)}, status=error.status)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            return render(request, "feedback/survey_thanks.html", {})
    service = invitation.service.name if invitation is not None and invitation.service else ""
    context = {"form": form, "intro": survey().intro, "service": service}
    return render(request, "feedback/survey.html", context, status=400 if form.errors else 200)


@require_GET
def survey_code(request: HttpRequest) -> HttpResponse:
    """For a survey letter: the person types its short code and goes on to the survey. A code that is not right
    is told on the survey page itself, as for a mistyped link."""
    form = SurveyCodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return HttpResponseRedirect(reverse("feedback:survey", args=[form.cleaned_data["code"]]))
    return render(request, "feedback/survey_code.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/you_said_we_did.html", {"changes": changes_public()})


# Staff ---------------------------------------------------------------------------------------------------------


def _number(value: str, label: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return parse_number(value, minimum=1)
    except NotANumber:
        raise ValidationError({label: _("Write the number with the digits 0 to 9.")}) from None


def _record(request: HttpRequest, form: FeedbackForm) -> Feedback | None:
    data = form.cleaned_data
    try:
        person_id, need_id = _number(data["person"], "person"), _number(data["need"], "need")
        person = Person.objects.filter(pk=person_id).first() if person_id else None
        need = Need.objects.filter(pk=need_id).first() if need_id else None
        if person_id and person is None:
            raise ValidationError({"person": _("There is no person with that number.")})
        if need_id and need is None:
            raise ValidationError({"need": _("There is no need with that number.")})
        return loop.feedback_record(
            actor=Actor.for_user(request.user), purpose=purpose_of(request), kind=data["kind"],
            channel=data["channel"], words=data["words"], person=person, need=need, service=data["service"],
            wants_updates=data["wants_updates"],
        )  # fmt: skip
    except ValidationError as error:
        _service_errors(form, error)
        return None


@require_http_methods(["GET", "POST"])
@staff_permission_required("feedback.add_feedback")
def feedback_new(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        feedback = _record(request, form)
        if feedback is not None:
            messages.success(request, _("%(kind)s recorded.") % {"kind": feedback.get_kind_display()})
            if feedback.is_complaint and request.user.has_perms(HANDLE):
                return HttpResponseRedirect(reverse("feedback:complaint", args=[feedback.pk]))
            return HttpResponseRedirect(reverse("feedback:new"))
    return render(request, "feedback/feedback_new.html", {"form": form}, status=400 if form.errors else 200)


@require_GET
@staff_permission_required(*HANDLE)
def complaint_list(request: HttpRequest) -> HttpResponse:
    overdue = request.GET.get("show") == "overdue"
    rows = list((loop.complaints_overdue() if overdue else loop.complaints_open())[:500])
    today = timezone.localdate()
    context = {"rows": [(c, loop.due_date(c)) for c in rows], "overdue": overdue, "today": today}
    return render(request, "feedback/complaint_list.html", context)


STEPS: dict[str, tuple[type[Form], Callable[..., Feedback]]] = {
    "acknowledge": (Form, loop.complaint_acknowledge),
    "investigate": (NoteForm, loop.complaint_investigate),
    "extend": (ExtendForm, loop.complaint_extend),
    "respond": (RespondForm, loop.complaint_respond),
    "learning": (LearningForm, loop.complaint_record_learning),
    "escalate": (EscalateForm, loop.complaint_escalate),
}


def _complaint_page(request: HttpRequest, feedback_id: int, forms: dict[str, Form] | None = None) -> HttpResponse:
    try:
        feedback = feedback_get_for_staff(
            actor=Actor.for_user(request.user), purpose=purpose_of(request), feedback_id=feedback_id
        )
    except Feedback.DoesNotExist:
        raise Http404(_("There is no feedback with that number.")) from None
    given = forms or {}
    bound = {name: given.get(name) or form_class() for name, (form_class, _service) in STEPS.items()}
    context = {"feedback": feedback, "forms": bound, "due": loop.due_date(feedback), "errors": bool(given)}
    return render(request, "feedback/complaint_detail.html", context, status=400 if given else 200)


@require_GET
@staff_permission_required(*HANDLE)
def complaint_detail(request: HttpRequest, feedback_id: int) -> HttpResponse:
    return _complaint_page(request, feedback_id)


@require_POST
@staff_permission_required(*HANDLE)
def complaint_step(request: HttpRequest, feedback_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404(_("There is no such step."))
    feedback = Feedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        raise Http404(_("There is no feedback with that number."))
    form_class, service = STEPS[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(
                feedback=feedback, actor=Actor.for_user(request.user), purpose=purpose_of(request), **form.cleaned_data
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("The complaint has been updated."))
            return HttpResponseRedirect(reverse("feedback:complaint", args=[feedback_id]))
    return _complaint_page(request, feedback_id, {step: form})


@require_GET
@staff_permission_required(*KEEP_THEMES)
def themes_page(request: HttpRequest) -> HttpResponse:
    return _themes(request)


def _themes(request: HttpRequest, errors: dict[str, Any] | None = None) -> HttpResponse:
    context = {
        "themes": list(themes_with_counts()),
        "merge_form": MergeForm(),
        "rename_form": RenameForm(),
        "change_form": (errors or {}).get("change") or ChangeForm(),
        "changes": list(changes_recent()[:50]),
        "problem": (errors or {}).get("problem"),
    }
    return render(request, "feedback/themes.html", context, status=400 if errors else 200)


def _theme(theme_id: int) -> Theme:
    theme = Theme.objects.filter(pk=theme_id).first()
    if theme is None:
        raise Http404(_("There is no theme with that number."))
    return theme


@require_POST
@staff_permission_required(*KEEP_THEMES)
def theme_action(request: HttpRequest, theme_id: int, action: str) -> HttpResponse:
    theme = _theme(theme_id)
    actor = Actor.for_user(request.user)
    try:
        if action == "rename":
            form: Form = RenameForm(request.POST)
            if not form.is_valid():
                return _themes(request, {"problem": " ".join(str(e) for e in form.errors.get("label", []))})
            theme_rename(theme=theme, label=form.cleaned_data["label"], actor=actor)
        elif action == "merge":
            form = MergeForm(request.POST)
            if not form.is_valid():
                return _themes(request, {"problem": " ".join(str(e) for e in form.errors.get("into", []))})
            theme_merge(theme=theme, into=form.cleaned_data["into"], actor=actor)
        elif action == "split":
            theme_split(theme=theme, actor=actor)
        else:
            raise Http404(_("There is no such action."))
    except ValidationError as error:
        return _themes(request, {"problem": " ".join(error.messages)})
    messages.success(request, _("The themes have been changed."))
    return HttpResponseRedirect(reverse("feedback:themes"))


@require_POST
@staff_permission_required(*KEEP_THEMES)
def change_new(request: HttpRequest) -> HttpResponse:
    form = ChangeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            published = change_publish(
                theme=data["theme"], service=data["service"], you_said=data["you_said"], we_did=data["we_did"],
                actor=Actor.for_user(request.user),
            )  # fmt: skip
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request, _("Published. %(n)s people who asked to be told have been told.") % {"n": published.notified}
            )
            return HttpResponseRedirect(reverse("feedback:themes"))
    return _themes(request, {"change": form})
