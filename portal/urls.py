from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import school_lists, two_factor, unlocking, views, views_calendar
from portal.forms import LimitedPasswordResetForm, LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/choose/", views.school_switch, name="school-switch"),
    path("schools/<id:pk>/team/", views.school_team, name="school-team"),
    path("schools/<id:pk>/staff-access/", views.staff_access, name="staff-access"),
    path("schools/<id:pk>/lists/", school_lists.school_lists, name="school-lists"),
    # The school calendar (terms, holidays, in-service days) of the school being worked in.
    path("school/calendar/", views_calendar.calendar, name="calendar"),
    path("school/calendar/import/", views_calendar.calendar_import_file, name="calendar-import"),
    path(
        "school/calendar/<id:pk>/delete/",
        views_calendar.calendar_entry_delete,
        name="calendar-entry-delete",
    ),
    path(
        "schools/<id:pk>/staff-access/<id:membership_pk>/confirm/",
        views.staff_access_confirm,
        name="staff-access-confirm",
    ),
    path(
        "schools/<id:pk>/staff-access/<id:membership_pk>/decline/",
        views.staff_access_decline,
        name="staff-access-decline",
    ),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/two-factor/", two_factor.otp_setup, name="otp-setup"),
    path("accounts/two-factor/verify/", two_factor.otp_verify, name="otp-verify"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=LimitedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/unlock/", unlocking.unlock_request, name="unlock-request"),
    path("accounts/unlock/sent/", unlocking.unlock_sent, name="unlock-sent"),
    path("accounts/unlock/code/", unlocking.unlock_by_code, name="unlock-by-code"),
    path("accounts/unlock/<str:token>/", unlocking.unlock_confirm, name="unlock-confirm"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("families/", include("families.urls")),
    path("compass/", include("compass.urls")),
    path("compass/", include("dashboards.urls")),
    # Complaints keep the paths they had when they lived in meetings/ (bookmarks still work).
    path("meetings/complaints/", include("complaints.urls")),
    path("meetings/", include("meetings.urls")),
    path("consent/", include("consent.urls")),
    path("audit/", include("audit.urls")),
    path("privacy/", include("privacy.urls")),
    path("guidance/", include("guidance.urls")),
    # Parents' links (/p/<token>/, no account) and the staff pages that make and stop them.
    path("", include("family_voice.urls")),
    # Messages to parents and carers, the outbox, and the stop link in every e-mail.
    path("", include("reaching_out.urls")),
    path("", include("evenings.urls")),
    path("", include("single_sign_on.urls")),
    path("", include("school_systems.urls")),
    path("", include("council_data.urls")),
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.error_400"
handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
