from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How audit entries name these rows (AuditEvent.object_type), defined once for every app that writes or reads them.
PERSON_OBJECT_TYPE = "people.person"
SOURCE_RECORD_OBJECT_TYPE = "people.sourcerecord"
OCCUPANCY_OBJECT_TYPE = "people.occupancy"
PROPERTY_OBJECT_TYPE = "people.property"
SOURCE_SYSTEM_OBJECT_TYPE = "people.sourcesystem"
REPRESENTATIVE_OBJECT_TYPE = "people.representative"


class SourceSystem(models.Model):
    """A council system that holds records about people: the rates database, the electoral register, the
    library system. Each sends Tellus extracts; Tellus never becomes the master of their data."""

    class Kind(models.TextChoices):
        RATES = "rates", _("Rates and property tax")
        ELECTORAL_ROLL = "electoral_roll", _("Electoral roll")
        LIBRARY = "library", _("Library membership")
        ANIMAL_REGISTRATION = "animal_registration", _("Animal registration")
        CRM = "crm", _("Contact centre CRM")
        HOUSING = "housing", _("Housing and community care")
        OTHER = "other", _("Other")

    name = models.SlugField(max_length=50, unique=True, help_text=_("Short name used on the command line."))
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    owning_team = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    address_is_residence = models.BooleanField(
        default=False,
        help_text=_("Whether an address on this system's records means the person lives there."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title


class Property(models.Model):
    """A place in the council's area with a stable reference (a UPRN in the UK): a house, a flat, a shop,
    a shelter. Addresses on source records are tied to a property when the reference is known."""

    class Kind(models.TextChoices):
        DWELLING = "dwelling", _("Dwelling")
        NON_RESIDENTIAL = "non_residential", _("Non-residential")
        SHARED = "shared", _("Shared or institutional address (shelter, hostel, care home)")
        PSEUDO = "pseudo", _("Pseudo-address (no fixed address, care of the council)")

    reference = models.CharField(max_length=40, unique=True, help_text=_("Stable property reference, e.g. a UPRN."))
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DWELLING)
    address_line_1 = models.CharField(max_length=200)
    address_line_2 = models.CharField(max_length=200, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=12, blank=True, db_index=True)
    ward = models.CharField(max_length=100, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name_plural = _("properties")
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="property_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="property_longitude_in_range",
            ),
        ]

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        parts = [self.address_line_1, self.address_line_2, self.locality, self.postcode]
        return ", ".join(part for part in parts if part)

    @property
    def is_evidence_of_identity(self) -> bool:
        """Two people sharing a shelter or 'no fixed address' are not thereby the same person."""
        return self.kind in {self.Kind.DWELLING, self.Kind.NON_RESIDENTIAL}


class Person(models.Model):
    """One human being as the council knows them, resolved from the records its systems hold.

    The name and date of birth here are the best current view, taken from the person's source records;
    the records themselves are the evidence and are never thrown away."""

    display_name = models.CharField(max_length=300)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set when this person was found to be another; kept so the merge can be undone."),
    )
    # Database defaults as well: people are written in bulk by plain multi-row inserts (decision 0008).
    no_fixed_address = models.BooleanField(
        default=False,
        db_default=False,
        help_text=_("The person has no settled address (sleeping rough, sofa-surfing, in a shelter)."),
    )
    correspondence_stopped_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the council stopped writing to this person (for example on being told of a death)."),
    )
    correspondence_stopped_reason = models.CharField(max_length=200, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=F("date_of_birth")),
                name="person_death_not_before_birth",
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class Occupancy(models.Model):
    """A person living at a property for a period, as shown by a source that knows where people live."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="occupancies")
    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="occupancies")
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    source_record = models.ForeignKey(
        "people.SourceRecord", null=True, blank=True, on_delete=models.SET_NULL, related_name="occupancies"
    )

    class Meta:
        verbose_name_plural = _("occupancies")
        ordering = ["-date_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_from__isnull=True) | Q(date_to__gte=F("date_from")),
                name="occupancy_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.property}"


class ImportRun(models.Model):
    """One load of an extract file from a source system, with what it changed and what it refused."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        COMPLETED_WITH_REJECTS = "completed_with_rejects", _("Completed, some rows rejected")
        FAILED = "failed", _("Failed")

    source_system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="import_runs")
    file_name = models.CharField(max_length=500)
    file_sha256 = models.CharField(max_length=64)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RUNNING)
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejects_file = models.CharField(max_length=500, blank=True)
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_system.name} {self.file_name} {self.started_at:%Y-%m-%d %H:%M}"


class SourceRecord(models.Model):
    """One row about a person in one council system's extract: a rates account holder, an elector, a library
    member. Kept as received (raw) and in normalised form for matching, with the person it was linked to."""

    source_system = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="records")
    source_key = models.CharField(max_length=200, help_text=_("The record's identifier in its own system."))
    raw = models.JSONField(help_text=_("The row as the source system sent it."))
    row_hash = models.CharField(max_length=64)
    title = models.CharField(
        max_length=60,
        blank=True,
        help_text=_("Title and honorifics as written (Mr, Dr, Jnr, OBE), kept out of the name."),
    )
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    name_normalised = models.CharField(max_length=300, blank=True, db_index=True)
    last_name_normalised = models.CharField(max_length=150, blank=True, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    date_of_death = models.DateField(null=True, blank=True)
    is_organisation = models.BooleanField(
        default=False, help_text=_("A company, trust or charity (a rates account, say): never linked to a person.")
    )
    estate_of = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="estates",
        help_text=_('For an estate\'s record ("Estate of the late Mary Brown"): the person who died, once found.'),
    )
    address = models.CharField(max_length=500, blank=True, help_text=_("The address as given, on one line."))
    postcode = models.CharField(max_length=12, blank=True, db_index=True)
    property = models.ForeignKey(Property, null=True, blank=True, on_delete=models.PROTECT, related_name="records")
    email = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True, db_index=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_records",
        help_text=_("Empty until linkage has run."),
    )

    class Meta:
        ordering = ["source_system__name", "source_key"]
        constraints = [
            models.UniqueConstraint(fields=["source_system", "source_key"], name="source_record_unique_key"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="source_record_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_system.name}:{self.source_key}"

    def display_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class SourceRecordVersion(models.Model):
    """An earlier state of a source record, kept when a later extract changed it, so nothing is overwritten."""

    record = models.ForeignKey(SourceRecord, on_delete=models.PROTECT, related_name="versions")
    raw = models.JSONField()
    row_hash = models.CharField(max_length=64)
    fields = models.JSONField(help_text=_("The normalised fields as they were."))
    recorded_at = models.DateTimeField(help_text=_("When this state was first imported or last changed."))
    superseded_at = models.DateTimeField(default=timezone.now)
    superseded_by_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-superseded_at"]

    def __str__(self) -> str:
        return f"{self.record} until {self.superseded_at:%Y-%m-%d}"


class Household(models.Model):
    """The people living at one dwelling now, formed from occupancies. Shared and pseudo addresses
    (shelters, "no fixed address") never form a household."""

    property = models.OneToOneField(Property, on_delete=models.PROTECT, related_name="household")
    members = models.ManyToManyField(Person, related_name="households", blank=True)
    formed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Household at {self.property}"


class Representative(models.Model):
    """Someone who acts for a person: an advocate, an appointee, an attorney, a nominated contact, next of kin, or an
    executor after a death. The scope says what they may do; the dates say when. The representative may be someone
    the council knows as a person (``representative_person``) or only by name and contact details."""

    class Relationship(models.TextChoices):
        ADVOCATE = "advocate", _("Advocate")
        CARE_ACT_ADVOCATE = "care_act_advocate", _("Care Act advocate (statutory)")
        APPOINTEE = "appointee", _("Appointee")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
        NOMINATED_CONTACT = "nominated_contact", _("Nominated contact")
        NEXT_OF_KIN = "next_of_kin", _("Next of kin")
        EXECUTOR = "executor", _("Executor or administrator of the estate")
        PARENT_OR_GUARDIAN = "parent_or_guardian", _("Parent or guardian")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="representatives")
    representative_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="represents"
    )
    name = models.CharField(max_length=300, help_text=_("The representative's name as they gave it."))
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=500, blank=True)
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    can_view = models.BooleanField(default=False, help_text=_("May be told about the person's dealings."))
    can_act = models.BooleanField(default=False, help_text=_("May make requests and decisions for the person."))
    receives_correspondence = models.BooleanField(default=False, help_text=_("Letters go to them, not the person."))
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    evidence = models.CharField(
        max_length=300, blank=True, help_text=_("What shows the authority: an LPA reference, a DWP letter, …")
    )
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["person_id", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="representative_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(representative_person=F("person")),
                name="representative_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"

    def scope_words(self) -> str:
        parts = [
            word
            for word, allowed in (
                ("view", self.can_view),
                ("act", self.can_act),
                ("receive correspondence", self.receives_correspondence),
            )
            if allowed
        ]
        return ", ".join(parts) or "none"

    def is_active_on(self, day: object) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)  # type: ignore[operator]
