from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tellus.people"
    label = "people"
    verbose_name = "People and source records"
