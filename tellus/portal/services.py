"""Residents' accounts: asking for and using a sign-in link, passwords, invitation codes. Every tie of an account to
a person is audited; secrets are only ever stored as digests."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tellus.people.models import Person, SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import Invitation, ResidentAccount, SignInLink, SignInLinkRequest
from .throttle import link_request_allowed

ACCOUNT_OBJECT_TYPE = "portal.residentaccount"
INVITATION_OBJECT_TYPE = "portal.invitation"
PORTAL_ACTOR = "portal"
# Easy to read aloud and to copy from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class PortalError(Exception):
    """A resident's request that cannot be done, with a message fit to show them."""


class LinkRefused(PortalError):
    pass


class SignInRefused(PortalError):
    pass


class LinkOutcome(enum.Enum):
    SENT = "sent"
    NOT_SENT = "not_sent"  # the resident sees the same page as for SENT
    THROTTLED = "throttled"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def resident_actor(account: ResidentAccount) -> Actor:
    """Audit entries a resident causes name their account, never a staff user."""
    return Actor.system(f"resident:{account.reference}")


def live_person_id(person_id: int) -> int:
    """A person merged into another is that other person now; an account follows the merge."""
    seen = {person_id}
    current = Person.objects.only("merged_into_id").get(pk=person_id)
    while current.merged_into_id is not None and current.merged_into_id not in seen:
        seen.add(current.merged_into_id)
        current = Person.objects.only("merged_into_id").get(pk=current.merged_into_id)
    return current.pk


def people_holding_email(email: str) -> set[int]:
    """The (live) people with this address on one of their source records; organisations' records never count."""
    ids = (
        SourceRecord.objects.filter(email__iexact=email, is_organisation=False, person__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
    )
    return {live_person_id(pk) for pk in ids}


def _new_reference() -> str:
    return "R" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _clean_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _account_for_email(email: str) -> ResidentAccount | None:
    return ResidentAccount.objects.filter(email=email).first()


@transaction.atomic
def sign_in_link_request(*, email: str, client_address: str, link_url: Callable[[str], str]) -> LinkOutcome:
    """Send a one-time link to `email` if it opens an account (an existing one, or the address is on exactly one
    person's records). The caller shows the same page whether or not anything was sent."""
    email = normalise_email(email)
    email_digest = digest(email)
    if not link_request_allowed(email_digest=email_digest, address=client_address):
        return LinkOutcome.THROTTLED
    SignInLinkRequest.objects.create(email_digest=email_digest, client_address=client_address)
    if _account_for_email(email) is None and len(people_holding_email(email)) != 1:
        return LinkOutcome.NOT_SENT
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    minutes = settings.TELLUS_PORTAL_LINK_MINUTES
    SignInLink.objects.create(
        token_digest=digest(token), email=email, created_at=now, expires_at=now + dt.timedelta(minutes=minutes)
    )
    context = {"url": link_url(token), "minutes": minutes}
    send_mail(
        subject=_("Your link to sign in to your council record"),
        message=render_to_string("portal/email/sign_in_link.txt", context),
        from_email=None,
        recipient_list=[email],
    )
    return LinkOutcome.SENT


def sign_in_link_check(*, token: str) -> SignInLink:
    """The link for `token` if it can still be used; raises LinkRefused otherwise. Uses nothing up."""
    link = SignInLink.objects.filter(token_digest=digest(token)).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        raise LinkRefused(_("This link has expired or has already been used."))
    return link


def account_create(*, email: str, person_id: int, tied_by: str, password: str = "") -> ResidentAccount:
    reference = _new_reference()
    while ResidentAccount.objects.filter(reference=reference).exists():
        reference = _new_reference()
    account = ResidentAccount(
        reference=reference,
        email=email,
        person_id=person_id,
        tied_by=tied_by,
        password=make_password(password) if password else "",
    )
    account.full_clean()
    account.save()
    audit_event_record(
        actor=resident_actor(account),
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=ACCOUNT_OBJECT_TYPE,
        object_id=account.pk,
        subject_person_id=person_id,
        context={"tied_by": tied_by},
    )
    return account


@transaction.atomic
def sign_in_link_use(*, token: str) -> ResidentAccount:
    """Use up a link and return the account it opens, making the account on first use when the address is on
    exactly one person's records. Expired, used and unknown links raise LinkRefused."""
    link = sign_in_link_check(token=token)
    now = timezone.now()
    used = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if used != 1:  # another request used it first
        raise LinkRefused(_("This link has expired or has already been used."))
    account = _account_for_email(link.email)
    if account is None:
        people = people_holding_email(link.email)
        if len(people) != 1:
            raise LinkRefused(_("We could not match this address to one person. Ask us for an invitation code."))
        account = account_create(
            email=link.email, person_id=people.pop(), tied_by=ResidentAccount.TiedBy.EMAIL_ON_RECORD
        )
    return account


def password_sign_in(*, identifier: str, password: str) -> ResidentAccount:
    """The account for an email address or account reference and its password; raises SignInRefused."""
    identifier = identifier.strip()
    account = ResidentAccount.objects.filter(
        Q(email=normalise_email(identifier)) | Q(reference=identifier.upper())
    ).first()
    if account is None or not account.password or not check_password(password, account.password):
        # Run the hasher even for unknown accounts so timing does not tell them apart.
        if account is None:
            make_password(password)
        raise SignInRefused(_("The email address or account reference and password do not match."))
    return account


def account_signed_in(*, account: ResidentAccount) -> None:
    ResidentAccount.objects.filter(pk=account.pk).update(last_signed_in_at=timezone.now())


@transaction.atomic
def account_password_set(*, account: ResidentAccount, password: str) -> None:
    """Set (or change) the account's optional password; raises ValidationError when it is too weak."""
    validate_password(password)
    account.password = make_password(password)
    account.save(update_fields=["password"])
    audit_event_record(
        actor=resident_actor(account),
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=ACCOUNT_OBJECT_TYPE,
        object_id=account.pk,
        subject_person_id=account.person_id,
        changes={"password": ["(hidden)", "(set)"]},
    )


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    code: str  # shown once, to be handed to the resident; only its digest is kept


@transaction.atomic
def invitation_issue(*, actor: Actor, purpose: Purpose | str, person_id: int) -> IssuedInvitation:
    """A one-time code for a person whose identity a member of staff has checked. Audited against the person.
    Raises Person.DoesNotExist for no such person."""
    person = Person.objects.get(pk=live_person_id(person_id))
    code = _new_code()
    now = timezone.now()
    invitation = Invitation.objects.create(
        code_digest=digest(code),
        person=person,
        issued_by=actor.user,
        issued_by_label=actor.label,
        issued_at=now,
        expires_at=now + dt.timedelta(days=settings.TELLUS_PORTAL_INVITATION_DAYS),
    )
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.CREATE,
        object_type=INVITATION_OBJECT_TYPE,
        object_id=invitation.pk,
        subject_person_id=person.pk,
    )
    return IssuedInvitation(invitation=invitation, code=code)


@transaction.atomic
def invitation_redeem(*, code: str, email: str, password: str) -> ResidentAccount:
    """Open an account with an invitation code. An email address is optional; without one the resident signs in
    with the account reference and the password, which is then required. Raises PortalError or ValidationError."""
    invitation = Invitation.objects.select_for_update().filter(code_digest=digest(_clean_code(code))).first()
    if invitation is None or invitation.redeemed_at is not None or invitation.expires_at <= timezone.now():
        raise SignInRefused(_("This invitation code is not valid, has expired, or has been used."))
    email = normalise_email(email)
    if email and ResidentAccount.objects.filter(email=email).exists():
        raise PortalError(_("An account already uses this email address. Sign in with it instead."))
    if not email and not password:
        raise PortalError(_("Without an email address you need a password to sign in again."))
    if password:
        validate_password(password)
    account = account_create(
        email=email,
        person_id=live_person_id(invitation.person_id),
        tied_by=ResidentAccount.TiedBy.INVITATION,
        password=password,
    )
    invitation.redeemed_at = timezone.now()
    invitation.account = account
    invitation.save(update_fields=["redeemed_at", "account"])
    return account
