from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DemoBuild(models.Model):
    """A build of the synthetic demo town into this database. Its presence marks the database as a demo, which
    is what allows `tellus demo` to wipe and rebuild it; a database without one may hold a council's real data
    and is never touched. Nothing secret is kept here: demo passwords live only in var/demo/credentials.txt."""

    people = models.PositiveIntegerField(help_text=_("How many people the town was generated with."))
    seed = models.BigIntegerField(help_text=_("The random seed; the same people and seed give the same town."))
    generator_version = models.PositiveSmallIntegerField(
        help_text=_("Bumped when the generator changes, so an older demo is rebuilt rather than reused.")
    )
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty if the build did not finish."))
    source_records = models.PositiveIntegerField(default=0)
    extracts_dir = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Demo town of {self.people} people, seed {self.seed}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
