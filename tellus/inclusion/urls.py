from django.urls import path

from . import views

app_name = "inclusion"
urlpatterns = [
    path("people/<id:person_id>/", views.support_page, name="person"),
    path("people/<id:person_id>/reason/", views.reason, name="reason"),
    path("people/<id:person_id>/needs/", views.needs_page, name="needs"),
    path("people/<id:person_id>/needs/new/", views.need_new, name="need_new"),
    path("people/<id:person_id>/needs/<id:need_id>/", views.need_change, name="need_change"),
    path("people/<id:person_id>/adjustments/new/", views.adjustment_new, name="adjustment_new"),
    path("people/<id:person_id>/representatives/new/", views.representative_new, name="representative_new"),
    path(
        "people/<id:person_id>/representatives/<id:representative_id>/end/",
        views.representative_end_view,
        name="representative_end",
    ),
    path("people/<id:person_id>/route/", views.route_set, name="route"),
    path("people/<id:person_id>/address/", views.no_fixed_address, name="no_fixed_address"),
    path("people/<id:person_id>/local-connection/", views.local_connection, name="local_connection"),
    path("review/", views.review_due, name="review"),
    path("joined-up/", views.joined_up, name="joined_up"),
]
