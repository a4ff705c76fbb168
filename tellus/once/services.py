"""Every write of Tell us once: reporting a change, the reporter's choice per service, delivering (with retries,
dead letters and the staff alert), acknowledgements, and the subscribers administrators manage. Each write is atomic
and audited in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tellus.people.models import Person, Property, Representative
from tellus.people.selectors import representatives_active
from tellus.people.services import (
    person_correspondence_stop,
    person_details_told,
    person_no_fixed_address_set,
    representative_create,
)
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from . import receiver
from .models import (
    CHANGE_OBJECT_TYPE,
    DELIVERY_OBJECT_TYPE,
    SUBSCRIBER_OBJECT_TYPE,
    Acknowledgement,
    ChangeReport,
    Delivery,
    DeliveryAttempt,
    EventType,
    ReportedBy,
    ShareChoice,
    Subscriber,
    all_field_names,
    new_secret,
)
from .rules import event_field_names, payload_for, proposals

logger = logging.getLogger(__name__)


class OnceError(Exception):
    """A change cannot be reported, chosen or delivered as asked; the message is for the person who asked."""


class NotAllowed(OnceError):
    """The reporter may not report for this person."""


class AcknowledgementRefused(Exception):
    """A callback that is not signed by the subscriber, is too old, or names no delivery of theirs."""


@dataclass(frozen=True)
class Reporter:
    """Who is telling us: the person, someone acting for them (with their relationship), or staff on their behalf."""

    by: ReportedBy
    actor: Actor
    name: str = ""
    relationship: str = ""  # "self", or a Representative.Relationship value
    email: str = ""
    account_id: int | None = None
    account_person_id: int | None = None  # the person the reporter's own portal account is tied to


# --- who may report for whom ---------------------------------------------------------------------------------------


def may_report_for(*, reporter_person_id: int, person_id: int, event_type: str) -> bool:
    """A resident may report for themself (anything but their own death), for anyone they act for, and a death of
    someone in their household or whom they represent in any way (next of kin, executor)."""
    if reporter_person_id == person_id:
        return event_type != EventType.DEATH
    active = [
        r for r in representatives_active(person_id=person_id) if r.representative_person_id == reporter_person_id
    ]
    if any(r.can_act for r in active):
        return True
    if event_type == EventType.DEATH:
        if active:
            return True
        return Person.objects.filter(pk=person_id, households__members__pk=reporter_person_id).exists()
    return False


# --- the facts of a change ------------------------------------------------------------------------------------------


def resolve_address(*, postcode: str, address_line_1: str) -> Property:
    """The property in the council's gazetteer at this postcode whose first line matches. Raises OnceError."""
    from tellus.common.text import normalise_postcode

    wanted = normalise_postcode(postcode)
    line = " ".join(address_line_1.split()).lower()
    if not wanted or not line:
        raise OnceError(_("Enter the first line of the address and its postcode."))
    for candidate in Property.objects.filter(postcode=wanted):
        if candidate.address_line_1.lower() == line or candidate.address_line_1.lower().startswith(line):
            return candidate
    raise OnceError(
        _(
            "We could not find that address in the council's area. Check the first line and postcode, or say the "
            "person has moved out of the area."
        )
    )


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def change_details(*, event_type: str, data: dict[str, Any], today: dt.date | None = None) -> tuple[dict, dt.date]:
    """Check the facts of one kind of change and return (details, effective date). Raises OnceError."""
    today = today or timezone.localdate()
    effective_on: dt.date = data.get("effective_on") or today
    if effective_on > today + dt.timedelta(days=366):
        raise OnceError(_("The date is too far in the future."))
    details: dict[str, Any] = {}
    if event_type == EventType.ADDRESS:
        if data.get("moved_out_of_area"):
            if not (data.get("new_address") or "").strip():
                raise OnceError(_("Enter the new address outside the area."))
            details = {
                "new_address": data["new_address"].strip(),
                "new_postcode": (data.get("new_postcode") or "").strip().upper(),
                "moved_out_of_area": True,
            }
        else:
            prop = resolve_address(
                postcode=data.get("new_postcode") or "", address_line_1=data.get("new_address") or ""
            )
            line = ", ".join(p for p in (prop.address_line_1, prop.address_line_2, prop.locality) if p)
            details = {
                "new_address": line,
                "new_postcode": prop.postcode,
                "property_reference": prop.reference,
                "moved_out_of_area": False,
            }
    elif event_type == EventType.DEATH:
        died = data.get("date_of_death")
        if not died:
            raise OnceError(_("Enter the date they died."))
        if died > today:
            raise OnceError(_("The date of death must be today or in the past."))
        details = {"date_of_death": died.isoformat()}
        effective_on = died
    elif event_type == EventType.BIRTH:
        born = data.get("child_date_of_birth")
        if not (data.get("child_name") or "").strip() or not born:
            raise OnceError(_("Enter the baby's name and date of birth."))
        if born > today:
            raise OnceError(_("The date of birth must be today or in the past."))
        details = {"child_name": data["child_name"].strip(), "child_date_of_birth": born.isoformat()}
        effective_on = born
    elif event_type == EventType.NAME:
        if not (data.get("new_name") or "").strip():
            raise OnceError(_("Enter the new name."))
        new_name = " ".join(data["new_name"].split())
        given, _sep, family = new_name.rpartition(" ")
        if len(new_name) > 300 or len(given) > 150 or len(family) > 150:
            raise OnceError(_("Enter a shorter name: at most 150 letters for the given names and for the surname."))
        details = {"new_name": new_name}
    elif event_type == EventType.CONTACT:
        email, phone = (data.get("email") or "").strip(), (data.get("phone") or "").strip()
        if not email and not phone:
            raise OnceError(_("Enter a new email address or phone number."))
        details = {k: v for k, v in (("email", email.lower()), ("phone", phone)) if v}
    elif event_type == EventType.NO_FIXED_ADDRESS:
        route = (data.get("contact_route") or "").strip()
        if not route:
            raise OnceError(_("Say how services can reach them: a phone number, an email address, or a place."))
        details = {"contact_route": route}
    elif event_type == EventType.REPRESENTATIVE:
        name = (data.get("representative_name") or "").strip()
        relationship = data.get("representative_relationship") or ""
        if not name or relationship not in Representative.Relationship.values:
            raise OnceError(_("Enter the representative's name and relationship."))
        details = {
            "representative_name": name,
            "representative_relationship": relationship,
            "representative_contact": (data.get("representative_contact") or "").strip(),
        }
    else:
        raise OnceError(_("That is not a change we can be told about."))
    return details, effective_on


def facts_of(report: ChangeReport) -> dict[str, Any]:
    """Everything the change could share: the person's identifying fields and the change's own."""
    person = report.person
    facts: dict[str, Any] = {
        "person_reference": f"P{person.pk}",
        "name": person.display_name,
        "date_of_birth": _iso(person.date_of_birth),
        "effective_on": _iso(report.effective_on),
        **report.details,
    }
    if report.event_type == EventType.NAME:
        facts["previous_name"] = person.display_name
    return {k: v for k, v in facts.items() if k in event_field_names(report.event_type)}


# --- reporting and choosing -----------------------------------------------------------------------------------------


@transaction.atomic
def change_report(
    *, person: Person, event_type: str, data: dict[str, Any], reporter: Reporter, purpose: Purpose | str
) -> ChangeReport:
    """Record a change as a draft with what each service would be told; nothing is sent until it is confirmed.
    Raises NotAllowed or OnceError, writing nothing."""
    if event_type not in EventType.values:
        raise OnceError(_("That is not a change we can be told about."))
    if person.merged_into_id is not None:
        raise OnceError(_("That record has been merged into another; report the change on the other."))
    if reporter.by == ReportedBy.PERSON and reporter.account_person_id != person.pk:
        raise NotAllowed(_("You can only report your own changes here."))
    if reporter.by == ReportedBy.REPRESENTATIVE and not (
        reporter.account_person_id is not None
        and may_report_for(reporter_person_id=reporter.account_person_id, person_id=person.pk, event_type=event_type)
    ):
        raise NotAllowed(_("You cannot report this change for this person."))
    if reporter.by == ReportedBy.STAFF and not reporter.name.strip():
        raise OnceError(_("Enter the name of the person who told you."))
    if event_type == EventType.DEATH and reporter.by != ReportedBy.PERSON and reporter.relationship == "self":
        raise OnceError(_("Say how the person telling us is related."))
    if (
        event_type == EventType.DEATH
        and person.date_of_death
        and ChangeReport.objects.filter(
            person=person, event_type=EventType.DEATH, status=ChangeReport.Status.CONFIRMED
        ).exists()
    ):
        raise OnceError(_("We have already been told about this death."))
    details, effective_on = change_details(event_type=event_type, data=data)
    report = ChangeReport.objects.create(
        person=person,
        event_type=event_type,
        details=details,
        effective_on=effective_on,
        reported_by=reporter.by,
        reporter_label=reporter.actor.label,
        reporter_name=reporter.name.strip(),
        reporter_relationship=reporter.relationship,
        reporter_email=reporter.email.strip(),
        reporter_account_id=reporter.account_id,
        notice_version=settings.TELLUS_ONCE_NOTICE_VERSION,
    )
    facts = facts_of(report)
    ShareChoice.objects.bulk_create(
        ShareChoice(
            report=report,
            subscriber=p.subscriber,
            fields=list(p.fields),
            reason=p.reason,
            purpose=f"tell-us-once:{event_type}",
            notice_version=report.notice_version,
        )
        for p in proposals(person=person, event_type=event_type, facts=facts)
    )
    audit_event_record(
        actor=reporter.actor,
        purpose=purpose,
        action=AuditAction.CREATE,
        object_type=CHANGE_OBJECT_TYPE,
        object_id=report.pk,
        subject_person_id=person.pk,
        context={"event_type": event_type, "reported_by": reporter.by, "relationship": reporter.relationship},
    )
    return report


def _new_message_id() -> str:
    return f"msg_{secrets.token_hex(12)}"


@transaction.atomic
def change_confirm(
    *, report_id: int, agreed: set[int], reporter: Reporter, purpose: Purpose | str, status_url: str = ""
) -> ChangeReport:
    """The reporter's choice per service, recorded like a consent; the agreed services get a delivery each, queued
    in this same transaction (so none is lost). A death stops correspondence at once and records the reporter as a
    representative. Raises OnceError."""
    report = ChangeReport.objects.select_for_update().select_related("person").get(pk=report_id)
    if report.status != ChangeReport.Status.DRAFT:
        raise OnceError(_("This change has already been sent."))
    if report.reporter_label != reporter.actor.label:
        raise NotAllowed(_("Only the person who reported this change can confirm it."))
    now = timezone.now()
    choices = list(report.choices.select_related("subscriber"))
    unknown = agreed - {c.subscriber_id for c in choices}
    if unknown:
        raise OnceError(_("Choose only from the services listed."))
    facts = facts_of(report)
    for choice in choices:
        choice.agreed = choice.subscriber_id in agreed
    # Two plain UPDATEs (yes, no): bulk_update's CASE expression took longer to build than the rest of confirming.
    chosen = {"chosen_at": now, "chosen_by": reporter.by, "chosen_by_label": reporter.actor.label}
    ShareChoice.objects.filter(report=report, subscriber_id__in=agreed).update(agreed=True, **chosen)
    ShareChoice.objects.filter(report=report).exclude(subscriber_id__in=agreed).update(agreed=False, **chosen)
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            report=report,
            subscriber=c.subscriber,
            message_id=_new_message_id(),
            payload={"type": f"person.{report.event_type}", "data": payload_for(c.subscriber, facts)},
            next_attempt_at=now,
        )
        for c in choices
        if c.agreed
    )
    report.status = ChangeReport.Status.CONFIRMED
    report.confirmed_at = now
    report.save(update_fields=["status", "confirmed_at"])
    _apply_to_person(report=report, reporter=reporter, purpose=purpose)
    audit_event_record(
        actor=reporter.actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=CHANGE_OBJECT_TYPE,
        object_id=report.pk,
        subject_person_id=report.person_id,
        changes={"status": [ChangeReport.Status.DRAFT, ChangeReport.Status.CONFIRMED]},
        context={
            "agreed": sorted(c.subscriber.code for c in choices if c.agreed),
            "declined": sorted(c.subscriber.code for c in choices if not c.agreed),
            "notice_version": report.notice_version,
        },
    )
    _enqueue_many(deliveries)
    if report.reporter_email:
        transaction.on_commit(lambda: _confirmation_email(report.pk, status_url))
    return report


def _apply_to_person(*, report: ChangeReport, reporter: Reporter, purpose: Purpose | str) -> None:
    person = report.person
    if report.event_type == EventType.DEATH:
        person_correspondence_stop(person=person, reason="Told of their death", actor=reporter.actor, purpose=purpose)
        if reporter.by != ReportedBy.PERSON and reporter.name:
            relationship = reporter.relationship
            if relationship not in Representative.Relationship.values:
                relationship = Representative.Relationship.NEXT_OF_KIN
            is_executor = relationship == Representative.Relationship.EXECUTOR
            representative_create(
                person=person,
                representative_person=(
                    Person.objects.filter(pk=reporter.account_person_id).first() if reporter.account_person_id else None
                ),
                name=reporter.name,
                email=reporter.email,
                relationship=relationship,
                starts_on=timezone.localdate(),
                can_view=True,
                can_act=is_executor,
                receives_correspondence=is_executor,
                evidence=_("Told us of the death through Tell us once"),
                actor=reporter.actor,
                purpose=purpose,
            )
    elif report.event_type in (EventType.ADDRESS, EventType.NAME, EventType.CONTACT):
        _own_copy(report=report, reporter=reporter, purpose=purpose)
    if report.event_type == EventType.NO_FIXED_ADDRESS:
        person_no_fixed_address_set(person=person, no_fixed_address=True, actor=reporter.actor, purpose=purpose)
    elif report.event_type == EventType.ADDRESS and person.no_fixed_address and not report.details["moved_out_of_area"]:
        person_no_fixed_address_set(person=person, no_fixed_address=False, actor=reporter.actor, purpose=purpose)
    elif report.event_type == EventType.REPRESENTATIVE:
        d = report.details
        representative_create(
            person=person,
            name=d["representative_name"],
            relationship=d["representative_relationship"],
            starts_on=report.effective_on,
            can_view=True,
            evidence=_("Told us through Tell us once"),
            actor=reporter.actor,
            purpose=purpose,
        )


def _own_copy(*, report: ChangeReport, reporter: Reporter, purpose: Purpose | str) -> None:
    """Tellus's own copy of the person takes a new name, address or contact details at once, whichever services
    the reporter chose to tell (people writes it, audited)."""
    d = report.details
    if report.event_type == EventType.NAME:
        person_details_told(
            person=report.person, effective_on=report.effective_on, actor=reporter.actor, purpose=purpose,
            name=d["new_name"],
        )  # fmt: skip
    elif report.event_type == EventType.CONTACT:
        person_details_told(
            person=report.person, effective_on=report.effective_on, actor=reporter.actor, purpose=purpose,
            email=d.get("email"), phone=d.get("phone"),
        )  # fmt: skip
    else:
        new_property = None
        if not d.get("moved_out_of_area") and d.get("property_reference"):
            new_property = Property.objects.filter(reference=d["property_reference"]).first()
        person_details_told(
            person=report.person, effective_on=report.effective_on, actor=reporter.actor, purpose=purpose,
            address=d["new_address"], postcode=d.get("new_postcode", ""), new_property=new_property,
        )  # fmt: skip


def _confirmation_email(report_id: int, status_url: str) -> None:
    from django.template.loader import render_to_string

    report = ChangeReport.objects.select_related("person").get(pk=report_id)
    deliveries = list(report.deliveries.select_related("subscriber"))
    context = {"report": report, "deliveries": deliveries, "status_url": status_url}
    subject = (
        _("We have been told of a death: who we are letting know")
        if report.is_death
        else _("Your change: who we are telling")
    )
    send_mail(
        subject,
        render_to_string("once/confirmation_email.txt", context),
        None,
        [report.reporter_email],
        fail_silently=True,
    )


# --- delivering ----------------------------------------------------------------------------------------------------


def backoff_seconds(attempt: int) -> float:
    """Wait after the attempt-th failed try: base * 2**(attempt-1), capped: 30 s, 1, 2, 4, 8 ... min, at most 6 h."""
    base = float(settings.TELLUS_ONCE_BACKOFF_SECONDS)
    return float(min(base * 2 ** (attempt - 1), float(settings.TELLUS_ONCE_BACKOFF_CAP_SECONDS)))


def _enqueue(delivery: Delivery, *, run_after: dt.datetime | None) -> None:
    from .tasks import deliver

    task = deliver.using(run_after=run_after) if run_after is not None else deliver
    result = task.enqueue(delivery.pk)
    Delivery.objects.filter(pk=delivery.pk).update(task_id=str(result.id))


def _enqueue_many(deliveries: list[Delivery]) -> None:
    """A task for each new delivery, and each delivery's task id written back with one UPDATE."""
    from .tasks import deliver

    for delivery in deliveries:
        delivery.task_id = str(deliver.enqueue(delivery.pk).id)
    if not deliveries:
        return
    # One prepared UPDATE run for every delivery (executemany), in the caller's transaction.
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(Delivery._meta.db_table)} SET {quote('task_id')} = %s WHERE {quote('id')} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(d.task_id, d.pk) for d in deliveries])


@dataclass(frozen=True)
class Outcome:
    kind: str  # "sent", "retry", "refused", "actioned"
    status_code: int | None = None
    error: str = ""
    retry_after: float | None = None


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take a lease on a due delivery: one compare-and-set UPDATE, so two workers never both send it."""
    lease = now + dt.timedelta(seconds=float(settings.TELLUS_ONCE_LEASE_SECONDS))
    claimed = (
        Delivery.objects.filter(
            pk=delivery_id, status=Delivery.Status.PENDING, dead_lettered_at__isnull=True, next_attempt_at__lte=now
        )
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease, attempts=F("attempts") + 1)
    )
    return claimed == 1


def webhook_request(subscriber: Subscriber, delivery: Delivery, *, at: dt.datetime) -> urllib.request.Request:
    body = json.dumps(delivery.payload, sort_keys=True, separators=(",", ":"))
    headers = receiver.sign(subscriber.secret, body, message_id=delivery.message_id, at=at)
    headers["user-agent"] = "Tellus-TellUsOnce/1"
    return urllib.request.Request(subscriber.url, data=body.encode(), headers=headers, method="POST")  # noqa: S310


def _post(subscriber: Subscriber, delivery: Delivery) -> Outcome:
    request = webhook_request(subscriber, delivery, at=timezone.now())
    try:
        with urllib.request.urlopen(request, timeout=settings.TELLUS_ONCE_TIMEOUT_SECONDS) as response:  # noqa: S310
            return Outcome("sent", int(response.status))
    except urllib.error.HTTPError as exc:
        code = int(exc.code)
        if code == 429 or code >= 500:
            retry_after = exc.headers.get("Retry-After") if exc.headers else None
            seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
            return Outcome("retry", code, f"HTTP {code}", seconds)
        return Outcome("refused", code, f"HTTP {code}: not retried")
    except TimeoutError:
        return Outcome("retry", None, "timed out")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Outcome("retry", None, f"could not connect: {reason}"[:500])


def _internal(delivery: Delivery) -> Outcome:
    """A council service in Tellus: its update is recorded against the person (audited) and it is actioned."""
    with transaction.atomic():
        audit_event_record(
            actor=Actor.system(f"once:{delivery.subscriber.code}"),
            purpose=Purpose.ADMINISTRATION,
            action=AuditAction.UPDATE,
            object_type=DELIVERY_OBJECT_TYPE,
            object_id=delivery.pk,
            subject_person_id=delivery.report.person_id,
            context={"service": delivery.subscriber.code, "change": delivery.report.event_type},
        )
    return Outcome("actioned")


def delivery_attempt(delivery_id: int) -> str:
    """One try at a delivery, if it is due and no other worker holds it. Returns what happened, in a word.

    Five statements on the common path: the lease (one compare-and-set UPDATE), the delivery read, and after the
    POST one transaction that writes the attempt and the outcome. A worker killed between the lease and that
    transaction leaves no attempt row; its lease runs out and the sweep queues the delivery again."""
    started = timezone.now()
    if not _claim(delivery_id, started):
        return "not due"
    delivery = Delivery.objects.select_related("subscriber", "report").get(pk=delivery_id)
    subscriber = delivery.subscriber
    if subscriber.kind == Subscriber.Kind.INTERNAL:
        outcome = _internal(delivery)
    elif not subscriber.is_active:
        outcome = Outcome("refused", None, "the subscriber is switched off")
    else:
        outcome = _post(subscriber, delivery)
    _record_outcome(delivery_id, delivery.attempts, started, outcome)
    return outcome.kind


@transaction.atomic
def _record_outcome(delivery_id: int, number: int, started: dt.datetime, outcome: Outcome) -> None:
    now = timezone.now()
    DeliveryAttempt.objects.create(
        delivery_id=delivery_id,
        number=number,
        started_at=started,
        finished_at=now,
        status_code=outcome.status_code,
        outcome=outcome.kind,
        error=outcome.error,
    )
    if outcome.kind in ("sent", "actioned"):
        # One UPDATE that cannot undo an acknowledgement which came back while the POST was in flight: the status
        # only moves on from pending, and the times are kept if already set.
        done: dict[str, Any] = {
            "lease_until": None,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error,
            "sent_at": Coalesce(F("sent_at"), Value(now)),
        }
        if outcome.kind == "actioned":
            done |= {"status": Delivery.Status.ACTIONED, "actioned_at": Coalesce(F("actioned_at"), Value(now))}
        else:
            done["status"] = Case(
                When(status=Delivery.Status.PENDING, then=Value(Delivery.Status.SENT)), default=F("status")
            )
        Delivery.objects.filter(pk=delivery_id).update(**done)
        return
    delivery = Delivery.objects.select_for_update().select_related("subscriber", "report").get(pk=delivery_id)
    delivery.lease_until = None
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.kind == "retry" and delivery.attempts < settings.TELLUS_ONCE_MAX_ATTEMPTS:
        wait = max(backoff_seconds(delivery.attempts), outcome.retry_after or 0)
        delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
        delivery.save()
        _enqueue(delivery, run_after=delivery.next_attempt_at)
        return
    _dead_letter(delivery, now)
    delivery.save()


def _dead_letter(delivery: Delivery, now: dt.datetime) -> None:
    delivery.status = Delivery.Status.FAILED
    delivery.dead_lettered_at = now
    audit_event_record(
        actor=Actor.system("once:worker"),
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=DELIVERY_OBJECT_TYPE,
        object_id=delivery.pk,
        subject_person_id=delivery.report.person_id,
        changes={"status": [Delivery.Status.PENDING, Delivery.Status.FAILED]},
        context={"dead_lettered": True, "attempts": delivery.attempts, "error": delivery.last_error},
    )
    pk = delivery.pk
    transaction.on_commit(lambda: _alert_staff(pk))


def _alert_staff(delivery_id: int) -> None:
    from django.contrib.auth import get_user_model

    delivery = Delivery.objects.select_related("subscriber").get(pk=delivery_id)
    to = set(settings.TELLUS_ONCE_ALERT_EMAILS)
    to |= {
        u.email
        for u in get_user_model()
        .objects.filter(
            Q(groups__permissions__codename="change_delivery") | Q(user_permissions__codename="change_delivery"),
            is_active=True,
        )
        .exclude(email="")
    }
    logger.warning("Tell us once: delivery %s to %s dead-lettered", delivery.message_id, delivery.subscriber.code)
    if to:
        send_mail(
            _("Tell us once: a delivery to %(service)s has failed") % {"service": delivery.subscriber.name},
            _(
                "Delivery %(id)s to %(service)s failed after %(attempts)s attempts (%(error)s). It is on the "
                "dead-letter list in the console, where it can be retried."
            )
            % {
                "id": delivery.message_id,
                "service": delivery.subscriber.name,
                "attempts": delivery.attempts,
                "error": delivery.last_error,
            },
            None,
            sorted(to),
            fail_silently=True,
        )


@transaction.atomic
def delivery_retry(*, delivery_id: int, actor: Actor, purpose: Purpose | str) -> Delivery:
    """Staff send a dead-lettered delivery again: its attempts start afresh, with the same webhook-id."""
    delivery = Delivery.objects.select_for_update().select_related("report").get(pk=delivery_id)
    if delivery.dead_lettered_at is None:
        raise OnceError(_("Only a failed delivery can be retried."))
    before = delivery.status
    delivery.status = Delivery.Status.PENDING
    delivery.dead_lettered_at = None
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.lease_until = None
    delivery.save()
    audit_event_record(
        actor=actor,
        purpose=purpose,
        action=AuditAction.UPDATE,
        object_type=DELIVERY_OBJECT_TYPE,
        object_id=delivery.pk,
        subject_person_id=delivery.report.person_id,
        changes={"status": [before, Delivery.Status.PENDING]},
        context={"retried": True},
    )
    _enqueue(delivery, run_after=None)
    return delivery


def deliveries_recover(*, now: dt.datetime | None = None) -> int:
    """Queue again every delivery a worker took and never finished (it was killed, or lost its database): the
    lease has run out and the delivery is still pending. The same webhook-id goes again, so the subscriber can tell
    it is a repeat. Returns how many were queued."""
    now = now or timezone.now()
    stale = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, dead_lettered_at__isnull=True, lease_until__lt=now
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in stale:
        with transaction.atomic():
            updated = Delivery.objects.filter(pk=pk, lease_until__lt=now).update(lease_until=None, next_attempt_at=now)
            if updated:
                _enqueue(Delivery(pk=pk), run_after=None)
    # A task taken by a killed worker before it leased its delivery leaves the delivery due with no lease and a
    # task that will never finish: queue those again too. (A delivery merely waiting its turn has a READY task.)
    from django_tasks_db.models import DBTaskResult

    grace = now - dt.timedelta(seconds=float(settings.TELLUS_ONCE_LEASE_SECONDS))
    orphaned = dict(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            dead_lettered_at__isnull=True,
            lease_until__isnull=True,
            next_attempt_at__lt=grace,
        ).values_list("pk", "task_id")[:1000]
    )
    tasks = {
        str(task_id): (status, started_at)
        for task_id, status, started_at in DBTaskResult.objects.filter(
            id__in=[t for t in orphaned.values() if t]
        ).values_list("id", "status", "started_at")
    }
    for pk, task_id in orphaned.items():
        status, started_at = tasks.get(task_id, ("", None))
        if status == "READY" or (status == "RUNNING" and started_at is not None and started_at > grace):
            continue
        with transaction.atomic():
            _enqueue(Delivery(pk=pk), run_after=None)
        stale.append(pk)
    return len(stale)


# --- acknowledgements -----------------------------------------------------------------------------------------------


@transaction.atomic
def acknowledgement_record(*, subscriber_code: str, body: bytes, headers: dict[str, str]) -> Delivery:
    """A subscriber's signed callback: "received" or "actioned". A repeat of the same callback changes nothing.
    Raises AcknowledgementRefused for a bad signature, an old timestamp, or a delivery not theirs."""
    subscriber = Subscriber.objects.filter(code=subscriber_code, kind=Subscriber.Kind.WEBHOOK).first()
    if subscriber is None or not subscriber.secret:
        raise AcknowledgementRefused("unknown subscriber")
    try:
        data = Webhook(subscriber.secret).verify(body, headers)
    except (WebhookVerificationError, ValueError, TypeError) as exc:
        raise AcknowledgementRefused(str(exc) or "bad signature") from None
    if not isinstance(data, dict) or data.get("status") not in receiver.ACK_STATUSES:
        raise AcknowledgementRefused("status must be received or actioned")
    delivery = (
        Delivery.objects.select_for_update()
        .filter(message_id=str(data.get("delivery", "")), subscriber=subscriber)
        .select_related("report")
        .first()
    )
    if delivery is None:
        raise AcknowledgementRefused("no such delivery")
    callback_id = {k.lower(): v for k, v in headers.items()}["webhook-id"][:100]
    if Acknowledgement.objects.filter(callback_id=callback_id).exists():
        return delivery
    Acknowledgement.objects.create(
        delivery=delivery, callback_id=callback_id, status=data["status"], note=str(data.get("note", ""))[:500]
    )
    now = timezone.now()
    before = delivery.status
    if data["status"] == "actioned":
        delivery.status = Delivery.Status.ACTIONED
        delivery.actioned_at = delivery.actioned_at or now
        delivery.received_at = delivery.received_at or now
    elif delivery.status != Delivery.Status.ACTIONED:
        delivery.status = Delivery.Status.RECEIVED
        delivery.received_at = delivery.received_at or now
    delivery.sent_at = delivery.sent_at or now
    delivery.dead_lettered_at = None
    delivery.save(update_fields=["status", "actioned_at", "received_at", "sent_at", "dead_lettered_at"])
    audit_event_record(
        actor=Actor.system(f"once:{subscriber.code}"),
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=DELIVERY_OBJECT_TYPE,
        object_id=delivery.pk,
        subject_person_id=delivery.report.person_id,
        changes={"status": [before, delivery.status]},
    )
    return delivery


# --- subscribers ----------------------------------------------------------------------------------------------------


def _check_subscriber(*, kind: str, url: str, event_types: list[str], entitled_fields: list[str]) -> None:
    if kind not in Subscriber.Kind.values:
        raise OnceError(_("Choose a kind of subscriber."))
    if kind == Subscriber.Kind.WEBHOOK:
        parts = urlsplit(url)
        allowed = {"https", "http"} if settings.TELLUS_ONCE_ALLOW_HTTP else {"https"}
        if parts.scheme not in allowed or not parts.hostname:
            raise OnceError(
                _("The address must start with https://.")
                if "http" not in allowed
                else _("The address must be an http:// or https:// web address.")
            )
        if not settings.TELLUS_ONCE_ALLOW_HTTP and parts.scheme != "https":
            raise OnceError(_("The address must start with https://."))
    unknown_types = set(event_types) - set(EventType.values)
    if unknown_types or not event_types:
        raise OnceError(_("Choose at least one kind of change, from the list."))
    unknown_fields = set(entitled_fields) - set(all_field_names())
    if unknown_fields:
        raise OnceError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown_fields))})


@transaction.atomic
def subscriber_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    purpose: str,
    event_types: list[str],
    entitled_fields: list[str],
    url: str = "",
    source_system_id: int | None = None,
    service_code: str = "",
) -> tuple[Subscriber, str]:
    """A new subscriber and its signing secret, which is returned here once and never shown again."""
    _check_subscriber(kind=kind, url=url, event_types=event_types, entitled_fields=entitled_fields)
    if Subscriber.objects.filter(code=code).exists():
        raise OnceError(_("There is already a subscriber with that code."))
    secret = new_secret() if kind == Subscriber.Kind.WEBHOOK else ""
    subscriber = Subscriber(
        code=code,
        name=name.strip(),
        kind=kind,
        url=url.strip() if kind == Subscriber.Kind.WEBHOOK else "",
        secret=secret,
        event_types=sorted(event_types),
        entitled_fields=sorted(entitled_fields),
        source_system_id=source_system_id,
        service_code=service_code,
        purpose=purpose.strip(),
    )
    subscriber.full_clean(exclude=["url"])
    subscriber.save()
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.CREATE,
        object_type=SUBSCRIBER_OBJECT_TYPE,
        object_id=subscriber.pk,
        context=_subscriber_state(subscriber),
    )
    return subscriber, secret


def _subscriber_state(s: Subscriber) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "url": s.url,
        "event_types": s.event_types,
        "entitled_fields": s.entitled_fields,
        "is_active": s.is_active,
    }


@transaction.atomic
def subscriber_update(
    *,
    actor: Actor,
    subscriber_id: int,
    name: str,
    url: str,
    purpose: str,
    event_types: list[str],
    entitled_fields: list[str],
    is_active: bool,
) -> Subscriber:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber_id)
    _check_subscriber(kind=subscriber.kind, url=url, event_types=event_types, entitled_fields=entitled_fields)
    before = _subscriber_state(subscriber)
    subscriber.name = name.strip()
    subscriber.url = url.strip() if subscriber.kind == Subscriber.Kind.WEBHOOK else ""
    subscriber.purpose = purpose.strip()
    subscriber.event_types = sorted(event_types)
    subscriber.entitled_fields = sorted(entitled_fields)
    subscriber.is_active = is_active
    subscriber.save()
    after = _subscriber_state(subscriber)
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=SUBSCRIBER_OBJECT_TYPE,
        object_id=subscriber.pk,
        changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
    )
    return subscriber


@transaction.atomic
def subscriber_secret_rotate(*, actor: Actor, subscriber_id: int) -> str:
    """A new signing secret, returned once; the old one stops working at once."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber_id)
    if subscriber.kind != Subscriber.Kind.WEBHOOK:
        raise OnceError(_("Only a partner system has a secret."))
    subscriber.secret = new_secret()
    subscriber.secret_rotated_at = timezone.now()
    subscriber.save(update_fields=["secret", "secret_rotated_at"])
    audit_event_record(
        actor=actor,
        purpose=Purpose.ADMINISTRATION,
        action=AuditAction.UPDATE,
        object_type=SUBSCRIBER_OBJECT_TYPE,
        object_id=subscriber.pk,
        changes={"secret": ["(old)", "(rotated)"]},
    )
    return subscriber.secret
