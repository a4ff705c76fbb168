"""The column mapping (TOML) that says which column of an extract feeds which field of a source record."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .csvfiles import ExtractError

TARGET_FIELDS = (
    "source_key",
    "first_name",
    "last_name",
    "full_name",
    "date_of_birth",
    "address",
    "postcode",
    "property_reference",
    "email",
    "phone",
    "valid_from",
    "valid_to",
    "date_of_death",
    "organisation",
)
# Values of the `organisation` column that mean "not a person", when the mapping does not list its own.
DEFAULT_ORGANISATION_VALUES = ("y", "yes", "true", "1", "company", "organisation", "organization", "business")


class MappingError(ExtractError):
    """The column mapping is malformed."""


@dataclass(frozen=True)
class ColumnMapping:
    """Which column of an extract feeds which field of a source record, and how to read the file."""

    columns: dict[str, tuple[str, ...]]
    encoding: str = "utf-8"
    delimiter: str = ","
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    organisation_values: tuple[str, ...] = DEFAULT_ORGANISATION_VALUES
    # For fields given as a list of alternatives: every alternative, in order (the first is also in `columns`).
    alternatives: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def source_columns(self) -> set[str]:
        named = {column for columns in self.columns.values() for column in columns}
        return named | {column for options in self.alternatives.values() for option in options for column in option}

    def options(self, target: str) -> tuple[tuple[str, ...], ...]:
        if target in self.alternatives:
            return self.alternatives[target]
        return (self.columns[target],) if target in self.columns else ()

    def fingerprint(self) -> str:
        return json.dumps(
            [
                sorted(self.columns.items()),
                sorted(self.alternatives.items()),
                self.date_formats,
                self.organisation_values,
            ],
            sort_keys=True,
            separators=(",", ":"),
        )


def load_mapping(path: Path) -> ColumnMapping:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MappingError(f"mapping file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"cannot read mapping file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"mapping file {path} is not valid TOML: {exc}") from exc
    return mapping_from_dict(data, origin=str(path))


def mapping_from_dict(data: dict[str, Any], *, origin: str = "mapping") -> ColumnMapping:
    unknown_sections = set(data) - {"file", "columns", "values"}
    if unknown_sections:
        raise MappingError(
            f"{origin}: unknown section(s) {', '.join(sorted(unknown_sections))}; use [file], [columns] and [values]"
        )
    raw_columns = data.get("columns")
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise MappingError(f"{origin}: a [columns] section is required")
    unknown = set(raw_columns) - set(TARGET_FIELDS)
    if unknown:
        raise MappingError(
            f"{origin}: unknown field(s) {', '.join(sorted(unknown))}; known fields: {', '.join(TARGET_FIELDS)}"
        )
    columns: dict[str, tuple[str, ...]] = {}
    alternatives: dict[str, tuple[tuple[str, ...], ...]] = {}
    for target, value in raw_columns.items():
        if isinstance(value, str) and value:
            columns[target] = (value,)
        elif isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            columns[target] = tuple(value)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, list) and v and all(isinstance(c, str) and c for c in v) for v in value)
        ):
            # [["mail_address"], ["prop_addr_1", "prop_town"]]: the first alternative that is not empty.
            alternatives[target] = tuple(tuple(v) for v in value)
            columns[target] = alternatives[target][0]
        else:
            raise MappingError(
                f"{origin}: [columns] {target} must be a column name, a list of column names, "
                "or a list of such lists (the first one that is not empty is used)"
            )
    if "source_key" not in columns:
        raise MappingError(f"{origin}: [columns] must name the source_key column")
    file_section = data.get("file", {})
    if not isinstance(file_section, dict):
        raise MappingError(f"{origin}: [file] must be a table")
    encoding = file_section.get("encoding", "utf-8")
    delimiter = file_section.get("delimiter", ",")
    date_formats = file_section.get("date_formats", ["%Y-%m-%d"])
    try:
        "".encode(encoding)
    except (LookupError, TypeError) as exc:
        raise MappingError(f"{origin}: unknown encoding {encoding!r}") from exc
    if not isinstance(delimiter, str) or len(delimiter) != 1:
        raise MappingError(f"{origin}: delimiter must be a single character")
    if isinstance(date_formats, str):
        date_formats = [date_formats]
    if not isinstance(date_formats, list) or not date_formats or not all(isinstance(f, str) for f in date_formats):
        raise MappingError(f'{origin}: date_formats must be a list of strftime formats such as "%d/%m/%Y"')
    values = data.get("values", {})
    organisation_values = (
        values.get("organisation", list(DEFAULT_ORGANISATION_VALUES)) if isinstance(values, dict) else None
    )
    if not isinstance(organisation_values, list) or not all(isinstance(v, str) for v in organisation_values):
        raise MappingError(
            f"{origin}: [values] organisation must be a list of the column's values that mean 'not a person'"
        )
    return ColumnMapping(
        columns=columns,
        encoding=encoding,
        delimiter=delimiter,
        date_formats=tuple(date_formats),
        organisation_values=tuple(v.strip().casefold() for v in organisation_values),
        alternatives=alternatives,
    )
