from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tellus.portal"
    label = "portal"
    verbose_name = "Resident portal"

    def ready(self) -> None:
        from tellus.rights.sar import EXTRA_SECTIONS

        from .selectors import account_rows

        EXTRA_SECTIONS["resident_accounts"] = account_rows
