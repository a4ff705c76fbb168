from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "tellus.demand"
    label = "demand"
    verbose_name = "Demand: contacts, needs, value and failure demand"
