"""The council-style test town as the linkage engine sees it: each extract read by the importer's own row parser
with ordinary mappings (the rates mapping has no organisation column), and the ground truth beside it.

Nothing is written to the database: `tellus linkage-eval --dataset council` builds, parses and scores in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tellus.demo.town import town_generate
from tellus.demo.town.council import council_extracts_render, look_alikes
from tellus.linkage.selectors import address_is_evidence
from tellus.people.importing.csvfiles import RowError
from tellus.people.importing.extract import RowParser
from tellus.people.importing.mapping import ColumnMapping, load_mapping

MAPPINGS = Path(__file__).with_name("mappings")
DEFAULT_PEOPLE = 5000
# Not the demo town's seed (42): a town the engine was never run on while it was being changed.
DEFAULT_SEED = 2026


@dataclass
class CouncilDataset:
    records: pd.DataFrame  # the engine's input columns, true_entity, is_organisation
    look_alikes: dict[str, list[tuple[str, str]]]
    rejected: int
    organisation_rows: int
    joint_rows: int


def council_mapping(system: str) -> ColumnMapping:
    """The demo's mapping for a system, as a council would write it for these files: the rates extract has no
    column saying whether a ratepayer is a person, so its mapping names none."""
    mapping = load_mapping(MAPPINGS / f"{system}.toml")
    if "organisation" not in mapping.columns:
        return mapping
    columns = {target: value for target, value in mapping.columns.items() if target != "organisation"}
    alternatives = {target: value for target, value in mapping.alternatives.items() if target != "organisation"}
    return ColumnMapping(
        columns=columns,
        encoding=mapping.encoding,
        delimiter=mapping.delimiter,
        date_formats=mapping.date_formats,
        alternatives=alternatives,
    )


def council_dataset(*, people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED) -> CouncilDataset:
    """Generate the town, render its council-style extracts and parse every row as `tellus import` would.

    Each record's true_entity is the person it is about; a record taken as an organisation (rightly or not) gets
    an entity of its own and is never linked, so a person misread as an organisation costs recall and an
    organisation read as a person costs precision whenever it is linked."""
    town = town_generate(people=people, seed=seed)
    rendered = council_extracts_render(town)
    truth = {(row.source_system, row.source_key): (row.true_id, row.entity) for row in rendered.truth}
    rows: list[dict[str, object]] = []
    rejected = organisation_rows = joint_rows = 0
    for system, extract in rendered.extracts.items():
        mapping = council_mapping(system)
        header = list(extract.columns)
        parser = RowParser(mapping, header)
        for number, values in enumerate(extract.rows, start=2):
            try:
                parsed = parser.parse(number, [values[column] for column in header])
            except RowError:
                rejected += 1
                continue
            joint_rows += len(parsed) > 1
            for record in parsed:
                fields = record.fields
                true_id, entity = truth.get((system, record.source_key), (f"unknown:{record.source_key}", "person"))
                if fields["is_organisation"]:
                    organisation_rows += 1
                if fields["is_organisation"] or entity != "person":
                    true_id = f"{true_id}:{system}:{record.source_key}"
                rows.append(
                    {
                        "unique_id": len(rows) + 1,
                        "source_system": system,
                        "first_name": fields["first_name"] or None,
                        "last_name": fields["last_name"] or None,
                        "date_of_birth": fields["date_of_birth"],
                        "address": fields["address"] or None,
                        "postcode": fields["postcode"] or None,
                        "email": fields["email"] or None,
                        "phone": fields["phone"] or None,
                        "address_is_evidence": address_is_evidence(fields["address"], None),
                        "is_organisation": fields["is_organisation"],
                        "true_entity": true_id,
                    }
                )
    return CouncilDataset(
        records=pd.DataFrame(rows),
        look_alikes=look_alikes(town),
        rejected=rejected,
        organisation_rows=organisation_rows,
        joint_rows=joint_rows,
    )
