"""Settings shared by every environment; everything that varies comes from the environment."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TELLUS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def local_secret_key() -> str:
    """The key for a developer's or the demo's own machine: kept in var/, made on first use."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


DEBUG = env_bool("TELLUS_DEBUG", default=False)
SECRET_KEY = os.environ.get("TELLUS_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("TELLUS_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("TELLUS_CSRF_TRUSTED_ORIGINS", [])

DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tellus.sqlite3'}"
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            conn_max_age=int(os.environ.get("TELLUS_DB_CONN_MAX_AGE", "60")),
        )
    }
except ValueError as exc:  # dj-database-url's UnknownSchemeError is a ValueError
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database URL Tellus can use ({exc}); "
        "expected e.g. postgres://user:password@host:5432/name or sqlite:////path/to/file.sqlite3"
    ) from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the console read while an import writes; a busy timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "tellus.common",
    "tellus.privacy",
    "tellus.people",
    "tellus.linkage",
    "tellus.capacities",
    "tellus.catalogue",
    "tellus.demand",
    "tellus.open311",
    "tellus.ledger",
    "tellus.inclusion",
    "tellus.insight",
    "tellus.console",
    "tellus.rights",
    "tellus.feedback",
    "tellus.once",
    "tellus.portal",
    "tellus.demo",
    "tellus.bench",
]

MIDDLEWARE = [
    # First, so that anything under /open311/ that fails before or outside its views (a bad Host header, an error
    # page) still answers in Open311's error shape.
    "tellus.open311.middleware.Open311ErrorShapeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tellus.common.middleware.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "tellus.common.middleware.ApiErrorsAsJsonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tellus.common.middleware.NoStoreForStaffMiddleware",
    "tellus.common.middleware.StrictNumbersInAdminMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tellus.console.middleware.PurposeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tellus.urls"
WSGI_APPLICATION = "tellus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tellus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tellus.console.context_processors.console",
                "tellus.console.context_processors.navigation",
            ],
        },
    }
]

AUTH_USER_MODEL = "privacy.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TELLUS_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # one working day
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Hardening headers (issue 11). A Content-Security-Policy on every response (django-csp): everything comes from
# Tellus itself and nothing inline runs, no script or style in a page or attribute; images may be data: URIs
# (the API docs' icons). See docs/decisions/ on django-csp.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TELLUS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Splink warns about every comparison level small data never shows; resolve reports what matters itself.
        "splink": {"level": "ERROR"},
    },
}

TELLUS_SEARCH_PAGE_SIZE = 20

# Record linkage: pairs at or above the upper probability are linked automatically; between the two they wait for a
# caseworker's review; below the lower they are kept apart.
TELLUS_LINK_UPPER = float(os.environ.get("TELLUS_LINK_UPPER", "0.9"))
TELLUS_LINK_LOWER = float(os.environ.get("TELLUS_LINK_LOWER", "0.5"))

# Open311: the jurisdiction_id this endpoint serves (a client sending another is refused with 404; empty accepts
# any), and who a client's developer should contact, as discovery.xml says.
TELLUS_OPEN311_JURISDICTION_ID = os.environ.get("TELLUS_OPEN311_JURISDICTION_ID", "")
TELLUS_OPEN311_CONTACT = os.environ.get("TELLUS_OPEN311_CONTACT", "")
# Staff sign-in throttling and lockout (django-axes; issue 11, criterion 3). Failures are counted per username and
# IP address across /login/ and /admin/login/; the lock lifts after the cooling-off time or `tellus unlock USERNAME`.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["tellus.privacy.signin.StaffAxesBackend", "django.contrib.auth.backends.ModelBackend"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_FAILURE_LIMIT = int(os.environ.get("TELLUS_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("TELLUS_SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tellus.privacy.signin.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # Tellus's own audit log records every sign-in
AXES_CLIENT_IP_CALLABLE = "tellus.privacy.signin.client_ip_address"
TELLUS_SIGNIN_TRUST_X_FORWARDED_FOR = env_bool("TELLUS_BEHIND_PROXY", default=False)
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # type: ignore[index]
# `tellus worker` runs the queue in short batches; its "starting" and "no more tasks" lines every second are noise.
LOGGING["loggers"]["django_tasks_db"] = {"level": "WARNING"}  # type: ignore[index]
# Nor two lines for every task run (a delivery each); a failed task is still logged as a warning or error.
LOGGING["loggers"]["django_tasks"] = {"level": "WARNING"}  # type: ignore[index]

# Staff two-factor sign-in (django-otp: authenticator app plus recovery codes; issue 13, criterion 8). Required for
# privacy officers, administrators and superusers (tellus.privacy.two_factor), available to everyone.
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
# After no-store, so a signed-in member of staff sent to two-factor still gets an answer no cache keeps.
MIDDLEWARE.insert(
    MIDDLEWARE.index("tellus.common.middleware.NoStoreForStaffMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1, "tellus.privacy.two_factor.TwoFactorMiddleware"
)
OTP_TOTP_ISSUER = os.environ.get("TELLUS_TWO_FACTOR_ISSUER", "Tellus")

# The rules that tell organisations from people by name when an extract has no column saying which is which (see
# docs/importing.md). Empty: the rules shipped in tellus/common/organisation_rules.toml.
TELLUS_ORGANISATION_RULES = os.environ.get("TELLUS_ORGANISATION_RULES", "")

# Email: Django's backend. SMTP by default in production; the demo writes messages to files (settings/local.py).
EMAIL_BACKEND = os.environ.get("TELLUS_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("TELLUS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TELLUS_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TELLUS_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TELLUS_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TELLUS_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("TELLUS_EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("TELLUS_EMAIL_FROM", "Tellus <no-reply@localhost>")
EMAIL_FILE_PATH = VAR_DIR / "mail"

# Resident portal at /my/ (docs/portal.md).
TELLUS_PORTAL_LINK_MINUTES = 15
TELLUS_PORTAL_LINKS_PER_EMAIL = 3  # within the link's lifetime
TELLUS_PORTAL_LINKS_PER_NETWORK_ADDRESS_PER_HOUR = int(os.environ.get("TELLUS_PORTAL_LINKS_PER_NETWORK_ADDRESS", "30"))
TELLUS_PORTAL_INVITATION_DAYS = 30
# Whether residents see the names of staff who looked at their record, or only their role.
TELLUS_LEDGER_RULES = os.environ.get("TELLUS_LEDGER_RULES", "")  # the council's own apportionment rule (docs/ledger.md)
TELLUS_PORTAL_SHOW_OFFICER_NAMES = env_bool("TELLUS_PORTAL_SHOW_OFFICER_NAMES", default=False)
# Purposes whose views are withheld from a resident (and counted), each with the exemption that allows it. A council
# edits this mapping to match its purposes and its lawyers' advice; a purpose not listed here is always shown.
TELLUS_PORTAL_EXEMPT_PURPOSES: dict[str, str] = {
    "fraud_investigation": "the crime and taxation exemption (Data Protection Act 2018, Schedule 2, paragraph 2)",
    "crime_prevention": "the crime and taxation exemption (Data Protection Act 2018, Schedule 2, paragraph 2)",
}

# Optional: residents sign in with the council's own OpenID Connect provider (docs/portal.md). Off unless a client
# id is set. These are mozilla-django-oidc's settings; the portal uses them for residents only, never for staff.
OIDC_RP_CLIENT_ID = os.environ.get("TELLUS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("TELLUS_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("TELLUS_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("TELLUS_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("TELLUS_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("TELLUS_OIDC_JWKS_ENDPOINT", "") or None
OIDC_RP_SIGN_ALGO = os.environ.get("TELLUS_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "portal:oidc_callback"
TELLUS_OIDC_PROVIDER_NAME = os.environ.get("TELLUS_OIDC_PROVIDER_NAME", "your council account")

# Retention rules per source system and kind of record (docs/rights.md), read by `tellus retention apply`.
TELLUS_RETENTION_FILE = Path(os.environ.get("TELLUS_RETENTION_FILE", BASE_DIR / "retention.toml"))

# Listening (docs/feedback.md): where residents' survey links point, the survey's wording, and the complaint clock.
TELLUS_PUBLIC_URL = os.environ.get("TELLUS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
TELLUS_SURVEY_QUESTIONS = os.environ.get("TELLUS_SURVEY_QUESTIONS", "")
# Text messages go through this sender (tellus/common/sms.py): by default a file per message under var/sms/, nothing
# sent anywhere; a council names its gateway's class here.
TELLUS_SMS_BACKEND = os.environ.get("TELLUS_SMS_BACKEND", "tellus.common.sms.FileBackend")
# Where a survey goes, beside the person's own contact details: the system's letter routing (a function of
# person_id returning a route with kind, recipient, address, email, phone). Named here, above every app, because
# feedback and inclusion stand on the same floor and import neither the other (decision 0061). Empty: contact
# details only.
TELLUS_SURVEY_ROUTE_FINDER = os.environ.get("TELLUS_SURVEY_ROUTE_FINDER", "tellus.inclusion.selectors.letter_route")
TELLUS_COMPLAINT_CLOCK = {
    "acknowledge_working_days": int(os.environ.get("TELLUS_COMPLAINT_ACKNOWLEDGE_DAYS", "5")),
    "respond_working_days": int(os.environ.get("TELLUS_COMPLAINT_RESPOND_DAYS", "10")),
    "extension_max_working_days": int(os.environ.get("TELLUS_COMPLAINT_EXTENSION_DAYS", "10")),
    "stage2_respond_working_days": int(os.environ.get("TELLUS_COMPLAINT_STAGE2_RESPOND_DAYS", "20")),
}
# Tell us once (docs/once.md): deliveries run as background tasks in a database-backed queue (django-tasks-db) that
# `tellus worker` works through. A webhook is tried at most TELLUS_ONCE_MAX_ATTEMPTS times, waiting
# TELLUS_ONCE_BACKOFF_SECONDS * 2**(attempt-1) (capped at TELLUS_ONCE_BACKOFF_CAP_SECONDS) between tries, then
# dead-lettered and staff alerted at TELLUS_ONCE_ALERT_EMAILS. Subscriber URLs must be https unless
# TELLUS_ONCE_ALLOW_HTTP (the demo's local receivers).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "once"]}}
TELLUS_ONCE_MAX_ATTEMPTS = int(os.environ.get("TELLUS_ONCE_MAX_ATTEMPTS", "15"))
TELLUS_ONCE_BACKOFF_SECONDS = float(os.environ.get("TELLUS_ONCE_BACKOFF_SECONDS", "30"))
TELLUS_ONCE_BACKOFF_CAP_SECONDS = float(os.environ.get("TELLUS_ONCE_BACKOFF_CAP_SECONDS", str(6 * 60 * 60)))
TELLUS_ONCE_TIMEOUT_SECONDS = float(os.environ.get("TELLUS_ONCE_TIMEOUT_SECONDS", "10"))
TELLUS_ONCE_LEASE_SECONDS = float(os.environ.get("TELLUS_ONCE_LEASE_SECONDS", "60"))
TELLUS_ONCE_ALERT_EMAILS = [e for e in os.environ.get("TELLUS_ONCE_ALERT_EMAILS", "").split(",") if e.strip()]
TELLUS_ONCE_ALLOW_HTTP = os.environ.get("TELLUS_ONCE_ALLOW_HTTP", "false").lower() == "true"
TELLUS_ONCE_NOTICE_VERSION = "tell-us-once-2026-1"
