"""Django settings for Safeguard, read from the environment.

Defaults are safe for a laptop demo. With ``SAFEGUARD_ENV=production`` the
settings refuse to start without a real ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``DATABASE_URL``, and switch on every transport and cookie protection.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = BASE_DIR / "var"
NODE_MODULES = BASE_DIR / "node_modules"

env = environ.Env()

SAFEGUARD_ENV = env.str("SAFEGUARD_ENV", default="development")
PRODUCTION = SAFEGUARD_ENV == "production"
TESTING = SAFEGUARD_ENV == "test"
# Demo mode: two-factor sign-in is offered, not required, and demo accounts get a known password.
DEMO_MODE = env.bool("SAFEGUARD_DEMO", default=False) and not PRODUCTION
# The partnership this installation serves, named in every page's header.
PARTNERSHIP_NAME = env.str(
    "SAFEGUARD_PARTNERSHIP_NAME",
    default="City of York Safeguarding Children Partnership"
    if DEMO_MODE
    else "Safeguarding Children Partnership",
)

DEBUG = env.bool("SAFEGUARD_DEBUG", default=False) and not PRODUCTION

# Production refuses to start on a laptop default: each variable must be set, and set well.
PRODUCTION_REQUIRED = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")

if PRODUCTION:
    _missing = [name for name in PRODUCTION_REQUIRED if not env.str(name, default="").strip()]
    if _missing:
        raise ImproperlyConfigured(
            "Production settings (SAFEGUARD_ENV=production) need these environment "
            f"variables, which are not set: {', '.join(_missing)}. See docs/runbooks.md."
        )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = [host for host in env.list("ALLOWED_HOSTS") if host]
    _database_url = env.str("DATABASE_URL")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 random characters and not a django-insecure key."
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must name the host names Safeguard answers to, not '*'."
        )
else:
    SECRET_KEY = env.str(
        "SECRET_KEY",
        default="django-insecure-local-demo-key-only-for-laptops-never-for-real-data-0123456789",
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    _database_url = env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'safeguard.sqlite3'}")

DATABASES = {"default": env.db_url_config(_database_url)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and one writer work together; synchronous=FULL makes every
    # acknowledged commit survive a power cut, not just an application crash.
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    _db.setdefault("TEST", {})
    # Tests get their own file so browser tests (a live server thread) can share it.
    if TESTING or env.str("PYTEST_XDIST_WORKER", default=""):
        _db["TEST"]["NAME"] = str(VAR_DIR / f"test-safeguard-{os.getpid()}.sqlite3")
else:
    # Tests drop their database at the end: no connection may linger there.
    _db.setdefault("CONN_MAX_AGE", 0 if TESTING else 60)
    _db.setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Imports every app's rules.py at start-up, so the permission table is complete.
    "rules.apps.AutodiscoverRulesConfig",
    "safeguard.core",
    "safeguard.people",
    "safeguard.records",
    "safeguard.work",
    "safeguard.training",
    "safeguard.directory",
    "safeguard.frontdoor",
    "safeguard.earlyhelp",
    "safeguard.sharing",
    "safeguard.meetings",
    "safeguard.exploitation",
    "safeguard.hsb",
    "safeguard.contextual",
    "safeguard.insight",
    "safeguard.learning",
    "safeguard.rights",
    "safeguard.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safeguard.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common (Django's order). It reads Accept-Language and sets no
    # cookie (only Django's set_language view would, and it is not mounted).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safeguard.core.middleware.SessionTimeoutMiddleware",
    "safeguard.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safeguard.core.middleware.ControlCharactersMiddleware",
    "safeguard.core.middleware.DomainErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeguard.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguard.urls"
WSGI_APPLICATION = "safeguard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeguard.core.context_processors.service",
                "safeguard.navigation.navigation",
            ],
            "builtins": ["safeguard.core.templatetags.govuk"],
        },
    }
]
# Our templates override Django's widget templates with GOV.UK Design System markup.
FORM_RENDERER = "safeguard.core.forms.GovukRenderer"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The permission table: each app's rules.py (django-rules), asked through user.has_perm.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING and not env.bool("SAFEGUARD_TEST_REAL_HASHER", default=False):
    # Argon2 is deliberately slow; the suite checks the production list separately.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "safeguard.core.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "core:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "core:signed-out"

# Sessions: 30 minutes idle (renewed on each request), 12 hours at most.
SESSION_IDLE_SECONDS = env.int("SAFEGUARD_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_ABSOLUTE_SECONDS = env.int("SAFEGUARD_SESSION_MAX_HOURS", default=12) * 60 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "safeguard.core.views.csrf_failure"

# Lock-out (docs/security.md): 5 failed sign-ins for one username from one client address
# lock that username from that address for 15 minutes. The address is the client's as the
# nearest trusted proxy saw it (not the proxy's own), so a colleague behind the same proxy
# cannot lock someone out; guessing from many addresses still meets two-factor sign-in.
# An administrator can unlock sooner and set a new password.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("SAFEGUARD_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# How many reverse proxies of ours add to X-Forwarded-For in front of the application (0: none).
TRUSTED_PROXY_COUNT = env.int("SAFEGUARD_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "safeguard.core.http.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

OTP_TOTP_ISSUER = "Safeguard"
OTP_TOTP_TOLERANCE = 1

LANGUAGE_CODE = "en-gb"
# Add a language here only with its translation (docs/directory.md, "Translations").
LANGUAGES = [("en-gb", "English")]
# The public directory pages' message catalogues (apps' own locale/ folders are found anyway;
# naming it here lets `safeguard compilemessages` from the repository root find it too).
LOCALE_PATHS = [SRC_DIR / "directory" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/assets/"
# Where `safeguard collectstatic` puts the assets WhiteNoise serves (hashed names in production).
STATIC_ROOT = Path(env.str("SAFEGUARD_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    SRC_DIR / "static",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("fonts", NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets" / "fonts"),
    ("images", NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets" / "images"),
    ("images", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj" / "assets" / "images"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("cytoscape", NODE_MODULES / "cytoscape" / "dist"),
]
# Production: hashed file names from a manifest, so WhiteNoise serves /assets/ with a
# far-future, immutable Cache-Control (gzip and Brotli copies too, unless
# SAFEGUARD_STATIC_COMPRESS=0, which only the quick server test uses).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            (
                "whitenoise.storage.CompressedManifestStaticFilesStorage"
                if env.bool("SAFEGUARD_STATIC_COMPRESS", default=True)
                else "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            )
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = False

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="filemail://" + str(VAR_DIR / "outbox"))
vars().update(EMAIL_CONFIG)
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="safeguard@example.invalid")
# A mail server that does not answer gives up after this many seconds (the outbox retries).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# The outbox (docs/architecture.md, "Outbox"): services write a row in their transaction
# and the email leaves after commit through a django-tasks task. In production the
# database backend queues it for the worker (`safeguard db_worker`, docs/runbooks.md);
# on a laptop and in tests the immediate backend sends it right after commit.
SAFEGUARD_TASKS = env.str("SAFEGUARD_TASKS", default="database" if PRODUCTION else "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if SAFEGUARD_TASKS == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}
# Minutes to wait after each failed try; one more try than there are waits, then "failed".
OUTBOX_RETRY_MINUTES = [
    int(m) for m in env.list("SAFEGUARD_OUTBOX_RETRY_MINUTES", default=["1", "5", "30", "120"])
]
# Who may read an outbox message's subject (core asks the people app through this name).
OUTBOX_PERSONAL_DATA_CHECK = "safeguard.people.access.sees_personal_data"
# The address people use to reach Safeguard, for links in emails (no trailing slash).
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")

# Rate limits (safeguard.core.ratelimit): "N/second|minute|hour" per signed-in user or
# partner token; an empty value switches a limit off. The counts live in the "ratelimit"
# cache, which every web worker must share: a file cache on this host by default in
# production, Redis or memcached (SAFEGUARD_RATE_LIMIT_CACHE_URL) across several hosts.
RATE_LIMITS = {
    "search": env.str("SAFEGUARD_RATE_LIMIT_SEARCH", default="60/minute"),
    "api": env.str("SAFEGUARD_RATE_LIMIT_API", default="120/minute"),
    # Wrong passwords at a step-up (break-glass), per user: then 429 until the window ends.
    "step_up": env.str("SAFEGUARD_RATE_LIMIT_STEP_UP", default="5/hour"),
}
# How long the partner API keeps an Idempotency-Key and its answer (safeguard.api.idempotency).
API_IDEMPOTENCY_HOURS = env.int("SAFEGUARD_API_IDEMPOTENCY_HOURS", default=24)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": env.cache_url(
        "SAFEGUARD_RATE_LIMIT_CACHE_URL",
        default=(
            f"filecache://{VAR_DIR / 'ratelimit-cache'}"
            if PRODUCTION
            else "locmemcache://safeguard-ratelimit"
        ),
    ),
}

# Security headers (sent on every response).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; object-src 'none'"
)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# Audit checkpoints are kept outside the database so that removing the newest
# audit rows is noticed too (see docs/architecture.md).
# In production there is no default: the store must be named (SAFEGUARD_AUDIT_CHECKPOINTS,
# on storage the database's users cannot write), and verification fails closed without it.
_checkpoints = env.str(
    "SAFEGUARD_AUDIT_CHECKPOINTS",
    default="" if PRODUCTION else str(VAR_DIR / "audit-checkpoints.jsonl"),
).strip()
AUDIT_CHECKPOINT_FILE: Path | None = Path(_checkpoints) if _checkpoints else None
AUDIT_CHECKPOINT_REQUIRED = env.bool("SAFEGUARD_AUDIT_CHECKPOINT_REQUIRED", default=PRODUCTION)
AUDIT_CHECKPOINT_KEY = env.str("SAFEGUARD_AUDIT_KEY", default=SECRET_KEY)
# The outbox worker (safeguard serve --worker) signs a checkpoint this often (0: never).
AUDIT_CHECKPOINT_SECONDS = env.int("SAFEGUARD_AUDIT_CHECKPOINT_SECONDS", default=300)

# Office hours for the front door (Emergency Duty Team outside them).
OFFICE_HOURS = env.str("SAFEGUARD_OFFICE_HOURS", default="08:30-17:00")

# Record linkage (docs/linkage.md, "Thresholds"): chosen from measured precision and recall.
LINKAGE_AUTO_LINK_THRESHOLD = env.float("SAFEGUARD_LINKAGE_AUTO_LINK_THRESHOLD", default=0.9)
LINKAGE_REVIEW_THRESHOLD = env.float("SAFEGUARD_LINKAGE_REVIEW_THRESHOLD", default=0.05)
LINKAGE_REVIEW_MINUTES_PER_PAIR = env.float("SAFEGUARD_LINKAGE_REVIEW_MINUTES_PER_PAIR", default=3)
# The partnership data set (docs/insight.md): the child population rates are per 10,000 of
# (York: about 44,000 aged 0 to 19) and the published versions' suppression rule.
INSIGHT_CHILD_POPULATION = env.int("SAFEGUARD_CHILD_POPULATION", default=44_000)
INSIGHT_SUPPRESS_LOW = env.int("SAFEGUARD_SUPPRESS_LOW", default=1)
INSIGHT_SUPPRESS_HIGH = env.int("SAFEGUARD_SUPPRESS_HIGH", default=5)
INSIGHT_SUPPRESS_MARK = env.str("SAFEGUARD_SUPPRESS_MARK", default="c")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "splink": {"level": "ERROR"},
        "py4j": {"level": "ERROR"},
    },
}
