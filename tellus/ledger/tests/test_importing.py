from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from tellus.ledger.importing import LedgerMappingError, ledger_import, mapping_from_dict, mapping_load
from tellus.ledger.models import Contribution, LedgerImport, ServiceUse
from tellus.privacy.models import AuditEvent
from tellus.privacy.services import Actor

from .conftest import Town, contributions_csv, use_csv, write

ACTOR = Actor.system("tellus ledger import")


def _import(path: Path, mapping: Path, town: Town):  # type: ignore[no-untyped-def]
    return ledger_import(path=path, mapping=mapping_load(mapping), year=town.year, actor=ACTOR)


def _rejects(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_good_contributions_file_is_imported_with_each_payer_and_exact_amounts(tmp_path, town, contributions_mapping):
    result = _import(contributions_csv(tmp_path, town), contributions_mapping, town)

    assert (result.created, result.rejected) == (5, 0)
    lines = {c.source_reference: c for c in Contribution.objects.all()}
    assert lines["T1"].payer_person == town.ana and lines["T1"].payer_record == town.ana_account
    assert lines["T1"].amount == Decimal("1234.56") and lines["T1"].kind == "general_rates"
    assert lines["T2"].payer_organisation == town.company_account and lines["T2"].payer_person is None
    assert lines["T3"].payer_household == town.home and lines["T3"].kind == "service_charge"
    assert lines["T3"].service == town.waste
    assert lines["T4"].payer_person == town.cara and lines["T4"].kind == "fee"
    assert lines["T5"].payer_person == town.ben and lines["T5"].kind == "fine"


def test_every_contribution_traces_to_its_file_and_row(tmp_path, town, contributions_mapping):
    _import(contributions_csv(tmp_path, town), contributions_mapping, town)

    line = Contribution.objects.get(source_reference="T3")
    assert line.import_run.file_name == "payments.csv" and line.row_number == 4
    assert len(line.import_run.file_sha256) == 64
    assert AuditEvent.objects.filter(object_type="ledger.ledgerimport", object_id=str(line.import_run.pk)).count() == 1


def test_services_used_are_the_quantity_times_the_catalogue_unit_cost(tmp_path, town, use_mapping):
    result = _import(use_csv(tmp_path, town), use_mapping, town)

    assert result.created == 3
    bins = ServiceUse.objects.get(source_reference="U1")
    assert (bins.household, bins.unit_cost, bins.amount) == (town.home, Decimal("1.85"), Decimal("96.20"))
    loans = ServiceUse.objects.get(source_reference="U3")
    assert (loans.person, loans.quantity, loans.amount) == (town.cara, Decimal("1.5"), Decimal("3.15"))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("T9,01/09/2025,-12.00,FEE,Refund,,,,{ana}\n", "is negative"),
        ("T9,01/09/2025,twelve,FEE,Swim,,,,{ana}\n", "is not a number"),
        ("T9,01/09/2025,1e3,FEE,Swim,,,,{ana}\n", "is not a number"),
        ("T9,01/09/2025,12.345,FEE,Swim,,,,{ana}\n", "is not a number"),
        ("T9,01/09/2025,0.00,FEE,Swim,,,,{ana}\n", "is zero"),
        ("T9,01/09/2025,12.00,FEE,Swim,,R9999,,\n", "there is no rates account 'R9999'"),
        ("T9,01/09/2025,12.00,FEE,Swim,,R0003,,\n", "is not linked to a person yet"),
        ("T9,01/09/2025,12.00,FEE,Swim,,,999999,\n", "there is no property '999999'"),
        ("T9,01/09/2025,12.00,FEE,Swim,,,100003,\n", "no household lives at property"),
        ("T9,01/09/2025,12.00,FEE,Swim,,,,99999999\n", "there is no person number"),
        ("T9,01/09/2025,12.00,FEE,Swim,,,,\n", "names no payer"),
        ("T9,30/06/2025,12.00,FEE,Swim,,,,{ana}\n", "outside the financial year 2025/26"),
        ("T9,01/07/2026,12.00,FEE,Swim,,,,{ana}\n", "outside the financial year 2025/26"),
        ("T9,2025-09-01,12.00,FEE,Swim,,,,{ana}\n", "is not in the format"),
        ("T9,01/09/2025,12.00,GIFT,Swim,,,,{ana}\n", "is not a kind of contribution"),
        ("T9,01/09/2025,12.00,FEE,Swim,no-such-service,,,{ana}\n", "is not a service in the catalogue"),
        ("T1,01/09/2025,12.00,FEE,Swim,,,,{ana}\n", "appears twice in the file"),
        (",01/09/2025,12.00,FEE,Swim,,,,{ana}\n", "has no reference"),
        ("T9,01/09/2025,12.00,FEE,Swim,,,\n", "fields; the header has 9"),
    ],
)
def test_a_file_with_one_bad_row_is_refused_whole_with_the_reason(tmp_path, town, contributions_mapping, row, reason):
    path = contributions_csv(tmp_path, town, extra=row.format(ana=town.ana.pk))

    result = _import(path, contributions_mapping, town)

    assert result.refused and result.created == 0 and result.rejected == 1
    assert Contribution.objects.count() == 0 and LedgerImport.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="ledger.ledgerimport").exists()
    (reject,) = _rejects(result.rejects_path)
    assert reject["row_number"] == "7"
    assert reason in reject["reason"]


def test_a_file_already_imported_is_refused_as_already_in_the_ledger(tmp_path, town, contributions_mapping):
    path = contributions_csv(tmp_path, town)
    _import(path, contributions_mapping, town)

    again = _import(path, contributions_mapping, town)

    assert again.rejected == 5 and Contribution.objects.count() == 5
    assert all("already in the ledger for 2025/26" in r["reason"] for r in _rejects(again.rejects_path))


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("U9,2025-08-01,1,street-lighting,100001,\n", "shared by everyone and apportioned by rule"),
        ("U9,2025-08-01,1,advice,100001,\n", "has no unit cost in the catalogue"),
        ("U9,2025-08-01,-1,library-loans,100001,\n", "is negative"),
        ("U9,2025-08-01,one,library-loans,100001,\n", "is not a number"),
        ("U9,2024-08-01,1,library-loans,100001,\n", "outside the financial year"),
    ],
)
def test_a_use_file_with_a_bad_row_writes_nothing(tmp_path, town, use_mapping, row, reason):
    result = _import(use_csv(tmp_path, town, extra=row), use_mapping, town)

    assert result.refused and ServiceUse.objects.count() == 0
    assert reason in _rejects(result.rejects_path)[0]["reason"]


def test_an_organisation_cannot_be_named_as_using_a_service(tmp_path, town):
    mapping = write(
        tmp_path,
        "m.toml",
        '[ledger]\nkind="use"\naccount_system="rates"\n[columns]\nreference="r"\n'
        'date="d"\nquantity="q"\nservice="s"\naccount="a"\n',
    )
    path = write(tmp_path, "u.csv", "r,d,q,s,a\nU1,2025-08-01,1,library-loans,R0002\n")

    result = _import(path, mapping, town)

    assert "is an organisation's" in _rejects(result.rejects_path)[0]["reason"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"columns": {"reference": "r"}}, "[ledger] kind must be"),
        ({"ledger": {"kind": "use"}, "columns": {"reference": "r", "date": "d"}}, "must name the quantity"),
        (
            {"ledger": {"kind": "use"}, "columns": {"reference": "r", "date": "d", "quantity": "q", "colour": "c"}},
            "unknown field(s) colour",
        ),
        (
            {
                "ledger": {"kind": "contributions"},
                "columns": {"reference": "r", "date": "d", "amount": "a", "account": "x"},
            },
            "account_system must name",
        ),
        (
            {"ledger": {"kind": "contributions"}, "columns": {"reference": "r", "date": "d", "amount": "a"}},
            "must name at least one of",
        ),
        (
            {
                "ledger": {"kind": "contributions"},
                "columns": {"reference": "r", "date": "d", "amount": "a", "person_number": "p"},
                "values": {"contribution_kind": "donation"},
            },
            "not kinds of contribution",
        ),
    ],
)
def test_a_malformed_mapping_is_refused_with_what_is_wrong(data, message):
    with pytest.raises(LedgerMappingError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        mapping_from_dict(data)


def test_a_mapping_naming_a_column_the_file_lacks_is_refused(tmp_path, town, contributions_mapping):
    path = write(tmp_path, "short.csv", "txn,paid\nT1,01/08/2025\n")

    with pytest.raises(LedgerMappingError, match="the file has no column"):
        _import(path, contributions_mapping, town)
