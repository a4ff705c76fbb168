"""Staff console pages. Each view parses input, checks permission, calls one selector and renders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tellus.capacities.services import capacities_refresh_people
from tellus.catalogue.dealing_with import person_dealing_with
from tellus.common.numbers import query_number
from tellus.demand.selectors import person_demand_for_staff
from tellus.linkage.models import CandidatePair, PersonMerge, RecordSplit
from tellus.linkage.selectors_staff import (
    QUEUE_STATUSES,
    merge_preview_for_staff,
    next_pair_in_queue,
    pair_get_for_review,
    person_page_for_staff,
    review_queue,
)
from tellus.linkage.services import (
    LinkageError,
    pair_decide,
    person_merge_undo,
    persons_merge,
    record_split,
    record_split_undo,
)
from tellus.people.audit_trail import audit_events_for_person
from tellus.people.models import Person, SourceRecord
from tellus.people.selectors import StaffPersonView, person_get_for_staff, person_search
from tellus.privacy.models import Purpose
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of, purposes_for, state_purpose, stated_in_session
from tellus.privacy.services import Actor

from .finder import filter_choices, find_people
from .forms import FindForm, MergeChooseForm, MergeConfirmForm, PairDecisionForm, PurposeForm, SplitForm
from .navigation import home_for


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: one it may use (see console.navigation), never a page that refuses it."""
    url = home_for(request.user)
    if url is None:
        raise PermissionDenied(_("Your account has no role yet."))
    return HttpResponseRedirect(url)


@require_GET
@staff_permission_required("privacy.change_user")
def administration(request: HttpRequest) -> HttpResponse:
    """Staff and settings: where an administrator starts."""
    return render(request, "console/administration.html", {})


@require_GET
@staff_permission_required("people.view_person")
def search(request: HttpRequest) -> HttpResponse:
    form = FindForm(request.GET if request.GET else None, choices=filter_choices())
    results = None
    if form.is_valid() and form.has_terms():
        data = form.cleaned_data
        results = find_people(
            actor=Actor.for_user(request.user),
            purpose=purpose_of(request),
            query=data["q"],
            date_of_birth=data["dob"],
            ward=data["ward"],
            capacity=data["capacity"],
            system=data["system"],
            sort=data["sort"] or "relevance",
            page=query_number(request.GET, "page", default=1),
        )
    status = 400 if form.errors else 200
    return render(request, "console/search.html", {"form": form, "results": results}, status=status)


@require_GET
@staff_permission_required("people.view_person")
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    # Match weights and the model's statistics are for those who judge linkage, not for the front line.
    judges_linkage = request.user.has_perm("linkage.view_candidatepair")
    try:
        page = person_page_for_staff(actor=actor, purpose=purpose, person_id=person_id, with_evidence=judges_linkage)
    except Person.DoesNotExist:
        raise Http404(_("There is no person with that number.")) from None
    context: dict[str, Any] = {
        "page": page,
        "view": page.view,
        "person": page.person,
        "summary": person_summary(page.view),
        "show_evidence": judges_linkage,
    }
    if not page.merged_into:
        # Each panel is its own audited read, shown only to roles with a purpose for it.
        if request.user.has_perm("capacities.view_personcapacity"):
            context["dealing_with"] = person_dealing_with(actor=actor, purpose=purpose, person_id=person_id)
        if request.user.has_perms(("demand.view_contact", "demand.view_need")):
            context["demand"] = person_demand_for_staff(actor=actor, purpose=purpose, person_id=person_id)
    return render(request, "console/person.html", context)


def person_summary(view: StaffPersonView) -> dict[str, str]:
    """The top of the person page: the address, phone and email the most recent records give."""
    records = sorted(
        (record for group in view.groups for record in group.records),
        key=lambda r: (r.valid_to is None, r.valid_from or dt.date.min, r.imported_at),
        reverse=True,
    )
    address = next((", ".join(p for p in (r.address, r.postcode) if p) for r in records if r.address or r.postcode), "")
    return {
        "address": address,
        "phone": next((r.phone for r in records if r.phone), ""),
        "email": next((r.email for r in records if r.email), ""),
    }


@require_GET
@staff_permission_required("privacy.view_auditevent")
def person_audit(request: HttpRequest, person_id: int) -> HttpResponse:
    purpose_of(request, needed=Purpose.PRIVACY_REVIEW)  # reading an audit trail is only ever a privacy review
    try:
        log = audit_events_for_person(
            actor=Actor.for_user(request.user), person_id=person_id, page=query_number(request.GET, "page", default=1)
        )
    except Person.DoesNotExist:
        raise Http404(_("There is no person with that number.")) from None
    return render(request, "console/person_audit.html", {"log": log, "person": log.person})


@require_http_methods(["GET", "POST"])
@login_required
def purpose(request: HttpRequest) -> HttpResponse:
    """State (or change) the purpose written on this session's audit entries, then go back to where staff were."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if not purposes_for(request.user):
        raise PermissionDenied(_("Your role gives you no reason to look at anyone's records."))
    if request.method == "POST":
        form = PurposeForm(request.POST, user=request.user)
        if form.is_valid():
            chosen = state_purpose(request, form.chosen)
            messages.success(request, _("Your purpose is now: %(purpose)s.") % {"purpose": chosen.label})
            return HttpResponseRedirect(next_url or reverse("console:search"))
    else:
        stated = stated_in_session(request)
        suggested = request.GET.get("purpose")
        initial = suggested if suggested in {p.value for p in purposes_for(request.user)} else stated
        form = PurposeForm(user=request.user, initial={"purpose": initial} if initial else None)
    status = 400 if form.errors else 200
    return render(request, "console/purpose.html", {"form": form, "next": next_url}, status=status)


# The linkage review queue


def _queue_status(value: str | None) -> CandidatePair.Status:
    return CandidatePair.Status.NOT_SURE if value == CandidatePair.Status.NOT_SURE else CandidatePair.Status.REVIEW


@require_GET
@staff_permission_required("linkage.view_candidatepair", "linkage.change_candidatepair")
def review_list(request: HttpRequest) -> HttpResponse:
    queue = review_queue(
        actor=Actor.for_user(request.user),
        purpose=purpose_of(request),
        status=_queue_status(request.GET.get("status")),
        page=query_number(request.GET, "page", default=1),
    )
    return render(request, "console/review_queue.html", {"queue": queue})


DECIDED = {
    CandidatePair.Status.CONFIRMED: _lazy("Pair %(id)s confirmed: the two records are now one person."),
    CandidatePair.Status.REJECTED: _lazy("Pair %(id)s rejected: linkage will keep these records apart."),
    CandidatePair.Status.NOT_SURE: _lazy("Pair %(id)s marked not sure: it is kept under “Not sure” for later."),
}


@require_http_methods(["GET", "POST"])
@staff_permission_required("linkage.view_candidatepair", "linkage.change_candidatepair")
def review_pair(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Two records side by side with the evidence, and the caseworker's decision on them."""
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    form = None
    if request.method == "POST":
        pair = get_object_or_404(CandidatePair.objects.only("id", "status"), pk=pair_id)
        queue = _queue_status(pair.status)
        form = PairDecisionForm(request.POST, is_open=pair.status in QUEUE_STATUSES)
        if form.is_valid():
            decision = CandidatePair.Status(form.cleaned_data["decision"])
            try:
                pair_decide(pair=pair, decision=decision, actor=actor, purpose=purpose, note=form.cleaned_data["note"])
            except LinkageError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, DECIDED[decision] % {"id": pair.pk})
                return _to_next_pair(request, queue=queue, after=pair)
    try:
        review = pair_get_for_review(actor=actor, purpose=purpose, pair_id=pair_id)
    except CandidatePair.DoesNotExist:
        raise Http404(_("There is no pair with that number.")) from None
    form = form or PairDecisionForm(is_open=review.is_open)
    return render(request, "console/review_pair.html", {"review": review, "form": form})


def _to_next_pair(request: HttpRequest, *, queue: CandidatePair.Status, after: CandidatePair) -> HttpResponse:
    next_id = next_pair_in_queue(status=queue, after=after)
    if next_id is not None:
        return HttpResponseRedirect(reverse("console:review_pair", args=[next_id]))
    messages.info(request, _("There are no more pairs in this queue."))
    query = "?status=not_sure" if queue == CandidatePair.Status.NOT_SURE else ""
    return HttpResponseRedirect(reverse("console:review") + query)


# Merging people, undoing merges, splitting records off


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "linkage.add_personmerge")
def person_merge(request: HttpRequest, person_id: int) -> HttpResponse:
    """Choose another person (by number or by a search), see both side by side, and merge them into this one."""
    if not Person.objects.filter(pk=person_id).exists():
        raise Http404(_("There is no person with that number."))
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    choose = MergeChooseForm(request.GET or None)
    other_id = None
    status = 200
    if request.method == "POST":
        confirm = MergeConfirmForm(request.POST)
        if not confirm.is_valid():
            status = 400
        else:
            other_id = confirm.cleaned_data["other"]
            choose = MergeChooseForm({"other": other_id})
            choose.is_valid()
            try:
                merge = persons_merge(
                    survivor=Person(pk=person_id),
                    absorbed=Person(pk=other_id),
                    actor=actor,
                    purpose=purpose,
                    reason=PersonMerge.Reason.STAFF,
                )
            except (LinkageError, Person.DoesNotExist) as error:
                message = str(error) if isinstance(error, LinkageError) else _("There is no person with that number.")
                choose.add_error("other", message)
            else:
                messages.success(
                    request,
                    _("Person %(other)s was merged into this person. You can undo this from the merge history.")
                    % {"other": merge.absorbed_id},
                )
                return HttpResponseRedirect(reverse("console:person", args=[person_id]))
    elif choose.is_valid():
        other_id = choose.cleaned_data["other"]
        if other_id == person_id:
            choose.add_error("other", _("That is this person. Enter the number of the person to merge into them."))
            other_id = None
    elif choose.is_bound:
        status = 400  # the number or search as typed cannot be read: say so on the page, as a 400
    return _merge_page(request, choose=choose, person_id=person_id, other_id=other_id, actor=actor, status=status)


def _merge_page(
    request: HttpRequest,
    *,
    choose: MergeChooseForm,
    person_id: int,
    other_id: int | None,
    actor: Actor,
    status: int = 200,
) -> HttpResponse:
    purpose = purpose_of(request)
    try:
        preview = merge_preview_for_staff(actor=actor, purpose=purpose, person_id=person_id, other_id=other_id)
    except Person.DoesNotExist:
        choose.add_error("other", _("There is no person with that number."))
        preview = merge_preview_for_staff(actor=actor, purpose=purpose, person_id=person_id)
    results = None
    query = choose.cleaned_data.get("q", "") if choose.is_bound and not choose.errors else ""
    if query and preview.other is None:
        results = person_search(
            actor=actor, purpose=purpose, query=query, page=query_number(request.GET, "page", default=1)
        )
    return render(
        request,
        "console/person_merge.html",
        {"preview": preview, "person": preview.person.person, "form": choose, "results": results},
        status=status,
    )


def _refresh_capacities(actor: Actor, purpose: Purpose | str) -> Callable[[list[int]], None]:
    """Given to the split services, which run it in their transaction: the capacities of both people follow the
    record at once, so the person page never cites a record the person no longer has."""

    def refresh(person_ids: list[int]) -> None:
        capacities_refresh_people(person_ids=person_ids, actor=actor, purpose=purpose)

    return refresh


@require_http_methods(["GET", "POST"])
@staff_permission_required("people.view_person", "linkage.add_recordsplit")
def record_split_off(request: HttpRequest, person_id: int, record_id: int) -> HttpResponse:
    """Ask first: what the record is, what splitting it off does, and why. Then split, with the reason kept."""
    record = get_object_or_404(
        SourceRecord.objects.select_related("source_system", "person"), pk=record_id, person_id=person_id
    )
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    form = SplitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            split = record_split(
                record=record,
                actor=actor,
                purpose=purpose,
                reason=form.cleaned_data["reason"],
                after=_refresh_capacities(actor, purpose),
            )
        except LinkageError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                format_html(
                    _(
                        'Record {key} was split off. It now belongs to <a class="link" href="{url}">person {number}'
                        "</a>. You can undo this from the split history below."
                    ),
                    key=record.source_key,
                    url=reverse("console:person", args=[split.to_person_id]),
                    number=split.to_person_id,
                ),
            )
            return HttpResponseRedirect(reverse("console:person", args=[person_id]) + "#splits-heading")
    # Showing the record is a read of the person: audited like the person page.
    view = person_get_for_staff(actor=actor, purpose=purpose, person_id=person_id)
    status = 400 if form.errors else 200
    return render(
        request,
        "console/record_split.html",
        {"form": form, "record": record, "person": view.person, "record_count": view.record_count},
        status=status,
    )


@require_POST
@staff_permission_required("people.view_person", "linkage.add_recordsplit")
def split_undo(request: HttpRequest, split_id: int) -> HttpResponse:
    split = get_object_or_404(RecordSplit, pk=split_id)
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    try:
        record_split_undo(split=split, actor=actor, purpose=purpose, after=_refresh_capacities(actor, purpose))
    except LinkageError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Split %(id)s undone: the record is back with person %(person)s, and person %(other)s was merged "
                "back into them."
            )
            % {"id": split.pk, "person": split.from_person_id, "other": split.to_person_id},
        )
    return HttpResponseRedirect(reverse("console:person", args=[split.from_person_id]))


@require_POST
@staff_permission_required("people.view_person", "linkage.change_personmerge")
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = get_object_or_404(PersonMerge, pk=merge_id)
    back = merge.survivor_id if request.POST.get("from") != str(merge.absorbed_id) else merge.absorbed_id
    try:
        person_merge_undo(merge=merge, actor=Actor.for_user(request.user), purpose=purpose_of(request))
    except LinkageError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Merge %(id)s undone: people %(survivor)s and %(absorbed)s are separate again, "
                "and linkage will keep them apart."
            )
            % {"id": merge.pk, "survivor": merge.survivor_id, "absorbed": merge.absorbed_id},
        )
    return HttpResponseRedirect(reverse("console:person", args=[back]))
