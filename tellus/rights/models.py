"""Residents' privacy rights: copies of their data (subject access), consents, corrections, retention and erasure."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SubjectAccessRequest(models.Model):
    """A person asked for a copy of everything the council holds about them (UK GDPR article 15). The council must
    answer within one month of receiving it. Asked for in the portal, the copy is produced at once; received on
    paper, a member of staff registers it with the date it arrived and produces the copy."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Online, by the person")
        PAPER = "paper", _("On paper or in person, registered by staff")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    received_on = models.DateField()
    due_on = models.DateField(help_text=_("One calendar month after it was received."))
    registered_by_label = models.CharField(max_length=150)
    produced_at = models.DateTimeField(null=True, blank=True)
    produced_by_label = models.CharField(max_length=150, blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True, help_text=_("Digest of the zip that was handed over."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_on__gt=models.F("received_on")), name="sar_due_after_received"
            )
        ]

    def __str__(self) -> str:
        return f"subject access request {self.pk} for person {self.person_id}, due {self.due_on}"


class LawfulBasis(models.TextChoices):
    """The lawful basis a processing purpose rests on, named as in W3C DPV (and the UK GDPR article behind it)."""

    CONSENT = "dpv:Consent", _("Consent (UK GDPR article 6(1)(a))")
    EXPLICIT_CONSENT = "dpv:ExplicitlyExpressedConsent", _("Explicit consent (UK GDPR article 9(2)(a))")


class ConsentBy(models.TextChoices):
    """Who gave or withdrew a consent: the person, or someone on their behalf (DPV's entity types)."""

    PERSON = "dpv:DataSubject", _("The person themself")
    REPRESENTATIVE = "dpv:Representative", _("Someone acting for them (a representative)")
    STAFF = "dpv:DataController", _("A member of council staff, on their instruction")


class ConsentPurpose(models.Model):
    """Something the council asks people to consent to, with the notice they read (ISO/IEC 27560's purpose, notice
    and lawful basis). A new notice version means consents given to an older one are shown as such."""

    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200, help_text=_("In plain words, as a resident reads it."))
    description = models.TextField(help_text=_("What happens when they consent, and what happens if they do not."))
    dpv_purpose = models.CharField(max_length=100, help_text=_("The W3C DPV purpose, e.g. dpv:ServiceProvision."))
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices, default=LawfulBasis.CONSENT)
    notice_version = models.CharField(max_length=40)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ConsentRecord(models.Model):
    """One consent, given once and perhaps later withdrawn (ISO/IEC 27560's consent record). Giving again after a
    withdrawal makes a new record, so the history stays whole."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    purpose = models.ForeignKey(ConsentPurpose, on_delete=models.PROTECT, related_name="records")
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    notice_version = models.CharField(max_length=40, help_text=_("The notice they were shown when they gave it."))
    given_at = models.DateTimeField(default=timezone.now)
    given_by = models.CharField(max_length=30, choices=ConsentBy.choices)
    given_by_label = models.CharField(max_length=150)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=30, choices=ConsentBy.choices, blank=True)
    withdrawn_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_current_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} of person {self.person_id} to {self.purpose_id}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class CorrectionRequest(models.Model):
    """A resident says a field of one of their records is wrong, in their own words (UK GDPR article 16). It is a
    task for the team that owns the record's source system; the resident sees its status and the team's reply."""

    class Field(models.TextChoices):
        FIRST_NAME = "first_name", _("First name")
        LAST_NAME = "last_name", _("Last name")
        DATE_OF_BIRTH = "date_of_birth", _("Date of birth")
        ADDRESS = "address", _("Address")
        POSTCODE = "postcode", _("Postcode")
        EMAIL = "email", _("Email address")
        PHONE = "phone", _("Phone number")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the team")
        CORRECTED = "corrected", _("Corrected")
        REFUSED = "refused", _("Not changed")

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=20, choices=Field.choices)
    value_shown = models.CharField(max_length=500, blank=True, help_text=_("The value the resident saw."))
    words = models.TextField(help_text=_("What is wrong and what is right, in the resident's own words."))
    owning_team = models.CharField(max_length=200, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    asked_by_label = models.CharField(max_length=150)
    asked_at = models.DateTimeField(default=timezone.now)
    reply = models.TextField(blank=True, help_text=_("The team's answer to the resident."))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self) -> str:
        return f"correction {self.pk} of {self.field} on record {self.record_id}"


class LegalHold(models.Model):
    """Nothing about this person is erased while the hold stands (litigation, an investigation, an inquiry)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    set_at = models.DateTimeField(default=timezone.now)
    set_by_label = models.CharField(max_length=150)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(lifted_at__isnull=True), name="legal_hold_one_standing_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"legal hold {self.pk} on person {self.person_id}"


class ErasureReceipt(models.Model):
    """What a retention run erased or anonymised, when and under which rule: the kind of row, its id and the fields
    emptied, never their values nor whose they were (the audit entry of the same run names the person)."""

    rule = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    source_system = models.CharField(max_length=50, blank=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    fields = models.JSONField(default=list)
    due_since = models.DateField(help_text=_("The day the rule made it due for erasure."))
    erased_at = models.DateTimeField(default=timezone.now)
    run_by_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["erased_at", "id"]

    def __str__(self) -> str:
        return f"erased {self.object_type} {self.object_id} under {self.rule}"
