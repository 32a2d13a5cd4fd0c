"""Settings for Connector Hub, read from the environment.

Standard names (``DATABASE_URL``, ``CELERY_BROKER_URL``, ``SECRET_KEY``, ``DEBUG``,
``ALLOWED_HOSTS``, ``TIME_ZONE``) keep their usual meaning; the project's own settings share the
``CONNECTOR_HUB_`` prefix. Defaults run everything locally on SQLite and a file-system broker.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.local_secrets import generate_fernet_key, generate_secret_key, read_or_create
from config.media import media_storage

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file beside manage.py (KEY=value lines) fills in what the environment does not set.
ENV_FILE = Path(environ.Env().str("CONNECTOR_HUB_ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)
VAR_DIR = Path(env.str("CONNECTOR_HUB_VAR_DIR", default=str(BASE_DIR / "var"))).resolve()
# Production: every key and service comes from the environment (nothing is generated under
# VAR_DIR, where each container would make its own), HTTPS settings on, JSON logs, collected
# static files. See "Production and operations" at the end of this file and the README.
CONNECTOR_HUB_PRODUCTION = env.bool("CONNECTOR_HUB_PRODUCTION", default=False)
_REQUIRED_IN_PRODUCTION = (
    "SECRET_KEY",
    "CONNECTOR_HUB_ENCRYPTION_KEYS",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
)
if CONNECTOR_HUB_PRODUCTION and [n for n in _REQUIRED_IN_PRODUCTION if not env.str(n, default="")]:
    raise ImproperlyConfigured(
        "CONNECTOR_HUB_PRODUCTION=true needs these environment variables: "
        + ", ".join(n for n in _REQUIRED_IN_PRODUCTION if not env.str(n, default=""))
    )
# Media in a bucket (CONNECTOR_HUB_MEDIA_URL) means web and workers share nothing on disk: keys
# generated under each process's VAR_DIR would differ, and the file-system broker is a folder.
CONNECTOR_HUB_MEDIA_URL = env.str("CONNECTOR_HUB_MEDIA_URL", default="")
_REQUIRED_WITH_SHARED_MEDIA = (
    "SECRET_KEY",
    "CONNECTOR_HUB_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
)
if CONNECTOR_HUB_MEDIA_URL:
    _missing = [n for n in _REQUIRED_WITH_SHARED_MEDIA if not env.str(n, default="")]
    if env.str("CELERY_BROKER_URL", default="").startswith("filesystem://"):
        _missing.append("CELERY_BROKER_URL (a shared broker, not filesystem://)")
    if _missing:
        raise ImproperlyConfigured(
            "With CONNECTOR_HUB_MEDIA_URL set, processes share nothing on disk; these must come "
            "from the environment: " + ", ".join(_missing)
        )

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or read_or_create(
    VAR_DIR / "secret_key", generate_secret_key
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CONNECTOR_HUB_CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = False

# Fernet keys, newest first. Without any, a local key is created once under VAR_DIR.
CONNECTOR_HUB_ENCRYPTION_KEYS = env.list("CONNECTOR_HUB_ENCRYPTION_KEYS", default=[]) or [
    read_or_create(VAR_DIR / "encryption_key", generate_fernet_key)
]
CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = env.bool(
    "CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS", default=False
)
# A running sync whose heartbeat is older than this is failed as "worker lost".
CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = env.int("CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT", default=120)
CONNECTOR_HUB_SYNC_RETENTION_DAYS = env.int("CONNECTOR_HUB_SYNC_RETENTION_DAYS", default=90)
CONNECTOR_HUB_SYNC_KEEP_LAST = env.int("CONNECTOR_HUB_SYNC_KEEP_LAST", default=20)
CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS = env.int(
    "CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS", default=30
)
# Audit entries older than this are purged; 0 keeps them forever.
CONNECTOR_HUB_AUDIT_RETENTION_DAYS = env.int("CONNECTOR_HUB_AUDIT_RETENTION_DAYS", default=365)
# A PEM file of extra certificate authorities that connectors trust next to the public ones
# (e.g. a company CA in front of a self-hosted Confluence or Jira).
CONNECTOR_HUB_EXTRA_CA_FILE = env.str("CONNECTOR_HUB_EXTRA_CA_FILE", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "tenancy",
    "registry",
    "connectors",
    "syncs",
    "ops",
]

MIDDLEWARE = [
    "ops.middleware.RequestMetricsMiddleware",
    "ops.middleware.OperationsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            # {% load pages %}: the filters every app's pages use (the project's, in no app).
            "libraries": {"pages": "config.pages.templatetags"},
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL keep the web process and the workers from failing with
    # "database is locked" (see the README); a file test database is visible to worker processes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("CONNECTOR_HUB_TEST_DATABASE", default=str(VAR_DIR / "test.sqlite3"))
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the API rate-limit counters. The per-process default suits one web process;
# with several web processes or machines point it at Redis (redis://host:6379/1) so that every
# process counts against the same limit.
CONNECTOR_HUB_CACHE_URL = env.str("CONNECTOR_HUB_CACHE_URL", default="locmemcache://")
CACHES = {"default": env.cache_url_config(CONNECTOR_HUB_CACHE_URL)}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("CONNECTOR_HUB_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env.str("CONNECTOR_HUB_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Media (uploaded originals) through Django's storage API: the local folder by default, a bucket
# when CONNECTOR_HUB_MEDIA_URL says so (config/media.py).
CONNECTOR_HUB_MEDIA_ACCESS_KEY_ID = env.str("CONNECTOR_HUB_MEDIA_ACCESS_KEY_ID", default="")
CONNECTOR_HUB_MEDIA_SECRET_ACCESS_KEY = env.str("CONNECTOR_HUB_MEDIA_SECRET_ACCESS_KEY", default="")
STORAGES = {
    "default": media_storage(
        CONNECTOR_HUB_MEDIA_URL,
        access_key_id=CONNECTOR_HUB_MEDIA_ACCESS_KEY_ID,
        secret_access_key=CONNECTOR_HUB_MEDIA_SECRET_ACCESS_KEY,
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("CONNECTOR_HUB_MAX_BODY_BYTES", default=2 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "config.api.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["config.api.filtering.FilterBackend"],
    "EXCEPTION_HANDLER": "config.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Connector Hub API",
    "DESCRIPTION": "Register connector types, create connectors, run and watch syncs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"  # kombu's, with atomic message writes
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "polling_interval": 0.1,
    }
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env.bool("CONNECTOR_HUB_TASKS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# django-celery-beat's DatabaseScheduler, recording a tick that /readyz checks (ops.beat).
CELERY_BEAT_SCHEDULER = "ops.beat:TickingScheduler"
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Logs: one JSON object per line in production, plain text otherwise; ids of the workspace,
# connector and sync on every line logged while a task works on them (ops.logs). Workers and beat
# use the same configuration (config/celery.py).
from ops.logs import logging_config  # noqa: E402

CONNECTOR_HUB_LOG_FORMAT = env.str(
    "CONNECTOR_HUB_LOG_FORMAT", default="json" if CONNECTOR_HUB_PRODUCTION else "plain"
)
LOGGING = logging_config(
    CONNECTOR_HUB_LOG_FORMAT, env.str("CONNECTOR_HUB_LOG_LEVEL", default="INFO")
)

# Distribution files (the registry's register endpoint and command): an archive is read in memory,
# never extracted, and refused past these limits.
CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES = env.int(
    "CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES", default=5 * 1024 * 1024
)
CONNECTOR_HUB_DISTRIBUTION_MAX_MEMBERS = env.int(
    "CONNECTOR_HUB_DISTRIBUTION_MAX_MEMBERS", default=64
)
CONNECTOR_HUB_DISTRIBUTION_MAX_UNCOMPRESSED_BYTES = env.int(
    "CONNECTOR_HUB_DISTRIBUTION_MAX_UNCOMPRESSED_BYTES", default=20 * 1024 * 1024
)
CONNECTOR_HUB_DISTRIBUTION_MAX_RATIO = env.int("CONNECTOR_HUB_DISTRIBUTION_MAX_RATIO", default=100)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})["DefinitionStatusEnum"] = (
    "registry.models.DefinitionStatus"
)
# The API reference: local assets only (no validator badge fetched from swagger.io), request and
# response bodies as separate components.
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
# The reference's groups, in this order, named as the public documents each family follows.
SPECTACULAR_SETTINGS["TAGS"] = [
    {"name": "Live sources (Layar)", "description": "Websites and feeds imported as live sources."},
    {
        "name": "Named storage connectors",
        "description": "Connectors addressed by name: HttpData, AmazonS3, AzureStorage.",
    },
    {
        "name": "Connector registry (Obsrv v2)",
        "description": "Connector types: register a distribution file, read, list.",
    },
    {
        "name": "Collection connectors and syncs",
        "description": "Spaces, collections, their connectors, syncs, documents and change feed.",
    },
    {
        "name": "Workspace connectors with schedulers",
        "description": "Connectors of a workspace with imed, cron or when schedules.",
    },
    {"name": "Webhooks", "description": "Signed notifications of what happens in a workspace."},
    {"name": "Audit trail", "description": "Who did what, when."},
]
# Files given to upload connectors: the largest accepted file, in bytes.
CONNECTOR_HUB_UPLOAD_MAX_BYTES = env.int("CONNECTOR_HUB_UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
# Sync engine (syncs/engine): batches per task run before the sync continues in a fresh task,
# retries of temporary source errors (exponential back-off with jitter, capped), heartbeat
# throttle, bounded log lines, and how often the liveness check runs.
CONNECTOR_HUB_SYNC_MAX_BATCHES = env.int("CONNECTOR_HUB_SYNC_MAX_BATCHES", default=1000)
# ... and never before it has read this long: a hand-on costs a task round trip and a new read.
CONNECTOR_HUB_SYNC_TASK_SECONDS = env.float("CONNECTOR_HUB_SYNC_TASK_SECONDS", default=30.0)
CONNECTOR_HUB_SYNC_MAX_RETRIES = env.int("CONNECTOR_HUB_SYNC_MAX_RETRIES", default=5)
CONNECTOR_HUB_SYNC_RETRY_BACKOFF = env.float("CONNECTOR_HUB_SYNC_RETRY_BACKOFF", default=2.0)
CONNECTOR_HUB_SYNC_RETRY_MAX_WAIT = env.float("CONNECTOR_HUB_SYNC_RETRY_MAX_WAIT", default=300.0)
CONNECTOR_HUB_SYNC_HEARTBEAT_INTERVAL = env.float(
    "CONNECTOR_HUB_SYNC_HEARTBEAT_INTERVAL", default=1.0
)
CONNECTOR_HUB_SYNC_LOG_LINES = env.int("CONNECTOR_HUB_SYNC_LOG_LINES", default=200)
CONNECTOR_HUB_SYNC_COMMIT_ROWS = env.int("CONNECTOR_HUB_SYNC_COMMIT_ROWS", default=10000)
CONNECTOR_HUB_SYNC_COMMIT_SECONDS = env.float("CONNECTOR_HUB_SYNC_COMMIT_SECONDS", default=1.0)
CONNECTOR_HUB_SYNC_MAX_ATTEMPTS = env.int("CONNECTOR_HUB_SYNC_MAX_ATTEMPTS", default=3)
# A connector still starting this long after its connection check was sent lost the check with
# its worker: liveness sends it again.
CONNECTOR_HUB_CHECK_LOST_AFTER = env.int("CONNECTOR_HUB_CHECK_LOST_AFTER", default=300)
# A read of a whole big source is split into parts read by several workers at once: as many
# parts as the workers alive have processes (0) or this many, at most MAX_PARTS, each of at
# least PART_LEAST rows.
CONNECTOR_HUB_SYNC_PARTS = env.int("CONNECTOR_HUB_SYNC_PARTS", default=0)
CONNECTOR_HUB_SYNC_MAX_PARTS = env.int("CONNECTOR_HUB_SYNC_MAX_PARTS", default=4)
CONNECTOR_HUB_SYNC_PART_LEAST = env.int("CONNECTOR_HUB_SYNC_PART_LEAST", default=50000)
CONNECTOR_HUB_SYNC_LIVENESS_INTERVAL = env.float(
    "CONNECTOR_HUB_SYNC_LIVENESS_INTERVAL", default=30.0
)
CONNECTOR_HUB_RETENTION_INTERVAL = env.float("CONNECTOR_HUB_RETENTION_INTERVAL", default=3600.0)
# Beat's DatabaseScheduler copies these into its tables when it starts.
CELERY_BEAT_SCHEDULE = {
    "syncs.liveness": {
        "task": "syncs.tasks.check_liveness",
        "schedule": CONNECTOR_HUB_SYNC_LIVENESS_INTERVAL,
    },
    "syncs.retention": {
        "task": "ops.tasks.purge_expired",
        "schedule": CONNECTOR_HUB_RETENTION_INTERVAL,
    },
}

# -- Production and operations --------------------------------------------------------------------
# HTTPS: on by default in production, each overridable. The proxy header is opt-in: set it only
# when a proxy you run sets (and overwrites) that header, else clients could claim HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=CONNECTOR_HUB_PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=CONNECTOR_HUB_PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=CONNECTOR_HUB_PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=31536000 if CONNECTOR_HUB_PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=CONNECTOR_HUB_PRODUCTION
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=CONNECTOR_HUB_PRODUCTION)
_proxy_ssl_header = env.str("CONNECTOR_HUB_PROXY_SSL_HEADER", default="")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SILENCED_SYSTEM_CHECKS = env.list("CONNECTOR_HUB_SILENCED_CHECKS", default=[])
# Rotating SECRET_KEY: put the old one here for a while, so sessions and signed cursors still work.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# Static files: hashed, compressed copies made by collectstatic (the image runs it), served by
# WhiteNoise; outside production the files are served from the source folders as they are.
CONNECTOR_HUB_STATIC_MANIFEST = env.bool(
    "CONNECTOR_HUB_STATIC_MANIFEST", default=CONNECTOR_HUB_PRODUCTION
)
if CONNECTOR_HUB_STATIC_MANIFEST:
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    WHITENOISE_USE_FINDERS = False

# Database connections: kept open between requests in production, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "CONNECTOR_HUB_DB_CONN_MAX_AGE", default=60 if CONNECTOR_HUB_PRODUCTION else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# Celery queues: "syncs" for sync task runs, "quick" for everything short (connector checks,
# schedule ticks, liveness, retention, purges). A worker without -Q consumes both; in production
# give syncs their own workers (-Q syncs) so checks and ticks never wait behind long syncs.
from kombu import Exchange, Queue  # noqa: E402

# Each queue has its own exchange and key: queues sharing the default ones would each get a copy.
CELERY_TASK_QUEUES = tuple(
    Queue(name, Exchange(name), routing_key=name) for name in ("syncs", "quick")
)
CELERY_TASK_DEFAULT_QUEUE = "quick"
CELERY_TASK_DEFAULT_EXCHANGE = "quick"
CELERY_TASK_DEFAULT_ROUTING_KEY = "quick"
CELERY_TASK_ROUTES = {
    "syncs.tasks.run_sync": {"queue": "syncs"},
    "syncs.tasks.run_sync_part": {"queue": "syncs"},
}
# Time limits, in seconds: a task past its soft limit gets SoftTimeLimitExceeded (a sync then
# fails with that error; liveness and the lease cover a task killed at the hard limit). Sync task
# runs and purges get the long ones, every other task the quick ones.
CONNECTOR_HUB_SYNC_TASK_SOFT_TIME_LIMIT = env.int(
    "CONNECTOR_HUB_SYNC_TASK_SOFT_TIME_LIMIT", default=3300
)
CONNECTOR_HUB_SYNC_TASK_TIME_LIMIT = env.int("CONNECTOR_HUB_SYNC_TASK_TIME_LIMIT", default=3600)
CONNECTOR_HUB_QUICK_TASK_SOFT_TIME_LIMIT = env.int(
    "CONNECTOR_HUB_QUICK_TASK_SOFT_TIME_LIMIT", default=120
)
CONNECTOR_HUB_QUICK_TASK_TIME_LIMIT = env.int("CONNECTOR_HUB_QUICK_TASK_TIME_LIMIT", default=180)
CELERY_TASK_SOFT_TIME_LIMIT = CONNECTOR_HUB_QUICK_TASK_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = CONNECTOR_HUB_QUICK_TASK_TIME_LIMIT
CELERY_TASK_ANNOTATIONS = {
    name: {
        "soft_time_limit": CONNECTOR_HUB_SYNC_TASK_SOFT_TIME_LIMIT,
        "time_limit": CONNECTOR_HUB_SYNC_TASK_TIME_LIMIT,
    }
    for name in (
        "syncs.tasks.run_sync",
        "syncs.tasks.run_sync_part",
        "syncs.tasks.purge_connector",
        "ops.tasks.purge_expired",
    )
}
# Redis redelivers a message not acknowledged within the visibility timeout (run_sync is
# acknowledged late): it must outlast the longest task run, or a running sync's message would be
# delivered again mid-run (harmless thanks to the lease, but wasted work).
CONNECTOR_HUB_BROKER_VISIBILITY_TIMEOUT = env.int(
    "CONNECTOR_HUB_BROKER_VISIBILITY_TIMEOUT", default=CONNECTOR_HUB_SYNC_TASK_TIME_LIMIT + 600
)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "sentinel://")):
    if CONNECTOR_HUB_BROKER_VISIBILITY_TIMEOUT <= CONNECTOR_HUB_SYNC_TASK_TIME_LIMIT:
        raise ImproperlyConfigured(
            "CONNECTOR_HUB_BROKER_VISIBILITY_TIMEOUT must be longer than "
            "CONNECTOR_HUB_SYNC_TASK_TIME_LIMIT (the longest a task may run)."
        )
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CONNECTOR_HUB_BROKER_VISIBILITY_TIMEOUT,
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": 30,
    }
CELERY_WORKER_MAX_TASKS_PER_CHILD = (
    env.int("CONNECTOR_HUB_WORKER_MAX_TASKS_PER_CHILD", default=0) or None
)
# A sync task running when the broker connection drops keeps running: its message comes back
# (it cannot be acknowledged any more) and finds the sync's lease taken, so it does nothing;
# cancelling the task instead would fail the sync as "worker lost".
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False

# Beat records a tick (ops.beat); workers record heartbeats (ops.heartbeats). Optional files are
# touched too, for container health checks that should not need the database.
CONNECTOR_HUB_BEAT_TICK_INTERVAL = env.float("CONNECTOR_HUB_BEAT_TICK_INTERVAL", default=10.0)
CONNECTOR_HUB_BEAT_MAX_AGE = env.float("CONNECTOR_HUB_BEAT_MAX_AGE", default=60.0)
CONNECTOR_HUB_BEAT_HEARTBEAT_FILE = env.str("CONNECTOR_HUB_BEAT_HEARTBEAT_FILE", default="")
CONNECTOR_HUB_WORKER_HEARTBEAT_INTERVAL = env.float(
    "CONNECTOR_HUB_WORKER_HEARTBEAT_INTERVAL", default=10.0
)
CONNECTOR_HUB_WORKER_HEARTBEAT_FILE = env.str("CONNECTOR_HUB_WORKER_HEARTBEAT_FILE", default="")
CONNECTOR_HUB_HEARTBEAT_FORGET_AFTER = env.int(
    "CONNECTOR_HUB_HEARTBEAT_FORGET_AFTER", default=24 * 3600
)

# /readyz and /metrics.
CONNECTOR_HUB_READY_TIMEOUT = env.float("CONNECTOR_HUB_READY_TIMEOUT", default=2.0)
CONNECTOR_HUB_METRICS_TOKEN = env.str("CONNECTOR_HUB_METRICS_TOKEN", default="")
CONNECTOR_HUB_METRICS_ALLOWED_NETWORKS = env.list(
    "CONNECTOR_HUB_METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"]
)
CONNECTOR_HUB_METRICS_CACHE_SECONDS = env.float("CONNECTOR_HUB_METRICS_CACHE_SECONDS", default=5.0)
# A bare DRF view at /bench/hello, for bench/api_load.py only.
CONNECTOR_HUB_BENCH_HELLO = env.bool("CONNECTOR_HUB_BENCH_HELLO", default=False)
# Hardening: request context (client address for the audit trail), security headers and the
# Content-Security-Policy (config/security_headers.py), API rate limits
# (config/api/throttling.py), failed-login lockout (django-axes), audit trail, webhooks.
INSTALLED_APPS += ["axes", "audit", "webhooks"]
MIDDLEWARE.insert(1, "config.security_headers.SecurityHeadersMiddleware")
MIDDLEWARE.insert(2, "config.request_context.RequestContextMiddleware")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as django-axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front of the service that append to X-Forwarded-For (0: use REMOTE_ADDR).
CONNECTOR_HUB_TRUSTED_PROXY_COUNT = env.int("CONNECTOR_HUB_TRUSTED_PROXY_COUNT", default=0)
CONNECTOR_HUB_CSP_REPORT_ONLY = env.bool("CONNECTOR_HUB_CSP_REPORT_ONLY", default=False)
CONNECTOR_HUB_THROTTLE_ENABLED = env.bool("CONNECTOR_HUB_THROTTLE_ENABLED", default=True)
CONNECTOR_HUB_API_RATE_PER_KEY = env.str("CONNECTOR_HUB_API_RATE_PER_KEY", default="600/minute")
CONNECTOR_HUB_API_RATE_PER_USER = env.str("CONNECTOR_HUB_API_RATE_PER_USER", default="600/minute")
CONNECTOR_HUB_API_RATE_ANONYMOUS = env.str("CONNECTOR_HUB_API_RATE_ANONYMOUS", default="60/minute")
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["config.api.throttling.ApiRateThrottle"]
AXES_ENABLED = env.bool("CONNECTOR_HUB_LOGIN_LOCKOUT_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("CONNECTOR_HUB_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("CONNECTOR_HUB_LOGIN_LOCKOUT_SECONDS", default=900) / 3600  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "config.request_context.client_ip"
AXES_LOCKOUT_CALLABLE = "config.pages.lockout.lockout_response"
# Webhooks: one delivery attempt's timeout, how many attempts, the first back-off (doubling).
CONNECTOR_HUB_WEBHOOK_TIMEOUT = env.float("CONNECTOR_HUB_WEBHOOK_TIMEOUT", default=10.0)
CONNECTOR_HUB_WEBHOOK_MAX_ATTEMPTS = env.int("CONNECTOR_HUB_WEBHOOK_MAX_ATTEMPTS", default=6)
CONNECTOR_HUB_WEBHOOK_RETRY_BACKOFF = env.float("CONNECTOR_HUB_WEBHOOK_RETRY_BACKOFF", default=30.0)
AXES_VERBOSE = False
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "config.api.openapi_links.add_links",
]
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
# HTTP and storage client libraries log raw request and response headers at DEBUG (credentials
# included, and whatever a hostile server sends back): they stay at WARNING whatever the level.
for _wire_logger in (
    "httpx",
    "httpcore",
    "urllib3",
    "botocore",
    "boto3",
    "s3transfer",
    "azure",
    "msal",
    "google.auth",
    "googleapiclient",
    "hpack",
):
    LOGGING["loggers"][_wire_logger] = {"level": "WARNING"}
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["config.api.parsers.BoundedJSONParser"]
# The largest multipart request of the upload endpoint (several files at once), refused with a
# 413 before it is read.
CONNECTOR_HUB_UPLOAD_MAX_REQUEST_BYTES = env.int(
    "CONNECTOR_HUB_UPLOAD_MAX_REQUEST_BYTES", default=4 * CONNECTOR_HUB_UPLOAD_MAX_BYTES
)
