"""The sheets and headings of the spreadsheet format. Headings are part of the format, so they
are Dutch in every language of the portal and are never translated."""

from dataclasses import dataclass

EFFORT_SHEET = "Inspanningen"
MONITOR_SHEET = "Monitor"

MAX_FILE_SIZE = 10 * 1024 * 1024  # bytes; DOMAIN.md
MAX_ROWS = 10_000  # data rows per sheet; DOMAIN.md


@dataclass(frozen=True)
class Column:
    heading: str
    required: bool = False
    width: int = 14  # export: characters
    wrap: bool = False  # export: long text wraps in the cell


NR = "Nr"
SPEARHEAD = "Speerpunt"
TITLE = "Inspanning"
DESCRIPTION = "Omschrijving"
GOALS = "Doelen"
TEAM = "Team"
LEAD = "Trekker"
PARTNERS = "Partners"
TARGET_GROUPS = "Doelgroepen"
ROLE = "Rol internationalisering"
POLICY = "Relatie beleid"
FINANCING = "Financiering"
PRIORITY = "Prioriteit"
IN_LINE = "Belegd in de lijn"
STATUS = "Status"
PROGRESS = "Voortgang"
START = "Start"
END = "Eind"
NOTE = "Toelichting"

EFFORT_COLUMNS = (
    Column(NR, required=True, width=7),
    Column(SPEARHEAD, required=True, width=11),
    Column(TITLE, required=True, width=50, wrap=True),
    Column(DESCRIPTION, width=60, wrap=True),
    Column(GOALS, width=16),
    Column(TEAM, required=True, width=28),
    Column(LEAD, width=26),
    Column(PARTNERS, width=40, wrap=True),
    Column(TARGET_GROUPS, width=40, wrap=True),
    Column(ROLE, width=30, wrap=True),
    Column(POLICY, width=40, wrap=True),
    Column(FINANCING, width=26),
    Column(PRIORITY, width=11),
    Column(IN_LINE, width=17),
    Column(STATUS, required=True, width=24),
    Column(PROGRESS, width=11),
    Column(START, width=12),
    Column(END, width=12),
    Column(NOTE, width=60, wrap=True),
)

INDICATOR = "Indicator"
YEAR = "Jaar"
VALUE = "Waarde"
UNIT = "Eenheid"
SOURCE = "Bron"
TARGET = "Streefwaarde"
COMPARISON = "Vergelijking"

MONITOR_COLUMNS = (
    Column(INDICATOR, required=True, width=55, wrap=True),
    Column(YEAR, required=True, width=8),
    Column(VALUE, required=True, width=12),
    Column(UNIT, width=12),
    Column(SOURCE, width=50, wrap=True),
    Column(TARGET, width=13),
    Column(COMPARISON, width=13),
)

EFFORT_HEADINGS = tuple(column.heading for column in EFFORT_COLUMNS)
MONITOR_HEADINGS = tuple(column.heading for column in MONITOR_COLUMNS)
