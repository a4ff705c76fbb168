from django.urls import path

from . import oidc, once_views, survey_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/check-your-email/", views.check_email, name="check_email"),
    path("sign-in/link/<str:token>/", views.link, name="link"),
    path("sign-in/password/", views.password_sign_in, name="password_sign_in"),
    path("invitation/", views.invitation, name="invitation"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("password/", views.password, name="password"),
    path("record/", views.record, name="record"),
    path("looked/", views.looked, name="looked"),
    path("copy/", views.copy, name="copy"),
    path("consents/", views.consents, name="consents"),
    path("corrections/", views.corrections, name="corrections"),
    path("statement/", views.statement, name="statement"),
    path("statement.pdf", views.statement, {"as_pdf": True}, name="statement_pdf"),
    path("surveys/", survey_views.surveys, name="surveys"),
    path("surveys/<int:invitation_id>/", survey_views.survey_answer, name="survey"),
    path("tell-us/", once_views.start, name="once_start"),
    path("tell-us/changes/<int:report_id>/", once_views.status, name="once_status"),
    path("tell-us/changes/<int:report_id>/check/", once_views.check, name="once_check"),
    path("tell-us/<slug:event_type>/", once_views.report, name="once_report"),
    path("oidc/start/", oidc.oidc_start, name="oidc_start"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_callback"),
]
