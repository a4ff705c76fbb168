"""`tellus open311-key create|revoke|list`: keys for Open311 clients such as FixMyStreet."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tellus.open311.keys import api_client_create, api_client_revoke
from tellus.open311.models import ApiClient
from tellus.privacy.services import Actor


class Command(BaseCommand):
    help = "Create, revoke and list Open311 API keys. A new key is printed once; Tellus keeps only its hash."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a client and print its key once.")
        create.add_argument("name")
        create.add_argument("--rate-limit", type=int, default=120, help="Requests a minute (default 120).")
        revoke = sub.add_parser("revoke", help="Revoke a client's key at once.")
        revoke.add_argument("name")
        sub.add_parser("list", help="List clients with the first digits of their key's hash.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("open311-key")
        try:
            if options["action"] == "create":
                client, key = api_client_create(
                    name=options["name"], actor=actor, rate_limit_per_minute=options["rate_limit"]
                )
                self.stdout.write(f"Created Open311 client {client.name}. Its key, shown only this once:")
                self.stdout.write(key)
            elif options["action"] == "revoke":
                client = api_client_revoke(name=options["name"], actor=actor)
                self.stdout.write(f"Revoked the key of {client.name}.")
            else:
                for client in ApiClient.objects.order_by("name"):
                    state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "active"
                    self.stdout.write(
                        f"{client.name}\t{client.key_hash_prefix}…\t{client.rate_limit_per_minute}/min\t{state}"
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
