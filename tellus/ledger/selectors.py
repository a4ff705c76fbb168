"""Reads of the ledger. A staff read of anyone's statement goes through `statement_for_staff`, which writes its audit
entries (one per person the statement names) in the same transaction; residents read only their own."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.db import transaction
from django.db.models import Q

from tellus.capacities.models import Capacity, PersonCapacity
from tellus.catalogue.models import Service
from tellus.people.models import Household, Person
from tellus.people.selectors import person_live
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, AuditEntry, audit_events_record

from .distributions import COLUMNS, age_band, empty_frame
from .models import STATEMENT_OBJECT_TYPE, Contribution, ContributionKind, FinancialYear, ServiceUse
from .rules import LedgerRules, rules_load
from .statements import (
    ZERO,
    Apportionment,
    Line,
    Statement,
    apportionment_make,
    contribution_line,
    pennies,
    statement_assemble,
    texts,
    use_line,
)

# Needs drivers (health, life events, resilience, capability) come from Inclusion, an app on this app's own floor,
# so this app cannot import it: a higher floor registers the source (insight's AppConfig.ready()). Given people
# and a year's first and last day, the source returns the drivers of each person's needs held during the year.
NeedsDriversSource = Callable[[Collection[int], dt.date, dt.date], Mapping[int, Collection[str]]]
_needs_drivers_source: list[NeedsDriversSource] = []
NO_NEEDS_RECORDED = "No needs recorded"
NEEDS_NOT_KNOWN = "Needs not known"


def needs_drivers_register(source: NeedsDriversSource) -> None:
    """Where distributions find each person's needs drivers; registering again replaces the source."""
    _needs_drivers_source[:] = [source]


def _needs_drivers(person_ids: Collection[int], year: FinancialYear) -> Mapping[int, Collection[str]] | None:
    if not _needs_drivers_source:
        return None
    return _needs_drivers_source[0](person_ids, year.starts_on, year.ends_on)


CONTRIBUTION_FIELDS = (
    "payer_person_id",
    "payer_household_id",
    "kind",
    "description",
    "amount",
    "paid_on",
    "row_number",
    "source_reference",
    "import_run__file_name",
    "payer_record__source_key",
    "payer_record__source_system__title",
)
USE_FIELDS = (
    "person_id",
    "household_id",
    "quantity",
    "unit_cost",
    "amount",
    "used_on",
    "need_id",
    "row_number",
    "source_reference",
    "import_run__file_name",
    "service__name",
    "service__group",
    "service__unit",
)
Membership = tuple[int, int]  # (household id, person id)


def financial_years() -> list[FinancialYear]:
    return list(FinancialYear.objects.all())


def financial_year_get(slug: str | None = None) -> FinancialYear | None:
    """The year named by its slug (2025-26), or the latest year when none is named. None when there is no such year."""
    years = financial_years()
    if not slug:
        return years[0] if years else None
    return next((year for year in years if year.slug == slug or year.label == slug), None)


def _memberships(household_ids: Iterable[int] | None = None) -> list[Membership]:
    through = Household.members.through.objects.all()
    if household_ids is not None:
        through = through.filter(household_id__in=list(household_ids))
    return list(through.order_by("household_id", "person_id").values_list("household_id", "person_id"))


def apportionment_for(rules: LedgerRules) -> Apportionment:
    names = {
        code: (name, group)
        for code, name, group in Service.objects.filter(code__in=rules.shared_codes).values_list(
            "code", "name", "group"
        )
    }
    return apportionment_make(
        rules,
        households=Household.objects.count(),
        residents=Household.members.through.objects.values("person_id").distinct().count(),
        services=names,
    )


def _lines(
    year: FinancialYear, *, people: set[int] | None, households: set[int] | None, currency: str
) -> tuple[list[tuple[dict, Line]], list[tuple[dict, Line]]]:
    kinds = {str(k.value): str(k.label) for k in ContributionKind}
    contributions = Contribution.objects.filter(year=year)
    uses = ServiceUse.objects.filter(year=year)
    if people is not None and households is not None:
        # Two indexed reads joined, rather than one OR that SQLite answers by reading the whole year.
        contributions = contributions.filter(
            pk__in=list(
                contributions.filter(payer_person__in=people)
                .order_by()
                .values_list("pk", flat=True)
                .union(contributions.filter(payer_household__in=households).order_by().values_list("pk", flat=True))
            )
        )
        uses = uses.filter(
            pk__in=list(
                uses.filter(person__in=people)
                .order_by()
                .values_list("pk", flat=True)
                .union(uses.filter(household__in=households).order_by().values_list("pk", flat=True))
            )
        )
    else:
        contributions = contributions.filter(payer_organisation__isnull=True)
    words = texts()
    given = [
        (row, contribution_line(row, kinds, words)) for row in contributions.values(*CONTRIBUTION_FIELDS).iterator()
    ]
    taken = [(row, use_line(row, currency, words)) for row in uses.values(*USE_FIELDS).iterator()]
    return given, taken


def _household_titles(ids: Iterable[int]) -> dict[int, str]:
    return {
        household.pk: household.property.one_line()
        for household in Household.objects.filter(pk__in=list(ids)).select_related("property")
    }


def household_statements(
    year: FinancialYear, *, household_ids: Iterable[int] | None = None, rules: LedgerRules | None = None
) -> dict[int, Statement]:
    """Statements for these households (every household when None), in a handful of queries whatever their number."""
    rules = rules or rules_load()
    wanted = set(household_ids) if household_ids is not None else None
    memberships = _memberships(wanted)
    members: dict[int, list[int]] = defaultdict(list)
    home: dict[int, int] = {}
    for household_id, person_id in memberships:
        members[household_id].append(person_id)
        home.setdefault(person_id, household_id)
    ids = wanted if wanted is not None else set(Household.objects.values_list("pk", flat=True))
    given, taken = _lines(
        year,
        people=set(home) if wanted is not None else None,
        households=ids if wanted is not None else None,
        currency=rules.currency_symbol,
    )
    contributed: dict[int, list[Line]] = defaultdict(list)
    received: dict[int, list[Line]] = defaultdict(list)
    for row, line in given:
        owner = row["payer_household_id"] or home.get(row["payer_person_id"])
        if owner is not None:
            contributed[owner].append(line)
    for row, line in taken:
        owner = row["household_id"] or home.get(row["person_id"])
        if owner is not None:
            received[owner].append(line)
    apportionment = apportionment_for(rules)
    names = dict(Person.objects.filter(pk__in=list(home)).values_list("pk", "display_name")) if wanted else {}
    titles = _household_titles(ids) if wanted is not None else {}
    return {
        household_id: statement_assemble(
            year_label=year.label,
            subject="household",
            title=titles.get(household_id, ""),
            currency=rules.currency_symbol,
            members=[names.get(p, "") for p in members[household_id]] if names else [],
            contributed=contributed[household_id],
            received=received[household_id],
            shared=apportionment.household_lines(len(members[household_id])),
        )
        for household_id in sorted(ids)
    }


def person_statement(year: FinancialYear, *, person_id: int, rules: LedgerRules | None = None) -> Statement:
    """One person's own statement: what they paid, what they received, and their part of the shared services."""
    rules = rules or rules_load()
    person = Person.objects.get(pk=person_id)
    households = list(
        Household.members.through.objects.filter(person_id=person_id).values_list("household_id", flat=True)
    )
    size = Household.members.through.objects.filter(household_id__in=households[:1]).count() if households else 1
    given, taken = _lines(year, people={person_id}, households=set(), currency=rules.currency_symbol)
    return statement_assemble(
        year_label=year.label,
        subject="person",
        title=person.display_name,
        currency=rules.currency_symbol,
        members=[person.display_name],
        contributed=[line for _, line in given],
        received=[line for _, line in taken],
        shared=apportionment_for(rules).person_lines(size),
    )


def _audit_statement(
    *, actor: Actor, purpose: Purpose | str, people: Sequence[int | None], subject: str, pk: int, year: FinancialYear
) -> None:
    audit_events_record(
        actor=actor,
        purpose=purpose,
        entries=[
            AuditEntry(
                action=AuditAction.VIEW,
                object_type=STATEMENT_OBJECT_TYPE,
                object_id=f"{subject}:{pk}:{year.slug}",
                subject_person_id=person_id,
            )
            for person_id in (people or [None])
        ],
    )


def statement_for_staff(
    *,
    actor: Actor,
    purpose: Purpose | str,
    year: FinancialYear,
    person_id: int | None = None,
    household_id: int | None = None,
) -> Statement:
    """A person's or a household's statement for staff, audited: one VIEW entry for each person it names.
    Raises Person.DoesNotExist or Household.DoesNotExist (writing nothing) when there is no such subject."""
    with transaction.atomic():
        if person_id is not None:
            person = person_live(Person.objects.get(pk=person_id))
            statement = person_statement(year, person_id=person.pk)
            _audit_statement(
                actor=actor, purpose=purpose, people=[person.pk], subject="person", pk=person.pk, year=year
            )
            return statement
        if household_id is None:
            raise Household.DoesNotExist
        household = Household.objects.get(pk=household_id)
        statement = household_statements(year, household_ids=[household.pk])[household.pk]
        people = list(household.members.values_list("pk", flat=True))
        _audit_statement(actor=actor, purpose=purpose, people=people, subject="household", pk=household.pk, year=year)
        return statement


def statement_for_resident(*, person_id: int, year: FinancialYear) -> Statement:
    """A resident's own statement, for the portal: only the lines whose payer or user is them."""
    return person_statement(year, person_id=person_id)


def household_of(person_id: int) -> int | None:
    return (
        Household.members.through.objects.filter(person_id=person_id)
        .order_by("household_id")
        .values_list("household_id", flat=True)
        .first()
    )


# --- Aggregates: nothing below names a person ------------------------------------------------------------------


@dataclass(frozen=True)
class RatesShare:
    group: str
    spent: Decimal
    per_hundred: Decimal  # of every 100 of rates
    apportioned: bool  # whether any of it is shared services


@dataclass(frozen=True)
class WhereRatesGo:
    year: FinancialYear
    currency: str
    rates_collected: Decimal
    households: int
    spent: Decimal
    shares: list[RatesShare]


def where_rates_go(year: FinancialYear, rules: LedgerRules | None = None) -> WhereRatesGo:
    """What the council spent on the services people received in the year, by family of services, as a share of
    every 100 of rates: direct services at their unit costs from the ledger, shared services at their annual cost
    from the apportionment rule. Aggregates only."""
    rules = rules or rules_load()
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    apportioned: set[str] = set()
    # Summed here, as Decimals: SQLite's SUM() would add floats.
    for group, amount in ServiceUse.objects.filter(year=year).values_list("service__group", "amount").iterator():
        spent[group] += amount
    groups = dict(Service.objects.filter(code__in=rules.shared_codes).values_list("code", "group"))
    for rule in rules.shared:
        group = groups.get(rule.service_code, "Shared services")
        spent[group] += rule.annual_cost
        apportioned.add(group)
    total = sum(spent.values(), ZERO)
    rates = sum(
        Contribution.objects.filter(year=year, kind=ContributionKind.GENERAL_RATES).values_list("amount", flat=True),
        ZERO,
    )
    shares = [
        RatesShare(
            group=group,
            spent=amount,
            per_hundred=pennies(amount * 100 / total) if total else ZERO,
            apportioned=group in apportioned,
        )
        for group, amount in sorted(spent.items(), key=lambda item: (-item[1], item[0]))
    ]
    return WhereRatesGo(
        year=year,
        currency=rules.currency_symbol,
        rates_collected=rates or ZERO,
        households=Household.objects.count(),
        spent=total,
        shares=shares,
    )


def estimate_for_bill(breakdown: WhereRatesGo, bill: Decimal) -> list[tuple[str, Decimal]]:
    """A bill shared out as the council's spending is: each family of services' part, to the penny."""
    return [(share.group, pennies(bill * share.per_hundred / 100)) for share in breakdown.shares]


def distribution_frame(year: FinancialYear, *, rules: LedgerRules | None = None) -> pd.DataFrame:
    """One row per household: its ward, the age band of its eldest member at the year's end, the capacities its
    members held in the year, the needs drivers of its members' needs held in the year (FCA FG21/1: health, life
    events, resilience, capability; a household may have several), and what it contributed and received (direct and
    shared) as exact Decimals. For analysis only: no names, and no need finer than its driver."""
    rules = rules or rules_load()
    members: dict[int, list[int]] = defaultdict(list)
    home: dict[int, int] = {}
    for household_id, person_id in _memberships():
        members[household_id].append(person_id)
        home.setdefault(person_id, household_id)
    totals = _household_totals(year, home=home, members=members, rules=rules)
    if not totals:
        return empty_frame()
    wards = dict(Household.objects.values_list("pk", "property__ward"))
    births = dict(Person.objects.filter(households__isnull=False).values_list("pk", "date_of_birth"))
    held: dict[int, set[str]] = defaultdict(set)
    for person_id, capacity in (
        PersonCapacity.objects.filter(person__households__isnull=False)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=year.ends_on))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=year.starts_on))
        .values_list("person_id", "capacity")
        .distinct()
    ):
        held[person_id].add(str(Capacity(capacity).label))
    drivers = _needs_drivers(list(home), year)
    rows = []
    for household_id, (contributed, received, _by_group) in totals.items():
        ages = [_age(born, year.ends_on) for p in members[household_id] if (born := births.get(p)) is not None]
        household_drivers = (
            sorted({d for p in members[household_id] for d in drivers.get(p, ())}) or [NO_NEEDS_RECORDED]
            if drivers is not None
            else [NEEDS_NOT_KNOWN]
        )
        rows.append(
            {
                "household_id": household_id,
                "ward": wards.get(household_id) or "Not known",
                "age_band": age_band(max(ages) if ages else None),
                "capacities": sorted({c for p in members[household_id] for c in held[p]}) or ["None recorded"],
                "needs_driver": household_drivers,
                "contributed": contributed,
                "received": received,
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _household_totals(
    year: FinancialYear, *, home: dict[int, int], members: dict[int, list[int]], rules: LedgerRules
) -> dict[int, tuple[Decimal, Decimal, dict[str, Decimal]]]:
    """Each household's contributed and received (direct + shared) totals, and its direct receipts by family of
    services: the same sums as its statement, without building the statement's lines."""
    ids = sorted(Household.objects.values_list("pk", flat=True))
    given: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for person_id, household_id, amount in (
        Contribution.objects.filter(year=year, payer_organisation__isnull=True)
        .values_list("payer_person_id", "payer_household_id", "amount")
        .iterator()
    ):
        owner = household_id or home.get(person_id)
        if owner is not None:
            given[owner] += amount
    by_group: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for person_id, household_id, group, amount in (
        ServiceUse.objects.filter(year=year)
        .values_list("person_id", "household_id", "service__group", "amount")
        .iterator()
    ):
        owner = household_id or home.get(person_id)
        if owner is not None:
            by_group[owner][group] += amount
    apportionment = apportionment_for(rules)
    shared: dict[int, Decimal] = {}
    totals = {}
    for household_id in ids:
        size = len(members[household_id])
        if size not in shared:
            shared[size] = sum((line.amount for line in apportionment.household_lines(size)), ZERO)
        groups = dict(by_group.get(household_id, {}))
        totals[household_id] = (given[household_id], sum(groups.values(), ZERO) + shared[size], groups)
    return totals


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
