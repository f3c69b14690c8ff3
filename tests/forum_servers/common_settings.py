"""What both forum sites share: SQLite at $FORUM_DB, loopback only, UTC, no outside services."""

from __future__ import annotations

import os
from pathlib import Path

DATA = Path(os.environ.get("FORUM_DATA", "/tmp/forum-server"))
DEBUG = False
SECRET_KEY = "forum-server-tests-only"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA / "forum.sqlite3")}}
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
MEDIA_ROOT = str(DATA / "media")
STATIC_ROOT = str(DATA / "static")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HAYSTACK_CONNECTIONS = {
    "default": {"ENGINE": "haystack.backends.whoosh_backend.WhooshEngine", "PATH": str(DATA / "search")}
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "ERROR"},
        # The request log: what a crawl asked for (tests read it).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
CONTEXT_PROCESSORS = [
    "django.contrib.auth.context_processors.auth",
    "django.template.context_processors.debug",
    "django.template.context_processors.i18n",
    "django.template.context_processors.media",
    "django.template.context_processors.static",
    "django.template.context_processors.tz",
    "django.template.context_processors.request",
    "django.contrib.messages.context_processors.messages",
]
