from django.urls import path

from . import views, worklist_views

app_name = "demand"
urlpatterns = [
    path("needs/", worklist_views.worklist, name="worklist"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("needs/<id:need_id>/", views.need_detail, name="need"),
    path("needs/<id:need_id>/status/", views.need_status, name="need_status"),
    path("needs/<id:need_id>/handoff/", views.need_handoff_view, name="need_handoff"),
]
