from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import EmailAuthenticationForm
from innovation_portal import csp
from public import views as public_views

urlpatterns = [
    # Visitors get the public front page (public app), a signed-in user their own (accounts).
    path("", public_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/password_reset/", account_views.LimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("notifications.urls")),
    path("accounts/exports/", include("exports.urls")),
    path("plans/", include("plans.urls")),
    path("competitions/", include("applications.urls")),
    path("expertise/", include("expertise.urls")),
    path("ratings/", include("ratings.urls")),
    path("publications/", include("publications.urls")),
    path("reports/", include("reports.urls")),
    path("api/", include("api.urls")),
    # Institutions' public pages and the embeddable widgets (/widgets/…).
    path("", include("public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Browsers report what the Content-Security-Policy blocked (settings.CONTENT_SECURITY_POLICY).
    path("csp-report/", csp.report, name="csp_report"),
]

# Russian pages in the portal's layout (innovation_portal/errors.py); CSRF_FAILURE_VIEW is in settings.
handler400 = "innovation_portal.errors.bad_request"
handler403 = "innovation_portal.errors.permission_denied"
handler404 = "innovation_portal.errors.page_not_found"
handler500 = "innovation_portal.errors.server_error"
