"""A backup is one zip: the database as `data.json` and, under `media/`, every uploaded file
(the rounds' minutes) that the data refers to, read and written through default_storage so
that it works with any storage backend. Restoring is all or nothing."""

import json
import shutil
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models, transaction

from plan.models import Plan

DATA = "data.json"
MEDIA = "media/"
# Rebuilt by migrate on an empty database, or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
CHUNK = 1024 * 1024


def _file_fields() -> dict[str, list[str]]:
    """The file fields of every model, by the model's label as dumpdata writes it."""
    fields = {}
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if names:
            fields[model._meta.label_lower] = names
    return fields


def _referenced_files(data: Path) -> list[str]:
    """The storage names of the files the dumped records refer to."""
    fields = _file_fields()
    with data.open(encoding="utf-8") as stream:
        records = json.load(stream)
    names = {
        record["fields"][field]
        for record in records
        for field in fields.get(record["model"], ())
        if record["fields"].get(field)
    }
    return sorted(names)


def backup_write(*, path: Path) -> list[str]:
    """Write the backup to `path` (replaced only once complete). Returns the names of files
    the database refers to but storage no longer holds: those could not be backed up."""
    missing = []
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory) / DATA
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            output=str(data),
            indent=None,
            verbosity=0,
        )
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.write(data, DATA)
                for name in _referenced_files(data):
                    if not default_storage.exists(name):
                        missing.append(name)
                        continue
                    # Streamed in chunks, never whole in memory; zip64 for files over 2 GB.
                    with (
                        default_storage.open(name, "rb") as source,
                        archive.open(MEDIA + name, "w", force_zip64=True) as target,
                    ):
                        shutil.copyfileobj(source, target, CHUNK)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return missing


def _media_names(archive: zipfile.ZipFile) -> list[str]:
    names = []
    for entry in archive.namelist():
        if entry == DATA or entry.endswith("/"):
            continue
        name = entry.removeprefix(MEDIA)
        parts = PurePosixPath(name).parts
        if (
            not entry.startswith(MEDIA)
            or "\\" in name
            or name.startswith("/")
            or any(part in ("", ".", "..") for part in parts)
        ):
            raise CommandError(f"The backup holds an unexpected entry: {entry!r}.")
        names.append(name)
    return names


def _same_content(name: str, path: Path) -> bool:
    with default_storage.open(name, "rb") as stored, path.open("rb") as restored:
        while True:
            a, b = stored.read(CHUNK), restored.read(CHUNK)
            if a != b:
                return False
            if not a:
                return True


def _load(data: Path) -> None:
    # The backup holds the history itself; loading must not add records of its own.
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        with tempfile.TemporaryDirectory() as directory:
            call_command("loaddata", str(_upgraded(data, Path(directory))), verbosity=0)
    finally:
        del settings.SIMPLE_HISTORY_ENABLED


def _upgraded(data: Path, directory: Path) -> Path:
    """A backup written before the unit moved from each monitor value to its indicator
    (migration 0016) gives each indicator the unit of its latest value; others load as
    they are."""
    with data.open(encoding="utf-8") as stream:
        records = json.load(stream)
    units: dict = {}
    for record in records:
        if record["model"] == "plan.indicatorvalue" and "unit" in record["fields"]:
            fields = record["fields"]
            year, unit = fields["year"], fields.pop("unit")
            if fields["indicator"] not in units or units[fields["indicator"]][0] <= year:
                units[fields["indicator"]] = (year, unit)
    if not units:
        return data
    for record in records:
        if record["model"] == "plan.indicator" and record.get("pk") in units:
            record["fields"].setdefault("unit", units[record["pk"]][1])
    upgraded = directory / "data.json"
    upgraded.write_text(json.dumps(records), encoding="utf-8")
    return upgraded


def backup_restore(*, path: Path) -> int:
    """Restore a backup into an empty, migrated database and put its files back in storage;
    on any error, neither the records nor the files stay. Returns the number of files."""
    if not path.exists():
        raise CommandError(f"No such file: {path}")
    if Plan.objects.exists():
        raise CommandError(
            "This database already holds a plan; restore only into an empty database "
            "(create it, run migrate, then restore)."
        )
    with path.open("rb") as stream:
        is_zip = stream.read(2) == b"PK"
    if not is_zip:  # a backup from before the files were included: the database alone
        with transaction.atomic():
            _load(path)
        return 0
    with tempfile.TemporaryDirectory() as directory:
        unpacked = Path(directory)
        try:
            with zipfile.ZipFile(path) as archive:
                if DATA not in archive.namelist():
                    raise CommandError(f"{path} is not a backup: it holds no {DATA}.")
                names = _media_names(archive)
                # Extracting checks every file against its checksum before anything is written.
                archive.extractall(unpacked)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise CommandError(f"The backup {path} is damaged: {error}") from error
        files = {name: unpacked / MEDIA / name for name in names}
        present = [name for name in names if default_storage.exists(name)]
        different = [name for name in present if not _same_content(name, files[name])]
        if different:
            raise CommandError(
                "Storage already holds other files under these names; move them away first: "
                + ", ".join(different)
            )
        written = []
        try:
            with transaction.atomic():
                _load(unpacked / DATA)
                for name, file in files.items():
                    if name in present:
                        continue
                    with file.open("rb") as stream:
                        saved = default_storage.save(name, File(stream, name=name))
                    written.append(saved)
                    if saved != name:
                        raise CommandError(f"Storage saved {name} as {saved}.")
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    return len(files)
