"""The PostgreSQL rights of the role the application runs as (issue 11, criterion 9).

Tables are owned by the role that runs `tellus migrate`; the application (`tellus serve`, imports, resolve on
DuckDB) runs as another role, neither owner nor superuser, that may read and write every table except the audit
log, where it may only INSERT and SELECT. `tellus database-role-sql ROLE` prints this SQL, docs/deployment.md
shows it, and a PostgreSQL test applies exactly it and proves the role cannot change or remove audit entries.
"""

from __future__ import annotations

import re

from .models import AuditEvent

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def application_role_sql(role: str, schema: str = "public") -> str:
    """GRANTs for `role`, to run as the tables' owner after `tellus migrate` (and again after later migrations
    that add tables only if the default privileges below were not in place)."""
    if not _ROLE_NAME.match(role) or not _ROLE_NAME.match(schema):
        raise ValueError("Role and schema names are lower-case letters, digits and underscores.")
    audit = AuditEvent._meta.db_table
    statements = [
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.{audit} FROM {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
    return "".join(f"{statement};\n" for statement in statements)
