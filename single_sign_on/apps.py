from django.apps import AppConfig


class SingleSignOnConfig(AppConfig):
    """Staff sign in with the council's identity provider (OpenID Connect or SAML 2)."""

    name = "single_sign_on"
    verbose_name = "Single sign-on"

    def ready(self):
        # Connects the sign-out receiver; registers the configuration checks.
        from single_sign_on import checks, signout  # noqa: F401
