"""Choosing where Splink runs: DuckDB in process by default, PostgreSQL when asked."""

from __future__ import annotations

import secrets
from typing import Any

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/tellus_linkage"

# PostgreSQL's fuzzystrmatch has levenshtein but no Jaro-Winkler; this is the same algorithm DuckDB uses
# (Jaro with a match window of max(len)/2 - 1, Winkler boost of 0.1 per common prefix character, up to four,
# applied when Jaro exceeds 0.7), so both backends put pairs in the same comparison levels.
_PG_JARO_WINKLER = """
CREATE OR REPLACE FUNCTION jaro_winkler_similarity(s1 text, s2 text) RETURNS float8 AS $$
DECLARE
    len1 int := length(s1); len2 int := length(s2);
    window_size int; matches int := 0; transpositions int := 0;
    m1 boolean[]; m2 boolean[]; i int; j int; k int := 1; lo int; hi int;
    jaro float8; prefix int := 0;
BEGIN
    IF s1 IS NULL OR s2 IS NULL THEN RETURN NULL; END IF;
    IF len1 = 0 AND len2 = 0 THEN RETURN 1.0; END IF;
    IF len1 = 0 OR len2 = 0 THEN RETURN 0.0; END IF;
    window_size := greatest(greatest(len1, len2) / 2 - 1, 0);
    m1 := array_fill(false, ARRAY[len1]); m2 := array_fill(false, ARRAY[len2]);
    FOR i IN 1..len1 LOOP
        lo := greatest(1, i - window_size); hi := least(len2, i + window_size);
        FOR j IN lo..hi LOOP
            IF NOT m2[j] AND substr(s1, i, 1) = substr(s2, j, 1) THEN
                m1[i] := true; m2[j] := true; matches := matches + 1; EXIT;
            END IF;
        END LOOP;
    END LOOP;
    IF matches = 0 THEN RETURN 0.0; END IF;
    FOR i IN 1..len1 LOOP
        IF m1[i] THEN
            WHILE NOT m2[k] LOOP k := k + 1; END LOOP;
            IF substr(s1, i, 1) <> substr(s2, k, 1) THEN transpositions := transpositions + 1; END IF;
            k := k + 1;
        END IF;
    END LOOP;
    jaro := (matches::float8 / len1 + matches::float8 / len2
             + (matches - transpositions / 2)::float8 / matches) / 3.0;
    IF jaro > 0.7 THEN
        WHILE prefix < least(4, len1, len2) AND substr(s1, prefix + 1, 1) = substr(s2, prefix + 1, 1) LOOP
            prefix := prefix + 1;
        END LOOP;
        jaro := jaro + prefix * 0.1 * (1.0 - jaro);
    END IF;
    RETURN jaro;
END
$$ LANGUAGE plpgsql IMMUTABLE;
"""


def _postgres_api_class() -> Any:
    from splink.internals.input_column import InputColumn
    from splink.internals.postgres.database_api import PostgresAPI
    from splink.internals.postgres.dataframe import PostgresDataFrame

    class RunPostgresDataFrame(PostgresDataFrame):
        """Splink reads a table's columns from every schema with that table name, so a table of the same name left
        by another run (concurrent, or stopped before it could drop its schema) doubled every column; read this
        run's schema only, in the table's own order."""

        @property
        def columns(self) -> list[Any]:
            from sqlalchemy import text

            sql = text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = :schema "
                "AND table_name = :name ORDER BY ordinal_position"
            )
            with self.db_api._engine.connect() as connection:
                rows = connection.execute(sql, {"schema": self._db_schema, "name": self.physical_name}).all()
            return [InputColumn(row[0], sqlglot_dialect_str="postgres") for row in rows]

    class OfflinePostgresAPI(PostgresAPI):
        """Splink's PostgresAPI loads tables through DuckDB's postgres extension, which it downloads on first use;
        servers without internet access fail there, so tables are written with pandas instead. Every table it reads
        or finds is this run's own schema's."""

        def table_to_splink_dataframe(self, templated_name: str, physical_name: str) -> Any:
            return RunPostgresDataFrame(templated_name, physical_name, self)

        def _table_registration(self, input: Any, table_name: str) -> None:
            import pandas as pd

            frame = input if isinstance(input, pd.DataFrame) else pd.DataFrame(input)
            frame.to_sql(table_name, con=self._engine, index=False, if_exists="replace", schema=self._db_schema)

        def table_exists_in_database(self, table_name: str) -> bool:
            # Splink looks in every schema; a run only cares about its own.
            from sqlalchemy import text

            sql = text("SELECT 1 FROM information_schema.tables WHERE table_schema = :schema AND table_name = :name")
            with self._engine.connect() as connection:
                return connection.execute(sql, {"schema": self._db_schema, "name": table_name}).first() is not None

    return OfflinePostgresAPI


def make_db_api(backend: str = "duckdb", *, postgres_url: str | None = None) -> Any:
    """A fresh Splink database API: 'duckdb' (in memory) or 'postgres' (schema 'splink' in postgres_url)."""
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if backend == "postgres":
        from sqlalchemy import create_engine, text

        engine = create_engine(postgres_url or DEFAULT_POSTGRES_URL)
        # levenshtein lives in public, not in a run's schema, so dropping one run's schema never takes it from another.
        with engine.begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch SCHEMA public"))
        # A schema of its own per run, so concurrent runs never meet and release_db_api can drop it whole.
        db_api = _postgres_api_class()(engine, schema=f"splink_{secrets.token_hex(6)}")
        db_api._execute_sql_against_backend(_PG_JARO_WINKLER)
        return db_api
    raise ValueError(f"Unknown linkage backend {backend!r}; expected 'duckdb' or 'postgres'")


def release_db_api(db_api: Any) -> None:
    """Drop what a run left in the backend: the PostgreSQL schema (DuckDB's in-memory database just goes away)."""
    schema = getattr(db_api, "_db_schema", "")
    if schema.startswith("splink_") and hasattr(db_api, "_engine"):
        db_api._execute_sql_against_backend(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        db_api._engine.dispose()
