from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tellus.portal"
    label = "portal"
    verbose_name = "Resident portal"

    def ready(self) -> None:
        from tellus.rights.sar import EXTRA_SECTIONS

        from .selectors import account_rows

        EXTRA_SECTIONS["resident_accounts"] = account_rows

        # Tell us once sits beside rights on floor 7, so its rows come in from here (docs/decisions/0020).
        from tellus.once.selectors import delivery_rows, share_choice_rows

        EXTRA_SECTIONS["tell_us_once_choices"] = share_choice_rows
        EXTRA_SECTIONS["tell_us_once_deliveries"] = delivery_rows
        # Inclusion stands beside rights, so its rows reach a subject access copy through here.
        from tellus.inclusion.selectors import subject_access_sections

        EXTRA_SECTIONS.update(subject_access_sections())
        # So does feedback: complaints, surveys and what the person was told changed.
        from tellus.feedback.selectors import subject_access_sections as feedback_sections

        EXTRA_SECTIONS.update(feedback_sections())
