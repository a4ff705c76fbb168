"""On PostgreSQL, the audit log refuses TRUNCATE, and the role the application runs as (made with the SQL the
deployment guide gives) can add and read audit entries but never change or remove them (issue 11, criterion 9)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tellus.privacy.database_roles import application_role_sql
from tellus.privacy.models import AuditAction, AuditEvent, Purpose
from tellus.privacy.services import Actor, audit_event_record

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles and triggers are PostgreSQL's"
)


def record_one(label: str = "tests") -> AuditEvent:
    with transaction.atomic():
        return audit_event_record(
            actor=Actor.system(label), purpose=Purpose.CASEWORK, action=AuditAction.VIEW, object_type="people.person"
        )


@pytest.fixture
def application_role() -> str:
    """A role made exactly as docs/deployment.md says; it vanishes with the test's transaction."""
    role = f"tellus_app_test_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN NOSUPERUSER NOINHERIT")
        cursor.execute(application_role_sql(role))
    return role


@contextmanager
def acting_as(role: str) -> Iterator[Any]:
    """Runs SQL as `role` in a savepoint; a refusal rolls the savepoint (and the SET ROLE) back."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")
        yield cursor
        cursor.execute("RESET ROLE")


@postgresql_only
def test_the_owner_cannot_truncate_the_audit_log_without_saying_so_on_purpose() -> None:
    event = record_one()

    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # so only the trigger can stand in the way
        cursor.execute("SET LOCAL tellus.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE privacy_auditevent")

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
def test_the_application_role_is_neither_superuser_nor_owner(application_role: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [application_role])
        assert cursor.fetchone() == (False,)
        cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'privacy_auditevent'")
        assert cursor.fetchone() != (application_role,)


@postgresql_only
def test_the_application_role_adds_and_reads_audit_entries(application_role: str) -> None:
    with acting_as(application_role):
        event = record_one("written as the application role")
    with acting_as(application_role) as cursor:
        cursor.execute("SELECT actor_label FROM privacy_auditevent WHERE id = %s", [event.pk])
        assert cursor.fetchone() == ("written as the application role",)


@postgresql_only
def test_the_application_role_works_with_other_tables_as_usual(application_role: str, officer: Any) -> None:
    with acting_as(application_role) as cursor:
        cursor.execute("UPDATE privacy_user SET first_name = 'Olive' WHERE id = %s", [officer.pk])
        cursor.execute("SELECT first_name FROM privacy_user WHERE id = %s", [officer.pk])
        assert cursor.fetchone() == ("Olive",)


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE privacy_auditevent SET purpose = 'analysis' WHERE id = %s",
        "DELETE FROM privacy_auditevent WHERE id = %s",
        "TRUNCATE privacy_auditevent",
    ],
    ids=["update", "delete", "truncate"],
)
def test_the_application_role_cannot_change_or_remove_audit_entries(application_role: str, sql: str) -> None:
    event = record_one()

    with pytest.raises(DatabaseError, match="permission denied"), acting_as(application_role) as cursor:
        cursor.execute(sql, [event.pk] if "%s" in sql else None)

    assert AuditEvent.objects.get(pk=event.pk).purpose == Purpose.CASEWORK


def test_the_command_prints_the_same_sql_the_test_applies() -> None:
    out = StringIO()

    call_command("database_role_sql", "tellus_app", stdout=out)

    assert out.getvalue() == application_role_sql("tellus_app")
    assert "REVOKE UPDATE, DELETE, TRUNCATE ON public.privacy_auditevent FROM tellus_app;" in out.getvalue()


@pytest.mark.parametrize("name", ["tellus_app; DROP TABLE privacy_user", "Tellus", ""])
def test_the_sql_refuses_a_role_name_that_is_not_a_plain_identifier(name: str) -> None:
    with pytest.raises(ValueError, match="lower-case"):
        application_role_sql(name)


def test_the_deployment_guide_shows_the_sql_the_command_prints() -> None:
    guide = (Path(__file__).resolve().parents[3] / "docs" / "deployment.md").read_text()

    assert application_role_sql("tellus_app") in guide
