from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "tellus.insight"
    label = "insight"
    verbose_name = "Insight: demand analysis and capability charts"
