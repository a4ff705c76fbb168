from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "tellus.insight"
    label = "insight"
    verbose_name = "Insight: demand analysis and capability charts"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .indexes import sqlite_need_indexes_ensure

        post_migrate.connect(sqlite_need_indexes_ensure, sender=self, dispatch_uid="tellus_insight_need_indexes")

        # Give and take and Inclusion share a floor and may not import each other; insight, above both, tells the
        # ledger's distributions where needs drivers come from.
        from tellus.inclusion.aggregates import drivers_by_person
        from tellus.ledger.selectors import needs_drivers_register

        needs_drivers_register(drivers_by_person)
