from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "tellus.inclusion"
    label = "inclusion"
    verbose_name = "Inclusion"
