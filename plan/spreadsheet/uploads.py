"""An uploaded spreadsheet kept between the preview and the confirmation.

The file is stored under MEDIA_ROOT/imports/ with a random name; the session holds the name
and the file's SHA-256, so the confirmation imports exactly the file that was previewed.
Files left behind by an abandoned import are removed after a day.
"""

import hashlib
import io
import re
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "imports"
NAME = re.compile(r"^[0-9a-f]{32}\.xlsx$")
KEEP = timedelta(days=1)


class UploadMissing(Exception):
    """The stored file is gone or is not the one that was previewed."""


def upload_save(*, data: bytes) -> dict:
    """Store the file; returns what the session keeps: name and sha256."""
    upload_purge()
    name = f"{secrets.token_hex(16)}.xlsx"
    default_storage.save(f"{FOLDER}/{name}", ContentFile(data))
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest()}


def upload_open(*, name: str, sha256: str) -> io.BytesIO:
    """The stored file, if it is still there and unchanged."""
    if not NAME.match(name or ""):
        raise UploadMissing
    try:
        with default_storage.open(f"{FOLDER}/{name}", "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        raise UploadMissing from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UploadMissing
    return io.BytesIO(data)


def upload_delete(*, name: str) -> None:
    if NAME.match(name or ""):
        default_storage.delete(f"{FOLDER}/{name}")


def upload_purge() -> None:
    """Remove files of imports that were never confirmed."""
    if not default_storage.exists(FOLDER):
        return
    limit = timezone.now() - KEEP
    for name in default_storage.listdir(FOLDER)[1]:
        if NAME.match(name) and default_storage.get_modified_time(f"{FOLDER}/{name}") < limit:
            default_storage.delete(f"{FOLDER}/{name}")
