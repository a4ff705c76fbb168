"""Staff pages for the service catalogue and customer lists. Service managers edit; other staff read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tellus.common import spreadsheets
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.services import Actor

from .forms import GROUP_KIND_HINTS, SIMONS_HINTS, GroupSegmentFormSet, WorksheetStepForm
from .models import Publicness, Service, SimonsQuestion
from .selectors import customer_list, service_get, service_groups, services_list, wards
from .services import QUESTION_GROUP_KIND, CatalogueError, GroupChange, customer_groups_update, worksheet_answer_save

VIEW = "catalogue.view_service"
EDIT_LIST = ("catalogue.change_customerlistworksheet", "catalogue.add_customergroup", "catalogue.change_customergroup")
QUESTIONS = list(SimonsQuestion)
GROUPS_STEP = len(QUESTIONS) + 1


def _service(code: str) -> Service:
    try:
        return service_get(code)
    except Service.DoesNotExist:
        raise Http404(_("There is no service with that code.")) from None


@require_GET
@staff_permission_required(VIEW)
def service_list(request: HttpRequest) -> HttpResponse:
    group = request.GET.get("group", "")
    services = list(services_list(group=group))
    by_group: dict[str, list[Service]] = {}
    for service in services:
        by_group.setdefault(service.group, []).append(service)
    return render(
        request,
        "catalogue/service_list.html",
        {"by_group": by_group, "groups": service_groups(), "group": group, "count": len(services)},
    )


@require_GET
@staff_permission_required(VIEW)
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(code)
    return render(
        request,
        "catalogue/service_detail.html",
        {
            "service": service,
            "customers": customer_list(service),
            "scale": Publicness.choices,
            "dimensions": [
                (_("Value sought"), service.value_publicness),
                (_("Funding"), service.funding_publicness),
                (_("Ownership"), service.ownership_publicness),
                (_("Political control"), service.political_control_publicness),
            ],
        },
    )


@require_GET
@staff_permission_required(VIEW)
def customers(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(code)
    return render(request, "catalogue/customer_list.html", {"service": service, "customers": customer_list(service)})


@require_GET
@staff_permission_required(VIEW)
def customers_csv(request: HttpRequest, code: str) -> HttpResponse:
    service = _service(code)
    listing = customer_list(service)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="customer-list-{slugify(service.code)}.csv"'
    writer = spreadsheets.writer(response)
    writer.writerow(["service_code", "kind", "group", "internal", "description", "segment", "people_now", "as_of"])
    for section in listing.sections:
        for item in section.groups:
            group = item.group
            writer.writerow(
                [
                    service.code,
                    section.kind,
                    group.name,
                    "yes" if group.internal else "no",
                    group.description,
                    group.segment_description(),
                    "" if item.count is None else item.count,
                    listing.on.isoformat(),
                ]
            )
    return response


@require_http_methods(["GET", "POST"])
@staff_permission_required(VIEW, *EDIT_LIST)
def guide_step(request: HttpRequest, code: str, step: int) -> HttpResponse:
    """One of Simons' questions. Each step saves as it goes, so a team can stop and come back."""
    service = _service(code)
    if not 1 <= step <= len(QUESTIONS):
        raise Http404(_("There is no such step."))
    question = QUESTIONS[step - 1]
    kind = QUESTION_GROUP_KIND.get(question)
    worksheet = getattr(service, "worksheet", None)
    initial = {"answer": worksheet.answer(question.value) if worksheet else ""}
    form = WorksheetStepForm(request.POST or None, initial=initial, names_groups=kind is not None)
    if request.method == "POST" and form.is_valid():
        try:
            worksheet_answer_save(
                service=service,
                question=question,
                answer=form.cleaned_data["answer"],
                groups=form.group_names() if kind else [],
                actor=Actor.for_user(request.user),
            )
        except CatalogueError as exc:
            form.add_error(None, str(exc))
        else:
            return HttpResponseRedirect(
                reverse("catalogue:guide_step", args=[service.code, step + 1])
                if step < len(QUESTIONS)
                else reverse("catalogue:guide_groups", args=[service.code])
            )
    existing = [g for g in service.customer_groups.all() if kind and g.kind == kind]
    return render(
        request,
        "catalogue/guide_step.html",
        {
            "service": service,
            "form": form,
            "question": question,
            "hint": SIMONS_HINTS[question.value],
            "kind_hint": GROUP_KIND_HINTS.get(kind, "") if kind else "",
            "existing": existing,
            "step": step,
            "steps": GROUPS_STEP,
            "previous": reverse("catalogue:guide_step", args=[service.code, step - 1]) if step > 1 else "",
        },
    )


@require_http_methods(["GET", "POST"])
@staff_permission_required(VIEW, *EDIT_LIST, "catalogue.delete_customergroup")
def guide_groups(request: HttpRequest, code: str) -> HttpResponse:
    """The last step: say which people in the records each group stands for, and take off groups that do not fit."""
    service = _service(code)
    groups = list(service.customer_groups.all())
    options = {
        "wards": wards(),
        "services": [(s.code, s.name) for s in services_list()],
    }
    initial = [
        {
            "group_id": g.pk,
            "kind": g.kind,
            "segment_capacity": g.segment_capacity,
            "segment_ward": g.segment_ward,
            "segment_service": g.segment_service,
        }
        for g in groups
    ]
    formset = GroupSegmentFormSet(request.POST or None, initial=initial, form_kwargs=options, prefix="groups")
    if request.method == "POST" and formset.is_valid():
        changes = [
            GroupChange(
                group_id=f.cleaned_data["group_id"],
                kind=f.cleaned_data["kind"],
                segment_capacity=f.cleaned_data["segment_capacity"],
                segment_ward=f.cleaned_data["segment_ward"],
                segment_service=f.cleaned_data["segment_service"],
                remove=f.cleaned_data["remove"],
            )
            for f in formset.forms
        ]
        try:
            customer_groups_update(service=service, changes=changes, actor=Actor.for_user(request.user))
        except CatalogueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The customer list is saved."))
            return HttpResponseRedirect(reverse("catalogue:customers", args=[service.code]))
    names = {g.pk: g for g in groups}
    rows = [(form, names.get(form.initial.get("group_id") or 0)) for form in formset.forms]
    return render(
        request,
        "catalogue/guide_groups.html",
        {
            "service": service,
            "formset": formset,
            "rows": rows,
            "step": GROUPS_STEP,
            "steps": GROUPS_STEP,
            "previous": reverse("catalogue:guide_step", args=[service.code, len(QUESTIONS)]),
        },
    )
