"""The portal's door to the rights app: a resident's own requests, always for the person their account is tied to."""

from __future__ import annotations

from django.db import transaction

from tellus.people.models import SourceRecord
from tellus.rights.consents import ConsentChoice, consent_choices, consent_give, consent_history, consent_withdraw
from tellus.rights.corrections import correction_ask, corrections_of_person
from tellus.rights.models import ConsentBy, ConsentRecord, CorrectionRequest, SubjectAccessRequest
from tellus.rights.services import ProducedCopy, subject_access_produce, subject_access_register

from .models import ResidentAccount
from .services import live_person_id, resident_actor


@transaction.atomic
def subject_access_for_resident(*, account: ResidentAccount) -> ProducedCopy:
    actor = resident_actor(account)
    request = subject_access_register(
        actor=actor, person_id=live_person_id(account.person_id), channel=SubjectAccessRequest.Channel.PORTAL
    )
    return subject_access_produce(actor=actor, request_id=request.pk)


def consent_change_for_resident(*, account: ResidentAccount, purpose_code: str, give: bool) -> None:
    """The resident gives or withdraws their own consent: one step either way. Raises ConsentError."""
    actor = resident_actor(account)
    change = consent_give if give else consent_withdraw
    change(actor=actor, person_id=live_person_id(account.person_id), purpose_code=purpose_code, by=ConsentBy.PERSON)


def consents_for_resident(*, account: ResidentAccount) -> list[ConsentChoice]:
    return consent_choices(live_person_id(account.person_id))


def consent_history_for_resident(*, account: ResidentAccount) -> list[ConsentRecord]:
    return consent_history(live_person_id(account.person_id))


def correction_ask_for_resident(*, account: ResidentAccount, record_id: int, field: str, words: str) -> None:
    """A resident flags a field of one of their own records. Raises CorrectionError (also for anyone else's record)."""
    correction_ask(
        actor=resident_actor(account),
        person_id=live_person_id(account.person_id),
        record_id=record_id,
        field=field,
        words=words,
    )


def corrections_for_resident(*, account: ResidentAccount) -> list[CorrectionRequest]:
    return list(corrections_of_person(live_person_id(account.person_id)))


def records_for_resident(*, account: ResidentAccount) -> list[SourceRecord]:
    person_id = live_person_id(account.person_id)
    return list(SourceRecord.objects.filter(person_id=person_id).select_related("source_system").order_by("id"))
