"""Choosing where Splink runs: DuckDB in process by default, PostgreSQL or Spark when asked."""

from __future__ import annotations

import copy
import os
import secrets
import sys
from typing import Any

import pandas as pd

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/tellus_linkage"
BACKENDS = ("duckdb", "postgres", "spark")

# Spark in local mode unless told otherwise: two cores and a modest heap, no web UI, nothing downloaded (Splink's
# Jaro-Winkler jar ships inside the splink package and is handed to the executors by the driver). A cluster's master
# URL and its sizes come from `spark_session(master=..., conf=...)` (`tellus resolve --spark-master --spark-conf`).
DEFAULT_SPARK_MASTER = "local[2]"
SPARK_DEFAULTS: dict[str, str] = {
    "spark.app.name": "tellus-linkage",
    "spark.driver.memory": "2g",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
}
# Only for local mode: the driver is the only executor, on this machine, so it needs no routable address.
SPARK_LOCAL_DEFAULTS: dict[str, str] = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}

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


def spark_session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """This process's Spark session, started on first use: `master` (default local[2]) with SPARK_DEFAULTS and
    `conf` over them. Once started it is reused (a JVM takes seconds to start); asking for another master then is an
    error rather than a silent run in the wrong place."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    active = SparkSession.getActiveSession()
    if active is not None:
        running = active.sparkContext.master
        if master and master != running:
            raise ValueError(f"a Spark session is already running on {running}; cannot also use {master}")
        return active
    master = master or DEFAULT_SPARK_MASTER
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Spark's Python workers run the interpreter PYSPARK_PYTHON names ("python3" on the PATH if unset); they need
    # jellyfish, pandas and pyarrow for the Jaro-Winkler function, so by default they run this one. On a cluster,
    # set PYSPARK_PYTHON to the executors' own Python with those installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    local = SPARK_LOCAL_DEFAULTS if master.startswith("local") else {}
    settings = {**SPARK_DEFAULTS, **local, **(conf or {})}
    builder = SparkSession.builder.master(master).config("spark.jars", similarity_jar_location())
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def stop_spark_session() -> None:
    """Stop this process's Spark session, if one is running (tests; a command's process just exits)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


SPARK_JARO_WINKLER = "tellus_jaro_winkler"


def _spark_function(node: Any) -> Any:
    """DuckDB's jaro_winkler_similarity is Tellus's own function on Spark (register_spark_functions), not the
    jaro_winkler of the jar Splink ships: that one scores some pairs differently ("clapland"/"clpland" 0.9095
    against DuckDB's 0.9286; 91 of 620,594 stored pairs of the 200,000-person town changed level). DuckDB's gives
    NULL when either value is missing; so does this, so every level condition is true or not for the same pairs on
    both backends."""
    from sqlglot import exp

    if isinstance(node, exp.JarowinklerSimilarity):
        left, right = node.this, node.expression
        missing = exp.or_(
            exp.Is(this=left.copy(), expression=exp.Null()), exp.Is(this=right.copy(), expression=exp.Null())
        )
        similarity = exp.Anonymous(this=SPARK_JARO_WINKLER, expressions=[left, right])
        return exp.If(this=missing, true=exp.Null(), false=similarity)
    return node


def register_spark_functions(session: Any) -> None:
    """DuckDB's Jaro-Winkler on a Spark session, as a vectorised (Arrow) Python function: jellyfish on UTF-8
    bytes, as DuckDB computes it (see engine/levels.py). Defined here in full, so that Spark's executors need only
    jellyfish, pandas and pyarrow, not Tellus itself."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    def jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
        import jellyfish

        def one(a: Any, b: Any) -> float | None:
            if a is None or b is None:
                return None
            a = a if a.isascii() else a.encode("utf-8").decode("latin-1")
            b = b if b.isascii() else b.encode("utf-8").decode("latin-1")
            return float(jellyfish.jaro_winkler_similarity(a, b))

        return pd.Series([one(a, b) for a, b in zip(left, right, strict=True)], dtype="float64")

    session.udf.register(SPARK_JARO_WINKLER, pandas_udf(jaro_winkler, "double"))  # type: ignore[call-overload]


def _to_spark_sql(sql: str) -> str:
    import sqlglot

    return sqlglot.parse_one(sql, read="duckdb").transform(_spark_function).sql(dialect="spark")


def settings_for_backend(settings: dict[str, Any], backend: str) -> dict[str, Any]:
    """The model's Splink settings as a backend runs them. The comparisons are written once in DuckDB SQL;
    PostgreSQL runs them as they are (backends.py installs its missing function), Spark gets every level condition
    and blocking rule translated to Spark SQL. Only the SQL changes: the levels, their m and u, the prior and the
    term frequencies are the model's own, so the same pair gets the same level and weight on every backend."""
    if backend != "spark":
        return settings
    translated = copy.deepcopy(settings)
    translated["sql_dialect"] = "spark"
    for comparison in translated["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = _to_spark_sql(level["sql_condition"])
    rules = []
    for rule in translated["blocking_rules_to_generate_predictions"]:
        rule = dict(rule) if isinstance(rule, dict) else {"blocking_rule": rule}
        rule["blocking_rule"] = _to_spark_sql(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
        rules.append(rule)
    translated["blocking_rules_to_generate_predictions"] = rules
    return translated


def make_db_api(backend: str = "duckdb", *, postgres_url: str | None = None) -> Any:
    """A fresh Splink database API: 'duckdb' (in memory), 'postgres' (a schema of its own in postgres_url) or
    'spark' (a session of its own on this process's Spark, see spark_session)."""
    if backend == "spark":
        from splink import SparkAPI

        # A session of its own (shared SparkContext): its tables and functions are this run's, and release_db_api
        # frees what it cached. Intermediate tables are persisted (memory, then executors' disks) rather than
        # written as parquet to a checkpoint directory every worker would have to share.
        session = spark_session().newSession()
        register_spark_functions(session)
        partitions = int(session.conf.get("spark.sql.shuffle.partitions") or 4)
        return SparkAPI(spark_session=session, break_lineage_method="persist", num_partitions_on_repartition=partitions)
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
    raise ValueError(f"Unknown linkage backend {backend!r}; expected one of {', '.join(BACKENDS)}")


def backend_table(db_api: Any, frame: pd.DataFrame) -> Any:
    """A pandas frame as the backend should be given it. Spark gets a DataFrame with an explicit schema (integers,
    floats, booleans, everything else text), so a column that is empty in one batch (no emails among a few new
    records) is still text, and missing values are nulls, never NaN."""
    if getattr(db_api, "spark", None) is None:
        return frame
    from pyspark.sql.types import BooleanType, DoubleType, LongType, StringType, StructField, StructType

    def spark_type(dtype: Any) -> Any:
        if pd.api.types.is_bool_dtype(dtype):
            return BooleanType()
        if pd.api.types.is_integer_dtype(dtype):
            return LongType()
        if pd.api.types.is_float_dtype(dtype):
            return DoubleType()
        return StringType()

    schema = StructType([StructField(str(name), spark_type(dtype)) for name, dtype in frame.dtypes.items()])
    cleaned = frame.copy()
    for name, dtype in frame.dtypes.items():
        if isinstance(spark_type(dtype), StringType):
            cleaned[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return db_api.spark.createDataFrame(cleaned, schema=schema)


def release_db_api(db_api: Any) -> None:
    """Drop what a run left in the backend: the PostgreSQL schema, Spark's cached tables and views (DuckDB's
    in-memory database just goes away)."""
    spark = getattr(db_api, "spark", None)
    if spark is not None:
        # The run's views die with its session; what it persisted is held by the shared context until uncached.
        # (Clearing the whole cache is cheap, where uncaching view by view took seconds; Tellus runs one resolve per
        # process at a time.)
        spark.catalog.clearCache()
        return
    schema = getattr(db_api, "_db_schema", "")
    if schema.startswith("splink_") and hasattr(db_api, "_engine"):
        db_api._execute_sql_against_backend(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        db_api._engine.dispose()
