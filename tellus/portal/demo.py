"""Residents with accounts in the demo town, so the portal can be tried straight away."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from tellus.people.models import Person, SourceRecord

from .models import ResidentAccount
from .services import account_create, people_holding_email

CANDIDATES = 50


@dataclass(frozen=True)
class DemoResident:
    sign_in_as: str
    description: str


def _with_most_records_and_an_email() -> tuple[Person, str] | None:
    people = (
        Person.objects.filter(merged_into__isnull=True, source_records__email__gt="")
        .annotate(records=Count("source_records", distinct=True))
        .order_by("-records", "pk")[:CANDIDATES]
    )
    for person in people:
        emails = SourceRecord.objects.filter(person=person, email__gt="").values_list("email", flat=True).distinct()
        for email in emails:
            if len(people_holding_email(email)) == 1:
                return person, email.strip().lower()
    return None


def _with_most_records_and_no_email() -> Person | None:
    return (
        Person.objects.filter(merged_into__isnull=True)
        .exclude(source_records__email__gt="")
        .annotate(records=Count("source_records"))
        .order_by("-records", "pk")
        .first()
    )


@transaction.atomic
def demo_residents_create(*, password: str) -> list[DemoResident]:
    """One resident tied by an email on their records, one with no email (as if given an invitation code), both
    with the demo's password. Returns what to print beside the staff logins."""
    made = []
    found = _with_most_records_and_an_email()
    if found is not None:
        person, email = found
        account_create(
            email=email, person_id=person.pk, tied_by=ResidentAccount.TiedBy.EMAIL_ON_RECORD, password=password
        )
        records = person.source_records.count()
        made.append(DemoResident(email, f"{person.display_name}, {records} records; or ask for an email link"))
    no_email = _with_most_records_and_no_email()
    if no_email is not None:
        account = account_create(
            email="", person_id=no_email.pk, tied_by=ResidentAccount.TiedBy.INVITATION, password=password
        )
        records = no_email.source_records.count()
        made.append(DemoResident(account.reference, f"{no_email.display_name}, {records} records, no email address"))
    return made
