"""Starts the test OpenID provider: `python -m tests.single_sign_on.provider.serve DIR PORT
REDIRECT_URI`. Makes its database, an RSA key, the council's staff accounts (PEOPLE) and one
confidential client for the portal (CLIENT_ID, CLIENT_SECRET; no consent screen), then serves
on 127.0.0.1:PORT until stopped."""

import os
import sys
from pathlib import Path

CLIENT_ID = "parent-compass"
CLIENT_SECRET = "portal-secret-for-tests"  # noqa: S105
PASSWORD = "provider-password-1"  # noqa: S105
# username, e-mail: the people the council's provider knows.
PEOPLE = [
    ("head.provider", "Head.Teacher@Riverside.example"),
    ("teacher.provider", "teacher@riverside.example"),
    ("stranger.provider", "stranger@riverside.example"),
    ("twin.provider", "twin@riverside.example"),
    ("leaver.provider", "leaver@riverside.example"),
]


def main(directory: str, port: str, redirect_uri: str, logout_uri: str) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder = Path(directory)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.environ["PROVIDER_DIR"] = directory
    os.environ["PROVIDER_PORT"] = port
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.single_sign_on.provider.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for username, email in PEOPLE:
        User.objects.create_user(username, email=email, password=PASSWORD)
    Application.objects.create(
        name="Parent Compass",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uri,
        post_logout_redirect_uris=logout_uri,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    call_command("runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks")


if __name__ == "__main__":
    main(*sys.argv[1:5])
