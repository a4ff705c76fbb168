from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How audit entries name these rows (AuditEvent.object_type): reading the log is itself audited.
AUDIT_LOG_OBJECT_TYPE = "privacy.auditevent"
USER_OBJECT_TYPE = "privacy.user"


class User(AbstractUser):
    """A member of council staff (or a system account) who signs in to Tellus. Roles are groups."""

    team = models.CharField(
        _("team"),
        max_length=200,
        blank=True,
        help_text=_("The team they work in, such as Customer services: residents see it beside each look."),
    )

    class Meta:
        verbose_name = _("staff user")


class Purpose(models.TextChoices):
    """Why someone is looking at or changing personal data. Every audit entry names one."""

    ENQUIRY = "enquiry", _("Handling an enquiry")
    CASEWORK = "casework", _("Casework")
    SERVICE_MANAGEMENT = "service_management", _("Managing a service")
    ANALYSIS = "analysis", _("Analysis")
    PRIVACY_REVIEW = "privacy_review", _("Privacy review")
    ADMINISTRATION = "administration", _("Administration")
    DATA_IMPORT = "data_import", _("Loading a source extract")
    # Exempt purposes: looks made for them are withheld from the person's own view of who looked, and counted
    # (settings.TELLUS_PORTAL_EXEMPT_PURPOSES names the exemption). Only the counter-fraud role may state them.
    FRAUD_INVESTIGATION = "fraud_investigation", _("Investigating suspected fraud")
    CRIME_PREVENTION = "crime_prevention", _("Preventing or detecting crime")


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    LISTED = "listed", _("Shown in search results")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    # Staff sign-in (issue 11, criterion 3; issue 13, criterion 8)
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Failed to sign in")
    LOCKED_OUT = "locked_out", _("Locked out")


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit entry."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")


class AuditEvent(models.Model):
    """One entry in the append-only record of who saw or changed a person's data, when and why.

    A privacy officer answers "who has looked at my file?" from these rows. They are never changed or removed:
    the application refuses, and on PostgreSQL a trigger refuses too.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "privacy.User", null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    actor_label = models.CharField(max_length=150, help_text=_("Username, or the command that acted."))
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    subject_person_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text=_("The person this entry is about, when there is one.")
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    request_id = models.CharField(max_length=100, blank=True, db_index=True, help_text=_("Made by Tellus."))
    client_request_id = models.CharField(
        max_length=100, blank=True, help_text=_("The X-Request-ID the client sent, if any, kept beside Tellus's own.")
    )
    changes = models.JSONField(default=dict, blank=True, help_text=_("Changed fields: {field: [before, after]}."))
    context = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A guard, not a business rule: the only legal write is the first insert.
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")


# Separation of duties (issue 11, criterion 2): roles that need a second person's approval.


class RoleGrant(models.Model):
    """A request to give a member of staff a role that a second person must approve.

    Granting the privacy officer or administrator role never takes effect on one person's say-so: the request
    waits here until another privacy officer or administrator, who is neither the requester nor the account's
    holder, approves or refuses it (see tellus.privacy.staff)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey("privacy.User", on_delete=models.CASCADE, related_name="role_grants")
    role = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey("privacy.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey("privacy.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(status="pending"),
                name="privacy_rolegrant_one_pending_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role.name} for {self.user.get_username()} ({self.get_status_display()})"
