"""Settings for the benchmarks' own servers: the project's, with the bare view's URLs.

bench/load.py runs gunicorn with DJANGO_SETTINGS_MODULE=bench.settings so that the bare view
(bench/urls.py) is served by the same server as the portal's pages. BENCH_STATIC_ROOT puts
the collected static files into a temporary folder instead of the project's staticfiles/,
hashed through the manifest as in production but without the .gz/.br copies that whitenoise's
storage would add (half a minute of brotli; the load test fetches no static file, and the pages
are the same).
"""

import os
from pathlib import Path

from leiden_intl.settings import *  # noqa: F403
from leiden_intl.settings import STATIC_ROOT, STORAGES, envbool

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = Path(os.getenv("BENCH_STATIC_ROOT", str(STATIC_ROOT)))
if os.getenv("BENCH_STATIC_ROOT") and envbool("STATIC_MANIFEST", "false"):
    STORAGES = {
        **STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
