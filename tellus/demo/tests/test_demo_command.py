"""`tellus demo`: builds a small town through the import path, keeps the ground truth out of the database,
reuses or rebuilds its own demo, and never overwrites data it did not create."""

from __future__ import annotations

import csv
import io
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tellus.demand.models import OPEN_STATUSES, Need
from tellus.demo.build import DEMO_USERS
from tellus.demo.models import DemoBuild
from tellus.people.models import ImportRun, Person, Property, SourceRecord, SourceSystem
from tellus.people.services import TOLD_SYSTEM_NAME
from tellus.people.tests.factories import PersonFactory
from tellus.privacy.models import User


@pytest.fixture
def var_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    return tmp_path


def _demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--people", "300", "--no-serve", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_builds_a_small_town_and_imports_all_six_systems(var_dir: Path) -> None:
    output = _demo()
    imported = SourceSystem.objects.exclude(name=TOLD_SYSTEM_NAME)  # Tell us once keeps people's own copies there

    assert SourceSystem.objects.filter(name=TOLD_SYSTEM_NAME).exists()
    assert set(imported.values_list("name", flat=True)) == {
        "rates",
        "electoral",
        "library",
        "animals",
        "crm",
        "housing",
    }
    runs = ImportRun.objects.all()
    assert runs.count() == 6
    assert all(run.status == ImportRun.Status.COMPLETED and run.rejected == 0 for run in runs)
    truth = list(csv.DictReader((var_dir / "demo" / "ground_truth.csv").open(encoding="utf-8")))
    assert SourceRecord.objects.filter(source_system__in=imported).count() == len(truth)
    people = [row for row in truth if row["entity"] == "person"]
    # Linkage has run: every person's record is on a person, fewer people than records, never a company.
    assert not SourceRecord.objects.filter(is_organisation=False, person__isnull=True).exists()
    assert not SourceRecord.objects.filter(is_organisation=True, person__isnull=False).exists()
    assert 0 < Person.objects.filter(merged_into__isnull=True).count() < len(people)
    assert SourceRecord.objects.filter(is_organisation=True, source_system__in=imported).count() == len(truth) - len(
        people
    )
    assert Property.objects.filter(kind=Property.Kind.PSEUDO).exists()
    for system in imported:
        assert (var_dir / "demo" / "extracts" / f"{system.name}.csv").exists()
    build = DemoBuild.objects.get()
    assert (build.people, build.seed, build.is_complete) == (300, 1, True)
    assert "http://127.0.0.1:8000/" in output
    assert "Importing library" in output
    # The worklist has something true to show: the officer's needs, some overdue, some waiting on the resident.
    open_needs = Need.objects.filter(status__in=OPEN_STATUSES)
    assert open_needs.filter(assignee__username="officer").exists()
    assert open_needs.filter(due_at__lt=timezone.now()).exists()
    assert open_needs.filter(waiting_since__isnull=False).exists()


@pytest.mark.django_db
def test_the_ground_truth_is_kept_out_of_the_database(var_dir: Path) -> None:
    _demo()

    truth = list(csv.DictReader((var_dir / "demo" / "ground_truth.csv").open(encoding="utf-8")))
    true_ids = {row["true_id"] for row in truth}
    assert not SourceRecord.objects.filter(raw__has_key="true_id").exists()
    raw_values = {value for raw in SourceRecord.objects.values_list("raw", flat=True) for value in raw.values()}
    assert not true_ids & raw_values


@pytest.mark.django_db
def test_demo_makes_one_login_per_role_with_a_password_kept_only_in_a_private_file(var_dir: Path) -> None:
    output = _demo()

    credentials = var_dir / "demo" / "credentials.txt"
    password = credentials.read_text().splitlines()[0].removeprefix("password=")
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert password in output
    for username, role in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert password not in str(list(DemoBuild.objects.values()))


@pytest.mark.django_db
def test_demo_serves_the_existing_town_when_people_and_seed_are_unchanged(var_dir: Path) -> None:
    _demo()
    records = SourceRecord.objects.count()

    output = _demo()

    assert "already built" in output
    assert SourceRecord.objects.count() == records
    assert DemoBuild.objects.count() == 1


@pytest.mark.django_db
def test_demo_rebuilds_its_own_town_when_asked(var_dir: Path) -> None:
    _demo()
    first_password = (var_dir / "demo" / "credentials.txt").read_text()

    _demo("--rebuild", "--seed", "2")

    assert DemoBuild.objects.get().seed == 2
    assert ImportRun.objects.count() == 6
    assert User.objects.filter(username__in=[u for u, _ in DEMO_USERS]).count() == len(DEMO_USERS)
    assert (var_dir / "demo" / "credentials.txt").read_text() != first_password


@pytest.mark.django_db
def test_demo_refuses_to_overwrite_data_it_did_not_create(var_dir: Path) -> None:
    PersonFactory()

    with pytest.raises(CommandError, match="refusing to overwrite"):
        _demo()

    assert Person.objects.count() == 1
    assert not SourceSystem.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("people", ["99", "10000000"])
def test_demo_refuses_a_town_of_an_unreasonable_size(var_dir: Path, people: str) -> None:
    with pytest.raises(CommandError, match="--people must be between"):
        call_command("demo", "--people", people, "--no-serve", stdout=io.StringIO())
