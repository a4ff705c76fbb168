"""A give-and-take statement: what a person or household contributed in a financial year, what it received directly,
and its share of the services everyone receives together. Plain data and arithmetic on exact decimals; the
selectors read the rows and call these."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .rules import LedgerRules, SharedService

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


def pennies(value: Decimal) -> Decimal:
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    """One line of a statement and where it came from."""

    date: dt.date | None
    description: str
    group: str  # the catalogue's family of services, or the kind of contribution
    detail: str  # how the amount was worked out, in words
    amount: Decimal
    source: str  # the record it traces to
    apportioned: bool = False


@dataclass
class Statement:
    """What one person or household gave and received in one financial year."""

    year_label: str
    subject: str  # "person" or "household"
    title: str  # "Ana Ruiz" or "Household at 3 Mill Lane"
    currency: str
    members: list[str] = field(default_factory=list)
    contributed: list[Line] = field(default_factory=list)
    received: list[Line] = field(default_factory=list)
    shared: list[Line] = field(default_factory=list)

    @property
    def contributed_total(self) -> Decimal:
        return sum((line.amount for line in self.contributed), ZERO)

    @property
    def received_total(self) -> Decimal:
        return sum((line.amount for line in self.received), ZERO)

    @property
    def shared_total(self) -> Decimal:
        return sum((line.amount for line in self.shared), ZERO)

    @property
    def received_all(self) -> Decimal:
        return self.received_total + self.shared_total

    @property
    def difference(self) -> Decimal:
        """Received less contributed: positive when the council spent more on them than they paid in."""
        return self.received_all - self.contributed_total

    @property
    def difference_abs(self) -> Decimal:
        return abs(self.difference)

    def received_by_group(self) -> list[tuple[str, Decimal]]:
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in self.received:
            totals[line.group] += line.amount
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))

    def contributed_by_kind(self) -> list[tuple[str, Decimal]]:
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for line in self.contributed:
            totals[line.group] += line.amount
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class Apportionment:
    """The shares of each shared service for the year: what one household and one resident receive."""

    households: int
    residents: int
    services: tuple[tuple[SharedService, str, str], ...]  # (rule, service name, service group)
    currency: str
    by_size: dict[int, list[Line]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def per_household(self, rule: SharedService) -> Decimal:
        return pennies(rule.annual_cost / self.households) if self.households else ZERO

    def per_resident(self, rule: SharedService) -> Decimal:
        return pennies(rule.annual_cost / self.residents) if self.residents else ZERO

    def household_lines(self, size: int) -> list[Line]:
        """A household's shares; the same for every household of a size, so worked out once for each size."""
        if size not in self.by_size:
            self.by_size[size] = self._household_lines(size)
        return list(self.by_size[size])

    def _household_lines(self, size: int) -> list[Line]:
        lines = []
        for rule, name, group in self.services:
            if rule.basis == "resident":
                amount = pennies(self.per_resident(rule) * max(size, 1))
                detail = _(
                    "%(cur)s%(cost)s for the year shared between %(n)s residents; %(size)s in this household"
                ) % {"cur": self.currency, "cost": rule.annual_cost, "n": f"{self.residents:,}", "size": max(size, 1)}
            else:
                amount = self.per_household(rule)
                detail = _("%(cur)s%(cost)s for the year shared equally between %(n)s households") % {
                    "cur": self.currency,
                    "cost": rule.annual_cost,
                    "n": f"{self.households:,}",
                }
            lines.append(self._line(rule, name, group, amount, detail))
        return lines

    def person_lines(self, size: int) -> list[Line]:
        """One person's part: a resident's share, or their household's share divided by the people in it."""
        lines = []
        for rule, name, group in self.services:
            if rule.basis == "resident":
                amount = self.per_resident(rule)
                detail = _("%(cur)s%(cost)s for the year shared between %(n)s residents") % {
                    "cur": self.currency,
                    "cost": rule.annual_cost,
                    "n": f"{self.residents:,}",
                }
            else:
                amount = pennies(self.per_household(rule) / max(size, 1))
                detail = _("one household's share (%(cur)s%(share)s) divided between the %(size)s people in it") % {
                    "cur": self.currency,
                    "share": self.per_household(rule),
                    "size": max(size, 1),
                }
            lines.append(self._line(rule, name, group, amount, detail))
        return lines

    def _line(self, rule: SharedService, name: str, group: str, amount: Decimal, detail: str) -> Line:
        return Line(
            date=None,
            description=name,
            group=group,
            detail=detail,
            amount=amount,
            source=_("Apportioned by the council's rule: %(why)s") % {"why": rule.explanation},
            apportioned=True,
        )


def apportionment_make(
    rules: LedgerRules, *, households: int, residents: int, services: Mapping[str, tuple[str, str]]
) -> Apportionment:
    """`services`: catalogue code -> (name, group). A shared service not in the catalogue keeps its code as name."""
    chosen = tuple(
        (rule, *services.get(rule.service_code, (rule.service_code, _("Shared services")))) for rule in rules.shared
    )
    return Apportionment(households=households, residents=residents, services=chosen, currency=rules.currency_symbol)


@functools.cache
def _texts(language: str) -> dict[str, str]:
    return {
        "file": _("%(file)s, row %(row)s, reference %(ref)s"),
        "account": _("; %(system)s account %(key)s"),
        "use": _("%(q)s × %(cur)s%(cost)s (%(unit)s)"),  # noqa: RUF001
        "one unit": _("one unit"),
        "need": _("Need %(id)s, met on %(day)s"),
    }


def texts() -> dict[str, str]:
    """The lines' words, translated once for a whole run of lines rather than once a line."""
    return _texts(translation.get_language() or "")


def contribution_line(
    row: Mapping[str, Any], kind_labels: Mapping[str, str], words: Mapping[str, str] | None = None
) -> Line:
    words = words or texts()
    source = words["file"] % {
        "file": row["import_run__file_name"],
        "row": row["row_number"],
        "ref": row["source_reference"],
    }
    if row.get("payer_record__source_key"):
        source += words["account"] % {
            "system": row["payer_record__source_system__title"],
            "key": row["payer_record__source_key"],
        }
    return Line(
        date=row["paid_on"],
        description=str(row["description"]),
        group=kind_labels[str(row["kind"])],
        detail="",
        amount=row["amount"],
        source=source,
    )


def use_line(row: Mapping[str, Any], currency: str, words: Mapping[str, str] | None = None) -> Line:
    words = words or texts()
    quantity = row["quantity"]
    detail = words["use"] % {
        "q": quantity.normalize() if isinstance(quantity, Decimal) else quantity,
        "cur": currency,
        "cost": row["unit_cost"],
        "unit": row["service__unit"] or words["one unit"],
    }
    if row.get("need_id"):
        source = words["need"] % {"id": row["need_id"], "day": row["used_on"]}
    else:
        source = words["file"] % {
            "file": row["import_run__file_name"],
            "row": row["row_number"],
            "ref": row["source_reference"],
        }
    return Line(
        date=row["used_on"],
        description=str(row["service__name"]),
        group=str(row["service__group"]),
        detail=detail,
        amount=row["amount"],
        source=source,
    )


def statement_assemble(
    *,
    year_label: str,
    subject: str,
    title: str,
    currency: str,
    members: Iterable[str],
    contributed: Iterable[Line],
    received: Iterable[Line],
    shared: Iterable[Line],
) -> Statement:
    def by_date(line: Line) -> tuple[dt.date, str]:
        return (line.date or dt.date.min, line.description)

    return Statement(
        year_label=year_label,
        subject=subject,
        title=title,
        currency=currency,
        members=list(members),
        contributed=sorted(contributed, key=by_date),
        received=sorted(received, key=by_date),
        shared=list(shared),
    )
