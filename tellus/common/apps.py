from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "tellus.common"
    label = "common"
    verbose_name = "Common helpers"

    def ready(self) -> None:
        from django.urls import register_converter

        from .numbers import IdConverter

        # `<id:person_id>` in any app's urls: ASCII digits only, at most 18 of them.
        register_converter(IdConverter, "id")
