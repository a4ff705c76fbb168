from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tellus.portal"
    label = "portal"
    verbose_name = "Resident portal"
