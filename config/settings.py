"""Settings for the investor CRM, read from the environment.

Every variable is listed in `.env.example` and in docs/operations.md
(tests/test_docs.py checks both). The defaults are safe for a developer's
machine: SQLite in the project folder, DEBUG off, hosts limited to loopback.
"""

import re
import zoneinfo
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# "production" turns on the checks a public deployment needs; anything else is
# a development or test machine.
ENVIRONMENT = env.str("DJANGO_ENV", default="development")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_ENV=production."
        )
    # Only ever used on developer machines and in tests.
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin on the CRM's site class, whose index is the dashboard.
    "crm.dashboard.apps.CRMAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "simple_history",
    "crm.core",
    "crm.accounts",
    "crm.investors",
    "crm.portfolio",
    "crm.notes",
    "crm.search",
    "crm.transfer",
    "crm.demo",
    "crm.history",
    "crm.dashboard",
    "crm.integrations",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # X-RateLimit-* on every API response, those of the next two included.
    "crm.accounts.throttling.RateLimitHeadersMiddleware",
    "crm.core.api.middleware.RequestBodyLimitMiddleware",
    # Before any database work: a token over its limit costs no query.
    "crm.accounts.concurrent_requests.ConcurrentRequestsLimitMiddleware",
    # Before anything that reads the database: with DATABASE_REPLICA_URL set,
    # a request reads from the replica until it writes (crm.core.db_routers).
    "crm.core.db_routers.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switch's cookie, else the browser's Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "crm.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times in the admin are shown and entered in the user's own zone.
    "crm.accounts.time_zones.UserTimeZoneMiddleware",
    # Lets history record who made each change (API token users too: DRF sets
    # the user it authenticates on the request).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Idempotency-Key on API POST and PATCH (crm.integrations.idempotency).
    "crm.integrations.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "crm" / "templates"],
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

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
if env.str("DATABASE_REPLICA_URL", default=""):
    # A read replica of the same database (crm.core.db_routers): reads go to
    # it, writes and the reads that follow a write in a request to default.
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name the same kind of database as "
            "DATABASE_URL (both PostgreSQL, say)."
        )
    # Tests read through it from default's test database: no second one.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["crm.core.db_routers.ReplicaRouter"]
for database in DATABASES.values():
    database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast rather than hang: an unreachable server or a runaway query
        # becomes a 503 within seconds (crm.core.middleware), not a stuck
        # worker. Options given in the URL's query string win.
        database.setdefault("OPTIONS", {})
        database["OPTIONS"].setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=3)
        )
        # JIT off: the figure subqueries carry large cost estimates, so
        # PostgreSQL would spend seconds compiling plans that run in
        # milliseconds (measured by `make bench`).
        database["OPTIONS"].setdefault(
            "options",
            "-c statement_timeout="
            f"{env.int('DATABASE_STATEMENT_TIMEOUT_MS', default=15000)} -c jit=off",
        )
        # Behind PgBouncer in transaction mode a cursor cannot outlive its
        # transaction, so `.iterator()` must fetch through a client-side one.
        database["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
            "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
        )
    elif database["ENGINE"] == "django.db.backends.sqlite3":
        # Take the write lock when a transaction starts, so two writers queue
        # (and a lost-update check sees the winner's row) instead of one
        # failing with "database is locked" halfway through.
        database.setdefault("OPTIONS", {})
        database["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before any password is checked.
    "crm.accounts.backends.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins to one
# account, its logins are refused for the cool-off period, even with the right
# password. Axes locks per account only: a whole office often shares one
# address, so the per-address throttle (crm.accounts.addresses) has its own,
# higher limit over a longer window; past it, tries from that address are
# refused unchecked and no longer count against any account, so one guesser
# cannot keep someone else's account locked. A superuser unlocks an account
# from the admin (Users: "Unlock"). (axes.W006 asks axes to lock per address.)
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_ADDRESS_WINDOW = timedelta(
    minutes=env.int("DJANGO_LOGIN_ADDRESS_WINDOW_MINUTES", default=60)
)
# Proxies in front of Django that append the client's address to
# X-Forwarded-For (the TLS proxy: 1). 0: REMOTE_ADDR is the client's.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "crm.accounts.addresses.client_address"
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(
    minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15)
)
# Tries during a lockout do not extend it: the account's owner, typing the
# right password, is let in once the cool-off has passed.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "crm.accounts.views.lockout_response"
# The log names the account and address of each failure (never the password).
AXES_SENSITIVE_PARAMETERS = []

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
# The project's catalogue (manage.py makemessages -l zh_Hans, then
# compilemessages); the admin's own strings come with Django.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The zone of users who have not chosen one, and of the API's times.
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"DJANGO_TIME_ZONE={TIME_ZONE!r}: use an IANA zone, e.g. Asia/Shanghai."
    )
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `collectstatic` target, production only: elsewhere WhiteNoise serves the sources.
STATIC_ROOT = BASE_DIR / "staticfiles" if IS_PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `collectstatic` first: production only,
        # so tests and `runserver` work straight from the source folders.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
# Outside production WhiteNoise serves straight from the app folders, so the
# admin is styled with DEBUG off and no `collectstatic` step.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"

COUNTRIES_FIRST = ["CN", "HK", "US", "GB", "JP", "SG"]

# Requests per token (or per logged-in user): "<count>/<second|minute|hour|day>".
# Generous: integrations sync thousands of records a minute.
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="6000/minute")
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", API_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"API_RATE_LIMIT={API_RATE_LIMIT!r}: use e.g. 6000/minute or 100/second."
    )

# Requests one API token may have running at the same time; one more gets 429
# (crm.accounts.concurrent_requests), so a few slow requests from one client
# cannot hold every worker.
API_MAX_CONCURRENT_REQUESTS_PER_TOKEN = env.int(
    "API_MAX_CONCURRENT_REQUESTS_PER_TOKEN", default=4
)
if API_MAX_CONCURRENT_REQUESTS_PER_TOKEN < 1:
    raise ImproperlyConfigured(
        "API_MAX_CONCURRENT_REQUESTS_PER_TOKEN must be 1 or more."
    )

# Refused API tokens (unknown, revoked, expired, malformed) one client address
# may present a minute; past it, 429 before any token is looked up.
API_INVALID_TOKEN_LIMIT = env.int("API_INVALID_TOKEN_LIMIT", default=20)

# Rate-limit counters and request slots live here. The default is per process: with several
# workers, use a shared Redis (CACHE_URL=redis://host:6379/0).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Larger request bodies are refused (413 under /api/), before being read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440
)

REST_FRAMEWORK = {
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "crm.core.api.negotiation.ContentNegotiation",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "crm.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "crm.accounts.permissions.ReadOnlyTokens",
        "crm.core.api.permissions.ModelPermissions",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["crm.accounts.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE_LIMIT},
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    # JSON bodies only: any other Content-Type is a 415. (The browsable API
    # then offers its raw JSON form, not the HTML form, which posts form data.)
    "DEFAULT_PARSER_CLASSES": ["crm.core.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "crm.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "crm.core.api.schema.CRMAutoSchema",
    "EXCEPTION_HANDLER": "crm.core.api.exceptions.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Investor CRM API",
    "DESCRIPTION": "Investors, portfolio companies, funding rounds, stakes, "
    "contacts, the contact log and deal notes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # The schema and the docs page: for users with a role, not any login.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "crm.accounts.permissions.InAGroup",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "CurrencyEnum": "crm.core.currencies.CURRENCY_CHOICES",
        "BatchActionEnum": ["created", "updated"],
    },
}

# Content-Security-Policy on every response: scripts, styles, images and
# requests from this site only. The admin has no inline code; the API docs
# page's inline script and style carry the per-response nonce (see
# crm/templates/drf_spectacular/swagger_ui.html). Swagger UI draws its icons
# from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Imports (crm.transfer): the largest file accepted, in bytes.
TRANSFER_MAX_FILE_BYTES = env.int("TRANSFER_MAX_FILE_BYTES", default=10 * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env.str("DJANGO_LOG_LEVEL", default="INFO"),
    },
    "loggers": {
        # Failed and locked-out logins are warnings of axes.handlers.*, shown
        # by the root logger; its start-up banner on every command is not.
        "axes.apps": {"level": "WARNING"},
    },
}

if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int(
        "DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Joining browsers' preload list binds the whole domain to HTTPS for
        # months: a choice the operator makes with the variable above, not a
        # flaw for `check --deploy` to report.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# Integrations (crm.integrations): the changes feed keeps its entries this
# many days (`manage.py purge_changes` deletes older ones; run it daily); a
# client whose cursor is older gets 410 and resyncs from the lists.
CHANGES_RETENTION_DAYS = env.int("CHANGES_RETENTION_DAYS", default=90)

# Webhooks are sent by a background worker (`manage.py db_worker`, from
# django-tasks-db) from tasks stored in the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Loopback and private addresses are refused as webhook URLs unless this is
# set (tests; `make run` on loopback). Never in production.
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
if WEBHOOKS_ALLOW_PRIVATE and IS_PRODUCTION:
    raise ImproperlyConfigured("WEBHOOKS_ALLOW_PRIVATE is refused in production.")
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10)
# Seconds before each retry of a failed delivery: about a day in all; after
# the last, the endpoint is disabled.
WEBHOOKS_RETRY_DELAYS = env.list(
    "WEBHOOKS_RETRY_DELAYS",
    cast=int,
    default=[5, 300, 1800, 7200, 18000, 36000, 36000],
)
