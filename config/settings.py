"""Settings for the lip-twitching reference, driven by environment variables.

Every variable is documented in `.env.example`. Production safety comes from the
environment: DEBUG is off unless asked for, and SECRET_KEY must be set when it is off.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """Return the environment variable `name`, or `default` when unset or empty."""
    return os.environ.get(name, "") or default


def env_bool(name: str, *, default: bool = False) -> bool:
    """Read a boolean such as 1/0, true/false, yes/no, on/off."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    """Read a whole number."""
    raw = env_str(name, str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list, dropping blanks."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = env_str("SECRET_KEY")
# Former keys while rotating SECRET_KEY: sessions, and API token digests (apitokens.keys).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # A fixed key is acceptable only here, with DEBUG on; bandit is told so.
    SECRET_KEY = "insecure-development-key-only-for-debug"  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "reference",
    "notes",
    "apitokens",
    "interop",
    "disagreements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.ClinicalResponseHeadersMiddleware",
    "config.middleware.BodySizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite as a sound default for a small clinic. IMMEDIATE: every atomic() block takes
    # the write lock when it starts, so a transaction that reads and then writes waits
    # for another writer instead of failing with "database is locked" (a deferred
    # transaction cannot upgrade its read lock). `timeout` is how long it waits; WAL lets
    # readers carry on while one connection writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT_SECONDS", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if env_str("SQLITE_TEST_NAME"):
        # Tests that run real threads against a live server need a file-backed database;
        # Django's in-memory test database is shared with the server thread.
        DATABASES["default"]["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("CACHE_LOCATION", "liptwitch"),
    }
}

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and address before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout: 10 failures for one username from one client address lock that pair
# for 15 minutes, so one clinic behind one proxy address is never locked out as a whole.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_ip_address"
# The client address comes from REMOTE_ADDR, or, behind a reverse proxy you control, from
# the header it sets (e.g. HTTP_X_FORWARDED_FOR; its last address is the one your proxy
# saw). Never set this without such a proxy: clients could choose their own address.
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reference:index"
LOGOUT_REDIRECT_URL = "reference:index"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sign-out after 30 minutes without a request (each request renews the session).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Behind a TLS proxy that sets X-Forwarded-Proto (and strips any the client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
# HSTS is sent only over HTTPS, so it is on by default whenever DEBUG is off.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Request bodies: 1 MiB is far above any real note (about 13 kB at most) or differential.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1_048_576)

REST_FRAMEWORK = {
    # The token class first: DRF answers an unauthenticated request with the first
    # class's WWW-Authenticate, so it gets 401 (`Token`) rather than 403. Browsers send no
    # Authorization header and fall through to the session, CSRF check included.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apitokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": None,
    "EXCEPTION_HANDLER": "reference.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["reference.api.renderers.FastJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["reference.api.parsers.StrictJSONParser"],
    # Anonymous API calls (the differential, the reference) are throttled per client
    # address, read as sign-in lockout reads it; calls with a token per token. Counts live
    # in the cache, which must be shared (Redis) when several workers serve the app.
    # Signed-in browser sessions are not throttled.
    "DEFAULT_THROTTLE_CLASSES": [
        "config.middleware.AnonClientRateThrottle",
        "apitokens.throttling.TokenRateThrottle",
    ],
}
THROTTLE_ANON_RATE = env_str("THROTTLE_ANON_RATE", "120/minute")
# Per token, unless the token sets its own rate (admin). Both are read at each request.
THROTTLE_TOKEN_RATE = env_str("THROTTLE_TOKEN_RATE", "600/minute")

# CDS Hooks (docs/cds-hooks.md). The clients this deployment trusts, keyed by their JWT
# issuer, each with its key set and the FHIR servers the service may fetch from:
# {"https://ehr.example.org": {"jwks_url": "https://ehr.example.org/jwks.json",
#   "fhir_servers": ["https://ehr.example.org/fhir"]}}
CDS_CLIENTS: dict[str, dict[str, object]] = json.loads(env_str("CDS_CLIENTS", "{}") or "{}")
# Development only: accept calls without a JWT (and never fetch from any FHIR server).
CDS_ALLOW_ANONYMOUS = DEBUG and env_bool("CDS_ALLOW_ANONYMOUS")
# Browser-based CDS clients: origins allowed by CORS ("*" for any).
CDS_CORS_ORIGINS = env_list("CDS_CORS_ORIGINS")

SPECTACULAR_SETTINGS = {
    # Operation ids and tags are named after the path below /api/v1/ (health_retrieve, tag
    # "health"), also now that /cds-services sits outside it.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TITLE": "Lip twitching reference API",
    "DESCRIPTION": (
        "Evidence-graded differential, red flags and workup for lip twitching and other "
        "involuntary perioral movements. Decision support for clinicians; it does not "
        "replace clinical judgement."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Deep links put a link inside each operation's expand button (axe: nested-interactive);
    # without them the path is plain text. Page and contrast: templates/drf_spectacular/.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    # One name per choice set, wherever it is used (models and the differential's output).
    "ENUM_NAME_OVERRIDES": {
        "GradeEnum": "reference.models.Grade",
        "UrgencyEnum": "reference.models.Urgency",
        "PriorityEnum": "reference.models.Priority",
        "CategoryEnum": "reference.models.Finding.Category",
        "WorkupItemKindEnum": "reference.models.WorkupItem.Kind",
        "BeliefKindEnum": "reference.models.Belief.Kind",
        "SourceKindEnum": "reference.models.Source.Kind",
    },
    # note.txt and handout.pdf without the router's optional trailing slash (notes/api.py).
    "PREPROCESSING_HOOKS": ["notes.api.schema_file_paths"],
    # The errors every operation can give (body size, bad token, throttle, 500), declared
    # once: reference/api/errors.py.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reference.api.errors.postprocess_error_responses",
    ],
}

# Two-curator rule: a change made in the admin takes effect only when a second curator
# approves it (reference.approval). Off by default.
CONTENT_CHANGES_NEED_APPROVAL = env_bool("CONTENT_CHANGES_NEED_APPROVAL")

# Where the reference content (JSON) lives; see fixtures/reference/README.md.
REFERENCE_FIXTURES_DIR = BASE_DIR / "fixtures" / "reference"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_document_text": {"()": "notes.logging.DocumentTextFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint logs each rendering step at INFO, and its warnings can quote the
        # document (a missing glyph names the character): keep their kind, drop the text.
        "weasyprint": {"filters": ["no_document_text"]},
        "weasyprint.progress": {"level": "WARNING", "filters": ["no_document_text"]},
    },
}

# Content-Security-Policy (django-csp)
# Every script and style is a file served from this site: no inline script, no style
# attribute, no 'unsafe-inline' and no nonces. The Swagger UI is the split view (its init
# script is a separate request). tests/browser/test_accessibility.py fails on any violation.
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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
