"""Residents' own accounts at /my/, the one-time links and invitation codes that open them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResidentAccount(models.Model):
    """A resident's own door into Tellus: who they are, which person the council holds them as, and how they sign in.

    Not a staff user: a resident never gets a Django user row, so no staff permission or staff page can ever apply
    to them. The account is tied to a person only on evidence (an email address on one of that person's source
    records, or an invitation code staff handed over after checking who they were)."""

    class TiedBy(models.TextChoices):
        EMAIL_ON_RECORD = "email_on_record", _("An email address the council already holds for them")
        INVITATION = "invitation", _("An invitation code given by a member of staff")

    reference = models.CharField(
        max_length=20, unique=True, help_text=_("The account's sign-in name for residents without an email address.")
    )
    email = models.CharField(max_length=254, blank=True, help_text=_("Lower-cased; empty when they have none."))
    password = models.CharField(max_length=128, blank=True, help_text=_("Hashed; empty when they use email links."))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="resident_accounts")
    tied_by = models.CharField(max_length=20, choices=TiedBy.choices)
    created_at = models.DateTimeField(default=timezone.now)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="resident_account_unique_email")
        ]

    def __str__(self) -> str:
        return self.reference


class SignInLinkRequest(models.Model):
    """Someone asked for a sign-in link for an address. Kept briefly to throttle requests per address and per
    network address, whether or not the address was known (so the throttle reveals nothing either)."""

    email_digest = models.CharField(max_length=64, db_index=True)
    client_address = models.CharField(max_length=45, blank=True, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"


class SignInLink(models.Model):
    """A one-time sign-in link emailed to a resident: valid for a few minutes and for one use. Only a digest of
    the secret is stored, so the table cannot be used to sign in."""

    token_digest = models.CharField(max_length=64, unique=True)
    email = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link for {self.email} until {self.expires_at:%H:%M}"


class Invitation(models.Model):
    """A one-time code a member of staff gives a resident (at a council office, on paper) after checking who they
    are, for people with no email address the council holds: no fixed address, many older residents."""

    code_digest = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey("privacy.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    issued_by_label = models.CharField(max_length=150)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    account = models.ForeignKey(ResidentAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"invitation for person {self.person_id} issued {self.issued_at:%Y-%m-%d}"
