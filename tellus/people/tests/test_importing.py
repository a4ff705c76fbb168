"""Loading extracts: what a council's data officer sees when a file is good, changed, or bad."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tellus.people.importing import (
    ExtractError,
    MappingError,
    import_extract,
    import_properties,
    load_mapping,
    mapping_from_dict,
    split_full_name,
)
from tellus.people.models import ImportRun, Property, SourceRecord, SourceRecordVersion
from tellus.people.tests.factories import PropertyFactory, SourceSystemFactory
from tellus.privacy.models import AuditAction, AuditEvent
from tellus.privacy.services import Actor

pytestmark = pytest.mark.django_db

HEADER = "borrower_id,forename,surname,dob,address,postcode,uprn,email,phone"
MAPPING = mapping_from_dict(
    {
        "file": {"date_formats": ["%Y-%m-%d", "%d/%m/%Y"]},
        "columns": {
            "source_key": "borrower_id",
            "first_name": "forename",
            "last_name": "surname",
            "date_of_birth": "dob",
            "address": "address",
            "postcode": "postcode",
            "property_reference": "uprn",
            "email": "email",
            "phone": "phone",
        },
    }
)
ACTOR = Actor.system("tests")


def write(tmp_path: Path, *rows: str, name: str = "library.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def load(path: Path, **kwargs):  # type: ignore[no-untyped-def]
    system = kwargs.pop("system", None) or SourceSystemFactory(name="library")
    return import_extract(
        source_system=system, path=path, mapping=kwargs.pop("mapping", MAPPING), actor=ACTOR, **kwargs
    )


def test_a_good_file_creates_one_normalised_record_per_row(tmp_path: Path) -> None:
    PropertyFactory(reference="100001")
    path = write(
        tmp_path,
        "B1,Alice,SMITH,1980-01-02,1 High Street,tl11aa,100001,Alice@Example.org,01632 960 001",
        "B2,José,Núñez,02/03/1975,2 High Street,TL1 1AB,,,",
    )

    summary = load(path)

    assert (summary.rows_read, summary.created, summary.rejected) == (2, 2, 0)
    alice = SourceRecord.objects.get(source_key="B1")
    assert alice.last_name == "Smith"
    assert alice.name_normalised == "alice smith"
    assert alice.date_of_birth == dt.date(1980, 1, 2)
    assert alice.postcode == "TL1 1AA"
    assert alice.property is not None and alice.property.reference == "100001"
    assert alice.email == "alice@example.org"
    assert alice.phone == "01632960001"
    assert alice.raw["surname"] == "SMITH"
    assert alice.person is None
    assert SourceRecord.objects.get(source_key="B2").name_normalised == "jose nunez"
    assert summary.rejects_path is None
    assert not (tmp_path / "library.rejects.csv").exists()


def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "B1,Alice,Smith,1980-01-02,1 High Street,TL1 1AA,,,")
    system = SourceSystemFactory(name="library")
    load(path, system=system)
    before = list(SourceRecord.objects.values())
    audit_rows = AuditEvent.objects.count()

    summary = load(path, system=system)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert list(SourceRecord.objects.values()) == before
    assert SourceRecordVersion.objects.count() == 0
    assert AuditEvent.objects.count() == audit_rows


def test_a_changed_row_updates_its_record_and_keeps_the_earlier_state(tmp_path: Path) -> None:
    system = SourceSystemFactory(name="library")
    load(write(tmp_path, "B1,Alice,Smith,1980-01-02,1 High Street,TL1 1AA,,,"), system=system)
    record = SourceRecord.objects.get()

    summary = load(write(tmp_path, "B1,Alice,Jones,1980-01-02,9 Low Road,TL1 9ZZ,,,", name="v2.csv"), system=system)

    assert (summary.created, summary.updated) == (0, 1)
    record.refresh_from_db()
    assert (record.last_name, record.address, record.postcode) == ("Jones", "9 Low Road", "TL1 9ZZ")
    version = SourceRecordVersion.objects.get(record=record)
    assert version.fields["last_name"] == "Smith"
    assert version.raw["surname"] == "Smith"
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(record.pk))
    assert update.changes["last_name"] == ["Smith", "Jones"]
    assert update.purpose == "data_import"


def test_bad_rows_go_to_the_rejects_file_with_row_number_and_reason_and_good_rows_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "library.csv"
    lines = [
        HEADER,
        "B1,Alice,Smith,1980-01-02,1 High Street,TL1 1AA,,,",
        ",No,Key,1980-01-02,1 High Street,TL1 1AA,,,",
        "B3,Bad,Date,31/02/1980,1 High Street,TL1 1AA,,,",
        "B1,Second,Copy,1980-01-02,1 High Street,TL1 1AA,,,",
        "B5,Too,Few",
        "B6,Future,Born,2999-01-01,1 High Street,TL1 1AA,,,",
    ]
    data = ("\n".join(lines) + "\n").encode("utf-8") + "B7,Caf\xe9,Owner,1970-01-01,x,TL1 1AA,,,\n".encode("latin-1")
    path.write_bytes(data)

    summary = load(path)

    assert (summary.created, summary.rejected) == (1, 6)
    rejects = (tmp_path / "library.rejects.csv").read_bytes().decode("utf-8", errors="replace").splitlines()
    assert rejects[0].startswith("row_number,reason,borrower_id")
    reasons = {line.split(",", 1)[0]: line for line in rejects[1:]}
    assert "missing source key" in reasons["3"]
    assert "unparseable date of birth '31/02/1980'" in reasons["4"]
    assert "duplicate source key 'B1' (first on row 2)" in reasons["5"]
    assert "row has 3 fields" in reasons["6"]
    assert "in the future" in reasons["7"]
    assert "not valid utf-8" in reasons["8"]
    assert list(SourceRecord.objects.values_list("source_key", flat=True)) == ["B1"]
    run = ImportRun.objects.get(pk=summary.run_id)
    assert run.status == ImportRun.Status.COMPLETED_WITH_REJECTS
    assert run.rejected == 6


def test_a_file_in_another_encoding_loads_when_the_mapping_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "\nB1,Zoë,Brontë,1980-01-02,x,TL1 1AA,,,\n").encode("latin-1"))
    mapping = mapping_from_dict(
        {
            "file": {"encoding": "latin-1"},
            "columns": {"source_key": "borrower_id", "first_name": "forename", "last_name": "surname"},
        }
    )

    summary = load(path, mapping=mapping)

    assert summary.rejected == 0
    assert SourceRecord.objects.get().first_name == "Zoë"


def test_an_unknown_property_reference_keeps_the_address_as_text(tmp_path: Path) -> None:
    summary = load(write(tmp_path, "B1,Alice,Smith,1980-01-02,1 High Street,TL1 1AA,999999,,"))

    assert summary.unknown_property_references == 1
    record = SourceRecord.objects.get()
    assert record.property is None
    assert record.address == "1 High Street"


def test_a_failure_part_way_through_a_chunk_writes_nothing_of_that_chunk(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "B1,Alice,Smith,1980-01-02,x,TL1 1AA,,,", "B2,Bob,Smith,1980-01-02,x,TL1 1AA,,,")

    def explode(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr("tellus.people.importing.extract.audit_events_record", explode)
    with pytest.raises(RuntimeError):
        load(path)

    assert SourceRecord.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="people.sourcerecord").count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_every_created_record_is_audited_in_the_same_import(tmp_path: Path) -> None:
    load(write(tmp_path, "B1,Alice,Smith,1980-01-02,x,TL1 1AA,,,", "B2,Bob,Smith,,x,TL1 1AA,,,"))

    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="people.sourcerecord")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(
        str(pk) for pk in SourceRecord.objects.values_list("pk", flat=True)
    )
    assert {event.actor_label for event in created} == {"tests"}


def test_a_file_that_is_missing_or_lacks_mapped_columns_is_refused_whole(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="file not found"):
        load(tmp_path / "nope.csv")
    with pytest.raises(ExtractError, match="surname"):
        load(write(tmp_path, "B1,Alice", header="borrower_id,forename"))
    with pytest.raises(ExtractError, match="empty"):
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        load(empty)
    assert SourceRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[columns]\nfirst_name = 'a'\n", "source_key"),
        ("[columns]\nsource_key = 'a'\nshoe_size = 'b'\n", "unknown field"),
        ("[columns]\nsource_key = 3\n", "column name"),
        ("[file]\nencoding = 'klingon'\n[columns]\nsource_key = 'a'\n", "unknown encoding"),
        ("not toml at all [", "not valid TOML"),
    ],
)
def test_a_malformed_mapping_gets_a_clear_error(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "map.toml"
    path.write_text(toml)
    with pytest.raises(MappingError, match=message):
        load_mapping(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("SMITH, John", ("John", "SMITH")), ("Mary Ann Jones", ("Mary Ann", "Jones")), ("Cher", ("", "Cher"))],
)
def test_full_names_split_into_given_and_family_names(text: str, expected: tuple[str, str]) -> None:
    assert split_full_name(text) == expected


def test_the_gazetteer_loads_properties_and_rejects_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.csv"
    path.write_text(
        "reference,kind,address_line_1,address_line_2,locality,postcode,ward,latitude,longitude\n"
        "100001,dwelling,1 High Street,,Tellham,tl11aa,North,51.5,-0.1\n"
        "100002,castle,2 High Street,,Tellham,TL1 1AA,North,,\n"
        "100003,shared,Night shelter,,Tellham,TL1 1AB,South,95,0\n"
    )

    summary = import_properties(path=path, actor=ACTOR)

    assert (summary.created, summary.rejected) == (1, 2)
    assert Property.objects.get().postcode == "TL1 1AA"
    rejects = (tmp_path / "gazetteer.rejects.csv").read_text()
    assert "unknown kind 'castle'" in rejects
    assert "latitude 95.0 is out of range" in rejects


def test_an_organisation_column_marks_rows_that_are_not_people(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text('account,name,type\nR1,"SMITH, John",person\nR2,Tellham Bakery Ltd,company\n')
    mapping = mapping_from_dict(
        {
            "columns": {"source_key": "account", "full_name": "name", "organisation": "type"},
            "values": {"organisation": ["company", "trust"]},
        }
    )

    load(path, mapping=mapping)

    bakery = SourceRecord.objects.get(source_key="R2")
    assert bakery.is_organisation
    assert (bakery.first_name, bakery.last_name) == ("", "Tellham Bakery Ltd")
    assert not SourceRecord.objects.get(source_key="R1").is_organisation


def test_without_an_organisation_column_company_names_are_recognised(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("account,name\nR1,Riverside Homes Ltd\nR2,Jane Holmes\n")
    mapping = mapping_from_dict({"columns": {"source_key": "account", "full_name": "name"}})

    load(path, mapping=mapping)

    assert SourceRecord.objects.get(source_key="R1").is_organisation
    assert not SourceRecord.objects.get(source_key="R2").is_organisation


def test_a_date_of_death_is_kept_and_an_impossible_one_rejected(tmp_path: Path) -> None:
    path = tmp_path / "roll.csv"
    path.write_text("id,first,last,dob,died\nE1,Ann,Lee,1930-01-01,2026-03-04\nE2,Bob,Lee,1950-01-01,1940-01-01\n")
    mapping = mapping_from_dict(
        {
            "columns": {
                "source_key": "id",
                "first_name": "first",
                "last_name": "last",
                "date_of_birth": "dob",
                "date_of_death": "died",
            }
        }
    )

    summary = load(path, mapping=mapping)

    assert SourceRecord.objects.get(source_key="E1").date_of_death == dt.date(2026, 3, 4)
    assert summary.reasons == {"impossible date": 1}


def test_a_field_can_take_the_first_of_several_columns_that_is_not_empty(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "account,name,prop,prop_pc,mail,mail_pc\n"
        'R1,Ann Lee,1 High St,TL1 1AA,"9 Far Road, Elsewhere",EL9 9ZZ\n'
        "R2,Bob Lee,2 High St,TL1 1AB,,\n"
    )
    mapping = mapping_from_dict(
        {
            "columns": {
                "source_key": "account",
                "full_name": "name",
                "address": [["mail"], ["prop"]],
                "postcode": [["mail_pc"], ["prop_pc"]],
            }
        }
    )

    load(path, mapping=mapping)

    landlord, owner = SourceRecord.objects.get(source_key="R1"), SourceRecord.objects.get(source_key="R2")
    assert (landlord.address, landlord.postcode) == ("9 Far Road, Elsewhere", "EL9 9ZZ")
    assert (owner.address, owner.postcode) == ("2 High St", "TL1 1AB")


RATES_MAPPING = {"columns": {"source_key": "account", "full_name": "name", "address": "address"}}


def test_organisations_are_recognised_by_name_and_counted_by_kind(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(
        "account,name,address\nR1,Director of Housing (Vic),1 High St\nR2,XYZ PTY LTD,2 High St\n"
        "R3,ESTATE OF THE LATE MARY BROWN,3 High St\nR4,Mary Trust,4 High St\nR5,John Church,5 High St\n"
        "R6,Ann Council,6 High St\n"
    )

    summary = load(path, mapping=mapping_from_dict(RATES_MAPPING))

    organisations = dict(SourceRecord.objects.values_list("source_key", "is_organisation"))
    assert organisations == {"R1": True, "R2": True, "R3": True, "R4": False, "R5": False, "R6": False}
    assert summary.organisations == {"public body": 1, "company": 1, "estate": 1}
    assert SourceRecord.objects.get(source_key="R4").last_name == "Trust"


def test_the_mappings_organisation_column_wins_over_the_name(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("account,name,type\nR1,Smith Holdings,Individual\nR2,Jane Holmes,Organisation\n")
    mapping = mapping_from_dict(
        {
            "columns": {"source_key": "account", "full_name": "name", "organisation": "type"},
            "values": {"organisation": ["organisation"]},
        }
    )

    summary = load(path, mapping=mapping)

    assert not SourceRecord.objects.get(source_key="R1").is_organisation
    assert SourceRecord.objects.get(source_key="R2").is_organisation
    assert summary.organisations == {"column": 1}


def test_a_council_rules_file_is_used_and_a_broken_one_refused(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    rules = tmp_path / "rules.toml"
    rules.write_text("[[rule]]\nkind = 'housing'\npatterns = ['homes$']\n")
    settings.TELLUS_ORGANISATION_RULES = str(rules)
    path = tmp_path / "rates.csv"
    path.write_text("account,name\nR1,Riverside Homes\nR2,Riverside Ltd\n")

    load(path, mapping=mapping_from_dict({"columns": {"source_key": "account", "full_name": "name"}}))

    assert dict(SourceRecord.objects.values_list("source_key", "is_organisation")) == {"R1": True, "R2": False}
    rules.write_text("[[rule]]\nkind = 'x'\npatterns = ['(']\n")
    settings.TELLUS_ORGANISATION_RULES = str(tmp_path / "missing.toml")
    with pytest.raises(ExtractError, match="not found"):
        load(path, mapping=mapping_from_dict({"columns": {"source_key": "account", "full_name": "name"}}))


def test_titles_go_to_their_own_field_and_initials_stay_initials(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text('account,name,address\nR1,MR N G WILKINSON,1 High St\nR2,"WILKINSON, N.G.",1 High St\n')

    load(path, mapping=mapping_from_dict(RATES_MAPPING))

    first = SourceRecord.objects.get(source_key="R1")
    assert (first.title, first.first_name, first.last_name) == ("Mr", "N G", "Wilkinson")
    second = SourceRecord.objects.get(source_key="R2")
    assert (second.title, second.first_name, second.last_name) == ("", "N G", "Wilkinson")


def test_a_joint_name_becomes_one_record_per_person(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("account,name,address\nR1,N & D WILKINSON,1 High St\nR2,John and Mary Smith,2 High St\n")

    summary = load(path, mapping=mapping_from_dict(RATES_MAPPING))

    names = {r.source_key: (r.first_name, r.last_name, r.address) for r in SourceRecord.objects.all()}
    assert names == {
        "R1": ("N", "Wilkinson", "1 High St"),
        "R1#2": ("D", "Wilkinson", "1 High St"),
        "R2": ("John", "Smith", "2 High St"),
        "R2#2": ("Mary", "Smith", "2 High St"),
    }
    assert (summary.rows_read, summary.created, summary.joint_rows, summary.joint_extra_records) == (2, 4, 2, 2)
    again = load(path, mapping=mapping_from_dict(RATES_MAPPING), system=SourceRecord.objects.first().source_system)
    assert (again.created, again.unchanged) == (0, 4)
