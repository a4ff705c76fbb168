from django.urls import path

from . import equity_views, listening_views, views

app_name = "insight"
urlpatterns = [
    path("demand/", views.demand_overview, name="demand"),
    path("demand/failure/", views.failure, name="failure"),
    path("demand/end-to-end/", views.end_to_end, name="end_to_end"),
    path("demand/capability/", views.capability, name="capability"),
    path("listening/", listening_views.listening_overview, name="listening"),
    path("listening/comments/", listening_views.listening_comments, name="listening_comments"),
    path("equity/", equity_views.equity_dashboard, name="equity"),
    path("equity/<slug:dimension>/<slug:group>/", equity_views.equity_group, name="equity_group"),
]
