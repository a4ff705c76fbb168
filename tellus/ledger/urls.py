from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("people/<id:person_id>/statement/", views.person_statement, name="person_statement"),
    path("people/<id:person_id>/statement.pdf", views.person_statement_pdf, name="person_statement_pdf"),
    path("households/<id:household_id>/statement/", views.household_statement, name="household_statement"),
    path("households/<id:household_id>/statement.pdf", views.household_statement_pdf, name="household_statement_pdf"),
    path("distribution/", views.distribution, name="distribution"),
]
