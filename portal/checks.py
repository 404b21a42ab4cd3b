"""System checks for configuration mistakes that would expose data or break the portal."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    errors = []
    if not settings.SECURE_CSP:
        errors.append(checks.Error("SECURE_CSP is empty.", id="portal.E001"))
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and not settings.DEBUG:
        errors.append(
            checks.Warning(
                "The portal is running in production on SQLite.",
                hint="Fine for one small school; set DATABASE_URL to PostgreSQL for more.",
                id="portal.W001",
            )
        )
    if (
        settings.MAILERS["default"]["BACKEND"].endswith("console.EmailBackend")
        and not settings.DEBUG
    ):
        errors.append(
            checks.Warning(
                "Emails (password resets) are printed to the console, not sent.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587",
                id="portal.W002",
            )
        )
    if settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend") and not settings.DEBUG:
        errors.append(
            checks.Warning(
                "Background tasks run inside web requests (the immediate backend): a large CSV "
                "import would run in its upload request and time out.",
                hint="Set TASKS_BACKEND=django_tasks_db.DatabaseBackend and run "
                "`manage.py db_worker` beside the web server.",
                id="portal.W003",
            )
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_login_security(app_configs, **kwargs):
    """Two-factor enforcement and login lockouts must be on in production."""
    errors = []
    enforcer = "portal.security.TwoFactorRequiredMiddleware"
    if not settings.DEBUG and (
        not settings.TWO_FACTOR_REQUIRED or enforcer not in settings.MIDDLEWARE
    ):
        errors.append(
            checks.Error(
                "Two-factor sign-in is not enforced for pastoral staff, headteachers, "
                "authority officers and administrators.",
                hint=f"Unset TWO_FACTOR_REQUIRED (it defaults to true) and keep {enforcer}.",
                id="portal.E010",
            )
        )
    if not settings.DEBUG and not getattr(settings, "AXES_ENABLED", True):
        errors.append(checks.Error("Login lockouts (django-axes) are off.", id="portal.E011"))
    return errors
