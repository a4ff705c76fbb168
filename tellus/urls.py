from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from tellus.api import api
from tellus.api_docs import api_docs
from tellus.open311 import views as open311_views
from tellus.privacy.account_views import password_change
from tellus.privacy.admin import admin_password_change
from tellus.privacy.signin import StaffAdminAuthenticationForm, StaffAuthenticationForm

handler400 = "tellus.common.views.bad_request"

admin.site.site_header = "Tellus administration"
admin.site.site_title = "Tellus admin"
admin.site.login_form = StaffAdminAuthenticationForm  # audited sign-in

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="console:home", permanent=False)),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=StaffAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", include("tellus.privacy.urls")),
    path("account/password/", password_change, name="account_password"),
    path("console/", include("tellus.console.urls")),
    path("catalogue/", include("tellus.catalogue.urls")),
    path("demand/", include("tellus.demand.urls")),
    path("insight/", include("tellus.insight.urls")),
    path("feedback/", include("tellus.feedback.urls")),
    path("my/", include("tellus.portal.urls")),
    path("rights/", include("tellus.rights.urls")),
    path("ledger/", include("tellus.ledger.urls")),
    path("where-your-rates-go/", include("tellus.ledger.public_urls")),
    path("once/", include("tellus.once.urls")),
    path("inclusion/", include("tellus.inclusion.urls")),
    path("admin/password_change/", admin.site.admin_view(admin_password_change)),  # audited; before admin's own
    path("admin/", admin.site.urls),
    re_path(r"^api/v1/docs/?$", api_docs, name="api_docs"),  # before the API's own URLs; Swagger UI: /api/v1/swagger/
    path("api/v1/", api.urls),
    path("open311/v2/", include("tellus.open311.urls")),
    # Anything else under /open311/ (a wrong version, a typo) still answers in the spec's error shape, not HTML.
    re_path(r"^open311/(?P<rest>.*)$", open311_views.not_found),
]
