"""The filters on the demand pages: a GET form, so every view of the figures has its own address."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.demand.models import Channel

from .selectors import DemandFilters

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DemandFilterForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        help_text=_("For example, 2025-04-01. Leave empty for the earliest."),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter the start date as year-month-day, like 2025-04-01.")},
    )
    end = forms.DateField(
        label=_("To"),
        help_text=_("Including this day. Leave empty for the latest."),
        required=False,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": _("Enter the end date as year-month-day, like 2026-03-31.")},
    )
    service = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)

    def __init__(self, *args: Any, services: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [("", _("All services")), *services.items()]
        cast(forms.ChoiceField, self.fields["channel"]).choices = [("", _("All channels")), *Channel.choices]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be the same as or after the start date."))
        return cleaned

    def filters(self) -> DemandFilters:
        """The filters asked for; any field that is not valid is left out, so the page still shows something."""
        data = self.cleaned_data if self.is_bound else {}
        valid = {name: data.get(name) for name in self.fields if name not in self.errors}
        return DemandFilters(
            start=valid.get("start"),
            end=valid.get("end") if "end" not in self.errors else None,
            service_id=valid.get("service"),
            channel=valid.get("channel") or "",
        )

    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
