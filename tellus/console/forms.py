from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tellus.common.numbers import NumberField
from tellus.linkage.models import CandidatePair
from tellus.people.forms import PersonSearchForm
from tellus.privacy import roles
from tellus.privacy.models import Purpose, User
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


def _role_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in roles.ROLES]


class StaffDetailsForm(forms.Form):
    """A staff account's details and roles; `new` adds the username and the first password."""

    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        help_text=_("What they sign in with: letters, numbers and . @ + - _ only."),
        error_messages={
            "required": _("Enter a username."),
            "invalid": _("Use only letters, numbers and . @ + - _ in a username."),
        },
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@council.gov.uk.")},
    )
    team = forms.CharField(
        label=_("Team"),
        max_length=100,
        required=False,
        help_text=_("The team they work in, such as Customer services: residents see it beside each look."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The privacy officer and administrator roles wait for a second privacy officer or administrator to "
            "approve them. Nobody adds a role to their own account."
        ),
        error_messages={"invalid_choice": _("Choose roles from the list.")},
    )
    is_active = forms.BooleanField(label=_("This account may sign in"), required=False, initial=True)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("Give it to them by a safe route, never by email."),
        error_messages={"required": _("Enter a password for them.")},
    )
    password2 = forms.CharField(
        label=_("The password again"), strip=False, error_messages={"required": _("Enter the password again.")}
    )

    def __init__(self, *args: Any, new: bool, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = _role_choices()
        if new:
            del self.fields["is_active"]
        else:
            for name in ("username", "password1", "password2"):
                del self.fields[name]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("There is already an account with that username."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "password1" in self.fields:
            _passwords_clean(self, cleaned, user=User(username=cleaned.get("username", ""), **_details(cleaned)))
        return cleaned


class StaffPasswordForm(forms.Form):
    """A new password for someone who lost theirs."""

    password1 = forms.CharField(
        label=_("New password"), strip=False, error_messages={"required": _("Enter a new password.")}
    )
    password2 = forms.CharField(
        label=_("The new password again"), strip=False, error_messages={"required": _("Enter the new password again.")}
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _passwords_clean(self, cleaned, user=self.user)
        return cleaned


def _details(cleaned: dict[str, Any]) -> dict[str, str]:
    return {name: cleaned.get(name) or "" for name in ("first_name", "last_name", "email", "team")}


def _passwords_clean(form: forms.Form, cleaned: dict[str, Any], *, user: Any) -> None:
    first, second = cleaned.get("password1"), cleaned.get("password2")
    if not first:
        return
    if first != second:
        form.add_error("password2", _("The two passwords are not the same."))
        return
    try:
        password_validation.validate_password(first, user)
    except forms.ValidationError as error:
        form.add_error("password1", error)
