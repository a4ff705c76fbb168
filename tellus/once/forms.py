"""Forms for reporting a change (the portal and the console share them) and for managing subscribers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tellus.people.models import Representative

from .models import EventType, Subscriber, all_field_names, field_label

REPORTER_RELATIONSHIPS = [
    (Representative.Relationship.NEXT_OF_KIN.value, _("Next of kin (husband, wife, partner, child, relative)")),
    (Representative.Relationship.EXECUTOR.value, _("Executor or administrator of the estate")),
    (Representative.Relationship.NOMINATED_CONTACT.value, _("Someone else they asked to tell us")),
    (Representative.Relationship.POWER_OF_ATTORNEY.value, _("Power of attorney")),
    (Representative.Relationship.APPOINTEE.value, _("Appointee")),
    (Representative.Relationship.PARENT_OR_GUARDIAN.value, _("Parent or guardian")),
]


def _date(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text or _("For example, 2026-03-27"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        error_messages={"invalid": _("Enter a real date, for example 2026-03-27."), "required": _("Enter the date.")},
    )


EVENT_FORM_FIELDS: dict[str, dict[str, Any]] = {
    EventType.ADDRESS: {
        "new_address": lambda: forms.CharField(
            label=_("First line of the new address"),
            max_length=300,
            required=True,
            error_messages={"required": _("Enter the first line of the new address.")},
        ),
        "new_postcode": lambda: forms.CharField(label=_("Postcode"), max_length=12, required=False),
        "moved_out_of_area": lambda: forms.BooleanField(
            label=_("The new address is outside the council's area"), required=False
        ),
        "effective_on": lambda: _date(_("Date of the move")),
    },
    EventType.DEATH: {"date_of_death": lambda: _date(_("Date they died"))},
    EventType.BIRTH: {
        "child_name": lambda: forms.CharField(label=_("Baby's full name"), max_length=300),
        "child_date_of_birth": lambda: _date(_("Baby's date of birth")),
    },
    EventType.NAME: {
        "new_name": lambda: forms.CharField(label=_("New full name"), max_length=300),
        "effective_on": lambda: _date(_("Date the name changed")),
    },
    EventType.CONTACT: {
        "email": lambda: forms.EmailField(label=_("New email address"), required=False, max_length=254),
        "phone": lambda: forms.RegexField(
            label=_("New phone number"),
            required=False,
            regex=r"^[0-9 +()-]{6,20}$",
            error_messages={"invalid": _("Enter a phone number, like 01632 960 001.")},
        ),
    },
    EventType.NO_FIXED_ADDRESS: {
        "contact_route": lambda: forms.CharField(
            label=_("How can services reach them?"),
            max_length=300,
            help_text=_("A phone number, an email address, or a place such as a day centre."),
        ),
        "effective_on": lambda: _date(_("Since when")),
    },
    EventType.REPRESENTATIVE: {
        "representative_name": lambda: forms.CharField(label=_("Representative's full name"), max_length=300),
        "representative_relationship": lambda: forms.ChoiceField(
            label=_("What they are"), choices=Representative.Relationship.choices
        ),
        "representative_contact": lambda: forms.CharField(
            label=_("Their phone number or email address"), max_length=300, required=False
        ),
        "effective_on": lambda: _date(_("From when")),
    },
}


class ChangeForm(forms.Form):
    """The facts of one kind of change; `about` and `relationship` when the reporter may name someone else."""

    def __init__(
        self,
        *args: Any,
        event_type: str,
        about_choices: list[tuple[str, str]] | None = None,
        staff: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.event_type = event_type
        if about_choices is not None:
            self.fields["about"] = forms.ChoiceField(
                label=_("Who has died?") if event_type == EventType.DEATH else _("Who is this about?"),
                choices=about_choices,
                error_messages={"invalid_choice": _("You cannot report this change for that person.")},
            )
            self.fields["relationship"] = forms.ChoiceField(
                label=_("How are you related to them?"),
                required=False,
                choices=[("", _("It is about me")), *REPORTER_RELATIONSHIPS],
            )
        if staff:
            self.fields["reporter_name"] = forms.CharField(
                label=_("Name of the person telling us"),
                max_length=300,
                error_messages={"required": _("Enter the name of the person who told you.")},
            )
            self.fields["reporter_relationship"] = forms.ChoiceField(
                label=_("Their relationship to the person"),
                choices=[("self", _("It is the person themself")), *REPORTER_RELATIONSHIPS],
            )
            self.fields["reporter_email"] = forms.EmailField(
                label=_("Their email address, for a confirmation"), required=False
            )
        for name, make in EVENT_FORM_FIELDS[event_type].items():
            self.fields[name] = make()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.event_type == EventType.ADDRESS and not data.get("moved_out_of_area") and not data.get("new_postcode"):
            self.add_error("new_postcode", _("Enter the postcode."))
        return data


class ChooseForm(forms.Form):
    """Which of the proposed services to tell; all are ticked to begin with."""

    def __init__(self, *args: Any, subscriber_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subscriber_ids = subscriber_ids

    def agreed(self) -> set[int]:
        chosen = set()
        for value in self.data.getlist("share") if hasattr(self.data, "getlist") else []:
            if str(value).isdigit() and int(value) in self.subscriber_ids:
                chosen.add(int(value))
        return chosen


class SubscriberForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Subscriber.Kind.choices)
    url = forms.CharField(label=_("Web address for webhooks"), max_length=500, required=False)
    purpose = forms.CharField(label=_("Why it needs to know"), max_length=300)
    event_types = forms.MultipleChoiceField(
        label=_("Kinds of change"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )
    entitled_fields = forms.MultipleChoiceField(
        label=_("Fields it may receive"),
        choices=[(n, field_label(n)) for n in all_field_names()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
