"""What an import would do, row by row: the preview the programme manager confirms, and the
result `import_apply` returns."""

from dataclasses import dataclass, field

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


class ImportHasErrors(Exception):
    """`import_apply` was given a file with errors; nothing was written."""

    def __init__(self, preview: "ImportPreview"):
        super().__init__(f"{len(preview.errors)} errors")
        self.preview = preview


class ImportOutdated(Exception):
    """The plan changed after the preview: what would be written is no longer what was shown."""


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # as the spreadsheet shows it: the header is row 1
    heading: str
    message: str


@dataclass(frozen=True)
class Change:
    heading: str
    old: str  # as a reader recognises it
    new: str


@dataclass
class RowResult:
    row: int
    key: str  # "3.1", or "indicator, year" on the Monitor sheet
    title: str
    action: str  # CREATE, UPDATE or UNCHANGED
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportPreview:
    rows_read: int = 0
    monitor_rows_read: int | None = None  # None: the file has no Monitor sheet
    efforts: list[RowResult] = field(default_factory=list)
    monitor: list[RowResult] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)
    new_partners: list[str] = field(default_factory=list)
    new_indicators: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    fingerprint: str = ""  # identifies what would be written

    def _rows(self, rows, action):
        return [row for row in rows if row.action == action]

    @property
    def created(self):
        return self._rows(self.efforts, CREATE)

    @property
    def changed(self):
        return self._rows(self.efforts, UPDATE)

    @property
    def unchanged(self):
        return self._rows(self.efforts, UNCHANGED)

    @property
    def monitor_created(self):
        return self._rows(self.monitor, CREATE)

    @property
    def monitor_changed(self):
        return self._rows(self.monitor, UPDATE)

    @property
    def monitor_unchanged(self):
        return self._rows(self.monitor, UNCHANGED)

    @property
    def counts(self) -> dict[str, int]:
        """The numbers the preview page shows (templates do no counting)."""
        return {
            "created": len(self.created),
            "changed": len(self.changed),
            "unchanged": len(self.unchanged),
            "monitor_created": len(self.monitor_created),
            "monitor_changed": len(self.monitor_changed),
            "monitor_unchanged": len(self.monitor_unchanged),
            "errors": len(self.errors),
        }

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def has_changes(self) -> bool:
        rows = [*self.efforts, *self.monitor]
        return any(row.action != UNCHANGED for row in rows)
