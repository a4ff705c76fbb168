from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How audit entries name a candidate pair (AuditEvent.object_type).
PAIR_OBJECT_TYPE = "linkage.candidatepair"


class LinkageModel(models.Model):
    """A trained record-linkage model: which comparisons it makes and how much each outcome counts,
    learned from the council's own records. Saved with a version so a later run reuses it."""

    version = models.CharField(max_length=80, unique=True)
    trained_at = models.DateTimeField(default=timezone.now)
    backend = models.CharField(max_length=20, default="duckdb")
    splink_settings = models.JSONField(help_text=_("The Splink model, as saved by Splink."))
    training_stats = models.JSONField(default=dict, blank=True)
    record_count = models.PositiveIntegerField(default=0)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["-trained_at"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_model")
        ]

    def __str__(self) -> str:
        return self.version


class ResolutionRun(models.Model):
    """One run of `tellus resolve`: what it compared, linked and sent for review."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="runs")
    incremental = models.BooleanField(default=False)
    records_evaluated = models.PositiveIntegerField(default=0)
    pairs_scored = models.PositiveIntegerField(default=0)
    auto_linked = models.PositiveIntegerField(default=0)
    sent_to_review = models.PositiveIntegerField(default=0)
    merges = models.PositiveIntegerField(default=0)
    sparse_records = models.PositiveIntegerField(default=0)
    upper_threshold = models.FloatField()
    lower_threshold = models.FloatField()
    stats = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"resolve {self.started_at:%Y-%m-%d %H:%M}"


class CandidatePair(models.Model):
    """Two source records the model compared and found possibly to be the same person, with its evidence
    (weight, probability, each comparison's level) and any decision staff have made about them."""

    class Status(models.TextChoices):
        AUTO_LINKED = "auto_linked", _("Linked automatically")
        REVIEW = "review", _("Waiting for review")
        CONFIRMED = "confirmed", _("Confirmed by staff")
        REJECTED = "rejected", _("Rejected by staff")
        NOT_SURE = "not_sure", _("Reviewed, not sure")

    STAFF_DECISIONS = (Status.CONFIRMED, Status.REJECTED, Status.NOT_SURE)

    # No index of their own: the unique (record_l, record_r) constraint's index serves record_l, and
    # candidate_pair_right_idx serves record_r. Two more would only slow every resolve's writes.
    record_l = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT, related_name="+", db_index=False)
    record_r = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT, related_name="+", db_index=False)
    match_weight = models.FloatField(null=True, blank=True)
    match_probability = models.FloatField(null=True, blank=True)
    comparisons = models.JSONField(
        default=list, blank=True, help_text=_("Per comparison: name, level label, Bayes factor, weight.")
    )
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    decided_by = models.ForeignKey("privacy.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    held_because = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Why the machine sent this pair for review rather than linking it, when a rule held it back whatever "
            "its score (twins, household members, a parent and child): match_probability is the score it would "
            "have been linked at."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-match_probability", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_l", "record_r"], name="candidate_pair_unique"),
            models.CheckConstraint(condition=Q(record_l__lt=F("record_r")), name="candidate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["record_r"], name="candidate_pair_right_idx")]

    def __str__(self) -> str:
        return f"{self.record_l_id}~{self.record_r_id} {self.status}"

    @property
    def is_staff_decision(self) -> bool:
        return self.status in self.STAFF_DECISIONS

    @property
    def held_from_a_link(self) -> bool:
        """A rule held back a pair the model alone would have linked (unlike a pair a changed record sent to review,
        which may score lower)."""
        probability = self.match_probability
        return bool(self.held_because) and probability is not None and probability >= settings.TELLUS_LINK_UPPER


class PersonMerge(models.Model):
    """Two people found to be one. The absorbed person's records and every other row that pointed at them
    were moved to the survivor; which rows moved is kept here so the merge can be undone exactly."""

    class Reason(models.TextChoices):
        LINKAGE = "linkage", _("Record linkage")
        STAFF = "staff", _("Merged by staff")

    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="merges_absorbed")
    absorbed = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="merges_into")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    moved = models.JSONField(help_text=_("{model label: [ids]} of the rows moved from absorbed to survivor."))
    actor_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=~Q(survivor=F("absorbed")), name="merge_two_people")]

    def __str__(self) -> str:
        return f"{self.absorbed_id} into {self.survivor_id}"


class RecordSplit(models.Model):
    """A source record taken off a person it did not belong to, onto a person of its own."""

    record = models.ForeignKey("people.SourceRecord", on_delete=models.PROTECT, related_name="splits")
    from_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    to_person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, help_text=_("Why staff split the record off, in their words."))
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record_id} off {self.from_person_id}"
