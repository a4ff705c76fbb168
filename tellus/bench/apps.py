from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "tellus.bench"
    label = "bench"
    verbose_name = "Benchmarks"
