from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.common.numbers import NumberField
from tellus.linkage.models import CandidatePair
from tellus.people.forms import PersonSearchForm
from tellus.privacy.models import Purpose
from tellus.privacy.purposes import purposes_for


class PurposeForm(forms.Form):
    """The purposes this member of staff's roles allow, and nothing else: no choice is made for them."""

    purpose = forms.ChoiceField(
        label=_("Why are you using Tellus?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the purpose of your work."),
            "invalid_choice": _("Choose one of the purposes your role allows."),
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["purpose"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(purpose.value, purpose.label) for purpose in purposes_for(user)]

    @property
    def chosen(self) -> Purpose:
        return Purpose(self.cleaned_data["purpose"])


class PairDecisionForm(forms.Form):
    """A caseworker's verdict on a pair in the review queue: the button pressed, and an optional note."""

    decision = forms.ChoiceField(
        label=_("Are these two records the same person?"),
        choices=[(status.value, status.label) for status in CandidatePair.STAFF_DECISIONS],
        error_messages={
            "required": _("Choose Confirm, Reject or Not sure."),
            "invalid_choice": _("Choose Confirm, Reject or Not sure."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_("Why you decided this, for whoever looks at this pair next. Do not copy personal details here."),
        required=False,
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, is_open: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_open = is_open

    def clean(self) -> dict[str, Any] | None:
        if not self.is_open:
            raise forms.ValidationError(
                _("This pair has already been decided. Open the person's page to merge or split instead."),
                code="decided",
            )
        return super().clean()


class MergeChooseForm(forms.Form):
    """Which person to merge into this one: by number, or found by a search."""

    other = NumberField(
        label=_("Number of the other person"),
        help_text=_("Shown above the name on each person's page, for example “Person 1234”."),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Enter the number of the person, like 1234."), "min_value": _("Enter a number.")},
    )
    q = forms.CharField(
        label=_("Or search by name, address or postcode"),
        required=False,
        max_length=200,
        strip=True,
    )


class MergeConfirmForm(forms.Form):
    other = NumberField(min_value=1, widget=forms.HiddenInput)


class SplitForm(forms.Form):
    """Why a record is being split off the person: kept with the split and in the audit log."""

    reason = forms.CharField(
        label=_("Why does this record not belong to this person?"),
        help_text=_(
            "For example “Different date of birth: this is the son, who has the same name”. Do not copy "
            "other personal details here."
        ),
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why this record does not belong to this person.")},
    )


class FindForm(PersonSearchForm):
    """The console's one search box, with the filters and order of the results."""

    ward = forms.ChoiceField(label=_("Ward"), required=False)
    capacity = forms.ChoiceField(label=_("Capacity"), required=False)
    system = forms.ChoiceField(label=_("Known to"), required=False)
    sort = forms.ChoiceField(label=_("Order"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        from .finder import SORTS

        super().__init__(*args, **kwargs)
        q = self.fields["q"]
        q.label = _("Name, date of birth, phone, email, postcode, address or reference")
        q.help_text = _(
            "For example Jon Smyth, 17/05/1980, 07700 900123, TL2 2AN, 4 Mill Lane, CT-0001 or person 1234. "
            "Names are matched by sound and spelling, and nicknames count."
        )
        self.fields["dob"].label = _("Date of birth (optional)")
        for name in ("ward", "capacity", "system"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("Any")), *choices.get(name, [])]
        sort = self.fields["sort"]
        assert isinstance(sort, forms.ChoiceField)
        sort.choices = [(key, label) for key, label in SORTS.items()]


_DATES = ["%d/%m/%Y", "%Y-%m-%d"]
_DATE_ERROR = {"invalid": _("Enter the date as day/month/year, like 17/05/2026.")}


class AuditFilterForm(forms.Form):
    """The audit log's filters. Every one is optional; a member of staff is named by their username."""

    person = NumberField(
        label=_("Person number"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Enter the person's number, like 1234.")},
    )
    staff = forms.CharField(label=_("Member of staff (username)"), required=False, max_length=150, strip=True)
    action = forms.ChoiceField(label=_("What they did"), required=False)
    purpose = forms.ChoiceField(label=_("Purpose"), required=False)
    date_from = forms.DateField(
        label=_("From (day/month/year)"), required=False, input_formats=_DATES, error_messages=_DATE_ERROR
    )
    date_to = forms.DateField(
        label=_("To (day/month/year)"), required=False, input_formats=_DATES, error_messages=_DATE_ERROR
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .audit_search import FILTER_ACTIONS

        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", _("Anything")), *FILTER_ACTIONS.items()]
        purpose = self.fields["purpose"]
        assert isinstance(purpose, forms.ChoiceField)
        purpose.choices = [("", _("Any purpose")), *Purpose.choices]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return data


class ApiClientForm(forms.Form):
    """A new Open311 client: its short name and how many requests a minute it may send."""

    name = forms.SlugField(
        label=_("Short name"),
        help_text=_("Letters, numbers and hyphens, for example fixmystreet."),
        max_length=60,
        error_messages={
            "required": _("Enter a short name for the client."),
            "invalid": _("Use only letters, numbers, hyphens and underscores."),
        },
    )
    rate_limit = forms.IntegerField(
        label=_("Requests a minute"),
        help_text=_("Requests beyond this in one minute are refused with 429."),
        initial=120,
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": _("Enter how many requests a minute it may send."),
            "invalid": _("Enter a whole number, like 120."),
            "min_value": _("Enter at least 1."),
            "max_value": _("Enter at most 100000."),
        },
    )
