"""The post-transaction survey: offered once when a need is met, by a single-use link sent by email, text message
or printed on a letter; opened and answered by the person without signing in. Offered, opened and responded are
each recorded, so response rates are real."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tellus.common.sms import is_mobile, send_text
from tellus.demand.models import Need
from tellus.people.models import Occupancy, Person, Property, SourceRecord
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .models import (
    COMMENT_LENGTH,
    INVITATION_OBJECT_TYPE,
    NO_FIXED_ADDRESS,
    QUESTION_KEYS,
    RESPONSE_OBJECT_TYPE,
    Route,
    SurveyInvitation,
    SurveyLetter,
    SurveyResponse,
)
from .text import clean_text

TOKEN_BYTES = 24
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
OPEN_DAYS = 90  # how long the portal lists a survey not yet answered
logger = logging.getLogger(__name__)
SURVEY_ACTOR = Actor.system("resident, by survey link")
NOT_FIXED_KINDS = (Property.Kind.PSEUDO, Property.Kind.SHARED)


class SurveyError(Exception):
    """A link that cannot be used: unknown (forged or mistyped) or already answered."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def survey_url(token: str) -> str:
    return f"{settings.TELLUS_PUBLIC_URL}{reverse('feedback:survey', args=[token])}"


# The adjustments (tellus.inclusion's words, given with the route) a survey acts on: paper rather than a link, and
# how the printed letter is made.
PAPER_NOT_ONLINE = "paper_not_online"
LETTER_FORMATS = ("large_print", "easy_read", "braille", "audio")


@dataclass(frozen=True)
class Reach:
    """How the survey reaches a person and where they live, as their records and their correspondence route say.
    `address` is the email address or mobile number for those routes; a letter has `recipient` and
    `postal_address` (empty when there is nowhere to post it: the letter is handed over in person)."""

    route: Route
    address: str
    ward: str
    recipient: str = ""
    postal_address: str = ""
    formats: tuple[str, ...] = ()


def _route_finder() -> Callable[..., Any] | None:
    path = getattr(settings, "TELLUS_SURVEY_ROUTE_FINDER", "")
    return import_string(path) if path else None


def _ward(person_id: int) -> str:
    occupancy = (
        Occupancy.objects.filter(person_id=person_id, date_to__isnull=True)
        .select_related("property")
        .order_by("-date_from", "-id")
        .first()
    )
    if occupancy is None:
        return ""
    return NO_FIXED_ADDRESS if occupancy.property.kind in NOT_FIXED_KINDS else occupancy.property.ward


def person_reach(person_id: int | None) -> Reach | None:
    """How to offer this person the survey, or None when they must not be written to at all.

    Their correspondence route decides first (the system's letter routing, `TELLUS_SURVEY_ROUTE_FINDER`): none
    when correspondence has stopped; their representative's email, mobile or address when one receives their
    correspondence; the email or mobile they chose. Otherwise email if any record has one, else a text to a mobile
    number, else a printed letter to the route's address (home, care of, held for collection), or, with no
    address at all, a letter handed over when they next come in. A landline cannot take a text.

    The person's adjustments come with their route: "call, do not write" leaves no written route (no survey);
    "do not post to their home" hands the letter over; "paper or phone, not only online" sends a letter where an
    email or text from their records would have gone; large print, easy read, Braille and audio go with the letter
    to the print run (`formats`)."""
    if person_id is None:
        return None
    ward = _ward(person_id)
    finder = _route_finder()
    route: Any = finder(person_id=person_id) if finder is not None else None
    kind = getattr(route, "kind", "")
    if kind == "none":
        return None
    formats = tuple(getattr(route, "formats", ()) or ())
    if kind == "representative":
        if route.email:
            return Reach(Route.EMAIL, route.email, ward)
        if is_mobile(route.phone):
            return Reach(Route.SMS, route.phone, ward)
        return Reach(Route.LETTER, "", ward, route.recipient, route.address)
    if kind == "email" and route.email:
        return Reach(Route.EMAIL, route.email, ward)
    if kind == "phone":  # "phone them, do not post": a text to their mobile, and nothing on paper
        return Reach(Route.SMS, route.phone, ward) if is_mobile(route.phone) else None
    if PAPER_NOT_ONLINE not in formats:
        records = SourceRecord.objects.filter(person_id=person_id).values_list("email", "phone")
        emails = sorted({email for email, _phone in records if email})
        mobiles = sorted({phone for _email, phone in records if phone and is_mobile(phone)})
        if emails:
            return Reach(Route.EMAIL, emails[0], ward)
        if mobiles:
            return Reach(Route.SMS, mobiles[0], ward)
    can_post = kind in {"home", "care_of", "collect"}
    recipient = getattr(route, "recipient", "") or Person.objects.get(pk=person_id).display_name
    address = route.address if can_post and route is not None else ""
    return Reach(Route.LETTER, "", ward, recipient, address, formats=formats)


def letter_code() -> str:
    """A short code for a letter, typed by hand: ten characters with no 0/O or 1/I/L to mix up (about 50 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_token(token: str) -> str:
    """A letter's code as typed (any case, spaces or a dash) becomes the code; a link's long token is left as is."""
    squeezed = token.replace("-", "").replace(" ", "").upper()
    if len(squeezed) == CODE_LENGTH and all(c in CODE_ALPHABET for c in squeezed):
        return squeezed
    return token


def _send_email(address: str, token: str) -> None:
    send_mail(
        subject=_("Tell us how we did"),
        message=_(
            "We have finished dealing with what you asked us for. Would you tell us how we did? It takes two "
            "minutes, every question is optional, and the link works once:\n\n%(url)s\n"
        )
        % {"url": survey_url(token)},
        from_email=None,
        recipient_list=[address],
        fail_silently=True,  # a survey that cannot be sent must never undo the need being met
    )


def _send_text(number: str, token: str) -> None:
    body = _("We have finished what you asked us for. Tell us how we did (2 minutes, works once): %(url)s") % {
        "url": survey_url(token)
    }
    try:
        send_text(to=number, body=body)
    except Exception:  # a text that cannot be sent must never undo the need being met
        logger.exception("The survey text message could not be sent.")


def survey_offer_for_need(*, need: Need, actor: Actor, at: dt.datetime | None = None, **_: Any) -> str | None:
    """Offer the survey for a met need, once; returns the link's token (shown to no one but the person), or None
    when the need has no one to ask or was offered before. Called in the transaction that meets the need."""
    if need.person_id is None or SurveyInvitation.objects.filter(need=need).exists():
        return None
    first_contact = need.contacts.filter(is_first_contact_for_need=True).values_list("channel", "capacity").first()
    channel, capacity = first_contact or ("", "")
    reach = person_reach(need.person_id)
    if reach is None:
        return None  # correspondence has stopped, or they asked to be phoned and have no mobile
    token = letter_code() if reach.route == Route.LETTER else secrets.token_urlsafe(TOKEN_BYTES)
    invitation = SurveyInvitation.objects.create(
        need=need,
        person_id=need.person_id,
        service_id=need.service_id,
        channel=channel,
        capacity=capacity,
        ward=reach.ward,
        route=reach.route,
        token_digest=token_digest(token),
        offered_at=at or timezone.now(),
    )
    audit_events_record(
        actor=actor,
        purpose=Purpose.CASEWORK,
        entries=[
            AuditEntry(
                action=AuditAction.CREATE,
                object_type=INVITATION_OBJECT_TYPE,
                object_id=str(invitation.pk),
                subject_person_id=need.person_id,
                changes={"route": [None, reach.route.value], "need": [None, need.pk]},
            )
        ],
    )
    if reach.route == Route.EMAIL:
        transaction.on_commit(lambda: _send_email(reach.address, token))
    elif reach.route == Route.SMS:
        transaction.on_commit(lambda: _send_text(reach.address, token))
    else:  # printed in the next run (`tellus surveys letters`); the code is kept until then
        SurveyLetter.objects.create(
            invitation=invitation,
            code=token,
            recipient=reach.recipient,
            address=reach.postal_address,
            formats=",".join(f for f in reach.formats if f in LETTER_FORMATS),
        )
    return token


def _invitation_for(token: str, *, lock: bool = False) -> SurveyInvitation:
    token = normalise_token(token or "")
    if not token or len(token) > 100:
        raise SurveyError(_("This survey link is not right. Check it was copied in full."), status=404)
    queryset = SurveyInvitation.objects.select_related("service")
    if lock:
        queryset = queryset.select_for_update(of=("self",))  # not the service, which may be null
    try:
        invitation = queryset.get(token_digest=token_digest(token))
    except SurveyInvitation.DoesNotExist:
        raise SurveyError(_("This survey link is not right. Check it was copied in full."), status=404) from None
    if invitation.responded_at is not None:
        raise SurveyError(
            _("This survey has already been answered. Thank you: each link can be used once."), status=410
        )
    return invitation


@transaction.atomic
def survey_open(*, token: str, at: dt.datetime | None = None) -> SurveyInvitation:
    """The person followed their link: record the first opening. Raises SurveyError."""
    invitation = _invitation_for(token, lock=True)
    if invitation.opened_at is None:
        invitation.opened_at = at or timezone.now()
        invitation.save(update_fields=["opened_at"])
    return invitation


def clean_answers(answers: dict[str, Any]) -> dict[str, int | None]:
    """Each driver 1 to 5 or empty; anything else is refused with the question named."""
    cleaned: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    unknown = set(answers) - set(QUESTION_KEYS)
    if unknown:
        raise ValidationError({key: _("There is no question called that.") for key in sorted(unknown)})
    for key in QUESTION_KEYS:
        value = answers.get(key)
        if value in (None, ""):
            cleaned[key] = None
            continue
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 5:
            errors[key] = _("Choose one of the five answers, from strongly disagree to strongly agree.")
            continue
        cleaned[key] = int(text)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def survey_respond(
    *,
    token: str,
    answers: dict[str, Any],
    comment: str = "",
    wants_updates: bool = False,
    at: dt.datetime | None = None,
) -> SurveyResponse:
    """Save the person's answers, once per link. Raises SurveyError for a used or unknown link and
    ValidationError for answers off the scale or a comment too long; nothing is written then."""
    invitation = _invitation_for(token, lock=True)
    return _respond(invitation, answers=answers, comment=comment, wants_updates=wants_updates, at=at)


def surveys_open_for_resident(*, person_ids: list[int]) -> list[SurveyInvitation]:
    """The signed-in resident's surveys not yet answered (their own, and those of records merged into them), newest
    first: what the portal lists. Offered within the last OPEN_DAYS days."""
    since = timezone.now() - dt.timedelta(days=OPEN_DAYS)
    return list(
        SurveyInvitation.objects.filter(person_id__in=person_ids, responded_at__isnull=True, offered_at__gte=since)
        .select_related("service")
        .order_by("-offered_at", "-id")
    )


def _resident_invitation(invitation_id: int, person_ids: list[int], *, lock: bool) -> SurveyInvitation:
    queryset = SurveyInvitation.objects.select_related("service")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        invitation = queryset.get(pk=invitation_id, person_id__in=person_ids)
    except SurveyInvitation.DoesNotExist:
        raise SurveyError(_("There is no survey of yours with that number."), status=404) from None
    if invitation.responded_at is not None:
        raise SurveyError(_("You have already answered this survey. Thank you."), status=410)
    return invitation


@transaction.atomic
def survey_open_for_resident(*, invitation_id: int, person_ids: list[int]) -> SurveyInvitation:
    """A signed-in resident opened one of their own surveys in the portal. Raises SurveyError (404 for anyone
    else's, 410 once answered)."""
    invitation = _resident_invitation(invitation_id, person_ids, lock=True)
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        invitation.save(update_fields=["opened_at"])
    return invitation


@transaction.atomic
def survey_respond_for_resident(
    *,
    invitation_id: int,
    person_ids: list[int],
    answers: dict[str, Any],
    comment: str = "",
    wants_updates: bool = False,
) -> SurveyResponse:
    """A signed-in resident answers one of their own surveys in the portal: the same checks and the same one
    response as by the link (which then says it has been answered)."""
    invitation = _resident_invitation(invitation_id, person_ids, lock=True)
    return _respond(invitation, answers=answers, comment=comment, wants_updates=wants_updates, at=None)


def _respond(
    invitation: SurveyInvitation,
    *,
    answers: dict[str, Any],
    comment: str,
    wants_updates: bool,
    at: dt.datetime | None,
) -> SurveyResponse:
    cleaned = clean_answers(answers)
    text = clean_text(comment, limit=COMMENT_LENGTH, field="comment")
    if all(value is None for value in cleaned.values()) and not text:
        raise ValidationError({"__all__": _("Answer at least one question or write a comment before sending.")})
    now = at or timezone.now()
    invitation.opened_at = invitation.opened_at or now
    invitation.responded_at = now
    invitation.save(update_fields=["opened_at", "responded_at"])
    response = SurveyResponse(
        invitation=invitation,
        comment=text,
        wants_updates=bool(wants_updates) and invitation.person_id is not None,
        responded_at=now,
        service_id=invitation.service_id,
        channel=invitation.channel,
        ward=invitation.ward,
        capacity=invitation.capacity,
        **cleaned,
    )
    response.full_clean()
    response.save()
    audit_events_record(
        actor=SURVEY_ACTOR,
        purpose=Purpose.SERVICE_MANAGEMENT,
        entries=[
            AuditEntry(
                action=AuditAction.CREATE,
                object_type=RESPONSE_OBJECT_TYPE,
                object_id=str(response.pk),
                subject_person_id=invitation.person_id,
                changes={"answered": [None, sorted(k for k, v in cleaned.items() if v is not None)]},
            )
        ],
    )
    return response
