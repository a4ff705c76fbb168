"""Tell us once: a change in someone's life reported once, the services that need to know, what each was shown and
agreed to share, and each delivery to them with its attempts."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHANGE_OBJECT_TYPE = "once.change"
SUBSCRIBER_OBJECT_TYPE = "once.subscriber"
DELIVERY_OBJECT_TYPE = "once.delivery"
SHARE_CHOICE_OBJECT_TYPE = "once.sharechoice"


class EventType(models.TextChoices):
    ADDRESS = "address", _("Change of address")
    DEATH = "death", _("A death")
    BIRTH = "birth", _("A birth")
    NAME = "name", _("Change of name")
    CONTACT = "contact", _("New contact details")
    NO_FIXED_ADDRESS = "no_fixed_address", _("No fixed address")
    REPRESENTATIVE = "representative", _("Change of representative")


# Every field an event can carry, by event type, with the words a reporter sees in the preview. A subscriber's
# entitled fields are a subset of these; a delivery carries only the fields both the event has and the subscriber
# is entitled to (data minimisation).
COMMON_FIELDS: dict[str, Any] = {
    "person_reference": _("Our reference for the person"),
    "name": _("Name"),
    "date_of_birth": _("Date of birth"),
    "effective_on": _("Date it happened"),
}
EVENT_FIELDS: dict[str, dict[str, Any]] = {
    EventType.ADDRESS: {
        "new_address": _("New address"),
        "new_postcode": _("New postcode"),
        "property_reference": _("Property reference (UPRN)"),
        "moved_out_of_area": _("Moved out of the area"),
    },
    EventType.DEATH: {"date_of_death": _("Date of death")},
    EventType.BIRTH: {"child_name": _("Baby's name"), "child_date_of_birth": _("Baby's date of birth")},
    EventType.NAME: {"new_name": _("New name"), "previous_name": _("Previous name")},
    EventType.CONTACT: {"email": _("Email address"), "phone": _("Phone number")},
    EventType.NO_FIXED_ADDRESS: {"contact_route": _("How to reach them")},
    EventType.REPRESENTATIVE: {
        "representative_name": _("Representative's name"),
        "representative_relationship": _("Representative's relationship"),
        "representative_contact": _("Representative's contact details"),
    },
}


def field_label(name: str) -> str:
    if name in COMMON_FIELDS:
        return str(COMMON_FIELDS[name])
    for fields in EVENT_FIELDS.values():
        if name in fields:
            return str(fields[name])
    return name


def all_field_names() -> list[str]:
    names = list(COMMON_FIELDS)
    for fields in EVENT_FIELDS.values():
        names += [n for n in fields if n not in names]
    return names


def new_secret() -> str:
    # Standard Webhooks secrets are base64 with a "whsec_" prefix.
    import base64

    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class Subscriber(models.Model):
    """A service that needs to know about changes: one of the council's own (its records are updated inside Tellus)
    or a partner's system that receives signed webhooks. Administrators manage them; every change is audited."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Council service in Tellus")
        WEBHOOK = "webhook", _("Partner system (webhook)")

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    url = models.URLField(max_length=500, blank=True, help_text=_("Where webhooks are sent (https)."))
    secret = models.CharField(max_length=100, blank=True, help_text=_("The signing secret; shown once."))
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    event_types = models.JSONField(default=list, help_text=_("The kinds of change it is told about."))
    entitled_fields = models.JSONField(default=list, help_text=_("The only fields it may receive."))
    source_system = models.ForeignKey(
        "people.SourceSystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("It holds the person when they have a record in this system."),
    )
    service_code = models.CharField(max_length=60, blank=True, help_text=_("Catalogue service the person uses."))
    purpose = models.CharField(max_length=300, help_text=_("Why it needs to know, in the reporter's words."))
    is_active = models.BooleanField(default=True)
    fail_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Demo only: the demo receiver fails until this time.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="webhook") | ~Q(url=""), name="once_webhook_has_url"),
        ]

    def __str__(self) -> str:
        return self.name


class EventRule(models.Model):
    """The council's rule for one kind of change: which services it concerns and why. "Always" services are told
    whoever the person is (a death concerns the electoral roll); the others only when the person's records, capacities
    or services show the service holds them."""

    event_type = models.CharField(max_length=30, choices=EventType.choices)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="rules")
    always = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True, help_text=_("Shown to the reporter as the reason."))

    class Meta:
        ordering = ["event_type", "subscriber__name"]
        constraints = [models.UniqueConstraint(fields=["event_type", "subscriber"], name="once_rule_unique")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscriber_id}"


class ReportedBy(models.TextChoices):
    PERSON = "person", _("The person themself")
    REPRESENTATIVE = "representative", _("Someone acting for them")
    STAFF = "staff", _("A member of staff on their behalf")


class ChangeReport(models.Model):
    """One change of circumstances, reported once: by the person, by someone acting for them, or by staff on their
    behalf. A draft until the reporter has seen what each service would be told and chosen; then confirmed and
    delivered."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Waiting for the reporter to choose")
        CONFIRMED = "confirmed", _("Confirmed and being delivered")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    event_type = models.CharField(max_length=30, choices=EventType.choices)
    details = models.JSONField(default=dict, help_text=_("The new facts, by field name."))
    effective_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    reported_by = models.CharField(max_length=20, choices=ReportedBy.choices)
    reporter_label = models.CharField(max_length=150, help_text=_("The account or staff user who reported it."))
    reporter_name = models.CharField(max_length=300, blank=True)
    reporter_relationship = models.CharField(max_length=30, blank=True)
    reporter_email = models.CharField(max_length=254, blank=True)
    reporter_account_id = models.BigIntegerField(null=True, blank=True, help_text=_("The portal account, if any."))
    representative = models.ForeignKey(
        "people.Representative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice_version = models.CharField(max_length=40)
    reported_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["person", "-reported_at"])]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} for person {self.person_id}"

    @property
    def is_death(self) -> bool:
        return self.event_type == EventType.DEATH


class ShareChoice(models.Model):
    """What the reporter was shown for one service and what they chose: shaped like a consent record (purpose,
    time, notice version, by whom), kept here because rights sits on the same floor (decision 0020)."""

    report = models.ForeignKey(ChangeReport, on_delete=models.CASCADE, related_name="choices")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="+")
    fields = models.JSONField(default=list, help_text=_("Exactly the fields that would be shared."))
    reason = models.CharField(max_length=300)
    purpose = models.CharField(max_length=80, help_text=_("e.g. tell-us-once:death"))
    agreed = models.BooleanField(null=True, help_text=_("Empty until the reporter chooses."))
    notice_version = models.CharField(max_length=40)
    chosen_at = models.DateTimeField(null=True, blank=True)
    chosen_by = models.CharField(max_length=20, choices=ReportedBy.choices, blank=True)
    chosen_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["report_id", "subscriber__name"]
        constraints = [models.UniqueConstraint(fields=["report", "subscriber"], name="once_choice_unique")]

    def __str__(self) -> str:
        return f"share {self.report_id} with {self.subscriber_id}: {self.agreed}"


class Delivery(models.Model):
    """One service told of one change. The webhook-id (message_id) is the idempotency key: every attempt of a
    delivery carries the same one, so a subscriber that sees it twice acts once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")
        ACTIONED = "actioned", _("Actioned")
        FAILED = "failed", _("Failed")

    report = models.ForeignKey(ChangeReport, on_delete=models.PROTECT, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="deliveries")
    message_id = models.CharField(max_length=60, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True, help_text=_("A worker is sending it until then."))
    task_id = models.CharField(max_length=64, blank=True, help_text=_("The queued task that will try it next."))
    dead_lettered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    actioned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report_id", "subscriber__name"]
        constraints = [models.UniqueConstraint(fields=["report", "subscriber"], name="once_delivery_unique")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="once_delivery_due"),
            models.Index(fields=["dead_lettered_at"], name="once_delivery_dead"),
        ]

    def __str__(self) -> str:
        return f"delivery {self.message_id} ({self.status})"

    @property
    def is_dead(self) -> bool:
        return self.dead_lettered_at is not None


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, what came back."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=30)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.outcome}"


class Acknowledgement(models.Model):
    """A subscriber's signed callback saying it received or actioned a delivery. Kept by its own webhook-id so a
    replayed callback changes nothing."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="acknowledgements")
    callback_id = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=20)
    note = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.status} for {self.delivery_id}"
