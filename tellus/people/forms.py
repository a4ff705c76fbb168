"""Forms for finding people: the search every staff page that looks someone up shares."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import search_words

DATE_OF_BIRTH_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, address or postcode"),
        help_text=_("For example, Jones, Mill Lane or TL1 1AA. Part of a word is enough."),
        required=False,
        max_length=200,
        strip=True,
    )
    dob = forms.DateField(
        label=_("Date of birth"),
        help_text=_("For example, 17/05/1980 or 1980-05-17."),
        required=False,
        input_formats=DATE_OF_BIRTH_FORMATS,
        error_messages={"invalid": _("Enter the date of birth as day/month/year, like 17/05/1980, or 1980-05-17.")},
    )

    def clean_dob(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("dob")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Date of birth must be in the past."), code="future")
        return value

    def has_terms(self) -> bool:
        """Whether a valid form asks for anything; an empty search shows guidance instead of everyone."""
        return bool(search_words(self.cleaned_data.get("q") or "")) or self.cleaned_data.get("dob") is not None
