"""
Settings for citynews, read from the environment.

Local defaults are safe for a developer's machine: SQLite, a throwaway secret
key and hosts limited to loopback. ``CITYNEWS_PRODUCTION=1`` switches on the
production profile, which refuses to start without a real ``SECRET_KEY`` and
turns on HTTPS-only cookies, HSTS and the SSL redirect.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

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
    "articles",
    "awards",
]

MIDDLEWARE = [
    # Outermost, so a cached page skips all the rest; what the rest adds on the way out (security
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
            "libraries": {"csp_media": "citynews.csp_media"},
        },
    },
]

WSGI_APPLICATION = "citynews.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that does not answer must fail the request in seconds (the 503 page), not hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 2)
    # Reader queries are small and many at once: parallel workers only add start-up latency to each.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c max_parallel_workers_per_gather=0")

# One cache shared by every worker: Redis when REDIS_URL is set (several servers), otherwise
# files on this machine (several workers of one server).
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "citynews.cache.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache")),
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)  # 0 turns the anonymous page cache off
PAGE_CDN_MAX_AGE = env_int("PAGE_CDN_MAX_AGE", 0)  # s-maxage for a CDN in front; 0 = always revalidate
PAGE_CACHE_SKIP_PREFIXES = ("/admin/", "/preview/", "/static/", "/media/", "/healthz", "/readyz", "/bench/")

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
# Our own media view serves uploads with safe headers; behind nginx set this to 0
# and let deploy/nginx.conf serve /media/ instead.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Set by bench/run.py only: the benchmark's floor views and dataset generator (bench/) join the site.
if env_bool("CITYNEWS_BENCH", False):
    INSTALLED_APPS.append("bench")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

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
        "img-src": [SELF, "data:"],
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Result groups shown above the stories on the search page (articles/search.py), in this order.
SEARCH_GROUPS = [
    "awards.search.find_cities",
    "awards.search.find_programmes",
    "awards.search.find_categories",
    "awards.search.find_rankings",
]

# manage.py import_story reads "Updated:" times in this zone unless told otherwise
# (--source-timezone); Shenzhen's sources write China Standard Time.
IMPORT_SOURCE_TIME_ZONE = os.environ.get("IMPORT_SOURCE_TIME_ZONE", "Asia/Shanghai")
