from django.apps import AppConfig


class CapacitiesConfig(AppConfig):
    name = "tellus.capacities"
    label = "capacities"
    verbose_name = "Capacities, rights and responsibilities"
