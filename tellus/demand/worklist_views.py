"""The team worklist of needs: /demand/needs/. Filter by team, service and queue; tick needs and assign, re-assign,
hand off or mark them waiting on the resident, all at once or not at all."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tellus.catalogue.models import Service
from tellus.common.numbers import is_number, query_number
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from .forms import WorklistAction, WorklistBulkForm
from .worklist_selectors import (
    ALL_TEAMS,
    Queue,
    worklist_assignees,
    worklist_for_staff,
    worklist_teams,
)
from .worklist_services import needs_assign, needs_handoff, needs_waiting_set


def _filters(request: HttpRequest, teams: list[str]) -> dict[str, Any]:
    """The team, service and queue asked for; anything unknown falls back to the default rather than failing."""
    user_team = (getattr(request.user, "team", "") or "").strip()
    team = request.GET.get("team")
    if team is None:
        team = user_team if user_team in teams else ALL_TEAMS
    elif team not in teams:
        team = ALL_TEAMS
    key = request.GET.get("service", "")
    service = Service.objects.filter(pk=int(key)).first() if is_number(key) and 0 < int(key) < 2**31 else None
    queue = request.GET.get("queue", Queue.ALL)
    return {"team": team, "service": service, "queue": queue if queue in Queue.LABELS else Queue.ALL}


def _act(form: WorklistBulkForm, actor: Actor, purpose: str) -> int:
    data = form.cleaned_data
    action, ids, note = data["action"], data["needs"], data["note"]
    if action == WorklistAction.ASSIGN:
        return len(needs_assign(need_ids=ids, assignee=data["assignee_user"], actor=actor, purpose=purpose, note=note))
    if action == WorklistAction.UNASSIGN:
        return len(needs_assign(need_ids=ids, assignee=None, actor=actor, purpose=purpose, note=note))
    if action == WorklistAction.HANDOFF:
        return len(needs_handoff(need_ids=ids, to_team=data["to_team"], actor=actor, purpose=purpose, note=note))
    waiting = action == WorklistAction.WAIT
    return len(needs_waiting_set(need_ids=ids, waiting=waiting, actor=actor, purpose=purpose, note=note))


def _add_errors(form: WorklistBulkForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields and name != "needs" else None, errors)


@require_http_methods(["GET", "POST"])
@staff_permission_required("demand.view_need")
def worklist(request: HttpRequest) -> HttpResponse:
    actor = Actor.for_user(request.user)
    teams = worklist_teams()
    filters = _filters(request, teams)
    may_work = request.user.has_perm("demand.change_need")
    form = WorklistBulkForm(
        request.POST if request.method == "POST" else None,
        assignees=worklist_assignees() if may_work else [],
        teams=teams,
    )
    if request.method == "POST":
        if not may_work:
            raise PermissionDenied(_("Your role may read needs but not assign or hand them off."))
        if form.is_valid():
            try:
                done = _act(form, actor, purpose_of(request))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, ngettext("%(n)s need changed.", "%(n)s needs changed.", done) % {"n": done})
                return HttpResponseRedirect(request.get_full_path())
    view = worklist_for_staff(
        actor=actor,
        purpose=purpose_of(request),
        page=query_number(request.GET, "page", default=1) or 1,
        **filters,
    )
    context = {
        "worklist": view,
        "teams": teams,
        "services": Service.objects.order_by("group", "name"),
        "queues": [(key, Queue.LABELS[key], view.counts[key]) for key in Queue.ORDER],
        "form": form,
        "may_work": may_work,
        "all_teams": ALL_TEAMS,
        "ticked": {str(v) for v in request.POST.getlist("needs")} if request.method == "POST" else set(),
    }
    return render(request, "demand/worklist.html", context, status=400 if form.errors else 200)
