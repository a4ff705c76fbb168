from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "tellus.ledger"
    label = "ledger"
    verbose_name = "Give and take: contributions, services received, statements"
