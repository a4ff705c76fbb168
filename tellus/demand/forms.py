"""Forms for logging a contact and working a need. Rules that need the database live in the services; these
check what one submission can show on its own, with messages that say how to put it right."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from tellus.capacities.models import Capacity
from tellus.catalogue.models import CommunityConsideration, Service
from tellus.common.numbers import IdModelChoiceField, is_number

from .models import Channel, DemandType, FailureCause, Need, NeedStatus, NoteVisibility

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
NEW_NEED = ""


class ContactForm(forms.Form):
    words = forms.CharField(
        label=_("What the person said, in their own words"),
        help_text=_("Write it down as they say it. Do not summarise or correct it."),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write down what the person said.")},
    )
    channel = forms.ChoiceField(
        label=_("How did they get in touch?"),
        choices=Channel.choices,
        initial=Channel.PHONE,
        error_messages={"required": _("Choose how they got in touch."), "invalid_choice": _("Choose a channel.")},
    )
    service = IdModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.order_by("group", "name"),
        empty_label=_("Choose the service"),
        error_messages={
            "required": _("Choose the service the contact is about."),
            "invalid_choice": _("Choose a service."),
        },
    )
    capacity = forms.ChoiceField(
        label=_("In what capacity are they dealing with us?"),
        choices=[("", _("Not known")), *Capacity.choices],
        required=False,
    )
    what_matters = forms.CharField(
        label=_("What matters to them"),
        help_text=_("In their terms, for example “that the bin is back before the weekend”."),
        required=False,
        max_length=500,
    )
    need = forms.ChoiceField(
        label=_("Is this about a need they already have?"),
        help_text=_("Choose one of their open needs if they are coming back about it."),
        required=False,
    )
    need_summary = forms.CharField(
        label=_("The need in a line (optional)"),
        help_text=_("For a new need. Left empty, the start of their words is used."),
        required=False,
        max_length=300,
    )
    demand_type = forms.ChoiceField(
        label=_("Value demand or failure demand?"),
        help_text=_(
            "Failure demand is caused by us not doing something, or not doing it right. If you leave this for a "
            "contact about an existing need, it is recorded as failure demand: a repeat."
        ),
        choices=DemandType.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    failure_cause = forms.ChoiceField(
        label=_("What caused the failure demand?"),
        choices=FailureCause.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    resolved_at_first_point = forms.ChoiceField(
        label=_("Did you resolve it during this contact?"),
        choices=YES_NO,
        initial="no",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you resolved it during this contact.")},
    )
    handed_off_to = forms.CharField(
        label=_("Passed to team (optional)"),
        help_text=_("The team you passed the need to, for example Waste services."),
        required=False,
        max_length=200,
    )
    consideration = IdModelChoiceField(
        label=_("Community consideration discussed"),
        queryset=CommunityConsideration.objects.none(),
        required=False,
        empty_label=_("None discussed"),
    )
    request_modified = forms.BooleanField(label=_("They changed their request after the discussion"), required=False)
    modification = forms.CharField(
        label=_("What changed in the request"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, open_needs: list[Need] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_needs = {str(need.pk): need for need in open_needs or []}
        need_field: Any = self.fields["need"]
        need_field.choices = [
            (NEW_NEED, _("No, this is a new need")),
            *(
                # The summary is the caller's words: cut, so a long one cannot widen the form past a phone's screen.
                (key, f"{truncatechars(need.summary, 60)} ({need.get_status_display()}, {need.opened_at:%d/%m/%Y})")
                for key, need in self.open_needs.items()
            ),
        ]
        service = self.chosen_service()
        consideration_field: Any = self.fields["consideration"]
        consideration_field.queryset = CommunityConsideration.objects.filter(service=service).order_by("order", "title")

    def show_without_checking(self) -> None:
        """Show what has been typed so far without judging it: the officer asked what to discuss, not to save, so a
        half-filled form is not an error."""
        self._errors = ErrorDict()

    def chosen_service(self) -> Service | None:
        """The service picked so far, so the form can show its community considerations before it is saved."""
        key = self.data.get("service") if self.is_bound else self.initial.get("service")
        if isinstance(key, Service):
            return key
        if key is None or not is_number(key) or not 0 < int(key) < 2**31:
            return None
        return Service.objects.filter(pk=int(key)).first()

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        existing = bool(data.get("need"))
        kind, cause = data.get("demand_type"), data.get("failure_cause")
        if not kind and not existing:
            self.add_error("demand_type", _("Say whether this contact is value demand or failure demand."))
        if kind == DemandType.FAILURE and not cause and not existing:
            self.add_error("failure_cause", _("Choose what caused the failure demand."))
        if kind == DemandType.VALUE and cause:
            data["failure_cause"] = ""  # the causes are hidden once value demand is chosen; a stale choice is dropped
        if data.get("resolved_at_first_point") == "yes" and data.get("handed_off_to"):
            self.add_error("handed_off_to", _("Leave this empty when you resolved it during the contact."))
        if data.get("request_modified") and not data.get("modification"):
            self.add_error("modification", _("Say what changed in the request."))
        if data.get("modification") and not data.get("request_modified"):
            self.add_error("request_modified", _("Tick this box if they changed their request."))
        return data

    def chosen_need(self) -> Need | None:
        return self.open_needs.get(self.cleaned_data.get("need") or "")


def note_visibility_field() -> forms.ChoiceField:
    """Who may read a note: internal (staff only) unless staff choose public. Left out of a submission, a note is
    internal."""
    return forms.ChoiceField(
        label=_("Who can read this note?"),
        help_text=_(
            "A public note is published with the request's status to Open311 apps such as FixMyStreet. "
            "Never put personal details in a public note."
        ),
        choices=NoteVisibility.choices,
        initial=NoteVisibility.INTERNAL,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose whether the note is internal or public.")},
    )


def _visibility_of(data: dict[str, Any], note: str, visibility: str) -> None:
    data[visibility] = data.get(visibility) or NoteVisibility.INTERNAL
    if not data.get(note):
        data[visibility] = NoteVisibility.INTERNAL


class NeedStatusForm(forms.Form):
    to_status = forms.ChoiceField(
        label=_("Change the status to"),
        choices=NeedStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the new status."), "invalid_choice": _("Choose one of the statuses.")},
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Needed when closing it for another reason: say why it was not met."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note_visibility = note_visibility_field()

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("to_status") == NeedStatus.CLOSED_OTHER and not data.get("note"):
            self.add_error("note", _("Say why the need is being closed without being met."))
        _visibility_of(data, "note", "note_visibility")
        return data


class NeedHandoffForm(forms.Form):
    to_team = forms.CharField(
        label=_("Pass it to team"),
        max_length=200,
        error_messages={"required": _("Say which team the need is passed to.")},
    )
    handoff_note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)
    handoff_note_visibility = note_visibility_field()

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        _visibility_of(data, "handoff_note", "handoff_note_visibility")
        return data


class WorklistAction:
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    HANDOFF = "handoff"
    WAIT = "wait"
    RESUME = "resume"


WORKLIST_ACTIONS = [
    (WorklistAction.ASSIGN, _("Assign to a member of staff")),
    (WorklistAction.UNASSIGN, _("Unassign: back to the team's worklist")),
    (WorklistAction.HANDOFF, _("Hand off to another team")),
    (WorklistAction.WAIT, _("Waiting on the resident")),
    (WorklistAction.RESUME, _("No longer waiting on the resident")),
]


class WorklistBulkForm(forms.Form):
    """One bulk action on the needs ticked in the worklist. The services check each need; this checks only what
    the submission says on its own."""

    # Any whole numbers: the services say which needs do not exist or cannot take the action.
    needs = forms.Field(label=_("Needs"), required=False, widget=forms.CheckboxSelectMultiple)
    action = forms.ChoiceField(
        label=_("What to do with the ticked needs"),
        choices=WORKLIST_ACTIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what to do with the ticked needs."),
            "invalid_choice": _("Choose an action."),
        },
    )
    assignee = forms.ChoiceField(label=_("Member of staff"), required=False)
    to_team = forms.CharField(label=_("Team"), required=False, max_length=200)
    note = forms.CharField(label=_("Note (optional, staff only)"), required=False, max_length=2000)

    def __init__(self, *args: Any, assignees: list[Any], teams: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(user.pk): user for user in assignees}
        assignee_field: Any = self.fields["assignee"]
        assignee_field.choices = [
            ("", _("Choose a member of staff")),
            *((key, f"{user.get_full_name() or user.get_username()}{f' ({user.team})' if user.team else ''}")
              for key, user in self.people.items()),
        ]  # fmt: skip
        self.teams = teams

    def clean_needs(self) -> list[int]:
        raw = self.cleaned_data.get("needs") or []
        ids = []
        for value in raw:
            if not is_number(value) or int(value) < 1:
                raise forms.ValidationError(_("Reload the worklist: a ticked need has no number."))
            ids.append(int(value))
        if not ids:
            raise forms.ValidationError(_("Tick at least one need."))
        return ids

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        action = data.get("action")
        if action == WorklistAction.ASSIGN:
            if not data.get("assignee"):
                self.add_error("assignee", _("Choose who to assign the needs to."))
            data["assignee_user"] = self.people.get(data.get("assignee") or "")
        if action == WorklistAction.HANDOFF and not (data.get("to_team") or "").strip():
            self.add_error("to_team", _("Say which team the needs are passed to."))
        return data
