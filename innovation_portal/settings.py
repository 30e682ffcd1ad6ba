"""Settings for the innovation portal.

Everything comes from environment variables. The defaults let `make run` work on a bare
machine (SQLite, Celery tasks run eagerly, mail printed to the console) once `DEBUG=1` is
set, as the Makefile does. With DEBUG off the portal refuses to start without a secret key
and allowed hosts, so a forgotten variable fails closed instead of running insecurely.
"""

import hashlib
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of the portal, used in links inside mails and ICS feeds.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "import_export",
    "django_celery_beat",
    "axes",
    "django_ratelimit",
    "csp",
    "rest_framework",
    "drf_spectacular",
    # Swagger UI and Redoc served from static/ (no CDN): the API's documentation page.
    "drf_spectacular_sidecar",
    "accounts",
    "notifications",
    "exports",
    "plans",
    "applications",
    "expertise",
    "ratings",
    "publications",
    "reports",
    "public",
    "api",
]

MIDDLEWARE = [
    # First: the moment a request reached the portal is what counts at a deadline.
    "innovation_portal.middleware.ArrivalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After whitenoise: the policy is for pages, not for the static files whitenoise answers itself.
    "innovation_portal.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "innovation_portal.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, the first to read a POST: a body over the endpoint's limit is never read.
    "innovation_portal.limits.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: its refusal is a page of the portal's own.
    "innovation_portal.middleware.HostileAddressMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the result of authentication (django-axes' requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "innovation_portal.urls"
WSGI_APPLICATION = "innovation_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "accounts.context_processors.navigation_entries",
                "notifications.unread.unread_notifications",
            ],
            "builtins": ["innovation_portal.state_tags", "innovation_portal.words", "innovation_portal.rows"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "innovation_portal.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    # django-ratelimit names only django-redis as supported; Django's own Redis cache is shared and its
    # incr is atomic, which is all the limits need.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
    # Every signed-in page reads its session: from the shared cache, the database only on a miss
    # (written to both). Not without Redis: one process's memory would keep a session another
    # process had ended (a logout).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # The signed-in user and their roles too (accounts/signed_in.py), kept until those tables change.
    SIGNED_IN_CACHE = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SIGNED_IN_CACHE = False
    # One process (make run, tests): its own memory is the shared cache the rate limits need.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001", "django_ratelimit.E003"]


def _installation_key():
    """A stable name of this installation for its cache keys: the same for every process of one
    portal (web, worker, beat), different for two portals, even on one Redis database."""
    database = DATABASES["default"]
    identity = "\n".join(str(database.get(part) or "") for part in ("ENGINE", "NAME", "HOST", "PORT"))
    return hashlib.sha256(f"{SECRET_KEY}\n{identity}".encode()).hexdigest()[:12]


def cache_key_prefix():
    return env_str("CACHE_KEY_PREFIX") or _installation_key()


# Every key of the cache (pages, data versions, sessions, rate limits) starts with the installation,
# so two portals sharing one Redis database never read each other's pages or sessions.
CACHES["default"]["KEY_PREFIX"] = cache_key_prefix()

# --- Users and login ----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.PasswordBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Login lockout: by user *and* address together, so one office behind a NAT is not locked
# out by one person's typos, and an attacker cannot lock a user out from anywhere.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT=1 (see README) so the client address
# is read from X-Forwarded-For instead of the proxy's own address.
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are never served by URL: every download goes through a view that checks
# permissions, so MEDIA_ROOT must not be exposed by the web server.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"
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
# In development static files are served straight from the app folders (no collectstatic).
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000  # applications carry long tables of rows
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_HANDLERS = [
    "innovation_portal.limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Request bodies (innovation_portal/limits.py): an anonymous visitor sends only forms; a
# signed-in person a document; views marked @accepts_upload (the video) up to MAX_UPLOAD_SIZE_MB.
BODY_LIMIT_ANONYMOUS_KB = env_int("BODY_LIMIT_ANONYMOUS_KB", 64)
BODY_LIMIT_SIGNED_IN_MB = env_int("BODY_LIMIT_SIGNED_IN_MB", 30)
# The largest file a user may upload (a video announcement is the largest expected).
MAX_UPLOAD_SIZE_MB = env_int("MAX_UPLOAD_SIZE_MB", 200)

# --- Mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ИМЦ <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive.")

# --- Celery -------------------------------------------------------------------------------
# Read by innovation_portal/celery.py (namespace CELERY_). With no broker configured the
# tasks run in-process, so a bare `make run` needs neither Redis nor a worker.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Letters never wait behind exports: three queues, each worker of docker-compose takes its own
# («mail»: letters and reminders; «heavy»: exports, book builds, document parsing; «default»: the rest).
CELERY_TASK_DEFAULT_QUEUE = "default"
# A worker process that grew past this (KiB) after a task (a 300-page book build keeps ~280 MB) is
# replaced by a fresh one before the next task: worker memory stays bounded (prefork pool).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 300_000)
CELERY_TASK_ROUTES = {
    "notifications.*": {"queue": "mail"},
    "accounts.send_*": {"queue": "mail"},
    "exports.*": {"queue": "heavy"},
    "accounts.run_export": {"queue": "heavy"},
    "publications.*": {"queue": "heavy"},
    "plans.*": {"queue": "heavy"},
}

# --- Rate limits (django-ratelimit on the shared cache) ------------------------------------
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# Trust the proxy's X-Request-Start (the moment it received the request) for deadlines.
TRUST_X_REQUEST_START = env_bool("TRUST_X_REQUEST_START", False)
# Behind a proxy, the header that carries the client's address (e.g. HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")
RATE_EXPORTS = env_str("RATE_EXPORTS", "10/m")  # background exports started per person
EXPORTS_UNFINISHED_MAX = env_int("EXPORTS_UNFINISHED_MAX", 5)  # queued or running at once per person
RATE_PASSWORD_RESET_ADDRESS = env_str("RATE_PASSWORD_RESET_ADDRESS", "3/h")
RATE_PASSWORD_RESET_CLIENT = env_str("RATE_PASSWORD_RESET_CLIENT", "10/h")
RATE_UPLOADS = env_str("RATE_UPLOADS", "120/h")
RATE_CSP_REPORTS = env_str("RATE_CSP_REPORTS", "60/m")  # violation reports accepted per client address
RATE_API = env_str("RATE_API", "120/min")  # requests to the read API (/api/) per client address

# --- The read API of the public data (/api/, the api app) ----------------------------------
# Anonymous and read-only: no authentication at all, so no session, no CSRF and nothing personal;
# every client address is limited by RATE_API, counted in the shared cache (REDIS_URL).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PublicThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Behind nginx the client is the last X-Forwarded-For hop the proxies added (as for login lockout).
    "NUM_PROXIES": env_int("AXES_IPWARE_PROXY_COUNT", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API портала инновационной деятельности",
    "DESCRIPTION": "Открытые данные: планы мероприятий, реестр инновационных площадок, рейтинги, сборники, конкурсы.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Sites allowed to frame the embeddable widgets (/widgets/…, the public app); every other page
# keeps frame-ancestors 'none' and X-Frame-Options: DENY. Comma-separated CSP sources
# (e.g. «https://imc.example.ru,https://*.spb.ru»); «*» lets any site embed them.
WIDGET_FRAME_ANCESTORS = env_list("WIDGET_FRAME_ANCESTORS", ["*"])

# --- Forms --------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
IMPORT_EXPORT_USE_TRANSACTIONS = True  # an import is all-or-nothing
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Off: the back office's export formats make formulas inert themselves (innovation_portal.importing);
# the library's escaping only drops a leading «=» and would turn numbers and dates into text.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A form sent from a stale page or without the cookie gets the portal's Russian page (innovation_portal/errors.py).
CSRF_FAILURE_VIEW = "innovation_portal.errors.csrf_failure"

# Content-Security-Policy (django-csp): scripts, styles, fonts and connections only from the portal
# itself, no inline scripts or event-handler attributes (static/js/portal.js binds data-confirm,
# data-autosubmit, …), no plugins, no framing. Images may also be data: URIs (pictures inside
# articles, Bootstrap's icons in its CSS). Inline style="" attributes remain in templates and in
# the vendored libraries (Bootstrap, Quill, Sortable set element styles), so only style-src-attr
# allows 'unsafe-inline'; <style> elements are refused like scripts. Violations are reported to
# /csp-report/ and logged by `innovation_portal.csp`.
CSP_REPORT_URL = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": [CSP_REPORT_URL],
    },
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind nginx or another TLS-terminating proxy (see README): trust its X-Forwarded-Proto.
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint reports every laid-out page at INFO: a 300-page book would flood the log.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # One WARNING line per blocked script, style or frame a browser reported (/csp-report/).
        "innovation_portal.csp": {"level": "WARNING"},
        # Without a worker every task runs in-process; its per-task log lines are noise there.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}
