"""`tellus import` as a council's data officer runs it: summary, exit codes, one-line errors."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tellus.cli import command_name
from tellus.people.models import SourceRecord, SourceSystem
from tellus.people.tests.factories import SourceSystemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    mapping = tmp_path / "crm.toml"
    mapping.write_text('[columns]\nsource_key = "id"\nfull_name = "name"\n')
    extract = tmp_path / "crm.csv"
    extract.write_text('id,name\nC1,"SMITH, John"\nC2,Jane Doe\n')
    return extract, mapping


def test_tellus_import_is_the_import_extract_command() -> None:
    assert command_name("import") == "import_extract"
    assert command_name("source-system") == "source_system"


def test_a_clean_import_prints_a_summary_and_succeeds(files: tuple[Path, Path]) -> None:
    SourceSystemFactory(name="crm")
    out = StringIO()

    call_command("import_extract", "crm", str(files[0]), mapping=str(files[1]), stdout=out, stderr=StringIO())

    assert "2 rows read, 2 created, 0 updated, 0 unchanged, 0 rejected" in out.getvalue()
    assert sorted(SourceRecord.objects.values_list("last_name", flat=True)) == ["Doe", "Smith"]


def test_an_import_with_rejects_exits_with_status_2_and_names_the_rejects_file(files: tuple[Path, Path]) -> None:
    SourceSystemFactory(name="crm")
    files[0].write_text("id,name\nC1,John Smith\n,Nobody\n")

    with pytest.raises(CommandError) as raised:
        call_command("import_extract", "crm", str(files[0]), mapping=str(files[1]), stdout=StringIO())

    assert raised.value.returncode == 2
    assert "1 row(s) rejected; see" in str(raised.value)
    assert SourceRecord.objects.count() == 1


def test_an_unknown_source_system_is_a_one_line_error_listing_the_known_ones(files: tuple[Path, Path]) -> None:
    SourceSystemFactory(name="crm")

    with pytest.raises(CommandError) as raised:
        call_command("import_extract", "rates", str(files[0]), mapping=str(files[1]))

    assert raised.value.returncode == 1
    assert "\n" not in str(raised.value)
    assert "unknown source system 'rates' (known: crm)" in str(raised.value)


def test_an_unreadable_file_is_a_one_line_error(files: tuple[Path, Path], tmp_path: Path) -> None:
    SourceSystemFactory(name="crm")

    with pytest.raises(CommandError, match="file not found") as raised:
        call_command("import_extract", "crm", str(tmp_path / "missing.csv"), mapping=str(files[1]))
    assert "\n" not in str(raised.value)
    with pytest.raises(CommandError, match="is a directory"):
        call_command("import_extract", "crm", str(tmp_path), mapping=str(files[1]))


def test_progress_is_shown_on_large_files(files: tuple[Path, Path]) -> None:
    SourceSystemFactory(name="crm")
    rows = "\n".join(f"C{i},Person {i}" for i in range(6000))
    files[0].write_text(f"id,name\n{rows}\n")
    err = StringIO()

    call_command("import_extract", "crm", str(files[0]), mapping=str(files[1]), stdout=StringIO(), stderr=err)

    assert "Importing crm: 6,000 / 6,000 rows (100%)" in err.getvalue()


def test_source_systems_can_be_added_and_listed_from_the_command_line() -> None:
    out = StringIO()
    call_command("source_system", "add", "rates", title="Rates", kind="rates", team="Revenues", stdout=out)
    call_command("source_system", "list", stdout=out)

    assert SourceSystem.objects.get(name="rates").owning_team == "Revenues"
    assert "rates" in out.getvalue()
    with pytest.raises(CommandError, match="name"):
        call_command("source_system", "add", "rates", title="Again", kind="rates", team="Revenues")
