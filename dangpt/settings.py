"""Settings for dangpt: one module, driven by environment variables (see README)."""

import datetime
import re
from pathlib import Path

from dangpt.config import (
    DEFAULT_PROXY_NETWORKS,
    ConfigError,
    database_from_url,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_proxy_count,
    env_str,
    env_time_zone,
    mfa_encryption_keys,
    redis_url,
    secret_key,
    url_password_check,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "ninja",
    "pgtrigger",
    "pghistory",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "dangpt",
    "patients",
    "assessments",
    "programs",
]

# pghistory tags writes with who and which URL. A GET changes nothing tracked (the security suite
# proves no GET changes state), so GETs skip the per-query context injection.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the browser's language before sign-in
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "patients.language.LanguageMiddleware",  # a runner's saved language; staff in English
    "dangpt.middleware.HistoryMiddleware",  # pghistory's: user id and URL path, tokens redacted
    "django_otp.middleware.OTPMiddleware",
    "dangpt.mfa.factors.MfaRequiredMiddleware",
    "dangpt.middleware.LoginRequiredExceptApiMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dangpt.sessions.SessionTimeoutMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "dangpt.middleware.SignInThrottleMiddleware",
]

ROOT_URLCONF = "dangpt.wiring.urls"
WSGI_APPLICATION = "dangpt.wiring.wsgi.application"

_LOADERS = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangpt.roles.role_context",
            ],
            "loaders": _LOADERS if DEBUG else [("django.template.loaders.cached.Loader", _LOADERS)],
        },
    }
]

# --- Data stores -------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url is None:
    raise ConfigError(
        "DATABASE_URL must be set (make run and make test start an embedded PostgreSQL)"
    )
DATABASES = {"default": database_from_url("DATABASE_URL", _database_url)}
url_password_check("DATABASE_URL", _database_url, debug=DEBUG)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# DB_POOL_SIZE > 0 turns on psycopg's pool (threaded gunicorn); else persistent connections.
_pool_size = env_int("DB_POOL_SIZE", 0, maximum=200)
if _pool_size:
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 1, "max_size": _pool_size, "timeout": 10}
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
# The role the app connects as in production: `migrate` (run as the tables' owner) grants it what
# the app needs and no UPDATE, DELETE or TRUNCATE on the audit tables (dangpt/audit/database.py).
DATABASE_APP_ROLE = env_str("DATABASE_APP_ROLE", "")
if DATABASE_APP_ROLE and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_APP_ROLE):
    raise ConfigError("DATABASE_APP_ROLE must be a lower-case PostgreSQL role name")
DATABASE_APP_PASSWORD = env_str("DATABASE_APP_PASSWORD", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Reports and exports read from a replica when one is given (dangpt/replica.py routes them);
# every write and every other read stays on "default".
_replica_url = env_str("REPLICA_DATABASE_URL")
if _replica_url:
    url_password_check("REPLICA_DATABASE_URL", _replica_url, debug=DEBUG)
    DATABASES["replica"] = database_from_url("REPLICA_DATABASE_URL", _replica_url)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["dangpt.replica.ReplicaRouter"]

REDIS_URL = redis_url("REDIS_URL", env_str("REDIS_URL", "redis://127.0.0.1:6379/0"))
url_password_check("REDIS_URL", REDIS_URL, debug=DEBUG)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The runner home's body, shared by every worker (programs/home_cache.py). Short socket
    # timeouts: when Redis is away the page is built instead, after at most half a second.
    "pages": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "dangpt",
        "TIMEOUT": env_int("RUNNER_HOME_CACHE_SECONDS", 86400, minimum=1),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    # Failed sign-in counters per address and per account (dangpt/throttle.py).
    "throttle": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "dangpt-throttle",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
}

# --- Auth --------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked username + IP before checking it
    "dangpt.throttle.SignInThrottleBackend",  # refuses a throttled address or account at once
    "dangpt.auth_backend.ModelBackend",  # Django's, loading role and authenticator with the user
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
OTP_TOTP_ISSUER = env_str("CLINIC_NAME", "Dang PT")
MFA_REQUIRED = env_bool("MFA_REQUIRED", True)  # TOTP for staff roles, is_staff, superusers
# Authenticator secrets are encrypted with these Fernet keys (dangpt/mfa/crypto.py).
MFA_ENCRYPTION_KEYS = mfa_encryption_keys("MFA_ENCRYPTION_KEY", debug=DEBUG)
# /api/v1/docs and openapi.json: public in development, signed-in verified staff otherwise.
API_DOCS_PUBLIC = DEBUG
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en"
# Runners read the portal, emails and forms in English or Spanish; staff pages are English.
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = env_time_zone("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True
# US formats for every language: month before day in English, 12-hour times (dangpt/formats).
FORMAT_MODULE_PATH = ["dangpt.formats"]

# --- Static files ------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / ".data" / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = 60 if DEBUG else 31536000

# Widgets render through the project's templates, so templates/django/forms/ can override one
# (the empty choice of a select reads "Choose…" rather than Django's "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail --------------------------------------------------------------------------------
globals().update(email_settings("EMAIL_URL", env_str("EMAIL_URL"), debug=DEBUG))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Dang PT <no-reply@dangpt.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CLINIC_NAME = env_str("CLINIC_NAME", "Dang PT")

# Licensed questionnaire wording supplied by the clinic (assessments/proms/WORDING.md).
PROM_WORDING_FILE = env_str("PROM_WORDING_FILE")

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "dangpt")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "dangpt.tasks.heartbeat", "schedule": 60.0},
    "dispatch-reminders": {"task": "patients.tasks.dispatch_due_reminders", "schedule": 60.0},
    "sweep-reminders": {"task": "patients.tasks.sweep_stale_reminders", "schedule": 60.0},
    "expire-booking-holds": {"task": "patients.tasks.expire_booking_holds", "schedule": 60.0},
    "sweep-waitlist-offers": {"task": "patients.tasks.sweep_waitlist_offers", "schedule": 60.0},
    "program-nudges": {"task": "programs.tasks.schedule_program_nudges", "schedule": 300.0},
    "questionnaire-nudges": {
        "task": "assessments.tasks.schedule_questionnaire_nudges",
        "schedule": 300.0,
    },
}

# Reminders (patients/reminders): tries before `failed`, first retry delay (doubling), how long
# a row may sit in `sending` before the sweeper frees it, and when a queued row is queued again.
# Online booking: minutes an unconfirmed booking holds its slot (a location's policy may differ).
SELF_BOOKING_HOLD_MINUTES = env_int("SELF_BOOKING_HOLD_MINUTES", 15, minimum=1, maximum=240)
# Online booking attempts per hour from one client address and for one email, and confirm
# emails per hour to one email address; past each the page and the API answer 429.
SELF_BOOKING_ADDRESS_LIMIT = env_int("SELF_BOOKING_ADDRESS_LIMIT", 20, minimum=1)
SELF_BOOKING_EMAIL_LIMIT = env_int("SELF_BOOKING_EMAIL_LIMIT", 6, minimum=1)
SELF_BOOKING_MAILS_PER_EMAIL = env_int("SELF_BOOKING_MAILS_PER_EMAIL", 3, minimum=1)

REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5, minimum=1, maximum=20)
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60, minimum=1)
REMINDER_STALE_SECONDS = env_int("REMINDER_STALE_SECONDS", 600, minimum=1)
REMINDER_REENQUEUE_SECONDS = env_int("REMINDER_REENQUEUE_SECONDS", 600, minimum=1)
REMINDER_DISPATCH_BATCH = env_int("REMINDER_DISPATCH_BATCH", 500, minimum=1)

# --- Sessions: staff 15 idle minutes / 12 hours; runners 14 idle days / 30 days ------------------
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_MINUTES", 15, minimum=1) * 60
STAFF_SESSION_MAX_SECONDS = env_int("STAFF_SESSION_MAX_HOURS", 12, minimum=1) * 3600
RUNNER_SESSION_IDLE_SECONDS = env_int("RUNNER_SESSION_IDLE_DAYS", 14, minimum=1) * 86400
RUNNER_SESSION_MAX_SECONDS = env_int("RUNNER_SESSION_MAX_DAYS", 30, minimum=1) * 86400
SESSION_COOKIE_AGE = RUNNER_SESSION_MAX_SECONDS

# --- Content-Security-Policy: no inline scripts or styles, nothing from other origins ----------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Security ----------------------------------------------------------------------------
# How many proxies in front of the app write X-Forwarded-For (dangpt.security.client_ip); with 0
# the peer's address is the client's and forwarded headers are ignored.
TRUSTED_PROXY_COUNT = env_proxy_count("BEHIND_PROXY")
# The networks the nearest proxy connects from; X-Forwarded-For from any other peer is ignored.
TRUSTED_PROXY_NETWORKS = env_networks("TRUSTED_PROXY_NETWORKS", DEFAULT_PROXY_NETWORKS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only sent over HTTPS, to this exact host, for the whole site.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: no patient data in logs; request paths carry ids only ------------------------
# Every handler drops query strings and tokens from the paths in a message (dangpt/logs.py),
# also runserver's request lines (`django.server`, which does not propagate to the root).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_paths": {"()": "dangpt.logs.RedactPaths"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's defaults give these loggers handlers of their own, unfiltered: replaced.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint logs each step of every PDF at INFO: only its warnings are worth reading.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Login throttling (django-axes): username + IP, a 15-minute cool-off, never an IP-wide lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "dangpt.security.axes_client_str"  # account id + IP, no username
AXES_CLIENT_IP_CALLABLE = "dangpt.security.client_ip"  # X-Forwarded-For only under BEHIND_PROXY

# --- Sign-in throttles (dangpt/throttle.py): failed sign-ins per address, per account from one
# address and per account, web and API alike, in a fixed window; over the first two every attempt
# from there answers 429 until it ends; over the third only a second factor gets in.
SIGNIN_THROTTLE_SECONDS = env_int("SIGNIN_THROTTLE_MINUTES", 15, minimum=1) * 60
SIGNIN_ADDRESS_FAILURES = env_int("SIGNIN_ADDRESS_FAILURES", 30, minimum=1)
SIGNIN_ACCOUNT_ADDRESS_FAILURES = env_int("SIGNIN_ACCOUNT_ADDRESS_FAILURES", 10, minimum=1)
SIGNIN_ACCOUNT_FAILURES = env_int("SIGNIN_ACCOUNT_FAILURES", 50, minimum=1)

# --- FHIR export (dangpt/wiring/fhir): the base URI of the clinic's own code systems,
# identifiers and questionnaires, and of the stable urn:uuid of each exported resource.
FHIR_SYSTEM_BASE = env_str("FHIR_SYSTEM_BASE", "https://fhir.dangpt.example")
# The bulk export task is in the wiring, outside the apps Celery searches for tasks.
CELERY_IMPORTS = ["dangpt.wiring.fhir.tasks"]
# --- Attachments (assessments/attachments): gait video, photos, PDFs; never a public URL --------
# Files live in the `attachments` storage: a private folder under .data/ by default, or an
# S3-compatible bucket through django-storages (credentials from the usual AWS_* variables).
ATTACHMENTS_S3_BUCKET = env_str("ATTACHMENTS_S3_BUCKET", "")
if ATTACHMENTS_S3_BUCKET:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": ATTACHMENTS_S3_BUCKET,
            "endpoint_url": env_str("ATTACHMENTS_S3_ENDPOINT_URL"),
            "region_name": env_str("ATTACHMENTS_S3_REGION"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("ATTACHMENTS_ROOT", str(BASE_DIR / ".data" / "attachments")),
            "base_url": "/no-public-url/",
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
# Per-kind upload limits in MB, enforced while the upload streams (assessments/attachments).
ATTACHMENT_MAX_VIDEO_MB = env_int("ATTACHMENT_MAX_VIDEO_MB", 1024, minimum=1)
ATTACHMENT_MAX_IMAGE_MB = env_int("ATTACHMENT_MAX_IMAGE_MB", 25, minimum=1)
ATTACHMENT_MAX_PDF_MB = env_int("ATTACHMENT_MAX_PDF_MB", 25, minimum=1)
# Uploads stream to temporary files here (default: the system's), never into memory.
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR")
FILE_UPLOAD_PERMISSIONS = 0o600
# In production the proxy can send the bytes: nginx `internal` location with this prefix
# aliased to ATTACHMENTS_ROOT (README). Empty: the app streams the file itself.
ATTACHMENTS_X_ACCEL_PREFIX = env_str("ATTACHMENTS_X_ACCEL_PREFIX", "")
# Video processing in Celery: ffmpeg/ffprobe binaries and the longest one job may run.
FFMPEG_BINARY = env_str("FFMPEG_BINARY", "/usr/bin/ffmpeg")
FFPROBE_BINARY = env_str("FFPROBE_BINARY", "/usr/bin/ffprobe")
ATTACHMENT_PROCESS_TIMEOUT_SECONDS = env_int("ATTACHMENT_PROCESS_TIMEOUT_SECONDS", 1800, minimum=10)
