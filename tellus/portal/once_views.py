"""Tell us once in the portal: a resident reports a change once, sees what each service would be told and chooses,
then follows each service's status. Works without JavaScript: every step is a form post and a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tellus.once import selectors as once_selectors
from tellus.once.forms import ChangeForm, ChooseForm
from tellus.once.models import EventType, ReportedBy
from tellus.once.services import NotAllowed, OnceError, Reporter, change_confirm, change_report
from tellus.people.models import Person
from tellus.privacy.models import Purpose

from .services import live_person_id, resident_actor
from .session import resident_required

# What a resident is doing when they tell us of a change: their own record's administration.
RESIDENT_PURPOSE = Purpose.ADMINISTRATION


@resident_required
def start(request: HttpRequest) -> HttpResponse:
    account = request.resident  # type: ignore[attr-defined]
    reports = once_selectors.reports_by_reporter(reporter_label=resident_actor(account).label)
    return render(request, "portal/once_start.html", {"event_types": EventType.choices, "reports": reports})


@resident_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, event_type: str) -> HttpResponse:
    if event_type not in EventType.values:
        raise Http404
    account = request.resident  # type: ignore[attr-defined]
    me = live_person_id(account.person_id)
    about = once_selectors.people_reporter_may_name(reporter_person_id=me, event_type=event_type)
    about_choices = [(str(pk), name if pk != me else _("Me (%(name)s)") % {"name": name}) for pk, name in about]
    form = ChangeForm(request.POST or None, event_type=event_type, about_choices=about_choices)
    if request.method == "POST":
        # A person outside the list is refused before anything is written (criterion 10).
        wanted = request.POST.get("about", "")
        if wanted and wanted not in {value for value, _label in about_choices}:
            return render(
                request,
                "portal/once_report.html",
                {
                    "form": form,
                    "event_type": event_type,
                    "event_label": EventType(event_type).label,
                    "refused": _("You cannot report this change for that person."),
                },
                status=403,
            )
    if request.method == "POST" and form.is_valid():
        person_id = int(form.cleaned_data["about"])
        person = Person.objects.get(pk=person_id)
        relationship = form.cleaned_data.get("relationship") or ("self" if person_id == me else "")
        if person_id != me and not relationship:
            form.add_error("relationship", _("Say how you are related to them."))
        else:
            reporter = Reporter(
                by=ReportedBy.PERSON if person_id == me else ReportedBy.REPRESENTATIVE,
                actor=resident_actor(account),
                name=Person.objects.get(pk=me).display_name,
                relationship=relationship,
                email=account.email,
                account_id=account.pk,
                account_person_id=me,
            )
            try:
                made = change_report(
                    person=person,
                    event_type=event_type,
                    data=form.cleaned_data,
                    reporter=reporter,
                    purpose=RESIDENT_PURPOSE,
                )
            except NotAllowed as exc:
                form.add_error("about", str(exc))
            except OnceError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("portal:once_check", report_id=made.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portal/once_report.html",
        {"form": form, "event_type": event_type, "event_label": EventType(event_type).label},
        status=status,
    )


def _own_report(request: HttpRequest, report_id: int):  # type: ignore[no-untyped-def]
    account = request.resident  # type: ignore[attr-defined]
    found = once_selectors.report_for_reporter(report_id=report_id, reporter_label=resident_actor(account).label)
    if found is None:
        raise Http404
    return found


@resident_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, report_id: int) -> HttpResponse:
    account = request.resident  # type: ignore[attr-defined]
    found = _own_report(request, report_id)
    if found.status != found.Status.DRAFT:
        return redirect("portal:once_status", report_id=found.pk)
    choices = once_selectors.preview(found)
    form = ChooseForm(request.POST or None, subscriber_ids=[c.choice.subscriber_id for c in choices])
    if request.method == "POST":
        me = live_person_id(account.person_id)
        reporter = Reporter(
            by=ReportedBy(found.reported_by),
            actor=resident_actor(account),
            name=found.reporter_name,
            relationship=found.reporter_relationship,
            email=found.reporter_email,
            account_id=account.pk,
            account_person_id=me,
        )
        try:
            change_confirm(
                report_id=found.pk,
                agreed=form.agreed(),
                reporter=reporter,
                purpose=RESIDENT_PURPOSE,
                status_url=request.build_absolute_uri(reverse("portal:once_status", args=[found.pk])),
            )
        except OnceError as exc:
            messages.error(request, str(exc))
            return redirect("portal:once_check", report_id=found.pk)
        messages.success(
            request,
            _("Thank you. We are letting the services you chose know.")
            if not found.is_death
            else _(
                "Thank you for telling us. We are letting the services you chose know, and we have stopped "
                "sending letters to them."
            ),
        )
        return redirect("portal:once_status", report_id=found.pk)
    return render(request, "portal/once_check.html", {"report": found, "choices": choices})


@resident_required
def status(request: HttpRequest, report_id: int) -> HttpResponse:
    found = _own_report(request, report_id)
    return render(request, "portal/once_status.html", {"report": found})
