"""On PostgreSQL the database refuses TRUNCATE of the audit log too (issue 11, criterion 9).

UPDATE and DELETE are refused row by row by migration 0002's trigger; TRUNCATE fires no row triggers, so this
adds a statement trigger. The only way past it is deliberate: the table's owner (nobody else may TRUNCATE at
all) sets `tellus.allow_audit_truncate = on` in their session first. The test settings do that so Django can
empty test databases between tests, and `tellus demo --rebuild` does it to wipe a demo town; production
settings never do.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION tellus_audit_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('tellus.allow_audit_truncate', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'privacy_auditevent is append-only: TRUNCATE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS privacy_auditevent_no_truncate ON privacy_auditevent;
CREATE TRIGGER privacy_auditevent_no_truncate
    BEFORE TRUNCATE ON privacy_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION tellus_audit_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_auditevent_no_truncate ON privacy_auditevent;
DROP FUNCTION IF EXISTS tellus_audit_no_truncate();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_staff_role_grants_and_sign_in")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
