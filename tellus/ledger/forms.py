from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FinancialYear


class YearForm(forms.Form):
    """Which financial year to show; the latest when none is chosen."""

    year = forms.ChoiceField(label=_("Financial year"), required=False)

    def __init__(self, *args: object, years: list[FinancialYear], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.years = years
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (year.slug, year.label) for year in years
        ]

    def chosen(self) -> FinancialYear | None:
        slug = self.cleaned_data.get("year") if self.is_bound and self.is_valid() else None
        if slug:
            return next(year for year in self.years if year.slug == slug)
        return self.years[0] if self.years else None


class BillForm(YearForm):
    """A rates bill to share out as the council's spending is."""

    bill = forms.DecimalField(
        label=_("Your rates bill for the year"),
        help_text=_("In pounds and pence, for example 1450.00"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("10000000"),
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": _("Enter your bill as a number, for example 1450.00"),
            "min_value": _("Enter a bill of more than 0"),
            "max_value": _("Enter a bill of 10,000,000 or less"),
            "max_digits": _("Enter a bill of 10,000,000 or less"),
            "max_decimal_places": _("Enter the bill in pounds and pence, with at most two numbers after the point"),
        },
    )
