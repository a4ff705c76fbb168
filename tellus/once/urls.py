from django.urls import path

from . import views

app_name = "once"
urlpatterns = [
    path("callbacks/<slug:code>/", views.acknowledge, name="acknowledge"),
]
