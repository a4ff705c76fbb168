"""The portal's door to the rights app: a resident's own requests, always for the person their account is tied to."""

from __future__ import annotations

from django.db import transaction

from tellus.rights.models import SubjectAccessRequest
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
