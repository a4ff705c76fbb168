"""Contacts and needs: the demand people place on the council, measured from their side (Seddon, seed 000)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tellus.capacities.models import Capacity


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    COUNTER = "counter", _("Counter, face to face")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web form")
    APP = "app", _("App (Open311)")
    LETTER = "letter", _("Letter")
    SOCIAL = "social", _("Social media")


class DemandType(models.TextChoices):
    """Seddon's two kinds of demand. Value demand is what the council is there for; failure demand is caused by
    a failure to do something, or to do it right, for the person."""

    VALUE = "value", _("Value demand")
    FAILURE = "failure", _("Failure demand")


class FailureCause(models.TextChoices):
    PROGRESS_CHASING = "progress_chasing", _("Chasing progress")
    NOT_DONE = "not_done", _("Something was not done")
    DONE_WRONG = "done_wrong", _("Something was done wrong")
    UNCLEAR_COMMUNICATION = "unclear_communication", _("We did not communicate clearly")
    PASSED_AROUND = "passed_around", _("Passed from team to team")
    REPEAT = "repeat", _("Repeat of an earlier need")
    OTHER = "other", _("Other failure")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")
    CLOSED_OTHER = "closed_other", _("Closed for another reason")


OPEN_STATUSES = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)


class NoteVisibility(models.TextChoices):
    """Who may read a note staff write on a need. Every note is internal unless staff choose public: only a public
    note ever leaves the console, as the status notes and update descriptions Open311 clients read."""

    INTERNAL = "internal", _("Internal — staff only")
    PUBLIC = "public", _("Public — the reporter and anyone can read this")


class Need(models.Model):
    """Something a person needs from the council, as they see it: a missed bin collected, a pothole filled, help
    paying the rates. One need can take many contacts; the end-to-end time runs from the first contact about it to
    the need being met, whoever held it in between."""

    # The composite indexes below start with person and service, so these keys need no index of their own.
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="needs", db_index=False
    )
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="needs", db_index=False
    )
    summary = models.CharField(max_length=300, help_text=_("The need in a line, in the person's terms."))
    status = models.CharField(max_length=20, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    opened_at = models.DateTimeField(help_text=_("When the first contact about this need happened."))
    met_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was closed for another reason."))
    closed_reason = models.CharField(max_length=500, blank=True)
    end_to_end_seconds = models.PositiveBigIntegerField(
        null=True, blank=True, help_text=_("Seconds from the first contact to the need being met.")
    )
    holder_team = models.CharField(max_length=200, blank=True, help_text=_("The team holding the need now."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs_assigned",
        db_index=False,  # need_assignee_status_idx starts with it
        help_text=_("The member of staff working the need now; empty while it waits in the team's worklist."),
    )
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the need should be met by: the first contact plus the service's standard, if it has one."),
    )
    waiting_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("Since when the need has been waiting on the resident (for a reply, access, a document)."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["service", "opened_at"], name="need_service_opened_idx"),
            models.Index(fields=["status", "opened_at"], name="need_status_opened_idx"),
            models.Index(fields=["service", "end_to_end_seconds"], name="need_service_e2e_idx"),
            models.Index(fields=["person", "status"], name="need_person_status_idx"),
            models.Index(fields=["holder_team", "status", "due_at"], name="need_team_status_due_idx"),
            models.Index(fields=["assignee", "status", "due_at"], name="need_assignee_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=NeedStatus.values), name="need_known_status"),
            models.CheckConstraint(
                condition=Q(met_at__isnull=True) | Q(met_at__gte=F("opened_at")),
                name="need_met_not_before_opened",
                violation_error_message=_("A need cannot be met before the first contact about it."),
            ),
            models.CheckConstraint(
                condition=(Q(status=NeedStatus.MET) & Q(met_at__isnull=False) & Q(end_to_end_seconds__isnull=False))
                | (~Q(status=NeedStatus.MET) & Q(met_at__isnull=True) & Q(end_to_end_seconds__isnull=True)),
                name="need_met_iff_met_at",
            ),
            models.CheckConstraint(
                condition=(Q(status=NeedStatus.CLOSED_OTHER) & Q(closed_at__isnull=False) & ~Q(closed_reason=""))
                | (~Q(status=NeedStatus.CLOSED_OTHER) & Q(closed_at__isnull=True)),
                name="need_closed_other_has_reason_and_time",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="need_closed_not_before_opened",
            ),
            models.CheckConstraint(
                condition=Q(waiting_since__isnull=True) | Q(status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS]),
                name="need_waits_only_while_open",
                violation_error_message=_("Only an open need can wait on the resident."),
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(due_at__gte=F("opened_at")),
                name="need_due_not_before_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"Need {self.pk}: {self.summary}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_waiting_on_resident(self) -> bool:
        return self.waiting_since is not None

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())

    @property
    def end_to_end(self) -> dt.timedelta | None:
        return dt.timedelta(seconds=self.end_to_end_seconds) if self.end_to_end_seconds is not None else None

    def clean(self) -> None:
        if self.met_at is not None and self.end_to_end_seconds != int((self.met_at - self.opened_at).total_seconds()):
            raise ValidationError({"end_to_end_seconds": _("End-to-end time is the time from opened to met.")})


class Contact(models.Model):
    """One time a person got in touch with the council, in any channel, recorded in their own words: what they
    said, what matters to them, the capacity they acted in, and whether the contact was value demand or failure
    demand. Every contact is about a need; the first contact about a need opens it."""

    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text=_("Empty for an anonymous report."),
        db_index=False,  # contact_person_occurred_idx starts with it
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    words = models.TextField(help_text=_("What the person said, in their own words, verbatim."))
    capacity = models.CharField(max_length=20, choices=Capacity.choices, blank=True)
    what_matters = models.CharField(max_length=500, blank=True)
    service = models.ForeignKey(
        "catalogue.Service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,  # contact_service_occurred_idx starts with it
    )
    demand_type = models.CharField(max_length=10, choices=DemandType.choices)
    failure_cause = models.CharField(max_length=30, choices=FailureCause.choices, blank=True)
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="contacts")
    is_first_contact_for_need = models.BooleanField(default=False)
    resolved_at_first_point = models.BooleanField(
        default=False, help_text=_("Whether this contact dealt with the need without passing it on.")
    )
    handed_off_to = models.CharField(max_length=200, blank=True, help_text=_("The team the need was passed to."))
    consideration = models.ForeignKey(
        "catalogue.CommunityConsideration",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        help_text=_("The community consideration discussed with the person, if any."),
    )
    request_modified = models.BooleanField(
        default=False, help_text=_("Whether the person changed their request after discussing other points of view.")
    )
    modification = models.TextField(blank=True, help_text=_("What changed in the request."))
    source_reference = models.CharField(
        max_length=100, blank=True, help_text=_("The reference in the channel it came from, e.g. an Open311 id.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts_recorded"
    )
    recorded_by_label = models.CharField(max_length=150, help_text=_("Username, or the command that recorded it."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="contact_occurred_idx"),
            models.Index(fields=["service", "occurred_at"], name="contact_service_occurred_idx"),
            models.Index(fields=["channel", "occurred_at"], name="contact_channel_occurred_idx"),
            models.Index(fields=["demand_type", "service"], name="contact_demand_service_idx"),
            models.Index(fields=["person", "occurred_at"], name="contact_person_occurred_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="contact_known_channel"),
            models.CheckConstraint(
                condition=Q(capacity="") | Q(capacity__in=Capacity.values), name="contact_known_capacity"
            ),
            models.CheckConstraint(
                condition=(Q(demand_type=DemandType.VALUE) & Q(failure_cause=""))
                | (Q(demand_type=DemandType.FAILURE) & Q(failure_cause__in=FailureCause.values)),
                name="contact_failure_cause_iff_failure",
                violation_error_message=_("Failure demand needs a cause; value demand has none."),
            ),
            models.CheckConstraint(
                condition=Q(request_modified=False, modification="") | (Q(request_modified=True) & ~Q(modification="")),
                name="contact_modification_iff_modified",
                violation_error_message=_("Say what changed when the request was modified after discussion."),
            ),
            models.CheckConstraint(
                condition=~Q(words=""),
                name="contact_has_words",
                violation_error_message=_("Write down what the person said."),
            ),
            models.UniqueConstraint(
                fields=["need"],
                condition=Q(is_first_contact_for_need=True),
                name="contact_one_first_contact_per_need",
            ),
            models.UniqueConstraint(
                fields=["channel", "source_reference"],
                condition=~Q(source_reference=""),
                name="contact_unique_source_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk} by {self.channel} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_repeat(self) -> bool:
        return not self.is_first_contact_for_need


class NeedEvent(models.Model):
    """One step in a need's history: opened, a change of status, or a hand-off from one team to another."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        STATUS = "status", _("Status changed")
        HANDOFF = "handoff", _("Handed off")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=20, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=NeedStatus.choices, blank=True)
    from_team = models.CharField(max_length=200, blank=True)
    to_team = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    note_visibility = models.CharField(
        max_length=10,
        choices=NoteVisibility.choices,
        default=NoteVisibility.INTERNAL,
        db_default=NoteVisibility.INTERNAL,  # a row written without it (a bulk load, an old client) stays internal
        help_text=_("Internal notes are for staff only; public ones are published to Open311 clients."),
    )
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="need_events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="need_events"
    )
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["need", "occurred_at"], name="need_event_need_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["opened", "status", "handoff"]), name="need_event_known_kind"),
            models.CheckConstraint(
                condition=~Q(kind="status") | (~Q(to_status="") & ~Q(from_status=F("to_status"))),
                name="need_event_status_change_changes_status",
            ),
            models.CheckConstraint(condition=~Q(kind="handoff") | ~Q(to_team=""), name="need_event_handoff_has_team"),
            models.CheckConstraint(
                condition=Q(note_visibility__in=NoteVisibility.values), name="need_event_known_note_visibility"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} need {self.need_id} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def public_note(self) -> str:
        """The note if staff made it public, otherwise nothing: the only form of a note a public endpoint uses."""
        return self.note if self.note_visibility == NoteVisibility.PUBLIC else ""
