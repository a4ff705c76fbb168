"""Tell us once for staff: report a change on someone's behalf (recorded as such, with who told us), see each
service's status, the dead-letter list with retry, and (administrators) the subscribers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tellus.once import selectors as once_selectors
from tellus.once.forms import ChangeForm, ChooseForm, SubscriberForm
from tellus.once.models import ChangeReport, EventType, ReportedBy, Subscriber
from tellus.once.services import (
    OnceError,
    Reporter,
    change_confirm,
    change_report,
    delivery_retry,
    subscriber_create,
    subscriber_secret_rotate,
    subscriber_update,
)
from tellus.people.models import Person
from tellus.people.selectors import person_get_for_staff
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor


def _person(actor: Actor, purpose: object, person_id: int) -> Person:
    """The person, read through the audited staff selector; 404 when there is none."""
    try:
        return person_get_for_staff(actor=actor, purpose=purpose, person_id=person_id).person  # type: ignore[arg-type]
    except Person.DoesNotExist:
        raise Http404 from None


def _report(actor: Actor, purpose: object, report_id: int) -> ChangeReport:
    try:
        return once_selectors.report_for_staff(actor=actor, purpose=purpose, report_id=report_id)  # type: ignore[arg-type]
    except ChangeReport.DoesNotExist:
        raise Http404 from None


@require_GET
@staff_permission_required("once.view_changereport")
def person_changes(request: HttpRequest, person_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(actor, purpose, person_id)
    reports = once_selectors.reports_for_staff(actor=actor, purpose=purpose, person_id=person.pk)
    return render(
        request, "once/person_changes.html", {"person": person, "reports": reports, "event_types": EventType.choices}
    )


@require_http_methods(["GET", "POST"])
@staff_permission_required("once.add_changereport")
def report(request: HttpRequest, person_id: int, event_type: str) -> HttpResponse:
    if event_type not in EventType.values:
        raise Http404
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    person = _person(actor, purpose, person_id)
    form = ChangeForm(request.POST or None, event_type=event_type, staff=True)
    if request.method == "POST" and form.is_valid():
        reporter = Reporter(
            by=ReportedBy.STAFF,
            actor=actor,
            name=form.cleaned_data["reporter_name"],
            relationship=form.cleaned_data["reporter_relationship"],
            email=form.cleaned_data.get("reporter_email") or "",
        )
        try:
            made = change_report(
                person=person, event_type=event_type, data=form.cleaned_data, reporter=reporter, purpose=purpose
            )
        except OnceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("console:once_check", report_id=made.pk)
    return render(
        request,
        "once/staff_report.html",
        {"form": form, "person": person, "event_type": event_type, "event_label": EventType(event_type).label},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_permission_required("once.add_changereport")
def check(request: HttpRequest, report_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    found = _report(actor, purpose, report_id)
    if found.status != ChangeReport.Status.DRAFT:
        return redirect("console:once_status", report_id=found.pk)
    choices = once_selectors.preview(found)
    if request.method == "POST":
        form = ChooseForm(request.POST, subscriber_ids=[c.choice.subscriber_id for c in choices])
        reporter = Reporter(
            by=ReportedBy.STAFF,
            actor=actor,
            name=found.reporter_name,
            relationship=found.reporter_relationship,
            email=found.reporter_email,
        )
        try:
            change_confirm(
                report_id=found.pk,
                agreed=form.agreed(),
                reporter=reporter,
                purpose=purpose,
                status_url="",
            )
        except OnceError as exc:
            messages.error(request, str(exc))
            return redirect("console:once_check", report_id=found.pk)
        messages.success(request, _("The change is confirmed and the chosen services are being told."))
        return redirect("console:once_status", report_id=found.pk)
    return render(request, "once/staff_check.html", {"report": found, "choices": choices})


@require_GET
@staff_permission_required("once.view_changereport")
def status(request: HttpRequest, report_id: int) -> HttpResponse:
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    found = _report(actor, purpose, report_id)
    return render(request, "once/staff_status.html", {"report": found})


@require_GET
@staff_permission_required("once.view_delivery", "once.change_delivery")
def dead_letters(request: HttpRequest) -> HttpResponse:
    rows = once_selectors.dead_letters_for_staff(actor=Actor.for_user(request.user), purpose=purpose_of(request))
    return render(request, "once/dead_letters.html", {"rows": rows, "counts": once_selectors.delivery_counts()})


@require_POST
@staff_permission_required("once.view_delivery", "once.change_delivery")
def retry(request: HttpRequest, delivery_id: int) -> HttpResponse:
    try:
        delivery_retry(delivery_id=delivery_id, actor=Actor.for_user(request.user), purpose=purpose_of(request))
    except OnceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("console:once_dead_letters")


@require_GET
@staff_permission_required("once.view_subscriber")
def subscribers(request: HttpRequest) -> HttpResponse:
    return render(request, "once/subscribers.html", {"subscribers": once_selectors.subscribers()})


@require_http_methods(["GET", "POST"])
@staff_permission_required("once.add_subscriber")
def subscriber_new(request: HttpRequest) -> HttpResponse:
    form = SubscriberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made, secret = subscriber_create(
                actor=Actor.for_user(request.user),
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                url=d["url"],
                purpose=d["purpose"],
                event_types=d["event_types"],
                entitled_fields=d["entitled_fields"],
            )
        except OnceError as exc:
            form.add_error("url" if "address" in str(exc) else None, str(exc))
        else:
            return render(request, "once/subscriber_secret.html", {"subscriber": made, "secret": secret})
    return render(
        request, "once/subscriber_form.html", {"form": form, "subscriber": None}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@staff_permission_required("once.change_subscriber")
def subscriber_edit(request: HttpRequest, subscriber_id: int) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    initial = {
        "code": subscriber.code,
        "name": subscriber.name,
        "kind": subscriber.kind,
        "url": subscriber.url,
        "purpose": subscriber.purpose,
        "event_types": subscriber.event_types,
        "entitled_fields": subscriber.entitled_fields,
        "is_active": subscriber.is_active,
    }
    form = SubscriberForm(request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            subscriber_update(
                actor=Actor.for_user(request.user),
                subscriber_id=subscriber.pk,
                name=d["name"],
                url=d["url"],
                purpose=d["purpose"],
                event_types=d["event_types"],
                entitled_fields=d["entitled_fields"],
                is_active=d["is_active"],
            )
        except OnceError as exc:
            form.add_error("url" if "address" in str(exc) else None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("console:once_subscribers")
    return render(
        request,
        "once/subscriber_form.html",
        {"form": form, "subscriber": subscriber},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_permission_required("once.change_subscriber")
def subscriber_rotate(request: HttpRequest, subscriber_id: int) -> HttpResponse:
    subscriber = get_object_or_404(Subscriber, pk=subscriber_id)
    try:
        secret = subscriber_secret_rotate(actor=Actor.for_user(request.user), subscriber_id=subscriber.pk)
    except OnceError as exc:
        messages.error(request, str(exc))
        return redirect("console:once_subscribers")
    return render(request, "once/subscriber_secret.html", {"subscriber": subscriber, "secret": secret, "rotated": True})


def status_url(report: ChangeReport) -> str:
    return reverse("console:once_status", args=[report.pk])
