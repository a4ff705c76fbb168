from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "tellus.console"
    label = "console"
    verbose_name = "Staff console"
