"""Staff pages for residents' correction requests: a team's open requests, and deciding one. Every read is audited
(purpose casework), like the console's person pages."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from .corrections import (
    CorrectionError,
    correction_decide,
    correction_get_for_staff,
    correction_teams,
    corrections_open_for_staff,
)
from .models import CorrectionRequest

NEEDED = ("rights.view_correctionrequest", "rights.change_correctionrequest")


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_lazy("What did you do?"),
        widget=forms.RadioSelect,
        choices=[
            (CorrectionRequest.Status.CORRECTED, _lazy("Corrected the record")),
            (CorrectionRequest.Status.REFUSED, _lazy("Did not change it")),
        ],
        error_messages={"required": _lazy("Choose what you did")},
    )
    new_value = forms.CharField(
        label=_lazy("Corrected value"),
        required=False,
        max_length=500,
        help_text=_lazy("Only when you corrected it. Dates as YYYY-MM-DD."),
    )
    reply = forms.CharField(
        label=_lazy("Reply to the resident"),
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": _lazy("Write a reply to the resident")},
    )


@require_GET
@staff_permission_required(*NEEDED)
def correction_list(request: HttpRequest) -> HttpResponse:
    teams = correction_teams()
    # A member of staff sees their own team's requests first; "All teams" (team=) shows every one.
    team = request.GET.get("team", getattr(request.user, "team", ""))
    if team and team not in teams:
        team = ""
    found = corrections_open_for_staff(actor=Actor.for_user(request.user), purpose=purpose_of(request), team=team)
    return render(request, "rights/correction_list.html", {"requests": found, "teams": teams, "team": team})


@require_http_methods(["GET", "POST"])
@staff_permission_required(*NEEDED)
def correction_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    try:
        correction = correction_get_for_staff(actor=actor, purpose=purpose, request_id=request_id)
    except CorrectionRequest.DoesNotExist:
        raise Http404(_("There is no such correction request.")) from None
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction_decide(
                actor=actor,
                purpose=purpose,
                request_id=correction.pk,
                outcome=form.cleaned_data["outcome"],
                reply=form.cleaned_data["reply"],
                new_value=form.cleaned_data["new_value"],
            )
        except CorrectionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Done. The resident can see your reply."))
            return redirect("rights:corrections")
    current = getattr(correction.record, correction.field)
    return render(
        request, "rights/correction_detail.html", {"correction": correction, "form": form, "current": current}
    )
