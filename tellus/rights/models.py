"""Residents' privacy rights: requests for a copy of their data (subject access)."""

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
