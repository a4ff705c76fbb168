from django.apps import AppConfig


class InclusionConfig(AppConfig):
    name = "tellus.inclusion"
    label = "inclusion"
    verbose_name = "Inclusion"

    def ready(self) -> None:
        # Linkage cannot import inclusion (it is below); its match API asks what is connected for adjustments.
        from tellus.linkage.api import match_adjustments_connect

        from .selectors import adjustments_for_match

        match_adjustments_connect(adjustments_for_match)
