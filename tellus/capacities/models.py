from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# How audit entries name a person's capacities (AuditEvent.object_type), when derived and when read.
PERSON_CAPACITY_OBJECT_TYPE = "capacities.personcapacity"


class Capacity(models.TextChoices):
    """The capacities in which a council deals with one person (seed 000). One person can hold several at once."""

    CUSTOMER = "customer", _("customer")
    CLIENT = "client", _("client")
    RESIDENT = "resident", _("resident")
    RATEPAYER = "ratepayer", _("ratepayer")
    ELECTOR = "elector", _("elector")
    OBLIGATEE = "obligatee", _("obligatee")
    CITIZEN = "citizen", _("citizen")


CAPACITY_MEANINGS: dict[str, str | Promise] = {
    Capacity.CUSTOMER: _("paid a fee for a service at the point of use"),
    Capacity.CLIENT: _("received a service paid for by rates or taxes, free at the point of use"),
    Capacity.RESIDENT: _("lives in the council's area"),
    Capacity.RATEPAYER: _("is liable for rates on a property in the area"),
    Capacity.ELECTOR: _("is on the electoral roll: a constituent of their ward's councillors"),
    Capacity.OBLIGATEE: _("is subject to a regulatory or enforcement duty, such as registering an animal"),
    Capacity.CITIZEN: _("is someone the council deals with"),
}


class PersonCapacity(models.Model):
    """One period in which the council dealt with a person in one capacity, derived by a named rule from facts.

    These rows are derived, never typed in: `tellus capacities refresh` recomputes them from the person's source
    records and occupancies with the rules in rules.toml, and keeps the evidence that produced each one."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="capacities")
    capacity = models.CharField(max_length=20, choices=Capacity.choices)
    valid_from = models.DateField(null=True, blank=True, help_text=_("Empty when the facts give no start date."))
    valid_to = models.DateField(null=True, blank=True, help_text=_("Empty while it lasts."))
    rule = models.CharField(max_length=80, help_text=_("The key of the rule in rules.toml that produced this."))
    service_code = models.CharField(
        max_length=60, blank=True, help_text=_("The catalogue service this evidences the person using, if any.")
    )
    property = models.ForeignKey("people.Property", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    occupancy = models.ForeignKey(
        "people.Occupancy", null=True, blank=True, on_delete=models.CASCADE, related_name="capacities"
    )
    evidence = models.ManyToManyField("people.SourceRecord", related_name="capacities", blank=True)
    derived_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = _("person capacities")
        ordering = ["person_id", "capacity", "valid_from", "id"]
        indexes = [models.Index(fields=["capacity", "valid_to"], name="capacity_current_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="person_capacity_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=Q(capacity__in=Capacity.values), name="person_capacity_known_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.capacity} from {self.valid_from or '?'} to {self.valid_to or 'now'}"


class RefreshRun(models.Model):
    """One run of `tellus capacities refresh`: which people it looked at and what changed. The next incremental
    run looks only at people whose records, occupancies or merges changed after this one started."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RUNNING)
    full = models.BooleanField(default=False)
    rules_digest = models.CharField(max_length=64, help_text=_("SHA-256 of the rules file the run used."))
    last_occupancy_id = models.BigIntegerField(default=0, help_text=_("Highest occupancy id seen by this run."))
    people_considered = models.PositiveIntegerField(default=0)
    people_changed = models.PositiveIntegerField(default=0)
    capacities_added = models.PositiveIntegerField(default=0)
    capacities_removed = models.PositiveIntegerField(default=0)
    actor_label = models.CharField(max_length=150)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="refresh_run_finishes_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"Capacity refresh {self.started_at:%Y-%m-%d %H:%M} ({self.status})"
