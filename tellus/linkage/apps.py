from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "tellus.linkage"
    label = "linkage"
    verbose_name = "Identity resolution"
