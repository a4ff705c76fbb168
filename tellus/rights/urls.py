from django.urls import path

from . import views

app_name = "rights"
urlpatterns = [
    path("corrections/", views.correction_list, name="corrections"),
    path("corrections/<id:request_id>/", views.correction_detail, name="correction"),
]
