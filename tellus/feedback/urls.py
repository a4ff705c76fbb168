from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("survey/", views.survey_code, name="survey_code"),
    path("survey/<str:token>/", views.survey_page, name="survey"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("new/", views.feedback_new, name="new"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:feedback_id>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:feedback_id>/<slug:step>/", views.complaint_step, name="complaint_step"),
    path("themes/", views.themes_page, name="themes"),
    path("themes/<int:theme_id>/<slug:action>/", views.theme_action, name="theme_action"),
    path("changes/new/", views.change_new, name="change_new"),
]
