"""The indexes that let staff search by part of a name or an address without reading every record (PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist only on PostgreSQL")
def test_part_of_a_name_and_an_address_are_searched_through_trigram_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_sourcerecord'")
        names = {row[0] for row in cursor.fetchall()}
        assert {"people_sourcerecord_name_trgm", "people_sourcerecord_address_trgm"} <= names
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT person_id FROM people_sourcerecord WHERE name_normalised::text LIKE '%sam%'")
        assert "people_sourcerecord_name_trgm" in " ".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            "EXPLAIN SELECT person_id FROM people_sourcerecord WHERE UPPER(address::text) LIKE UPPER('%kiln%')"
        )
        assert "people_sourcerecord_address_trgm" in " ".join(row[0] for row in cursor.fetchall())
