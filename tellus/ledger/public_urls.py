from django.urls import path

from . import views

app_name = "ledger_public"
urlpatterns = [path("", views.where_your_rates_go, name="where_your_rates_go")]
