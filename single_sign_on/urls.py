"""Single sign-on's routes. They always exist (so the authorisation matrix sees them) and
answer 404 while SSO_OIDC_ENABLED / SSO_SAML_ENABLED is off."""

from django.urls import path

from single_sign_on import views

app_name = "single_sign_on"
urlpatterns = [
    path("sso/oidc/start/", views.oidc_start, name="oidc-start"),
    path("sso/oidc/callback/", views.oidc_callback, name="oidc-callback"),
    path("sso/signed-out/", views.signed_out, name="signed-out"),
    path("sso/saml/start/", views.saml_start, name="saml-start"),
    path("sso/saml/acs/", views.saml_acs, name="saml-acs"),
    path("sso/saml/metadata/", views.saml_metadata, name="saml-metadata"),
    path("sso/saml/logout/", views.saml_logout_return, name="saml-logout"),
]
