"""`tellus retention apply [--dry-run]`, `hold`, `lift`, `holds`: the council's retention rules and legal holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.people.models import Person
from tellus.privacy.models import User
from tellus.privacy.services import Actor
from tellus.rights.models import LegalHold
from tellus.rights.retention import (
    RetentionError,
    due,
    legal_hold_lift,
    legal_hold_set,
    retention_apply,
    rules_load,
    rules_path,
)


def _staff(username: str) -> Actor:
    try:
        return Actor.for_user(User.objects.get(username=username, is_active=True))
    except User.DoesNotExist:
        raise CommandError(f"No active staff user {username!r}.") from None


class Command(BaseCommand):
    help = (
        "Retention and erasure. `apply --dry-run` lists what the rules in retention.toml make due; `apply` "
        "anonymises it with an erasure receipt and audit entry each; `hold PERSON_ID --reason TEXT --by USER` and "
        "`lift PERSON_ID --by USER` set and lift a legal hold; `holds` lists standing holds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        apply = sub.add_parser("apply", help="Erase what the retention rules make due.")
        apply.add_argument("--dry-run", action="store_true", help="List what would go; change nothing.")
        apply.add_argument("--rules", type=Path, help="The rules file (default TELLUS_RETENTION_FILE).")
        apply.add_argument("--today", type=dt.date.fromisoformat, help="Count from this day (default today).")
        hold = sub.add_parser("hold", help="Stop erasure for a person.")
        hold.add_argument("person_id", type=int)
        hold.add_argument("--reason", required=True)
        hold.add_argument("--by", required=True, help="Username of the member of staff setting it.")
        lift = sub.add_parser("lift", help="Lift a person's legal hold.")
        lift.add_argument("person_id", type=int)
        lift.add_argument("--by", required=True)
        sub.add_parser("holds", help="Standing legal holds.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except RetentionError as exc:
            raise CommandError(str(exc)) from None
        except Person.DoesNotExist:
            raise CommandError(f"No person {options.get('person_id')}.") from None

    def _apply(self, options: dict[str, Any]) -> None:
        rules = rules_load(options["rules"] or rules_path())
        if options["dry_run"]:
            items = due(rules, today=options["today"])
            for item in items:
                self.stdout.write(
                    f"would erase {item.object_type} {item.object_id}\tperson {item.person_id}\t"
                    f"rule {item.rule.name}\tdue since {item.due_since}"
                )
            self.stdout.write(f"{len(items)} rows would be erased (dry run: nothing changed).")
            return
        receipts = retention_apply(actor=Actor.system("tellus retention apply"), rules=rules, today=options["today"])
        for receipt in receipts:
            self.stdout.write(
                f"erased {receipt.object_type} {receipt.object_id}\trule {receipt.rule}\treceipt {receipt.pk}"
            )
        self.stdout.write(f"{len(receipts)} rows erased, each with an erasure receipt and an audit entry.")

    def _hold(self, options: dict[str, Any]) -> None:
        hold = legal_hold_set(actor=_staff(options["by"]), person_id=options["person_id"], reason=options["reason"])
        self.stdout.write(f"Legal hold {hold.pk} set on person {hold.person_id}: nothing about them will be erased.")

    def _lift(self, options: dict[str, Any]) -> None:
        hold = legal_hold_lift(actor=_staff(options["by"]), person_id=options["person_id"])
        self.stdout.write(f"Legal hold {hold.pk} on person {hold.person_id} lifted.")

    def _holds(self, options: dict[str, Any]) -> None:
        for hold in LegalHold.objects.filter(lifted_at__isnull=True):
            self.stdout.write(f"{hold.pk}\tperson {hold.person_id}\tsince {hold.set_at:%Y-%m-%d}\t{hold.reason}")
