"""`tellus data-digest`: the same data gives the same digest, a changed value another, and what the clock sets counts
for nothing."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tellus.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def digest() -> dict[str, dict[str, object]]:
    out = StringIO()
    call_command("data_digest", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_digest_counts_rows_and_changes_with_a_value_but_not_with_the_time_a_row_was_written():
    person = PersonFactory(display_name="Alice Example")
    before = digest()
    assert before["people_person"]["rows"] == 1
    assert "created_at" in before["people_person"]["ignored"]

    person.save(update_fields=["updated_at"])  # the clock moves on: nothing the digest covers has changed
    assert digest() == before

    person.display_name = "Alice Other"
    person.save(update_fields=["display_name"])
    changed = digest()
    assert changed["people_person"]["digest"] != before["people_person"]["digest"]
    assert {table for table in before if changed[table] != before[table]} == {"people_person"}


def test_the_table_lists_every_table_with_its_row_count(capsys):
    PersonFactory()
    out = StringIO()
    call_command("data_digest", stdout=out)
    lines = {line.split()[0]: line.split()[1] for line in out.getvalue().splitlines()}
    assert lines["people_person"] == "1"
    assert "django_migrations" not in lines
