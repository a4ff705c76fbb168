from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "tellus.common"
    label = "common"
    verbose_name = "Common helpers"
