"""
Settings for citynews, read from the environment.

Local defaults are safe for a developer's machine: SQLite, a throwaway secret
key and hosts limited to loopback. ``CITYNEWS_PRODUCTION=1`` switches on the
production profile, which refuses to start without a real ``SECRET_KEY`` and
turns on HTTPS-only cookies, HSTS and the SSL redirect.
"""

import logging
import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django_prose_editor.config import html_tags
from js_asset import static_lazy

from citynews.object_storage import bucket_storage

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


PRODUCTION = env_bool("CITYNEWS_PRODUCTION", False)
DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when CITYNEWS_PRODUCTION=1")
    SECRET_KEY = "insecure-local-development-key-never-used-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = os.environ.get("SITE_NAME", "citynews")
# Absolute base for links leaving the request cycle (feeds, sitemaps, JSON-LD).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    "axes",
    "simple_history",
    "citynews",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "articles",
    "awards",
]

MIDDLEWARE = [
    # Outermost: every log line of the request carries its id, and every request is counted and timed.
    "citynews.logs.RequestContextMiddleware",
    "citynews.metrics.RequestMetricsMiddleware",
    # CORS headers on every answer of /api/ and /embed/, cached ones too (the page cache does not vary by Origin).
    "corsheaders.middleware.CorsMiddleware",
    # Before the page cache, so cached answers count against a client's limit too.
    "citynews.ratelimit.ApiRateLimitMiddleware",
    # Then the page cache, so a cached page skips all the rest; what the rest adds on the way out (security
    # headers, CSP, ETag) is stored with the page and replayed.
    "citynews.pagecache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "citynews.request_guards.RejectNulInAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "citynews.content_security.SiteCSPMiddleware",
    "citynews.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a throttled login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "citynews.urls"

TEMPLATES = [
    {
        # Readers' pages, error pages included (templates/): Jinja2, see citynews/templating.py for why.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "citynews.templating.environment",
            "context_processors": ["articles.context_processors.site"],
        },
    },
    {
        # The admin, its overrides (citynews/templates/admin/, each app's templates/admin/) and the
        # sitemaps' XML: Django's template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "citynews" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # {% media_with_nonce %} renders form media (import maps included) with the request's CSP nonce.
            "libraries": {"csp_media": "citynews.csp_media", "newsroom": "citynews.dashboard"},
        },
    },
]

WSGI_APPLICATION = "citynews.wsgi.application"

DATABASES = {
    # An empty DATABASE_URL (a blank line in an env file) means the default, as for every other variable here.
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer must fail the request in seconds (the 503 page), not hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 2)
    # Reader queries are small and many at once: parallel workers only add start-up latency to each. The
    # statements the app prepares (the pages' versions queries, articles.page_versions) are planned once:
    # left to choose, PostgreSQL planned the front page's afresh on every request (0.5 ms to plan, 0.3 to run).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c max_parallel_workers_per_gather=0 -c plan_cache_mode=force_generic_plan"
    )

# A streaming replica of the primary for anonymous readers' pages (citynews.replica routes them).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    if {DATABASES["replica"]["ENGINE"], DATABASES["default"]["ENGINE"]} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs postgres:// URLs for both it and DATABASE_URL")
    DATABASES["replica"]["OPTIONS"] = {
        # A replica that does not answer costs a reader this long, once; then the primary serves.
        # (libpq's minimum is 2 seconds.)
        "connect_timeout": env_int("DB_REPLICA_CONNECT_TIMEOUT", 2),
        "options": DATABASES["default"]["OPTIONS"]["options"],  # the primary's, set above
    }
    # Tests run against the primary's test database unless they build a replica of their own.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["citynews.replica.ReplicaRouter"]
    # After the session and auth middleware, which never read the database for a reader.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "citynews.replica.ReplicaForReadersMiddleware"
    )
# After a replica fails to connect, readers use the primary for this long before it is tried again.
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)
# After any content change, readers' pages are read from the primary for this long: a page cached
# right after a publish must not be rendered from a replica that has not replayed the publish yet.
REPLICA_LAG_ALLOWANCE_SECONDS = env_int("REPLICA_LAG_ALLOWANCE_SECONDS", 5)
# A request that writes (a form, an admin save) keeps its browser on the primary this long.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 60)

# One cache shared by every worker: Redis when REDIS_URL is set (several servers), otherwise
# files on this machine (several workers of one server). Either may fail: citynews.cache turns any
# error into a miss, and leaves the cache alone for CACHE_RETRY_SECONDS after one. A Redis that
# hangs costs REDIS_TIMEOUT_MS once per interval, not a worker.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "citynews.cache.FailSoftCache",
        "OPTIONS": {
            "RETRY_SECONDS": env_int("CACHE_RETRY_SECONDS", 5),
            "CACHE": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS_URL,
                "OPTIONS": {
                    "SOCKET_CONNECT_TIMEOUT": env_int("REDIS_CONNECT_TIMEOUT_MS", 100) / 1000,
                    "SOCKET_TIMEOUT": env_int("REDIS_TIMEOUT_MS", 100) / 1000,
                },
            }
            if REDIS_URL
            else {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
                "OPTIONS": {"MAX_ENTRIES": 20_000},
            },
        },
    }
}
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)  # 0 turns the anonymous page cache off
PAGE_CDN_MAX_AGE = env_int("PAGE_CDN_MAX_AGE", 0)  # s-maxage for a CDN in front; 0 = always revalidate
# Rendered fragments (citynews.fragments) are keyed by the versions of what they show, so this only
# bounds the memory they take; 0 turns them off.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 86400)
# Only these query parameters may vary a cached page: pagination and a ranking's order on readers' pages;
# the API's filters and cursor.
PAGE_CACHE_QUERY_PARAMS = {
    "": {"page", "sort"},
    "/api/": {
        "cursor",
        "page_size",
        "city",
        "year",
        "programme",
        "ranking",
        "tag",
        "edition",
        "recognition",
        "ranking_entry",
    },
}
PAGE_CACHE_SKIP_PREFIXES = ("/admin/", "/preview/", "/static/", "/media/", "/healthz", "/readyz", "/metrics", "/bench/")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
# How readers are told the zone of the times shown: "CST" means three different zones around the world.
TIME_ZONE_LABEL = os.environ.get("TIME_ZONE_LABEL", {"Asia/Shanghai": "Beijing time"}.get(TIME_ZONE, ""))
# Where readers send a source or a correction (the open questions on ranking pages link here).
NEWSROOM_EMAIL = os.environ.get("NEWSROOM_EMAIL", "newsroom@example.org")
# The site and its admin are in English only. Without the translation machinery every gettext
# (month names, "1st", the admin's labels) is a plain return instead of a catalogue lookup: a
# third of a city page's time went on humanize's ordinal alone. British formats still apply.
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Photos in an S3-compatible bucket (citynews.object_storage) when MEDIA_BUCKET is set, so that
# several app servers share them; otherwise in MEDIA_ROOT. The bucket's origin joins img-src below.
MEDIA_BUCKET = os.environ.get("MEDIA_BUCKET", "")
MEDIA_ORIGIN = ""
MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_BUCKET:
    MEDIA_STORAGE, MEDIA_ORIGIN = bucket_storage(
        MEDIA_BUCKET,
        endpoint_url=os.environ.get("MEDIA_ENDPOINT_URL", ""),
        region=os.environ.get("MEDIA_REGION", "") or "us-east-1",
        public_url=os.environ.get("MEDIA_PUBLIC_URL", ""),
        signed=env_bool("MEDIA_SIGNED_URLS", False),
        signed_seconds=env_int("MEDIA_SIGNED_URL_SECONDS", 3600),
        acl=os.environ.get("MEDIA_OBJECT_ACL", ""),
    )
    # A signed photo URL must outlive every cached page that carries it (here, then in a CDN).
    options = MEDIA_STORAGE["OPTIONS"]
    if options["querystring_auth"]:
        if "FRAGMENT_CACHE_SECONDS" not in os.environ:
            # A fragment may be cached until its last second and then go into a cached page: half the
            # URL's life for fragments leaves the other half for the page and the CDN.
            FRAGMENT_CACHE_SECONDS = min(FRAGMENT_CACHE_SECONDS, options["querystring_expire"] // 2)
        if options["querystring_expire"] <= FRAGMENT_CACHE_SECONDS + PAGE_CACHE_SECONDS + PAGE_CDN_MAX_AGE:
            raise ImproperlyConfigured(
                "MEDIA_SIGNED_URL_SECONDS must be more than "
                "FRAGMENT_CACHE_SECONDS + PAGE_CACHE_SECONDS + PAGE_CDN_MAX_AGE"
            )
# Our own media view serves MEDIA_ROOT's photos with safe headers, for development. In production
# nginx (deploy/nginx.conf) or the bucket serves them.
SERVE_MEDIA = env_bool("SERVE_MEDIA", not PRODUCTION and not MEDIA_BUCKET)
# Set by bench/run.py only: the benchmark's floor views and dataset generator (bench/) join the site.
if env_bool("CITYNEWS_BENCH", False):
    INSTALLED_APPS.append("bench")

# Photos chosen in an article form that did not save (articles/staged_uploads.py): private, outside
# MEDIA_ROOT and never given an address; removed after STAGED_UPLOAD_MAX_AGE seconds.
STAGED_UPLOADS_ROOT = Path(os.environ.get("STAGED_UPLOADS_ROOT", BASE_DIR / "staged-uploads"))
STAGED_UPLOAD_MAX_AGE = env_int("STAGED_UPLOAD_MAX_AGE", 6 * 3600)

STORAGES = {
    "default": MEDIA_STORAGE,
    "staged_uploads": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": STAGED_UPLOADS_ROOT},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# The body editor's own node for a photo placed in the text (the sanitiser, articles/html.py, keeps exactly it).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("admin/js/photo_figure.js")],
        "extensions": {"PhotoFigure": html_tags(["figure"], {"figure": ["data-photo"]})},
    }
]

# Uploads: limits enforced by articles.images before Pillow decodes anything.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 15 * 1024 * 1024)
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 40_000_000)
PHOTO_RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

TAGGIT_CASE_INSENSITIVE = True

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

CSRF_COOKIE_HTTPONLY = True
# Error pages that must render without the database or a request context.
CSRF_FAILURE_VIEW = "citynews.errors.csrf_failure"
DATABASE_UNAVAILABLE_RETRY_AFTER = env_int("DATABASE_UNAVAILABLE_RETRY_AFTER", 30)
if PRODUCTION:
    # Load balancers probe over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content Security Policy (django-csp): scripts only from our origin or carrying the per-request
# nonce (the admin's import map for the rich-text editor); never 'unsafe-inline' or 'unsafe-eval'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Stylesheets from our origin only; the admin alone adds 'unsafe-inline' for its editor and widgets
        # (citynews.content_security).
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Admin login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES, and the answer is the same page whether
# or not the username exists.
AUTHENTICATION_BACKENDS = [
    "citynews.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "citynews.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "citynews.security.client_ip_address"
# Only editors sign in, and only through the admin: an unsafe or missing `next` lands them there.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
# Set to 1 only behind deploy/nginx.conf, which writes the client's address into X-Forwarded-For.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# Logs: one JSON line per event on stderr (time, level, logger, message, request_id, client), with
# runs of identical errors held back to one per LOG_REPEAT_SECONDS (citynews.logs). Errors are
# mailed to ADMINS ("Name <address>, ...") through EMAIL_HOST, and sent to Sentry with SENTRY_DSN.
LOG_REPEAT_SECONDS = env_int("LOG_REPEAT_SECONDS", 60)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "citynews.logs.RequestContextFilter"},
        # One per handler: a shared filter would hold back from the mail what the console let through.
        "console_repeats": {"()": "citynews.logs.RepeatedErrorFilter", "interval": LOG_REPEAT_SECONDS},
        "mail_repeats": {"()": "citynews.logs.RepeatedErrorFilter", "interval": LOG_REPEAT_SECONDS},
    },
    "formatters": {"json": {"()": "citynews.logs.JsonLineFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context", "console_repeats"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["mail_repeats"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Replaces Django's defaults for these loggers (plain-text handlers, and a mail per error unfiltered).
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# Python's warnings (a missing static directory...) as log lines too, not bare text among the JSON.
logging.captureWarnings(True)

ADMINS = [parseaddr(admin) for admin in env_list("ADMINS", [])]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "citynews@localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", SERVER_EMAIL)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    # Without SMTP, nothing is sent (rather than Django's default of trying localhost:25 on every error).
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production" if PRODUCTION else "development"),
        send_default_pii=False,
    )

# Prometheus metrics at /metrics, for a scraper holding this token (citynews.metrics); unset: no endpoint.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Result groups shown above the stories on the search page (articles/search.py), in this order.
SEARCH_GROUPS = [
    "awards.search.find_cities",
    "awards.search.find_programmes",
    "awards.search.find_categories",
    "awards.search.find_rankings",
]

# The public read API (Django REST framework; citynews/urls.py wires awards/api.py and awards/story_api.py).
# Nobody signs in to it: every client, an editor included, sees exactly what an anonymous reader sees.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} open data API",
    "DESCRIPTION": "Read-only: live stories, cities, award programmes and their results, rankings and their "
    "entries, with the stories that report each fact and who published it.",
    "VERSION": "1",
    # 3.1 writes an optional link as oneOf [link, null], which validators read as meant (3.0's nullable+allOf is not).
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from drf-spectacular-sidecar, served from our origin: no CDN, and the CSP holds.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
}
# CORS (django-cors-headers): any site may read the API and load the embeds, with GET only and no credentials.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|embed)/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
]
CORS_PREFLIGHT_MAX_AGE = 86400
# Requests per client per window on the API, counted in this cache; 0 turns the limit off.
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120)
API_RATE_LIMIT_WINDOW = env_int("API_RATE_LIMIT_WINDOW", 60)
API_RATE_LIMIT_CACHE = "default"
API_RATE_LIMIT_PREFIXES = ("/api/",)
# The licence of the open data (awards/datasets.py): named in every download and in the Dataset JSON-LD.
OPEN_DATA_LICENCE_NAME = os.environ.get("OPEN_DATA_LICENCE_NAME", "CC-BY-4.0")
OPEN_DATA_LICENCE_TITLE = os.environ.get("OPEN_DATA_LICENCE_TITLE", "Creative Commons Attribution 4.0")
OPEN_DATA_LICENCE_URL = os.environ.get("OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/")

# manage.py import_story reads "Updated:" times in this zone unless told otherwise
# (--source-timezone); Shenzhen's sources write China Standard Time.
IMPORT_SOURCE_TIME_ZONE = os.environ.get("IMPORT_SOURCE_TIME_ZONE", "Asia/Shanghai")
