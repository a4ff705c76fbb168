from django.apps import AppConfig


class OnceConfig(AppConfig):
    name = "tellus.once"
    label = "once"
    verbose_name = "Tell us once"
