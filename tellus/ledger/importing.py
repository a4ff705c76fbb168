"""`tellus ledger import`: contributions and services used, read from a council CSV through a TOML column mapping,
in the manner of `tellus import` (docs/importing.md).

A file is taken whole or not at all. Every row is checked first (amounts, dates inside the year, payers the council
knows, services in the catalogue with a unit cost); when any row is refused, the rows and their reasons are written
to FILE.rejects.csv and nothing is written to the ledger. When every row is good they are written in one
transaction, with one audit entry for the import."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from tellus.catalogue.models import Service
from tellus.common.batch import insert_returning_ids
from tellus.people.importing.csvfiles import (
    SURROGATE,
    ExtractError,
    Reject,
    RejectsWriter,
    default_rejects_path,
    file_sha256,
    open_text,
)
from tellus.people.models import Person, Property, SourceRecord, SourceSystem
from tellus.privacy.models import AuditAction, Purpose
from tellus.privacy.services import Actor, audit_event_record

from .models import (
    LEDGER_IMPORT_OBJECT_TYPE,
    Contribution,
    ContributionKind,
    FinancialYear,
    LedgerImport,
    ServiceUse,
)
from .rules import rules_load

KINDS = ("contributions", "use")
COLUMNS = {
    "contributions": ("reference", "date", "amount", "contribution_kind", "description", "service", "property"),
    "use": ("reference", "date", "quantity", "service", "description"),
}
WHO = ("account", "property_reference", "person_number")  # who paid or used: the first of these a row fills
REQUIRED = {"contributions": ("reference", "date", "amount"), "use": ("reference", "date", "quantity")}
MONEY = re.compile(r"^\d+(\.\d{1,2})?$")
QUANTITY = re.compile(r"^\d+(\.\d{1,2})?$")
PENNY = Decimal("0.01")
BATCH = 2000


class LedgerMappingError(ExtractError):
    """The mapping file is malformed or does not fit the file."""


@dataclass(frozen=True)
class LedgerMapping:
    kind: str
    columns: dict[str, str]
    account_system: str = ""
    encoding: str = "utf-8"
    delimiter: str = ","
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    contribution_kind: str = ""  # every row's kind, when the file has no column for it
    contribution_kinds: dict[str, str] = field(default_factory=dict)  # the file's own codes -> kinds
    service: str = ""  # every row's service, when the file has no column for it

    def text(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True, default=list)


def mapping_load(path: Path) -> LedgerMapping:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LedgerMappingError(f"mapping file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerMappingError(f"cannot read mapping file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LedgerMappingError(f"mapping file {path} is not valid TOML: {exc}") from exc
    return mapping_from_dict(data, origin=str(path))


def _strings(section: dict[str, Any], name: str, origin: str) -> dict[str, str]:
    if not isinstance(section, dict) or not all(isinstance(v, str) and v for v in section.values()):
        raise LedgerMappingError(f"{origin}: [{name}] must map names to non-empty strings")
    return dict(section)


def mapping_from_dict(data: dict[str, Any], *, origin: str = "mapping") -> LedgerMapping:
    unknown = set(data) - {"file", "ledger", "columns", "values"}
    if unknown:
        raise LedgerMappingError(f"{origin}: unknown section(s) {', '.join(sorted(unknown))}")
    ledger = data.get("ledger", {})
    kind = ledger.get("kind") if isinstance(ledger, dict) else None
    if kind not in KINDS:
        raise LedgerMappingError(f'{origin}: [ledger] kind must be "contributions" or "use"')
    columns = _strings(data.get("columns", {}), "columns", origin)
    known = (*COLUMNS[kind], *WHO)
    if extra := set(columns) - set(known):
        raise LedgerMappingError(
            f"{origin}: unknown field(s) {', '.join(sorted(extra))} for {kind}; known fields: {', '.join(known)}"
        )
    if missing := [name for name in REQUIRED[kind] if name not in columns]:
        raise LedgerMappingError(f"{origin}: [columns] must name the {', '.join(missing)} column(s)")
    if not set(WHO) & set(columns):
        raise LedgerMappingError(f"{origin}: [columns] must name at least one of {', '.join(WHO)}")
    account_system = str(ledger.get("account_system", ""))
    if "account" in columns and not account_system:
        raise LedgerMappingError(f"{origin}: [ledger] account_system must name the system the accounts belong to")
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise LedgerMappingError(f"{origin}: [values] must be a table")
    kinds = _strings(values.get("contribution_kinds", {}), "values.contribution_kinds", origin)
    if bad := [
        v
        for v in [*kinds.values(), values.get("contribution_kind", "general_rates")]
        if v not in ContributionKind.values
    ]:
        raise LedgerMappingError(f"{origin}: not kinds of contribution: {', '.join(map(str, bad))}")
    if kind == "contributions" and "contribution_kind" not in columns and "contribution_kind" not in values:
        raise LedgerMappingError(f"{origin}: name a contribution_kind column or give [values] contribution_kind")
    if kind == "use" and "service" not in columns and "service" not in values:
        raise LedgerMappingError(f"{origin}: name a service column or give [values] service")
    file_section = data.get("file", {})
    date_formats = file_section.get("date_formats", ["%Y-%m-%d"]) if isinstance(file_section, dict) else None
    if isinstance(date_formats, str):
        date_formats = [date_formats]
    if not isinstance(date_formats, list) or not date_formats or not all(isinstance(f, str) for f in date_formats):
        raise LedgerMappingError(f'{origin}: [file] date_formats must be a list such as ["%d/%m/%Y"]')
    encoding, delimiter = file_section.get("encoding", "utf-8"), file_section.get("delimiter", ",")
    try:
        "".encode(encoding)
    except (LookupError, TypeError) as exc:
        raise LedgerMappingError(f"{origin}: unknown encoding {encoding!r}") from exc
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise LedgerMappingError(f"{origin}: delimiter must be a single character")
    return LedgerMapping(
        kind=kind,
        columns=columns,
        account_system=account_system,
        encoding=encoding,
        delimiter=delimiter,
        date_formats=tuple(date_formats),
        contribution_kind=str(values.get("contribution_kind", "")),
        contribution_kinds=kinds,
        service=str(values.get("service", "")),
    )


@dataclass
class ImportResult:
    run: LedgerImport | None
    rows_read: int
    created: int
    rejected: int
    rejects_path: Path | None
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return self.rejected > 0


class RowError(ValueError):
    def __init__(self, category: str, message: str) -> None:
        super().__init__(message)
        self.category = category


@dataclass(frozen=True)
class Who:
    person_id: int | None = None
    household_id: int | None = None
    organisation_record_id: int | None = None
    record_id: int | None = None


class Lookups:
    """Everything the rows name, read in a few queries before any row is checked."""

    def __init__(self, mapping: LedgerMapping, rows: list[dict[str, str]]) -> None:
        def named(field_name: str) -> set[str]:
            column = mapping.columns.get(field_name)
            return {row.get(column, "").strip() for row in rows} - {""} if column else set()

        self.services = {s.code: s for s in Service.objects.all()}
        self.shared = rules_load().shared_codes
        self.accounts: dict[str, tuple[int, int | None, bool]] = {}
        if keys := named("account"):
            system = SourceSystem.objects.filter(name=mapping.account_system).first()
            if system is None:
                raise LedgerMappingError(f"there is no source system called {mapping.account_system!r}")
            for chunk in _chunks(sorted(keys)):
                for pk, key, person_id, is_org in SourceRecord.objects.filter(
                    source_system=system, source_key__in=chunk
                ).values_list("pk", "source_key", "person_id", "is_organisation"):
                    self.accounts[key] = (pk, person_id, is_org)
        self.properties: dict[str, tuple[int, int | None]] = {}
        for chunk in _chunks(sorted(named("property_reference") | named("property"))):
            for pk, reference, household_id in Property.objects.filter(reference__in=chunk).values_list(
                "pk", "reference", "household"
            ):
                self.properties[reference] = (pk, household_id)
        wanted = {int(v) for v in named("person_number") if v.isascii() and v.isdigit()}
        wanted |= {person_id for _, person_id, _ in self.accounts.values() if person_id}
        self.merged: dict[int, int | None] = {}
        for chunk in _chunks(sorted(wanted)):
            self.merged.update(Person.objects.filter(pk__in=chunk).values_list("pk", "merged_into_id"))

    def live(self, person_id: int) -> int | None:
        seen = 0
        current: int | None = person_id
        while current is not None and current in self.merged and self.merged[current] is not None and seen < 20:
            following = self.merged[current]
            if following is not None and following not in self.merged:
                self.merged.update(Person.objects.filter(pk=following).values_list("pk", "merged_into_id"))
            current, seen = following, seen + 1
        return current if current in self.merged else None


def _chunks(values: list[Any], size: int = 900) -> Iterable[list[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _read(path: Path, mapping: LedgerMapping) -> tuple[list[str], list[dict[str, str]]]:
    with open_text(path, mapping.encoding) as handle:
        reader = csv.reader(handle, delimiter=mapping.delimiter)
        try:
            header = [column.strip() for column in next(reader)]
        except StopIteration as exc:
            raise ExtractError(f"{path} is empty: it needs a header row") from exc
        except csv.Error as exc:
            raise ExtractError(f"{path} cannot be read as CSV: {exc}") from exc
        if missing := sorted(set(mapping.columns.values()) - set(header)):
            raise LedgerMappingError(f"the file has no column(s) {', '.join(missing)} that the mapping names")
        rows = []
        try:
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                row = dict(zip(header, values, strict=False))
                row["__values__"] = json.dumps(values)
                row["__fields__"] = str(len(values))
                row["__line__"] = str(reader.line_num)
                rows.append(row)
        except csv.Error as exc:
            raise ExtractError(f"{path} line {reader.line_num} cannot be read as CSV: {exc}") from exc
    return header, rows


def _date(text: str, mapping: LedgerMapping, year: FinancialYear) -> dt.date:
    for fmt in mapping.date_formats:
        try:
            day = dt.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    else:
        raise RowError(
            "bad date",
            _("date %(value)r is not in the format %(formats)s")
            % {"value": text, "formats": " or ".join(mapping.date_formats)},
        )
    if not year.contains(day):
        raise RowError(
            "date outside the year",
            _("date %(day)s is outside the financial year %(year)s (%(start)s to %(end)s)")
            % {"day": day.isoformat(), "year": year.label, "start": year.starts_on, "end": year.ends_on},
        )
    return day


def _number(text: str, name: str, pattern: re.Pattern[str]) -> Decimal:
    cleaned = text.strip()
    if cleaned.startswith("-") or cleaned.startswith("("):
        raise RowError(
            f"negative {name}",
            _("%(name)s %(value)s is negative; a refund is not a contribution or a use")
            % {"name": name, "value": cleaned},
        )
    if not pattern.match(cleaned):
        raise RowError(
            f"{name} not a number",
            _("%(name)s %(value)r is not a number with at most two decimal places") % {"name": name, "value": cleaned},
        )
    value = Decimal(cleaned)
    if value == 0:
        raise RowError(f"zero {name}", _("%(name)s is zero") % {"name": name})
    return value


class RowReader:
    """Checks one row at a time against the year, the mapping and what the council knows."""

    def __init__(self, mapping: LedgerMapping, year: FinancialYear, lookups: Lookups, header_width: int) -> None:
        self.mapping, self.year, self.lookups, self.width = mapping, year, lookups, header_width
        self.seen: set[str] = set()
        self.existing: set[str] = set()

    def get(self, row: dict[str, str], name: str) -> str:
        column = self.mapping.columns.get(name)
        return row.get(column, "").strip() if column else ""

    def who(self, row: dict[str, str], *, organisations: bool) -> Who:
        for name in WHO:
            value = self.get(row, name)
            if not value:
                continue
            if name == "account":
                found = self.lookups.accounts.get(value)
                if found is None:
                    raise RowError(
                        "unknown payer",
                        _("there is no %(system)s account %(value)r")
                        % {"system": self.mapping.account_system, "value": value},
                    )
                pk, person_id, is_org = found
                if is_org:
                    if not organisations:
                        raise RowError("unknown payer", _("account %(value)r is an organisation's") % {"value": value})
                    return Who(organisation_record_id=pk, record_id=pk)
                live = self.lookups.live(person_id) if person_id else None
                if live is None:
                    raise RowError(
                        "unknown payer", _("account %(value)r is not linked to a person yet") % {"value": value}
                    )
                return Who(person_id=live, record_id=pk)
            if name == "property_reference":
                prop = self.lookups.properties.get(value)
                if prop is None:
                    raise RowError("unknown payer", _("there is no property %(value)r") % {"value": value})
                if prop[1] is None:
                    raise RowError("unknown payer", _("no household lives at property %(value)r") % {"value": value})
                return Who(household_id=prop[1])
            live = self.lookups.live(int(value)) if value.isascii() and value.isdigit() else None
            if live is None:
                raise RowError("unknown payer", _("there is no person number %(value)r") % {"value": value})
            return Who(person_id=live)
        raise RowError(
            "no payer",
            _("the row names no payer: fill one of %(columns)s")
            % {"columns": ", ".join(self.mapping.columns[n] for n in WHO if n in self.mapping.columns)},
        )

    def common(self, row: dict[str, str]) -> tuple[str, dt.date]:
        if int(row["__fields__"]) != self.width:
            raise RowError(
                "wrong number of fields",
                _("the row has %(n)s fields; the header has %(width)s") % {"n": row["__fields__"], "width": self.width},
            )
        if any(SURROGATE.search(v) for v in row.values()):
            raise RowError(
                "encoding", _("the row is not valid %(encoding)s text") % {"encoding": self.mapping.encoding}
            )
        reference = self.get(row, "reference")
        if not reference:
            raise RowError("missing reference", _("the row has no reference"))
        if reference in self.seen:
            raise RowError("duplicate reference", _("reference %(r)r appears twice in the file") % {"r": reference})
        self.seen.add(reference)
        if reference in self.existing:
            raise RowError(
                "already imported",
                _("reference %(r)r is already in the ledger for %(year)s") % {"r": reference, "year": self.year.label},
            )
        return reference, _date(self.get(row, "date"), self.mapping, self.year)

    def service(self, row: dict[str, str], *, required: bool) -> Service | None:
        code = self.get(row, "service") or self.mapping.service
        if not code:
            if required:
                raise RowError("unknown service", _("the row names no service"))
            return None
        service = self.lookups.services.get(code)
        if service is None:
            raise RowError("unknown service", _("%(code)r is not a service in the catalogue") % {"code": code})
        return service

    def contribution(self, row: dict[str, str], number: int) -> dict[str, Any]:
        reference, day = self.common(row)
        amount = _number(self.get(row, "amount"), "amount", MONEY)
        code = self.get(row, "contribution_kind")
        kind = self.mapping.contribution_kinds.get(code, code) if code else self.mapping.contribution_kind
        if kind not in ContributionKind.values:
            raise RowError(
                "unknown kind", _("%(code)r is not a kind of contribution this mapping knows") % {"code": code}
            )
        who = self.who(row, organisations=True)
        service = self.service(row, required=False)
        prop_ref = self.get(row, "property")
        prop = self.lookups.properties.get(prop_ref) if prop_ref else None
        if prop_ref and prop is None:
            raise RowError("unknown property", _("there is no property %(value)r") % {"value": prop_ref})
        description = self.get(row, "description") or (service.name if service else ContributionKind(kind).label)
        return {
            "kind": kind,
            "description": description[:200],
            "amount": amount,
            "paid_on": day,
            "service_id": service.pk if service else None,
            "property_id": prop[0] if prop else None,
            "payer_person_id": who.person_id,
            "payer_household_id": who.household_id,
            "payer_organisation_id": who.organisation_record_id,
            "payer_record_id": who.record_id,
            "row_number": number,
            "source_reference": reference,
        }

    def use(self, row: dict[str, str], number: int) -> dict[str, Any]:
        reference, day = self.common(row)
        quantity = _number(self.get(row, "quantity"), "quantity", QUANTITY)
        service = self.service(row, required=True)
        assert service is not None
        if service.code in self.lookups.shared:
            raise RowError(
                "shared service",
                _("%(code)s is shared by everyone and apportioned by rule, not used by one household")
                % {"code": service.code},
            )
        if service.unit_cost is None:
            raise RowError("no unit cost", _("%(code)s has no unit cost in the catalogue") % {"code": service.code})
        who = self.who(row, organisations=False)
        return {
            "service_id": service.pk,
            "used_on": day,
            "quantity": quantity,
            "unit_cost": service.unit_cost,
            "amount": (quantity * service.unit_cost).quantize(PENNY),
            "person_id": who.person_id,
            "household_id": who.household_id,
            "user_record_id": who.record_id,
            "row_number": number,
            "source_reference": reference,
        }


def lines_insert(
    model: type[Contribution] | type[ServiceUse],
    *,
    year: FinancialYear,
    run: LedgerImport,
    lines: list[dict[str, Any]],
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Plain multi-row inserts of checked lines (decision 0008: bulk_create spends most of its time building model
    instances). The database's constraints still hold every row: positive amounts, exactly one payer or user."""
    if not lines:
        return
    ops = connection.ops
    adapt: dict[str, Callable[[Any], Any]] = {}
    for name in lines[0]:
        field = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
        if isinstance(field, models.DecimalField):
            adapt[name] = ops.adapt_decimalfield_value
        elif isinstance(field, models.DateField):
            adapt[name] = ops.adapt_datefield_value
    columns = ["year_id", "import_run_id", *lines[0]]
    for start in range(0, len(lines), BATCH):
        chunk = lines[start : start + BATCH]
        rows = [
            [year.pk, run.pk, *(adapt[k](v) if k in adapt and v is not None else v for k, v in line.items())]
            for line in chunk
        ]
        insert_returning_ids(model, columns, rows)
        if progress is not None:
            progress(start + len(chunk), len(lines))


def ledger_import(
    *,
    path: Path,
    mapping: LedgerMapping,
    year: FinancialYear,
    actor: Actor,
    rejects_path: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Check every row, then write them all or none. Raises ExtractError when the file cannot be read at all."""
    path = Path(path)
    header, rows = _read(path, mapping)
    lookups = Lookups(mapping, rows)
    reader = RowReader(mapping, year, lookups, len(header))
    model = Contribution if mapping.kind == "contributions" else ServiceUse
    references = {reader.get(row, "reference") for row in rows} - {""}
    for chunk in _chunks(sorted(references)):
        reader.existing.update(
            model.objects.filter(year=year, source_reference__in=chunk).values_list("source_reference", flat=True)
        )
    run = LedgerImport(
        year=year,
        kind=mapping.kind,
        file_name=path.name,
        file_sha256=file_sha256(path),
        mapping=mapping.text(),
        rows_read=len(rows),
        actor_label=actor.label,
    )
    lines: list[Any] = []
    rejects: list[Reject] = []
    reasons: dict[str, int] = {}
    build = reader.contribution if mapping.kind == "contributions" else reader.use
    for row in rows:
        number = int(row["__line__"])
        try:
            lines.append(build(row, number))
        except RowError as exc:
            reasons[exc.category] = reasons.get(exc.category, 0) + 1
            rejects.append(Reject(row_number=number, reason=str(exc), values=json.loads(row["__values__"])))
    if rejects:
        target = rejects_path or default_rejects_path(path)
        writer = RejectsWriter(target, header, mapping.encoding)
        for reject in rejects:
            writer.write(reject)
        writer.close()
        return ImportResult(None, len(rows), 0, len(rejects), target, reasons)
    with transaction.atomic():
        run.created = len(lines)
        run.save()
        lines_insert(model, year=year, run=run, lines=lines, progress=progress)
        audit_event_record(
            actor=actor,
            purpose=Purpose.DATA_IMPORT,
            action=AuditAction.CREATE,
            object_type=LEDGER_IMPORT_OBJECT_TYPE,
            object_id=run.pk,
            context={"file": path.name, "kind": mapping.kind, "year": year.label, "lines": len(lines)},
        )
    return ImportResult(run, len(rows), len(lines), 0, None, reasons)
