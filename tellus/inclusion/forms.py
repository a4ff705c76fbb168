from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.people.models import Representative

from .models import DRIVER_OF, AdjustmentKind, Driver, RouteMethod, SpecificNeed, SupportNeed
from .selectors import REASON_MIN_LENGTH


def _need_choices() -> list[Any]:
    grouped: list[Any] = [("", _("Choose the need"))]
    for driver in Driver:
        grouped.append((driver.label, [(need.value, need.label) for need in SpecificNeed if DRIVER_OF[need] == driver]))
    return grouped


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see this?"),
        help_text=_(
            "In a sentence, for example: “Reviewing her housing support plan with her today.” "
            "It is kept in the audit log."
        ),
        max_length=500,
        min_length=REASON_MIN_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Say why you need to see this"),
            "min_length": _("Say why you need to see this, in a sentence"),
        },
    )


class NeedForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=_need_choices, error_messages={"required": _("Choose the need")})
    language = forms.CharField(
        label=_("Language they are fluent in"), required=False, max_length=60,
        help_text=_("Only for someone not fluent in English."),
    )  # fmt: skip
    detail = forms.CharField(label=_("Anything else, in their words"), required=False, max_length=300)
    permanence = forms.ChoiceField(
        label=_("Is it temporary or permanent?"), widget=forms.RadioSelect, choices=SupportNeed.Permanence.choices,
        error_messages={"required": _("Say whether it is temporary or permanent")},
    )  # fmt: skip
    review_on = forms.DateField(
        label=_("Review date"), help_text=_("For example 2027-03-31."),
        error_messages={"required": _("Give a review date"), "invalid": _("Write the review date as YYYY-MM-DD")},
    )  # fmt: skip
    source = forms.ChoiceField(label=_("Who told us"), choices=[("", _("Choose")), *SupportNeed.Source.choices])
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for keeping it"), choices=[("", _("Choose")), *SupportNeed.LawfulBasis.choices]
    )
    consent_given_on = forms.DateField(
        label=_("Date they consented"), required=False, help_text=_("Needed when the basis is explicit consent."),
        error_messages={"invalid": _("Write the date as YYYY-MM-DD")},
    )  # fmt: skip
    adjustments = forms.MultipleChoiceField(
        label=_("Adjustments staff should make"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=AdjustmentKind.choices,
        help_text=_("Front-line staff see these, never the need."),
    )  # fmt: skip
    adjustment_detail = forms.CharField(
        label=_("Detail for the adjustments"), required=False, max_length=100,
        help_text=_("For example the interpreter's language."),
    )  # fmt: skip

    def clean_review_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["review_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("The review date must be in the future"))
        return value


class NeedChangeForm(forms.Form):
    action = forms.ChoiceField(
        label=_("What has changed?"), widget=forms.RadioSelect,
        choices=[("review", _("Reviewed with them: it still applies")), ("end", _("It no longer applies"))],
        error_messages={"required": _("Choose what has changed")},
    )  # fmt: skip
    review_on = forms.DateField(
        label=_("Next review date"), required=False, error_messages={"invalid": _("Write the date as YYYY-MM-DD")}
    )
    reason = forms.CharField(label=_("Why it no longer applies"), required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "review" and not data.get("review_on"):
            self.add_error("review_on", _("Give the next review date"))
        if data.get("action") == "review" and data.get("review_on") and data["review_on"] <= timezone.localdate():
            self.add_error("review_on", _("The review date must be in the future"))
        if data.get("action") == "end" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why it no longer applies"))
        return data


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Adjustment"), choices=[("", _("Choose")), *AdjustmentKind.choices])
    detail = forms.CharField(
        label=_("Detail"), required=False, max_length=100, help_text=_("For example the language: Arabic.")
    )


class RepresentativeForm(forms.Form):
    name = forms.CharField(label=_("Their name"), max_length=300, error_messages={"required": _("Give their name")})
    relationship = forms.ChoiceField(
        label=_("They are the person's"), choices=[("", _("Choose")), *Representative.Relationship.choices],
        error_messages={"required": _("Choose how they act for the person")},
    )  # fmt: skip
    can_view = forms.BooleanField(label=_("May be told about the person's dealings"), required=False)
    can_act = forms.BooleanField(label=_("May make requests and decisions for them"), required=False)
    receives_correspondence = forms.BooleanField(label=_("Letters go to them, not the person"), required=False)
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    address = forms.CharField(label=_("Postal address"), required=False, max_length=500)
    starts_on = forms.DateField(
        label=_("From"), help_text=_("YYYY-MM-DD"),
        error_messages={"required": _("Give the date they start"), "invalid": _("Write the date as YYYY-MM-DD")},
    )  # fmt: skip
    ends_on = forms.DateField(
        label=_("Until (if known)"), required=False, help_text=_("YYYY-MM-DD"),
        error_messages={"invalid": _("Write the date as YYYY-MM-DD")},
    )  # fmt: skip
    evidence = forms.CharField(
        label=_("Evidence of their authority"), required=False, max_length=300,
        help_text=_("For example an LPA reference or the DWP's appointee letter."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("receives_correspondence") and not (data.get("address") or data.get("email")):
            self.add_error("address", _("Give an address or email for letters to go to them"))
        return data


class RepresentativeEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Last day they act for the person"), help_text=_("YYYY-MM-DD"),
        error_messages={"required": _("Give the last day"), "invalid": _("Write the date as YYYY-MM-DD")},
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Why"), max_length=300, error_messages={"required": _("Say why they no longer act for the person")}
    )


class RouteForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How should we reach them?"), widget=forms.RadioSelect, choices=RouteMethod.choices,
        error_messages={"required": _("Choose how to reach them")},
    )  # fmt: skip
    office = forms.CharField(label=_("Office they collect from"), required=False, max_length=200)
    care_of_name = forms.CharField(label=_("Care of (name)"), required=False, max_length=200)
    care_of_address = forms.CharField(label=_("Care-of address"), required=False, max_length=500)
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    representative = forms.TypedChoiceField(label=_("Representative"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, representatives: list[Representative], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.representatives = {rep.pk: rep for rep in representatives}
        choices = [("", _("Choose")), *((r.pk, str(r)) for r in representatives)]
        self.fields["representative"].choices = choices  # type: ignore[attr-defined]

    def chosen_representative(self) -> Representative | None:
        chosen = self.cleaned_data.get("representative")
        return self.representatives.get(chosen) if chosen else None


class NoFixedAddressForm(forms.Form):
    no_fixed_address = forms.TypedChoiceField(
        label=_("Does the person have a settled address?"), widget=forms.RadioSelect, coerce=lambda v: v == "yes",
        choices=[("no", _("Yes, they have a settled address")), ("yes", _("No, they have no fixed address"))],
        error_messages={"required": _("Say whether they have a settled address")},
    )  # fmt: skip


class LocalConnectionForm(forms.Form):
    place = forms.CharField(
        label=_("Where in the area they spend most of their time"), max_length=500,
        help_text=_("An address or a place near it, for example “the bench by the library, Station Road”."),
        error_messages={"required": _("Say where they spend most of their time")},
    )  # fmt: skip
    ward = forms.CharField(label=_("Ward (if known)"), required=False, max_length=100)
    declared_on = forms.DateField(
        label=_("Date of the declaration"), help_text=_("YYYY-MM-DD"),
        error_messages={
            "required": _("Give the date of the declaration"), "invalid": _("Write the date as YYYY-MM-DD"),
        },
    )  # fmt: skip
