"""Settings for Parent Compass, read from the environment (and `.env` in development)."""

import re
import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The OS environment wins over .env: read_env does not overwrite variables already set.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A development key is only acceptable when DEBUG is on; production must set its own.
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-key-change-me")
else:
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal",
    "families",
    "compass",
    "meetings",
    "dashboards",
    "complaints",
    "family_voice",
    "reaching_out",
    "evenings",
    "school_systems",
    "single_sign_on",
    "council_data",
    "consent",
    "audit",
    "privacy",
    "guidance",
    "demo",
    "django_tasks_db",
    "scale",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Database stopped or locked: the busy page, with a form's text, not a 500. It loads the
    # session and user first, so it comes before anything else that asks who is signed in.
    "portal.middleware.DatabaseUnavailableMiddleware",
    # Every signed-in response is no-store, error pages too.
    "portal.middleware.NoStoreMiddleware",
    "portal.security.OTPSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.security.SessionLimitMiddleware",
    # After LoginRequiredMiddleware: roles that must use two-factor confirm a code first.
    "portal.security.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.CurrentSchoolMiddleware",
    "scale.middleware.DashboardReadsMiddleware",
    # Last, so it can turn a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username or address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "portal.context_processors.current_school",
            ],
            # `{% url %}` through portal.urls_fast: the same links, a pattern kept per view;
            # `|date` with its format read once (portal/templatetags/fast_date.py).
            "builtins": ["portal.templatetags.fast_url", "portal.templatetags.fast_date"],
        },
    },
]

# Database: SQLite by default (embedded, zero set-up); DATABASE_URL switches to PostgreSQL.
# A request gives up rather than hangs when PostgreSQL is stopped, unreachable or a table is
# locked (docs/outages.md): the form comes back with the user's text and a plain message.
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)  # seconds (libpq: 2 at least)
DB_LOCK_TIMEOUT = env("DB_LOCK_TIMEOUT", default="5s")
DB_STATEMENT_TIMEOUT = env("DB_STATEMENT_TIMEOUT", default="15s")


def serves_requests(argv: list[str]) -> bool:
    """False for `manage.py <command>` other than runserver: migrations, nightly jobs, the task
    worker and the load generator may run long statements and wait for locks, and nobody is
    waiting at a form."""
    command = Path(argv[0]).name == "manage.py" if argv else False
    return not command or argv[1:2] == ["runserver"]


def _postgres_timeouts(options: dict) -> dict:
    """The connection OPTIONS with the timeouts added (kept beside any `options` already given
    in the database URL)."""
    for name, value in (
        ("DB_LOCK_TIMEOUT", DB_LOCK_TIMEOUT),
        ("DB_STATEMENT_TIMEOUT", DB_STATEMENT_TIMEOUT),
    ):
        if not re.fullmatch(r"\d+(ms|s|min)?", value):
            raise ImproperlyConfigured(f"{name} must look like 5s, 1500ms or 2min, not {value!r}.")
    options = {"connect_timeout": DB_CONNECT_TIMEOUT, **options}
    if serves_requests(sys.argv):
        given = options.get("options", "")
        timeouts = f"-c lock_timeout={DB_LOCK_TIMEOUT} -c statement_timeout={DB_STATEMENT_TIMEOUT}"
        options["options"] = f"{timeouts} {given}".strip()
    return options


DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the busy timeout makes writers queue
    # rather than fail, so a small school can share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            ),
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = _postgres_timeouts(DATABASES["default"].get("OPTIONS", {}))
# A read replica for dashboards (scale.routers): only when REPLICA_DATABASE_URL is set.
if env("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"]["OPTIONS"] = _postgres_timeouts(DATABASES["replica"].get("OPTIONS", {}))
DASHBOARD_READ_DATABASE = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["scale.routers.DashboardReplicaRouter"]
# --- Pooling and the replica's health (issue 22, docs/cluster.md) -------------------------
# Behind PgBouncer in transaction mode a connection is not ours between transactions: no
# server-side cursors, and nothing kept open between requests.
DATABASE_POOLED = env.bool("DATABASE_POOLED", default=False)
for _db in DATABASES.values():
    if DATABASE_POOLED and _db["ENGINE"] != "django.db.backends.sqlite3":
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
        _db["CONN_MAX_AGE"] = 0
# Kept reads (portal.compiled) are prepared statements of their connection, where it is kept
# between requests: PostgreSQL plans them once instead of on every page.
PREPARED_READS = env.bool("PREPARED_READS", default=True)
# ...and planned once for any values. Left to itself PostgreSQL plans some of them afresh on
# every run, because a plan made for the values in hand looks cheaper on paper: the home page's
# "due some good news" read spent 0.9 ms planning to save nothing (docs/scale-and-performance.md).
# The setting changes prepared statements only; every other read is planned as before.
GENERIC_PLANS = "-c plan_cache_mode=force_generic_plan"


def _ask_postgresql(db: dict, setting: str) -> None:
    """Add `setting` (`-c name=value`) to a PostgreSQL connection's startup options, after any
    already there."""
    options = db.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} {setting}".strip()


for _db in DATABASES.values():
    if PREPARED_READS and not DATABASE_POOLED and _db["ENGINE"] != "django.db.backends.sqlite3":
        _ask_postgresql(_db, GENERIC_PLANS)
# No JIT compilation: PostgreSQL compiles a statement to machine code once its estimated cost
# passes `jit_above_cost`, and that costs far more than it saves on reads as short as ours. The
# authority dashboard's region count at 150 schools spent 210 of its 225 ms compiling, for 14 ms
# of work. Asked of every connection, pooled or not: PgBouncer does not pass startup options on
# (its `connect_query` says the same, docs/cluster.md), but a replica may be read directly.
# `ALTER DATABASE ... SET jit = off` does it for every client, replicas included.
NO_JIT = "-c jit=off"
# An index read costs PostgreSQL little more than a read in order: the portal's working set is
# in memory (or on SSD), not on the spinning disk the default (4) prices. At 4 it read all 50,801
# families of the 150-school authority to sort one school's 357 by name: the family list's read
# took 3.6 ms, 1.1 ms at 1.1 with one lookup a family. No page of the benchmark got slower.
# An authority whose database team prices it otherwise (a disk that is not local) sets its own
# figure here, or leaves it empty to keep the server's.
RANDOM_PAGE_COST = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1").strip()
if RANDOM_PAGE_COST:
    try:
        _cost = float(RANDOM_PAGE_COST)
    except ValueError:
        _cost = -1.0
    if not 0 < _cost <= 1000:
        raise ImproperlyConfigured(
            "DATABASE_RANDOM_PAGE_COST must be a number above 0 (1.1 by default), or empty to "
            "leave PostgreSQL's own setting."
        )
for _db in DATABASES.values():
    if _db["ENGINE"] != "django.db.backends.sqlite3":
        _ask_postgresql(_db, NO_JIT)
        if RANDOM_PAGE_COST:
            _ask_postgresql(_db, f"-c random_page_cost={RANDOM_PAGE_COST}")
if "replica" in DATABASES:  # a replica that does not answer is given up on quickly
    _wait = env.int("REPLICA_CONNECT_TIMEOUT", default=2)
    DATABASES["replica"]["OPTIONS"]["connect_timeout"] = _wait
# Dashboards read the primary while the replica is down or further behind than this.
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=30.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=5.0)
# --- end of issue 22's block -------------------------------------------------------------
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
# Staff pages are in English; the parent's pages (family_voice) are in the parent's language,
# from these (catalogues in locale/; see README, "Languages"). Arabic and Urdu read right to left.
LANGUAGES = [
    ("en-gb", "English"),
    ("pl", "Polski"),
    ("ar", "العربية"),
    ("ur", "اردو"),
    ("ro", "Română"),
    ("uk", "Українська"),
    ("gd", "Gàidhlig"),
    ("cy", "Cymraeg"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console in development; SMTP (EMAIL_URL) in production.
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp = _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": _email.get("EMAIL_HOST") or "localhost",
            "port": _email.get("EMAIL_PORT") or 25,
            "username": _email.get("EMAIL_HOST_USER", ""),
            "password": _email.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": bool(_email.get("EMAIL_USE_TLS")),
            "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
            "timeout": 20,
        }
        if _smtp
        else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Parent Compass <no-reply@localhost>")
# The portal's address as staff reach it, for links in e-mails sent by background tasks.
PORTAL_URL = env("PORTAL_URL", default="http://localhost:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Messages to parents and carers (reaching_out): e-mails by SMTP (EMAIL_URL) or GOV.UK Notify,
# texts by Notify only. Notify needs two templates made in its own site, each of which just
# says ((body)) (the e-mail's subject is ((subject))): the portal keeps the words.
MESSAGES_EMAIL_VIA = env("MESSAGES_EMAIL_VIA", default="smtp")  # "smtp" or "notify"
NOTIFY_API_KEY = env("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE = env("NOTIFY_EMAIL_TEMPLATE", default="")
NOTIFY_TEXT_TEMPLATE = env("NOTIFY_TEXT_TEMPLATE", default="")
# The bearer token set for callbacks (delivery receipts, received texts) in Notify's settings.
NOTIFY_CALLBACK_TOKEN = env("NOTIFY_CALLBACK_TOKEN", default="")
# Whether texts may say "Reply STOP": only with a Notify number that receives texts.
NOTIFY_TEXT_STOP = env.bool("NOTIFY_TEXT_STOP", default=False)
# A message a worker claimed and did not finish within this many seconds is taken back.
MESSAGES_CLAIM_SECONDS = env.int("MESSAGES_CLAIM_SECONDS", default=300)

TASKS = {
    "default": {
        # "django_tasks_db.DatabaseBackend" queues tasks in the database for `manage.py
        # db_worker` (no extra server); the default runs each task at once, in the request.
        "BACKEND": env("TASKS_BACKEND", default="django.tasks.backends.immediate.ImmediateBackend")
    }
}

# Security. Production defaults are strict; development relaxes only what HTTPS needs.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Staff leave laptops in classrooms: sessions end after 30 idle minutes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
# Not saved on every request (three queries each time): SessionLimitMiddleware saves an active
# session at most once a minute, which keeps its 30 idle minutes running to within that minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a session ends this long after sign-in (portal.security.SessionLimitMiddleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
# How many reverse proxies in front of the portal append to X-Forwarded-For (0: none, use the
# connecting address). Login lockouts and the access log use the address this gives.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Failed logins (django-axes): 5 failures lock that username at that address only, for 15
# minutes; a successful login clears the count. Never by username alone (anyone anywhere could
# lock a member of staff out) nor by address alone (a school's staff share one address).
# Wrong passwords from many addresses slow a username down instead (portal.lockout).
AXES_FAILURE_LIMIT = 5
AXES_VERBOSE = False  # no start-up banner on every management command
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: the page promises 15 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The portal's locked-out page, offering an unlock link by e-mail or a two-factor code.
AXES_LOCKOUT_CALLABLE = "portal.unlocking.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
AXES_USERNAME_FORM_FIELD = "username"

# Two-factor codes (django-otp): the issuer shown in authenticator apps. Pastoral staff,
# headteachers, authority officers and administrators must use them (check --deploy refuses
# production with this off).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Parent Compass"
# Admin lists who has two-factor set up but never shows anyone's secret key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Edit history is read, never reverted over the current record (corrections are amendments).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Content Security Policy: nothing inline, nothing from other origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A parent's link is a key: its token is taken out of every line (portal/log_filters.py).
    "filters": {"hide_parent_links": {"()": "portal.log_filters.HideParentLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_parent_links"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Before any handler, Django's own (the admins' e-mail) included.
        "django.request": {"filters": ["hide_parent_links"]},
        "django.server": {"filters": ["hide_parent_links"]},
    },
}

ADMINS = [("Portal administrators", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Single sign-on (single_sign_on/; issue 21) ---
# Staff sign in with the council's identity provider (docs/single-sign-on.md). Both protocols
# are off unless switched on; accounts are matched, never created, and memberships stay here.
SSO_OIDC_ENABLED = env.bool("SSO_OIDC_ENABLED", default=False)
SSO_SAML_ENABLED = env.bool("SSO_SAML_ENABLED", default=False)
# Which claim (OpenID) names the person, and which account field it must equal (case aside).
SSO_MATCH_CLAIM = env("SSO_MATCH_CLAIM", default="email")  # or preferred_username, upn…
SSO_MATCH_FIELD = env("SSO_MATCH_FIELD", default="email")  # "email" or "username"
# Matching by the "email" claim needs email_verified true (an unchecked address may be anyone's).
SSO_REQUIRE_VERIFIED_EMAIL = env.bool("SSO_REQUIRE_VERIFIED_EMAIL", default=True)
# The provider's multi-factor counts as the portal's two-factor only if the council says so
# (never for admin accounts). "mfa" only: "otp" or "hwk" alone is one factor (RFC 8176).
SSO_ACCEPT_PROVIDER_MFA = env.bool("SSO_ACCEPT_PROVIDER_MFA", default=False)
SSO_MFA_AMR = env.list("SSO_MFA_AMR", default=["mfa"])
SSO_MFA_ACR = env.list("SSO_MFA_ACR", default=[])
# OpenID Connect (mozilla-django-oidc): the client registered at the provider, its endpoints.
SSO_OIDC_ISSUER = env("SSO_OIDC_ISSUER", default="")
SSO_OIDC_END_SESSION_ENDPOINT = env("SSO_OIDC_END_SESSION_ENDPOINT", default="")
SSO_OIDC_MAX_AGE = env.int("SSO_OIDC_MAX_AGE", default=600)  # an id_token's iat, seconds
SSO_OIDC_LEEWAY = env.int("SSO_OIDC_LEEWAY", default=30)  # clock difference allowed, seconds
OIDC_RP_CLIENT_ID = env("SSO_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("SSO_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("SSO_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("SSO_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("SSO_OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("SSO_OIDC_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("SSO_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("SSO_OIDC_SCOPES", default="openid email profile")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # only as the sign-out's id_token_hint, in the server-side session
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "single_sign_on:oidc-callback"
# SAML 2 (djangosaml2): the provider's metadata (a URL or a file), our keys, the attribute.
SSO_SAML_IDP_METADATA_URL = env("SSO_SAML_IDP_METADATA_URL", default="")
SSO_SAML_IDP_METADATA_FILE = env("SSO_SAML_IDP_METADATA_FILE", default="")
# The certificate that signs metadata fetched from the URL (required with a URL), and the one
# identity provider whose answers count (its entityID), even if the metadata names others.
SSO_SAML_IDP_METADATA_CERT = env("SSO_SAML_IDP_METADATA_CERT", default="")
SSO_SAML_IDP_ENTITY_ID = env("SSO_SAML_IDP_ENTITY_ID", default="")
SSO_SAML_ENTITY_ID = env("SSO_SAML_ENTITY_ID", default="")
SSO_SAML_KEY_FILE = env("SSO_SAML_KEY_FILE", default="")
SSO_SAML_CERT_FILE = env("SSO_SAML_CERT_FILE", default="")
SSO_SAML_MATCH_ATTRIBUTE = env("SSO_SAML_MATCH_ATTRIBUTE", default="email")
SSO_SAML_XMLSEC1 = env("SSO_SAML_XMLSEC1", default="/usr/bin/xmlsec1")
SAML_CREATE_UNKNOWN_USER = False
SAML_DJANGO_USER_MAIN_ATTRIBUTE = SSO_MATCH_FIELD
SAML_DJANGO_USER_MAIN_ATTRIBUTE_LOOKUP = "__iexact"
SAML_ATTRIBUTE_MAPPING = {SSO_SAML_MATCH_ATTRIBUTE: (SSO_MATCH_FIELD,)}
SAML_USE_NAME_ID_AS_USERNAME = False
SAML_SESSION_COOKIE_NAME = "saml_session"
SAML_SESSION_COOKIE_SAMESITE = "None"  # the provider's answer is a cross-site POST
SAML_CONFIG_LOADER = "single_sign_on.saml.settings_loader"
# The libraries log claims and attributes when a sign-in fails: single_sign_on logs its own.
LOGGING["loggers"]["djangosaml2"] = {"level": "CRITICAL"}  # its ERRORs print attributes
LOGGING["loggers"]["saml2"] = {"level": "ERROR"}
LOGGING["loggers"]["mozilla_django_oidc"] = {"level": "ERROR"}
# The sign-in page's "Sign in with your council account" button, when either is on.
TEMPLATES[0]["OPTIONS"]["context_processors"].append(
    "single_sign_on.context_processors.single_sign_on"
)
# Refused council sign-ins carry no username: kept out of the password lockout's count.
AXES_WHITELIST_CALLABLE = "single_sign_on.lockout.not_a_password_attempt"
if SSO_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("single_sign_on.oidc.CouncilOIDCBackend")
    if SSO_OIDC_END_SESSION_ENDPOINT:
        # Sign-out posts to the portal, which redirects to the provider: form-action covers it.
        MIDDLEWARE.append("single_sign_on.signout.ProviderSignOutMiddleware")
        SECURE_CSP["form-action"].append(
            re.sub(r"^(https?://[^/]+).*$", r"\1", SSO_OIDC_END_SESSION_ENDPOINT)
        )
if SSO_SAML_ENABLED:
    INSTALLED_APPS.append("djangosaml2")
    AUTHENTICATION_BACKENDS.append("single_sign_on.saml.CouncilSaml2Backend")
    # Its own cookie (SameSite=None), right after Django's sessions.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "djangosaml2.middleware.SamlSessionMiddleware",
    )
    SECURE_CSP["form-action"].append(env("SSO_SAML_IDP_ORIGIN", default=""))
    SECURE_CSP["form-action"] = [source for source in SECURE_CSP["form-action"] if source]


# --- School systems: OneRoster (school_systems/; issue 21) ---
# OneRoster REST pulls (school_systems/api.py; docs/oneroster-api.md). The sources themselves
# (URL, client id and secret, schedule) are set per school in admin, not here.
ONEROSTER_SCOPE = env(
    "ONEROSTER_SCOPE",
    default="https://purl.imsglobal.org/spec/or/v1p1/scope/roster-core.readonly "
    "https://purl.imsglobal.org/spec/or/v1p1/scope/roster-demographics.readonly",
)
ONEROSTER_PAGE_SIZE = env.int("ONEROSTER_PAGE_SIZE", default=100)
ONEROSTER_TIMEOUT_SECONDS = env.float("ONEROSTER_TIMEOUT_SECONDS", default=30.0)
# Tries per request on 429, 5xx, a timeout or a dropped connection, waiting longer each time.
ONEROSTER_TRIES = env.int("ONEROSTER_TRIES", default=3)
ONEROSTER_BACKOFF_SECONDS = env.float("ONEROSTER_BACKOFF_SECONDS", default=2.0)
# A Retry-After longer than this ends the pull with a problem; the next pull tries again.
ONEROSTER_MAX_WAIT_SECONDS = env.float("ONEROSTER_MAX_WAIT_SECONDS", default=120.0)
# A school's roster is thousands of records; more than this means paging has gone wrong.
ONEROSTER_MAX_RECORDS = env.int("ONEROSTER_MAX_RECORDS", default=200_000)

# --- Data for the council (council_data/; issue 21) ---
# A complaint counts as "responded within target" when the first personal response came within
# this many days of receipt (council_data.figures).
COUNCIL_DATA_RESPONSE_TARGET_DAYS = env.int("COUNCIL_DATA_RESPONSE_TARGET_DAYS", default=5)
# Bad API tokens from one address, within the window (seconds), before it is refused for a while.
COUNCIL_DATA_BAD_TOKENS = env.int("COUNCIL_DATA_BAD_TOKENS", default=10)
COUNCIL_DATA_BAD_TOKEN_WINDOW = env.int("COUNCIL_DATA_BAD_TOKEN_WINDOW", default=600)
