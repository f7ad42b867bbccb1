"""README's production steps, followed on a copy of the repository in a fresh virtualenv.

What a fresh clone gets (the files git tracks, or would track: no locally compiled catalogue,
no collected static files) is installed with plain `pip install .`, checked with
`check --deploy`, migrated, collected and served by gunicorn, as "Running in production" says.
Installing takes about a minute from the machine's package index; the whole test about 80 s.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.test import SimpleTestCase

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-for-the-install-test-9Wq!pZ2@wR7#xL4$mN8%vB1^cT6&hJ0*fG5(dS3)aQ",
    "ALLOWED_HOSTS": "127.0.0.1",
    "STATIC_MANIFEST": "true",
    "BEHIND_PROXY": "true",  # HTTPS stays on: the requests come "through the proxy"
}
HTTPS_PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}


def copy_of_checkout(destination: Path) -> None:
    """The files a clone of this checkout would hold, with the working tree's content."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = Path(settings.BASE_DIR, name)
        if source.is_file() and not source.is_symlink():  # skips deleted files and .venv
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=HTTPS_PROXY_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.install
class ProductionInstallTestCase(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = Path(tempfile.mkdtemp())
        cls.addClassCleanup(shutil.rmtree, cls.tmp)
        cls.checkout = cls.tmp / "checkout"
        copy_of_checkout(cls.checkout)
        venv = cls.tmp / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        cls.bin = venv / "bin"
        started = time.monotonic()
        cls.pip = subprocess.run(
            [cls.bin / "pip", "install", "--no-cache-dir", "--quiet", "."],
            cwd=cls.checkout,
            capture_output=True,
            text=True,
            check=False,
        )
        cls.pip_seconds = time.monotonic() - started
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
        }
        cls.env = {
            **environment,
            **PRODUCTION,
            "DATABASE_URL": f"sqlite:///{cls.tmp / 'db.sqlite3'}",
            "MEDIA_ROOT": str(cls.tmp / "media"),
        }

    def manage(self, *args):
        return subprocess.run(
            [self.bin / "python", "manage.py", *args],
            cwd=self.checkout,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )

    def assertSucceeds(self, result):
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_the_readme_production_steps_serve_the_dutch_portal(self):
        self.assertSucceeds(self.pip)
        print(f"\npip install . took {self.pip_seconds:.0f} s")

        check = self.manage("check", "--deploy", "--fail-level", "WARNING")
        self.assertSucceeds(check)
        self.assertIn("no issues", check.stdout)
        self.assertSucceeds(self.manage("migrate", "--no-input"))
        self.assertSucceeds(self.manage("collectstatic", "--no-input"))
        label = self.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from plan.models import Effort; print(Effort.Status.ON_TRACK.label)",
        )
        self.assertEqual(label.stdout.strip(), "Loopt volgens planning", label.stderr)
        # What several app servers use (REDIS_URL, S3_BUCKET) comes with the plain install.
        backends = self.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from django.core.cache.backends.redis import RedisCache; "
            "from storages.backends.s3 import S3Storage; "
            "RedisCache('redis://127.0.0.1:6379/15', {})._cache; "
            "print(S3Storage(bucket_name='notulen', region_name='eu-west-1').bucket.name)",
        )
        self.assertEqual(backends.stdout.strip(), "notulen", backends.stderr)

        port = free_port()
        server = subprocess.Popen(
            [self.bin / "gunicorn", "leiden_intl.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=self.checkout,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    status, _body = fetch(f"{base}/healthz")
                    break
                except (ConnectionError, urllib.error.URLError):
                    self.assertIsNone(server.poll(), "gunicorn stopped")
                    time.sleep(0.2)
            self.assertEqual(status, 200)

            status, page = fetch(f"{base}/accounts/login/")
            self.assertEqual(status, 200)
            self.assertIn('<html lang="nl"', page)
            self.assertIn("<h1>Inloggen</h1>", page)
            stylesheet = re.search(
                r'href="(/static/bootstrap/css/bootstrap\.min\.\w{12}\.css)"', page
            )
            self.assertIsNotNone(stylesheet, "no hashed Bootstrap stylesheet in the page")
            status, css = fetch(base + stylesheet[1])
            self.assertEqual(status, 200)
            self.assertIn("Bootstrap  v5.3", css)
        finally:
            server.terminate()
            server.wait(timeout=30)
