"""Staff accounts: who may change whose roles, and the audit entry every change writes (issue 11, criterion 2).

The rules, enforced here and by the admin that calls these functions:

- Nobody becomes a superuser through Tellus: `is_superuser` and direct permissions are not editable anywhere;
  roles (groups, tellus.privacy.roles) are the only way to give someone permissions.
- Nobody adds a role to their own account.
- The privacy officer and administrator roles are granted only when a second person approves: asking for one
  makes a pending RoleGrant, which another privacy officer or administrator, neither the requester nor the
  account's holder, approves or refuses.
- Only a superuser changes a superuser's account (an administrator could otherwise take one over).
- Every change to a staff account (created, details, roles, active, password, two-factor), every sign-in,
  failed sign-in, lockout and unlock, writes an AuditEvent about the account, which a privacy officer reads at
  /console/staff/audit/.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import roles
from .models import AuditAction, AuditEvent, Purpose, RoleGrant, User
from .services import Actor, audit_event_record

STAFF_OBJECT_TYPE = "privacy.user"
GRANT_OBJECT_TYPE = "privacy.rolegrant"
STAFF_AUDIT_OBJECT_TYPE = "privacy.staffaudit"  # a privacy officer reading the staff audit log
STAFF_OBJECT_TYPES = (STAFF_OBJECT_TYPE, GRANT_OBJECT_TYPE)

# Roles whose grant needs a second person's approval: they read people's audit trails, make accounts, or look at
# people without the person being shown (counter-fraud looks are withheld under an exemption).
ROLES_NEEDING_APPROVAL = frozenset({roles.PRIVACY_OFFICER, roles.ADMINISTRATOR, roles.COUNTER_FRAUD})
# Roles whose members may approve such a grant.
APPROVER_ROLES = frozenset({roles.PRIVACY_OFFICER, roles.ADMINISTRATOR})

# Account fields whose changes are written to the audit log, as they are named there.
AUDITED_FIELDS = ("username", "first_name", "last_name", "email", "team", "is_active", "is_staff", "is_superuser")


class StaffAccountRefused(Exception):
    """A change to a staff account that the separation-of-duties rules do not allow. The message says why."""


def _actor(user: Any) -> Actor:
    return Actor.for_user(user) if user is not None and user.is_authenticated else Actor.system("tellus")


def staff_event_record(
    *,
    actor: Actor,
    action: AuditAction,
    user: User | None,
    changes: dict[str, Any] | None = None,
    context: dict[str, Any] | None = None,
    object_type: str = STAFF_OBJECT_TYPE,
    object_id: object = None,
    purpose: Purpose = Purpose.ADMINISTRATION,
) -> AuditEvent:
    """One audit entry about a staff account, in its own transaction when the caller has none."""
    if user is not None:
        context = {"username": user.get_username(), **(context or {})}
    with transaction.atomic():
        return audit_event_record(
            actor=actor,
            purpose=purpose,
            action=action,
            object_type=object_type,
            object_id=object_id if object_id is not None else (user.pk if user is not None else ""),
            changes=changes,
            context=context,
        )


def role_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True)) if user.pk else []


def staff_account_may_change(*, actor: User, user: User) -> bool:
    """Whether `actor` may change `user`'s account at all: only a superuser changes a superuser."""
    return actor.is_superuser or not user.is_superuser


def staff_fields_check(*, actor: User, before: User | None, after: User) -> None:
    """Refuses a change of the account's own fields that the rules forbid."""
    if not staff_account_may_change(actor=actor, user=before or after):
        raise StaffAccountRefused("Only a superuser can change a superuser's account.")
    was_superuser = before.is_superuser if before is not None else False
    if after.is_superuser != was_superuser:
        raise StaffAccountRefused("Superuser status cannot be given or taken away in Tellus; use roles.")


def staff_fields_changes(*, before: User, after: User) -> dict[str, list[Any]]:
    return {
        name: [getattr(before, name), getattr(after, name)]
        for name in AUDITED_FIELDS
        if getattr(before, name) != getattr(after, name)
    }


def staff_account_created(*, actor: User, user: User) -> AuditEvent:
    return staff_event_record(
        actor=_actor(actor),
        action=AuditAction.CREATE,
        user=user,
        changes={name: [None, getattr(user, name)] for name in AUDITED_FIELDS},
    )


def staff_account_changed(*, actor: User, before: User, after: User) -> AuditEvent | None:
    """Audits the change of the account's own fields (not roles), if there is one. Call after the save."""
    changes = staff_fields_changes(before=before, after=after)
    if not changes:
        return None
    return staff_event_record(actor=_actor(actor), action=AuditAction.UPDATE, user=after, changes=changes)


def staff_password_changed(*, actor: User, user: User) -> AuditEvent:
    """A password was set: by the account's holder, or reset by someone else. The password is never written."""
    by = "holder" if actor.pk == user.pk else "another member of staff"
    return staff_event_record(
        actor=_actor(actor),
        action=AuditAction.UPDATE,
        user=user,
        changes={"password": ["(earlier password)", "(new password)"]},
        context={"change": "password", "by": by},
    )


def _groups_named(names: Iterable[str]) -> list[Group]:
    return list(Group.objects.filter(name__in=list(names)))


def staff_roles_check(*, actor: User, user: User, wanted: Iterable[str]) -> None:
    """Refuses a change of roles that the rules forbid (without changing anything)."""
    if not staff_account_may_change(actor=actor, user=user):
        raise StaffAccountRefused("Only a superuser can change a superuser's account.")
    added = set(wanted) - set(role_names(user))
    if added and actor.pk == user.pk:
        raise StaffAccountRefused(
            "You cannot add roles to your own account. Ask another administrator to do it: "
            "every change to an account is written to the audit log."
        )


def staff_roles_set(*, actor: User, user: User, wanted: Iterable[str]) -> list[RoleGrant]:
    """Gives `user` exactly the roles `wanted`, except roles that need approval: those become pending grants.

    Removing a role takes effect at once. Returns the grants now waiting for approval (new or already waiting)."""
    wanted = set(wanted)
    staff_roles_check(actor=actor, user=user, wanted=wanted)
    with transaction.atomic():
        before = role_names(user)
        added = wanted - set(before)
        at_once = {name for name in added if name not in ROLES_NEEDING_APPROVAL}
        keep = (set(before) & wanted) | at_once
        if set(before) != keep:
            user.groups.set(_groups_named(keep))
            staff_event_record(
                actor=_actor(actor),
                action=AuditAction.UPDATE,
                user=user,
                changes={"roles": [before, sorted(keep)]},
            )
        return [role_grant_request(actor=actor, user=user, role=name) for name in sorted(added - at_once)]


def role_grant_request(*, actor: User, user: User, role: str) -> RoleGrant:
    """Asks for `role` to be given to `user`; a second person must approve. One pending request per role."""
    staff_roles_check(actor=actor, user=user, wanted=[*role_names(user), role])
    with transaction.atomic():
        group = Group.objects.get(name=role)
        waiting = RoleGrant.objects.filter(user=user, role=group, status=RoleGrant.Status.PENDING).first()
        if waiting is not None:
            return waiting
        grant = RoleGrant.objects.create(user=user, role=group, requested_by=actor)
        staff_event_record(
            actor=_actor(actor),
            action=AuditAction.CREATE,
            user=user,
            object_type=GRANT_OBJECT_TYPE,
            object_id=grant.pk,
            changes={"status": [None, grant.status]},
            context={"role": role, "account": user.get_username(), "account_id": user.pk},
        )
        return grant


def may_approve_grants(user: User) -> bool:
    return user.is_superuser or user.groups.filter(name__in=APPROVER_ROLES).exists()


def role_grant_decide(*, actor: User, grant_id: int, approve: bool) -> RoleGrant:
    """Approves (the role is given) or refuses a pending grant. The approver is a privacy officer or
    administrator who neither asked for the grant nor holds the account it is for."""
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().select_related("user", "role").get(pk=grant_id)
        if grant.status != RoleGrant.Status.PENDING:
            raise StaffAccountRefused("This request has already been decided.")
        if not may_approve_grants(actor):
            raise StaffAccountRefused("Only a privacy officer or an administrator can decide this request.")
        if actor.pk == grant.requested_by_id:
            raise StaffAccountRefused("You asked for this role to be given, so someone else must decide.")
        if actor.pk == grant.user_id:
            raise StaffAccountRefused("This request is for your own account, so someone else must decide.")
        if not staff_account_may_change(actor=actor, user=grant.user):
            raise StaffAccountRefused("Only a superuser can change a superuser's account.")
        grant.status = RoleGrant.Status.APPROVED if approve else RoleGrant.Status.REFUSED
        grant.decided_by = actor
        grant.decided_at = timezone.now()
        grant.save(update_fields=["status", "decided_by", "decided_at"])
        staff_event_record(
            actor=_actor(actor),
            action=AuditAction.UPDATE,
            user=grant.user,
            object_type=GRANT_OBJECT_TYPE,
            object_id=grant.pk,
            changes={"status": [RoleGrant.Status.PENDING.value, grant.status]},
            context={
                "role": grant.role.name,
                "account": grant.user.get_username(),
                "account_id": grant.user_id,
                "requested_by": grant.requested_by.get_username(),
            },
        )
        if approve:
            before = role_names(grant.user)
            grant.user.groups.add(grant.role)
            staff_event_record(
                actor=_actor(actor),
                action=AuditAction.UPDATE,
                user=grant.user,
                changes={"roles": [before, role_names(grant.user)]},
                context={"approved_grant": grant.pk, "requested_by": grant.requested_by.get_username()},
            )
    return grant


def role_grants_pending() -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(status=RoleGrant.Status.PENDING).select_related("user", "role", "requested_by")


def staff_audit_events() -> QuerySet[AuditEvent]:
    """Every audit entry about staff accounts: changes, role requests and decisions, sign-ins and lockouts."""
    return AuditEvent.objects.filter(object_type__in=STAFF_OBJECT_TYPES).order_by("-occurred_at", "-id")


def staff_audit_for_privacy_officer(
    *, actor: User, page: int | str | None = 1, page_size: int = 50
) -> Page[AuditEvent]:
    """A page of the staff audit log for a privacy officer; the reading is itself audited."""
    with transaction.atomic():
        paginator = Paginator(staff_audit_events().select_related("actor"), page_size)
        shown = paginator.get_page(page)
        events = list(shown.object_list)
        staff_event_record(
            actor=_actor(actor),
            action=AuditAction.VIEW,
            user=None,
            object_type=STAFF_AUDIT_OBJECT_TYPE,
            object_id="",
            purpose=Purpose.PRIVACY_REVIEW,
            context={"page": shown.number, "result_count": paginator.count},
        )
    return Page(events, shown.number, paginator)


# The console's staff accounts pages (issue 18, criterion 9) call these; the admin keeps its own form.

STAFF_FIELDS = ("first_name", "last_name", "email", "team")


def staff_account_create(
    *, actor: User, username: str, password: str, roles: Iterable[str], **fields: str
) -> tuple[User, list[RoleGrant]]:
    """A new staff account with its details (`STAFF_FIELDS`), a password the administrator gives them and roles:
    the ones needing approval become requests. Audited; all or nothing."""
    with transaction.atomic():
        user = User(username=username, is_active=True, is_staff=False, **{k: fields.get(k, "") for k in STAFF_FIELDS})
        user.set_password(password)
        staff_fields_check(actor=actor, before=None, after=user)
        user.save()
        staff_account_created(actor=actor, user=user)
        grants = staff_roles_set(actor=actor, user=user, wanted=roles)
    return user, grants


def staff_account_update(
    *, actor: User, user: User, is_active: bool, roles: Iterable[str], **fields: str
) -> list[RoleGrant]:
    """Changes an account's details, whether it may sign in, and its roles (the ones needing approval become
    requests). Nobody switches off their own account. Audited; all or nothing."""
    if actor.pk == user.pk and not is_active:
        raise StaffAccountRefused("You cannot switch off your own account. Ask another administrator.")
    with transaction.atomic():
        before = User.objects.select_for_update().get(pk=user.pk)
        for name in STAFF_FIELDS:
            if name in fields:
                setattr(user, name, fields[name])
        user.is_active = is_active
        staff_fields_check(actor=actor, before=before, after=user)
        staff_roles_check(actor=actor, user=user, wanted=roles)
        user.save()
        staff_account_changed(actor=actor, before=before, after=user)
        return staff_roles_set(actor=actor, user=user, wanted=roles)


def staff_password_set(*, actor: User, user: User, password: str) -> None:
    """Sets a new password for someone who lost theirs (the administrator gives it to them). Audited."""
    if not staff_account_may_change(actor=actor, user=user):
        raise StaffAccountRefused("Only a superuser can change a superuser's account.")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        staff_password_changed(actor=actor, user=user)


def staff_two_factor_reset_allowed(*, actor: User, user: User) -> str:
    """Why `actor` may not reset `user`'s two-factor sign-in from the console, or "" when they may. A privacy
    officer's or an administrator's is reset only on the server: with a password reset it would hand over the
    account."""
    if actor.pk == user.pk:
        return "You cannot reset your own two-factor sign-in. Ask another administrator."
    if not staff_account_may_change(actor=actor, user=user):
        return "Only a superuser can change a superuser's account."
    if user.is_superuser or set(role_names(user)) & ROLES_NEEDING_APPROVAL:
        return (
            "Two-factor sign-in for a privacy officer, an administrator or a superuser is reset only on the server "
            "(tellus two-factor-reset), by someone with access to it."
        )
    return ""
