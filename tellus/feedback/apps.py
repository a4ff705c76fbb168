from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "tellus.feedback"
    label = "feedback"
    verbose_name = "Listening"

    def ready(self) -> None:
        # Demand cannot import feedback (it is below); it calls what is connected when a need is met.
        from tellus.demand.services import need_met_connect

        from .surveys import survey_offer_for_need

        need_met_connect(survey_offer_for_need)
