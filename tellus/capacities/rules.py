"""Capacity rules: read from a TOML file a council can read, and evaluated by plain functions over plain rows.

Nothing here touches the database. `selectors.capacity_facts` turns a person's records and occupancies into
`PersonFacts`; `derive_capacities` applies the rules to them; `services.capacities_refresh` writes the result.
docs/capacities.md explains the file's vocabulary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from .models import Capacity

DEFAULT_RULES_PATH = Path(__file__).resolve().parent / "rules.toml"

OCCUPANCY = "occupancy"
ANY_RECORD = "any"
SOURCES_OTHER_THAN_KINDS = {OCCUPANCY, ANY_RECORD}

# "record.valid_from", "occupancy.date_to + 365d", "birthday 18"
_DATE_EXPRESSION = re.compile(
    r"^\s*(?:(?P<field>(?:record|occupancy)\.[a-z_]+)(?:\s*\+\s*(?P<days>\d+)d)?|birthday\s+(?P<age>\d+))\s*$"
)
_DATE_FIELDS = {"record.valid_from", "record.valid_to", "occupancy.date_from", "occupancy.date_to"}
_OPERATORS = {"in", "not_in", "contains_any", "contains_none", "present", "absent"}


class RuleError(ValueError):
    """A rules file that cannot be used, with a message naming the rule and what is wrong."""


@dataclass(frozen=True)
class Condition:
    """A test on one field of a fact: `raw.status in ["Active"]`, `property.kind not_in ["pseudo"]`."""

    field: str
    operator: str
    values: tuple[str, ...] = ()

    @cached_property
    def folded_values(self) -> tuple[str, ...]:
        return tuple(v.casefold() for v in self.values)

    def holds(self, row: Mapping[str, Any]) -> bool:
        value = str(row.get(self.field) or "").strip()
        folded = value.casefold()
        wanted = self.folded_values
        if self.operator == "present":
            return bool(value)
        if self.operator == "absent":
            return not value
        if self.operator == "in":
            return folded in wanted
        if self.operator == "not_in":
            return folded not in wanted
        if self.operator == "contains_none":
            return not any(w in folded for w in wanted)
        return any(w in folded for w in wanted)  # contains_any


@dataclass(frozen=True)
class Rule:
    """One rule: which facts give which capacity, from when to when, and which service they show being used."""

    key: str
    capacity: Capacity
    source: str
    description: str
    conditions: tuple[Condition, ...] = ()
    valid_from: tuple[str, ...] = ()
    valid_to: tuple[str, ...] = ()
    min_age: int | None = None
    max_age: int | None = None
    unknown_age: str = "include"
    service: str = ""
    combine: str = "each"

    def applies_to(self, row: Mapping[str, Any]) -> bool:
        return all(condition.holds(row) for condition in self.conditions)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    digest: str

    def by_key(self, key: str) -> Rule:
        return next(rule for rule in self.rules if rule.key == key)


@dataclass(frozen=True)
class Fact:
    """A record or an occupancy as a flat row: `record.*`, `raw.*`, `occupancy.*`, `property.*` fields."""

    source: str
    row: Mapping[str, Any]
    record_ids: tuple[int, ...] = ()
    occupancy_id: int | None = None
    property_id: int | None = None


@dataclass(frozen=True)
class PersonFacts:
    person_id: int
    date_of_birth: dt.date | None
    date_of_death: dt.date | None
    facts: Sequence[Fact] = field(default_factory=tuple)


@dataclass(frozen=True)
class DerivedCapacity:
    """What a rule concluded about a person; a service compares these with the rows already stored."""

    person_id: int
    capacity: str
    rule: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    service_code: str = ""
    property_id: int | None = None
    occupancy_id: int | None = None
    evidence: tuple[int, ...] = ()

    def identity(self) -> tuple[Any, ...]:
        return (
            self.capacity,
            self.rule,
            self.valid_from,
            self.valid_to,
            self.service_code,
            self.property_id,
            self.occupancy_id,
            tuple(sorted(self.evidence)),
        )


def birthday(date_of_birth: dt.date, age: int) -> dt.date:
    """The day someone turns `age`; those born on 29 February turn it on 1 March in other years."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + age)
    except ValueError:
        return dt.date(date_of_birth.year + age, 3, 1)


def _listify(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


def _parse_condition(key: str, data: Mapping[str, Any]) -> Condition:
    if "field" not in data:
        raise RuleError(f'Rule {key}: every condition names a field, like field = "raw.status".')
    operators = [name for name in _OPERATORS if name in data]
    if len(operators) != 1:
        raise RuleError(f"Rule {key}: condition on {data['field']} needs one of {', '.join(sorted(_OPERATORS))}.")
    operator = operators[0]
    values = () if operator in {"present", "absent"} else _listify(data[operator])
    return Condition(field=str(data["field"]), operator=operator, values=values)


def _check_dates(key: str, expressions: tuple[str, ...], source: str) -> None:
    for expression in expressions:
        match = _DATE_EXPRESSION.match(expression)
        if not match:
            raise RuleError(f"Rule {key}: {expression!r} is not a date Tellus can take.")
        name = match["field"]
        if name and name not in _DATE_FIELDS:
            raise RuleError(f"Rule {key}: {name} is not a date field.")
        if name and name.startswith("occupancy.") and source != OCCUPANCY:
            raise RuleError(f'Rule {key}: {name} is only known for source = "occupancy".')


def _parse_rule(data: Mapping[str, Any], kinds: Iterable[str]) -> Rule:
    key = str(data.get("key", "")).strip()
    if not key:
        raise RuleError("Every rule has a key.")
    capacity = str(data.get("capacity", ""))
    if capacity not in Capacity.values:
        raise RuleError(f"Rule {key}: capacity {capacity!r} is not one of {', '.join(Capacity.values)}.")
    source = str(data.get("source", ""))
    if source not in set(kinds) | SOURCES_OTHER_THAN_KINDS:
        raise RuleError(f"Rule {key}: source {source!r} is not a source system kind, 'occupancy' or 'any'.")
    unknown_age = str(data.get("unknown_age", "include"))
    if unknown_age not in {"include", "exclude"}:
        raise RuleError(f"Rule {key}: unknown_age is 'include' or 'exclude'.")
    combine = str(data.get("combine", "each"))
    if combine not in {"each", "span"}:
        raise RuleError(f"Rule {key}: combine is 'each' (one capacity per fact) or 'span' (one for all).")
    rule = Rule(
        key=key,
        capacity=Capacity(capacity),
        source=source,
        description=str(data.get("description", "")).strip(),
        conditions=tuple(_parse_condition(key, c) for c in data.get("where", [])),
        valid_from=_listify(data.get("valid_from")),
        valid_to=_listify(data.get("valid_to")),
        min_age=int(data["min_age"]) if "min_age" in data else None,
        max_age=int(data["max_age"]) if "max_age" in data else None,
        unknown_age=unknown_age,
        service=str(data.get("service", "")),
        combine=combine,
    )
    if not rule.description:
        raise RuleError(f"Rule {key}: say in a description what the rule means, for the council to read.")
    _check_dates(key, rule.valid_from + rule.valid_to, source)
    if rule.min_age is not None and rule.max_age is not None and rule.max_age < rule.min_age:
        raise RuleError(f"Rule {key}: max_age is below min_age.")
    return rule


def rules_parse(text: str, *, kinds: Iterable[str]) -> RuleSet:
    """Parse and check a rules file's text. `kinds` are the source system kinds a rule may name."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"The rules file is not valid TOML: {exc}") from exc
    kinds = list(kinds)
    rules = tuple(_parse_rule(item, kinds) for item in data.get("rule", []))
    keys = [rule.key for rule in rules]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise RuleError(f"Rule keys must be unique: {', '.join(duplicates)}.")
    return RuleSet(rules=rules, digest=hashlib.sha256(text.encode()).hexdigest())


@cache
def _date_parts(expression: str) -> tuple[str | None, int, int | None]:
    """(field, days to add, age) of a date expression; rules are evaluated far more often than they change."""
    match = _DATE_EXPRESSION.match(expression)
    assert match is not None  # checked when the rules were parsed
    return match["field"], int(match["days"] or 0), int(match["age"]) if match["age"] else None


def _date_value(expression: str, fact_row: Mapping[str, Any], date_of_birth: dt.date | None) -> dt.date | None:
    name, days, age = _date_parts(expression)
    if age is not None:
        return birthday(date_of_birth, age) if date_of_birth else None
    value = fact_row.get(name or "")
    if not isinstance(value, dt.date):
        return None
    return value + dt.timedelta(days=days)


def _interval(rule: Rule, row: Mapping[str, Any], facts: PersonFacts) -> tuple[dt.date | None, dt.date | None]:
    """The latest of the valid_from dates and the earliest of the valid_to dates the facts give."""
    starts = [d for d in (_date_value(e, row, facts.date_of_birth) for e in rule.valid_from) if d]
    ends = [d for d in (_date_value(e, row, facts.date_of_birth) for e in rule.valid_to) if d]
    return (max(starts) if starts else None), (min(ends) if ends else None)


def _limit_by_age_and_death(
    rule: Rule, start: dt.date | None, end: dt.date | None, facts: PersonFacts
) -> tuple[dt.date | None, dt.date | None] | None:
    """Clip an interval to the ages the rule allows and to the person's life; None when nothing is left."""
    born = facts.date_of_birth
    if (rule.min_age is not None or rule.max_age is not None) and born is None and rule.unknown_age == "exclude":
        return None
    if born is not None and rule.min_age is not None:
        adult = birthday(born, rule.min_age)
        start = max(start, adult) if start else adult
    if born is not None and rule.max_age is not None:
        too_old = birthday(born, rule.max_age + 1) - dt.timedelta(days=1)
        end = min(end, too_old) if end else too_old
    if facts.date_of_death is not None:
        end = min(end, facts.date_of_death) if end else facts.date_of_death
    if start and end and end < start:
        return None
    return start, end


def _derive_one(rule: Rule, fact: Fact, facts: PersonFacts) -> DerivedCapacity | None:
    start, end = _interval(rule, fact.row, facts)
    limited = _limit_by_age_and_death(rule, start, end, facts)
    if limited is None:
        return None
    return DerivedCapacity(
        person_id=facts.person_id,
        capacity=rule.capacity.value,
        rule=rule.key,
        valid_from=limited[0],
        valid_to=limited[1],
        service_code=rule.service,
        property_id=fact.property_id,
        occupancy_id=fact.occupancy_id,
        evidence=fact.record_ids,
    )


def _span(rule: Rule, derived: list[DerivedCapacity], facts: PersonFacts) -> DerivedCapacity:
    """All of a rule's conclusions as one: from the earliest start to the latest end (open if any is open)."""
    starts = [d.valid_from for d in derived]
    ends = [d.valid_to for d in derived]
    return DerivedCapacity(
        person_id=facts.person_id,
        capacity=rule.capacity.value,
        rule=rule.key,
        valid_from=None if None in starts else min(d for d in starts if d),
        valid_to=None if None in ends else max(d for d in ends if d),
        service_code=rule.service,
        evidence=tuple(sorted({record for d in derived for record in d.evidence})),
    )


def derive_capacities(rules: RuleSet, facts: PersonFacts) -> list[DerivedCapacity]:
    """Every capacity the rules give one person, in rule order."""
    found: list[DerivedCapacity] = []
    # Each rule looks at one source's facts (or every record's), in the order the facts came.
    by_source: dict[str, list[Fact]] = {}
    records: list[Fact] = []
    for f in facts.facts:
        by_source.setdefault(f.source, []).append(f)
        if f.source != OCCUPANCY:
            records.append(f)
    by_source[ANY_RECORD] = records
    for rule in rules.rules:
        matching = by_source.get(rule.source, [])
        derived = [d for f in matching if rule.applies_to(f.row) and (d := _derive_one(rule, f, facts)) is not None]
        if rule.combine == "span" and derived:
            found.append(_span(rule, derived, facts))
        else:
            found.extend(derived)
    return found
