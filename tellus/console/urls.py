from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.search, name="search"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/audit/", views.person_audit, name="person_audit"),
    path("purpose/", views.purpose, name="purpose"),
]
