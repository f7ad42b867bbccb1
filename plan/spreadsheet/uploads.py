"""An uploaded spreadsheet kept between the preview and the confirmation.

The file is stored in imports/ of the file storage (MEDIA_ROOT or the S3 bucket) with a random
name; the session holds the name and the file's SHA-256, so the confirmation imports exactly
the file that was previewed, whichever app server it reaches.
The sheets read from it the first time are kept beside it (`<name>.sheets`, a pickle whose
SHA-256 the session holds too, checked before it is unpickled), so reloading the preview and
confirming do not parse the workbook again. Files left behind by an abandoned import are
removed after a day.
"""

import hashlib
import io
import pickle
import re
import secrets
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "imports"
NAME = re.compile(r"^[0-9a-f]{32}\.xlsx$")
STORED = re.compile(r"^[0-9a-f]{32}\.(xlsx|sheets)$")
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


def upload_sheets_save(*, name: str, sheets) -> str:
    """Keep the sheets read from the upload `name`; returns the SHA-256 the session keeps."""
    data = pickle.dumps(sheets, protocol=pickle.HIGHEST_PROTOCOL)
    path = _sheets_path(name)
    default_storage.delete(path)  # save() would otherwise choose another name
    default_storage.save(path, ContentFile(data))
    return hashlib.sha256(data).hexdigest()


def upload_sheets_open(*, name: str, sha256: str):
    """The sheets kept by upload_sheets_save, if they are still there and unchanged."""
    try:
        with default_storage.open(_sheets_path(name), "rb") as stored:
            data = stored.read()
    except FileNotFoundError:
        raise UploadMissing from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise UploadMissing
    return pickle.loads(data)  # noqa: S301 (we wrote it; the hash above proves it unchanged)


def _sheets_path(name: str) -> str:
    if not NAME.match(name or ""):
        raise UploadMissing
    return f"{FOLDER}/{name.removesuffix('.xlsx')}.sheets"


def upload_delete(*, name: str) -> None:
    if NAME.match(name or ""):
        default_storage.delete(f"{FOLDER}/{name}")
        default_storage.delete(_sheets_path(name))


def upload_purge(*, now: datetime | None = None) -> None:
    """Remove files of imports that were never confirmed: those stored a day before `now`."""
    try:
        names = default_storage.listdir(FOLDER)[1]
    except FileNotFoundError:  # on disk, before the first upload (object storage has no folders)
        return
    limit = (now or timezone.now()) - KEEP
    for name in names:
        if STORED.match(name) and default_storage.get_modified_time(f"{FOLDER}/{name}") < limit:
            default_storage.delete(f"{FOLDER}/{name}")
