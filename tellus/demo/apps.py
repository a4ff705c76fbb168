from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tellus.demo"
    label = "demo"
    verbose_name = "Demo town"
