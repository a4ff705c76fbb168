"""The consents the demo council asks for. A council changes these (and their notice versions) in admin or a later
migration of its own."""

from typing import Any

from django.db import migrations

PURPOSES = [
    {
        "code": "tell-us-once",
        "title": "Tell other council services when I tell one of them something has changed",
        "description": (
            "When you tell one service that you have moved or changed your name, we pass it on to the other council "
            "services that know you, so you do not have to tell each one. If you say no, each service keeps its own "
            "record and you tell them yourself."
        ),
        "dpv_purpose": "dpv:ServiceProvision",
        "lawful_basis": "dpv:Consent",
        "notice_version": "2026-01",
    },
    {
        "code": "updates-by-email",
        "title": "Email me when something happens on one of my requests",
        "description": (
            "We send a short email when a request you made changes: passed to another team, done, or closed. "
            "If you say no, you can still see every request on this site."
        ),
        "dpv_purpose": "dpv:CommunicationForCustomerCare",
        "lawful_basis": "dpv:Consent",
        "notice_version": "2026-01",
    },
]


def add(apps: Any, schema_editor: Any) -> None:
    ConsentPurpose = apps.get_model("rights", "ConsentPurpose")
    for fields in PURPOSES:
        ConsentPurpose.objects.update_or_create(code=fields["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("rights", "0002_consents")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
