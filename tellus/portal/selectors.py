"""What a signed-in resident reads about themselves. A resident reading their own record is not a staff read: it
writes no staff audit entry, and it only ever reads the person their account is tied to."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tellus.capacities.models import CAPACITY_MEANINGS, Capacity, PersonCapacity
from tellus.demand.models import OPEN_STATUSES, Contact, Need
from tellus.people.audit_trail import audit_events_about_person
from tellus.people.models import Person, SourceRecord, SourceSystem
from tellus.privacy.models import AuditAction, AuditEvent, Purpose, User

from .models import ResidentAccount
from .services import live_person_id

# How each kind of system is named to a resident: "The library knows you as …".
SYSTEM_KIND_WORDS: dict[str, str | Promise] = {
    SourceSystem.Kind.RATES: _("The rates team"),
    SourceSystem.Kind.ELECTORAL_ROLL: _("The electoral register"),
    SourceSystem.Kind.LIBRARY: _("The library"),
    SourceSystem.Kind.ANIMAL_REGISTRATION: _("Animal registration"),
    SourceSystem.Kind.CRM: _("The contact centre"),
    SourceSystem.Kind.HOUSING: _("Housing and community care"),
}

# What an audit entry was about, in a resident's words.
OBJECT_WORDS: dict[str, str | Promise] = {
    "people.person": _("your record"),
    "people.sourcerecord": _("one of your records in a council system"),
    "capacities.personcapacity": _("how the council deals with you"),
    "demand.contact": _("your contacts with the council"),
    "demand.need": _("one of your requests"),
    "privacy.auditevent": _("the list of who has looked at your record"),
    "linkage.candidatepair": _("whether two records are both you"),
    "portal.residentaccount": _("your account on this site"),
    "portal.invitation": _("an invitation code for this site"),
    "rights.subjectaccessrequest": _("a copy of all your data (subject access)"),
    "rights.consentrecord": _("your consents"),
    "rights.correctionrequest": _("a correction you asked for"),
    "rights.legalhold": _("a legal hold that stops your data being erased"),
}


def resident_person(account: ResidentAccount) -> Person:
    """The person the account is tied to, following any merge since."""
    return Person.objects.get(pk=live_person_id(account.person_id))


@dataclass(frozen=True)
class SystemHolding:
    """One council system's record of the resident, ready to read out in plain words."""

    lead: str
    system_title: str
    owning_team: str
    name: str
    date_of_birth: dt.date | None
    address: str
    email: str
    phone: str
    reference: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True)
class MyCapacity:
    label: str
    meaning: str
    since: dt.date | None


@dataclass(frozen=True)
class MyRecord:
    person: Person
    holdings: list[SystemHolding] = field(default_factory=list)
    capacities: list[MyCapacity] = field(default_factory=list)
    open_needs: list[Need] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


def _holding(record: SourceRecord) -> SystemHolding:
    system = record.source_system
    return SystemHolding(
        lead=str(SYSTEM_KIND_WORDS.get(system.kind, system.title)),
        system_title=system.title,
        owning_team=system.owning_team,
        name=record.display_name(),
        date_of_birth=record.date_of_birth,
        address=record.address,
        email=record.email,
        phone=record.phone,
        reference=record.source_key,
        valid_from=record.valid_from,
        valid_to=record.valid_to,
    )


def my_capacities(person_id: int, on: dt.date) -> list[MyCapacity]:
    rows = PersonCapacity.objects.filter(person_id=person_id).order_by("valid_from")
    current: dict[str, dt.date | None] = {}
    for row in rows:
        if (row.valid_from is None or row.valid_from <= on) and (row.valid_to is None or row.valid_to >= on):
            earlier = current.get(row.capacity, row.valid_from)
            current[row.capacity] = None if earlier is None or row.valid_from is None else min(earlier, row.valid_from)
    return [
        MyCapacity(label=str(capacity.label), meaning=str(CAPACITY_MEANINGS[capacity]), since=current[capacity.value])
        for capacity in Capacity
        if capacity.value in current
    ]


def my_record(*, account: ResidentAccount, contact_limit: int = 50) -> MyRecord:
    person = resident_person(account)
    records = (
        SourceRecord.objects.filter(person=person)
        .select_related("source_system")
        .order_by("source_system__title", "source_key")
    )
    return MyRecord(
        person=person,
        holdings=[_holding(r) for r in records],
        capacities=my_capacities(person.pk, timezone.localdate()),
        open_needs=list(
            Need.objects.filter(person=person, status__in=OPEN_STATUSES)
            .select_related("service")
            .order_by("-opened_at")
        ),
        contacts=list(
            Contact.objects.filter(person=person)
            .select_related("need", "service")
            .order_by("-occurred_at", "-id")[:contact_limit]
        ),
    )


# --- Who has looked at my record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LookedEntry:
    occurred_at: dt.datetime
    action: str
    what: str
    who: str
    team: str
    role: str
    purpose: str


@dataclass(frozen=True)
class Withheld:
    exemption: str
    count: int


@dataclass(frozen=True)
class WhoLooked:
    page: Page[LookedEntry]
    withheld: list[Withheld]

    @property
    def withheld_total(self) -> int:
        return sum(w.count for w in self.withheld)


def _purpose_words(value: str) -> str:
    try:
        return str(Purpose(value).label)
    except ValueError:
        return value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class _Staff:
    name: str
    team: str
    role: str


def _staff(user_ids: set[int]) -> dict[int, _Staff]:
    """Each member of staff's name, team and roles, as they are now (the team and roles they looked in)."""
    users = User.objects.filter(pk__in=user_ids).prefetch_related("groups")
    return {
        u.pk: _Staff(
            name=u.get_full_name() or u.username,
            team=u.team,
            role=", ".join(sorted(g.name for g in u.groups.all())) or str(_("Staff")),
        )
        for u in users
    }


def _who(event: AuditEvent, account: ResidentAccount, staff: dict[int, _Staff]) -> tuple[str, str, str]:
    """Who made the entry, their team and their role, in a resident's words."""
    if event.actor_id is None:
        if event.actor_label == f"resident:{account.reference}":
            return str(_("You")), "", ""
        if event.actor_label.startswith("resident:"):
            return str(_("Another resident's account")), "", ""
        return str(_("A council system")), "", event.actor_label
    member = staff.get(event.actor_id, _Staff(name="", team="", role=str(_("Staff"))))
    officer = member.name if settings.TELLUS_PORTAL_SHOW_OFFICER_NAMES else str(_("A member of staff"))
    return officer, member.team, member.role


def who_looked(*, account: ResidentAccount, page: int | str | None = 1, page_size: int = 25) -> WhoLooked:
    """Every audit entry about the resident, newest first, in their words; entries made for an exempt purpose
    (a council setting maps purposes to the exemption that allows withholding them) are counted, not shown."""
    person_id = live_person_id(account.person_id)
    exemptions: dict[str, str] = settings.TELLUS_PORTAL_EXEMPT_PURPOSES
    events = audit_events_about_person(person_id)
    withheld_counts = Counter(events.filter(purpose__in=list(exemptions)).values_list("purpose", flat=True).order_by())
    shown = events.exclude(purpose__in=list(exemptions))
    paginator = Paginator(shown, page_size)
    current = paginator.get_page(page)
    rows = list(current.object_list)
    staff = _staff({e.actor_id for e in rows if e.actor_id is not None})
    entries = []
    for event in rows:
        who, team, role = _who(event, account, staff)
        entries.append(
            LookedEntry(
                occurred_at=event.occurred_at,
                action=str(AuditAction(event.action).label) if event.action in AuditAction.values else event.action,
                what=str(OBJECT_WORDS.get(event.object_type, _("your data"))),
                who=who,
                team=team,
                role=role,
                purpose=_purpose_words(event.purpose),
            )
        )
    withheld = [Withheld(exemption=exemptions[p], count=n) for p, n in sorted(withheld_counts.items())]
    return WhoLooked(page=Page(entries, current.number, paginator), withheld=withheld)  # type: ignore[arg-type]


def account_rows(person_id: int) -> list[dict[str, object]]:
    """The person's own accounts, for their subject access copy (never the password hash)."""
    return [
        {
            "reference": a.reference,
            "email": a.email,
            "has_password": bool(a.password),
            "opened_by": a.tied_by,
            "created_at": a.created_at,
            "last_signed_in_at": a.last_signed_in_at,
        }
        for a in ResidentAccount.objects.filter(person_id=person_id)
    ]
