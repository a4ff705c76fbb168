from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "tellus.privacy"
    label = "privacy"
    verbose_name = "Privacy and trust"

    def ready(self) -> None:
        from .roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="tellus_sync_roles")

        from . import signin  # noqa: F401  (connects the sign-in audit receivers)
