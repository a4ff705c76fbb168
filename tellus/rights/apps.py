from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "tellus.rights"
    label = "rights"
    verbose_name = "Privacy rights"
