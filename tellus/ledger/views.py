"""The ledger's pages: staff statements (audited, with a purpose), distributions (aggregates), and the public
"Where your rates go". Thin: parse, check, call one selector, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tellus.people.models import Household, Person
from tellus.privacy.permissions import staff_permission_required
from tellus.privacy.purposes import purpose_of
from tellus.privacy.services import Actor

from . import charts, distributions, selectors
from .forms import BillForm, YearForm
from .pdf import pdf_filename, statement_pdf
from .rules import rules_load
from .statements import Statement, pennies


def pdf_response(statement: Statement, *, resident: bool = False) -> HttpResponse:
    response = HttpResponse(statement_pdf(statement, resident=resident), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(statement)}"'
    return response


def _year_form(request: HttpRequest) -> YearForm:
    return YearForm(request.GET or None, years=selectors.financial_years())


def _staff_statement(request: HttpRequest, *, as_pdf: bool, **subject: int) -> HttpResponse:
    form = _year_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "ledger/statement_staff.html", {"form": form, "statement": None}, status=400)
    year = form.chosen()
    if year is None:
        raise Http404(_("No financial year has been set up yet."))
    actor, purpose = Actor.for_user(request.user), purpose_of(request)
    try:
        statement = selectors.statement_for_staff(actor=actor, purpose=purpose, year=year, **subject)
    except (Person.DoesNotExist, Household.DoesNotExist):
        raise Http404(_("There is no such person or household.")) from None
    if as_pdf:
        return pdf_response(statement)
    context = {"form": form, "statement": statement, "query": f"?year={year.slug}"}
    if "person_id" in subject:
        context["household_id"] = selectors.household_of(subject["person_id"])
    return render(request, "ledger/statement_staff.html", context)


@require_GET
@staff_permission_required("ledger.view_statement")
def person_statement(request: HttpRequest, person_id: int) -> HttpResponse:
    return _staff_statement(request, as_pdf=False, person_id=person_id)


@require_GET
@staff_permission_required("ledger.view_statement")
def person_statement_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    return _staff_statement(request, as_pdf=True, person_id=person_id)


@require_GET
@staff_permission_required("ledger.view_statement")
def household_statement(request: HttpRequest, household_id: int) -> HttpResponse:
    return _staff_statement(request, as_pdf=False, household_id=household_id)


@require_GET
@staff_permission_required("ledger.view_statement")
def household_statement_pdf(request: HttpRequest, household_id: int) -> HttpResponse:
    return _staff_statement(request, as_pdf=True, household_id=household_id)


DIMENSIONS = (
    ("ward", "By ward", "The ward of the household's home."),
    ("capacities", "By capacity", "A household is counted in each capacity any of its members held in the year."),
    ("age_band", "By age band", "The age of the household's eldest member at the end of the year."),
    (
        "needs_driver",
        "By needs driver",
        "The family of services the household received most from directly: what drives what it receives.",
    ),
)


@require_GET
@staff_permission_required("ledger.view_distribution")
def distribution(request: HttpRequest) -> HttpResponse:
    form = _year_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "ledger/distribution.html", {"form": form}, status=400)
    year = form.chosen()
    context: dict[str, Any] = {"form": form, "year": year}
    if year is not None:
        rules = rules_load()
        frame = selectors.distribution_frame(year, rules=rules)
        deciles = distributions.deciles(frame, suppress_below=rules.suppress_below)
        shown = [row for row in deciles if not row.suppressed]
        context.update(
            currency=rules.currency_symbol,
            suppress_below=rules.suppress_below,
            households=len(frame),
            deciles=deciles,
            chart=charts.paired_bars(
                uid="deciles",
                title=_("Contributed and received per household, by decile of contribution"),
                description=_(
                    "For each tenth of households, from those contributing least (1) to most (10), the mean "
                    "contributed and the mean value of services received. The table below gives the figures."
                ),
                rows=[(f"Decile {row.group}", row.contributed_mean, row.received_mean) for row in shown],  # type: ignore[misc]
                series=(_("Contributed"), _("Received")),
                currency=rules.currency_symbol,
            )
            if shown
            else None,
            dimensions=[
                (key, title, note, distributions.by_group(frame, key, suppress_below=rules.suppress_below))
                for key, title, note in DIMENSIONS
            ],
        )
    return render(request, "ledger/distribution.html", context)


@require_GET
def where_your_rates_go(request: HttpRequest) -> HttpResponse:
    form = BillForm(request.GET or None, years=selectors.financial_years())
    valid = not form.is_bound or form.is_valid()
    year = form.chosen() if valid else (form.years[0] if form.years else None)
    context: dict[str, Any] = {"form": form, "year": year}
    if year is not None:
        breakdown = selectors.where_rates_go(year)
        context["breakdown"] = breakdown
        bill: Decimal | None = form.cleaned_data.get("bill") if valid and form.is_bound else None
        if bill is not None:
            context["bill"] = pennies(bill)  # "200" is shown as £200.00
            context["estimate"] = selectors.estimate_for_bill(breakdown, context["bill"])
    return render(request, "ledger/where_your_rates_go.html", context, status=200 if valid else 400)
