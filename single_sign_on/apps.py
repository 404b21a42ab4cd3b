from django.apps import AppConfig


class SingleSignOnConfig(AppConfig):
    """Staff sign in with the council's identity provider (OpenID Connect or SAML 2)."""

    name = "single_sign_on"
    verbose_name = "Single sign-on"

    def ready(self):
        # Connects the sign-in and sign-out receivers; registers the configuration checks.
        from single_sign_on import checks, signout  # noqa: F401  (signout: both receivers)
