from __future__ import annotations

from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "tellus.open311"
    label = "open311"
    verbose_name = "Open311 GeoReport v2"
    default_auto_field = "django.db.models.BigAutoField"
