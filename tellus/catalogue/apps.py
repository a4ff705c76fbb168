from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "tellus.catalogue"
    label = "catalogue"
    verbose_name = "Service catalogue and customer lists"
