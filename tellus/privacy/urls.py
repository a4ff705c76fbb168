from django.urls import path

from . import two_factor_views

app_name = "two_factor"
urlpatterns = [
    path("", two_factor_views.overview, name="overview"),
    path("set-up/", two_factor_views.setup, name="setup"),
    path("verify/", two_factor_views.verify, name="verify"),
    path("recovery-codes/", two_factor_views.recovery_codes, name="recovery_codes"),
    path("turn-off/", two_factor_views.turn_off, name="turn_off"),
]
