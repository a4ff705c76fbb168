from django.urls import path

from . import views

app_name = "catalogue"

urlpatterns = [
    path("", views.service_list, name="list"),
    path("<slug:code>/", views.service_detail, name="service"),
    path("<slug:code>/customers/", views.customers, name="customers"),
    path("<slug:code>/customers.csv", views.customers_csv, name="customers_csv"),
    path("<slug:code>/customer-list/step-<id:step>/", views.guide_step, name="guide_step"),
    path("<slug:code>/customer-list/groups/", views.guide_groups, name="guide_groups"),
]
