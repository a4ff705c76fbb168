"""The resident's surveys in the portal: those not yet answered, each answered here as by its link (one response
per survey, whichever way). No JavaScript needed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from tellus.feedback.forms import SurveyForm
from tellus.feedback.questions import survey
from tellus.feedback.surveys import (
    SurveyError,
    survey_open_for_resident,
    survey_respond_for_resident,
    surveys_open_for_resident,
)
from tellus.people.selectors import people_merged_into

from . import selectors
from .session import resident_required


def _person_ids(request: HttpRequest) -> list[int]:
    person = selectors.resident_person(request.resident)  # type: ignore[attr-defined]
    return people_merged_into(person.pk)


@resident_required
@require_GET
def surveys(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/surveys.html", {"invitations": surveys_open_for_resident(person_ids=_person_ids(request))}
    )


@resident_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    person_ids = _person_ids(request)
    form = SurveyForm(request.POST if request.method == "POST" else None)
    try:
        invitation = survey_open_for_resident(invitation_id=invitation_id, person_ids=person_ids)
        if request.method == "POST" and form.is_valid():
            try:
                survey_respond_for_resident(
                    invitation_id=invitation_id, person_ids=person_ids, answers=form.answers(),
                    comment=form.cleaned_data["comment"], wants_updates=form.cleaned_data["wants_updates"],
                )  # fmt: skip
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    form.add_error(None, error)
                for name, errors in getattr(error, "error_dict", {}).items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                return render(request, "feedback/survey_thanks.html", {"base_template": "portal/base.html"})
    except SurveyError as error:
        return render(request, "portal/survey_refused.html", {"message": str(error)}, status=error.status)
    service = invitation.service.name if invitation.service else ""
    context = {"form": form, "intro": survey().intro, "service": service, "offered_at": invitation.offered_at}
    return render(
        request,
        "feedback/survey.html",
        {**context, "base_template": "portal/base.html"},
        status=400 if form.errors else 200,
    )
