"""Cell values of the spreadsheet format: how the export writes them and how the import reads
them back (DOMAIN.md, "The spreadsheet format").

Readers take what openpyxl gives for a cell (str, int, float, bool, datetime or None) and
return the normalised value, or raise `CellError` with a message for the preview.
"""

import calendar
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

YES = "Ja"
NO = "Nee"
TRUE_WORDS = {"ja", "j", "x", "1", "true", "yes", "y", "waar", "✓"}
FALSE_WORDS = {"nee", "n", "0", "false", "no", "onwaar"}
FORMULA_STARTS = ("=", "+", "-", "@")  # what a spreadsheet may take for the start of a formula

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
CODE = re.compile(r"^(\d{1,4})\.(\d{1,5})$")
LIST_SEPARATORS = re.compile(r"[;\n]")
CODE_SEPARATORS = re.compile(r"[;,\n]")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
YEAR = re.compile(r"^(\d{4})$")
QUARTER = re.compile(
    r"^(?:[QK]\s*([1-4])\s*[-/ ]?\s*(\d{4})|(\d{4})\s*[-/ ]?\s*[QK]\s*([1-4]))$", re.IGNORECASE
)
FIRST_YEAR, LAST_YEAR = 1900, 2200
MAX_EFFORT_NUMBER = 32767  # PositiveSmallIntegerField


class CellError(ValueError):
    """A cell that cannot be read; the message is shown in the preview with row and heading."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- text ------------------------------------------------------------------------------------


def number_text(value: int | float) -> str:
    """3 -> "3", 3.0 -> "3", 3.1 -> "3.1" (not 3.1000000000000001)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value) if isinstance(value, int) else f"{value:.15g}"


def text(value) -> str:
    """A free-text cell as stored: line breaks kept (as \\n), surrounding spaces dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", value).strip()


def export_text(value: str) -> str:
    """Text as the export writes it: exactly as stored, but with \n line breaks and without
    the control characters that a spreadsheet file cannot hold."""
    return CONTROL_CHARACTERS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not text(value))


def one_line(value) -> str:
    """A name: every run of spaces (also non-breaking ones and line breaks) becomes one space."""
    return " ".join(INVISIBLE.sub("", text(value)).split())


def name_key(value) -> str:
    """Team, partner and target group names match ignoring case and every kind of space."""
    return "".join(INVISIBLE.sub("", text(value)).split()).casefold()


def label_key(value) -> str:
    """Status and financing match on label or code: also ignore "_" and "-"."""
    return name_key(value).replace("_", "").replace("-", "")


def spearhead_key(value) -> str:
    """Spearhead names match ignoring case, spaces, "&" and the word "en"."""
    words = INVISIBLE.sub("", text(value)).casefold().replace("&", " ").split()
    return "".join(word for word in words if word != "en")


def split_names(value) -> list[str]:
    """ "A; B" (or one name per line) -> ["A", "B"], without empty parts."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = number_text(value)
    names = (one_line(part) for part in LIST_SEPARATORS.split(text(value)))
    return [name for name in names if name]


def needs_quote_prefix(value) -> bool:
    """Text a spreadsheet could take for a formula: exported with the quote-prefix flag."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def join_names(names) -> str:
    return "; ".join(names)


def yes_no(value: bool) -> str:
    return YES if value else NO


# --- codes -----------------------------------------------------------------------------------


def code_text(spearhead_number: int, number: int) -> str:
    return f"{spearhead_number}.{number}"


def parse_code(value) -> tuple[int, int]:
    """ "3.1", or a number cell 3.1 -> (3, 1)."""
    if isinstance(value, bool):
        raise CellError(_("Write a number like 3.1 (spearhead, dot, number)."))
    raw = number_text(value) if isinstance(value, int | float) else one_line(value)
    match = CODE.match(raw)
    if not match or not 1 <= int(match[2]) <= MAX_EFFORT_NUMBER or int(match[1]) < 1:
        raise CellError(
            _("“%(value)s” is not a number like 3.1 (spearhead, dot, number).") % {"value": raw}
        )
    return int(match[1]), int(match[2])


def parse_codes(value) -> set[tuple[int, int]]:
    """ "3.1; 1.3" or "3.1, 1.3" -> {(3, 1), (1, 3)}: a set, so order and repeats do not count."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {parse_code(value)}
    codes = set()
    for part in CODE_SEPARATORS.split(text(value)):
        if part.strip():
            try:
                codes.add(parse_code(part))
            except CellError:
                raise CellError(
                    _("“%(value)s” is not a goal code like 3.1.") % {"value": one_line(part)}
                ) from None
    return codes


def parse_whole_number(value) -> int | None:
    """A number cell or text holding a whole number, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    raw = one_line(value)
    return int(raw) if raw.isdigit() else None


# --- yes/no, percentages, numbers ------------------------------------------------------------


def parse_bool(value) -> bool:
    """Ja/Nee, also x, 1, true, yes and a TRUE cell; empty is Nee."""
    if is_empty(value):
        return False
    if isinstance(value, bool):
        return value
    key = number_text(value) if isinstance(value, int | float) else one_line(value).casefold()
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise CellError(_("Write Ja or Nee, not “%(value)s”.") % {"value": one_line(value)})


def is_percent_format(number_format: str | None) -> bool:
    return bool(number_format) and "%" in number_format


def parse_progress(value, number_format: str | None = None) -> int:
    """75, "75%" and a percent-formatted cell holding 0.75 all mean 75."""
    shown = one_line(value)
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = value * 100 if is_percent_format(number_format) else value
    else:
        try:
            number = float(shown.rstrip("%").strip().replace(",", "."))
        except ValueError:
            number = None
    if number is not None:
        number = round(float(number), 6)
    if number is None or not number.is_integer() or not 0 <= number <= 100:
        raise CellError(
            _("Write a whole percentage from 0 to 100, not “%(value)s”.") % {"value": shown}
        )
    return int(number)


def parse_decimal(value, number_format: str | None = None) -> Decimal:
    """A monitor value: a number cell, or text with a decimal comma or point ("11,6")."""
    shown = one_line(value)
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        if isinstance(value, int | float):
            number = Decimal(number_text(value))
            if is_percent_format(number_format):
                number = Decimal(number_text(float(number * 100)))
        else:
            number = Decimal(decimal_text(shown))
    except InvalidOperation:
        raise CellError(_("Write a number, not “%(value)s”.") % {"value": shown}) from None
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise CellError(_("Write a number, not “%(value)s”.") % {"value": shown})
    if number != number.quantize(Decimal("0.01")):
        raise CellError(_("Write the value with at most two decimals."))
    return number


def decimal_text(shown: str) -> str:
    """A number as typed, as Decimal reads it: "1.234,5" -> "1234.5"; "11,6" -> "11.6";
    "11.6" stays. The last separator is decimal."""
    raw = "".join(shown.split()).rstrip("%")
    if "," in raw and "." in raw:
        thousands = "." if raw.rfind(",") > raw.rfind(".") else ","
        raw = raw.replace(thousands, "")
    return raw.replace(",", ".")


# --- dates -----------------------------------------------------------------------------------


def parse_period(value, *, end: bool) -> date:
    """A date, a year ("2022") or a quarter ("Q3 2022"). A year or quarter starts on its first
    day; as an end (`end=True`) it ends on its last day."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    year = parse_whole_number(value)
    if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
        return date(year, 12, 31) if end else date(year, 1, 1)
    raw = one_line(value)
    try:
        if match := ISO_DATE.match(raw):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := DUTCH_DATE.match(raw):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if match := QUARTER.match(raw):
            quarter = int(match[1] or match[4])
            year = int(match[2] or match[3])
            if FIRST_YEAR <= year <= LAST_YEAR:
                if not end:
                    return date(year, 3 * quarter - 2, 1)
                month = 3 * quarter
                return date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        pass  # 31-02-2022
    raise CellError(
        _("Write a date, a year (2022) or a quarter (Q3 2022), not “%(value)s”.") % {"value": raw}
    )


def parse_year(value) -> int:
    year = parse_whole_number(value)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(_("Write a year like 2022, not “%(value)s”.") % {"value": one_line(value)})
    return year


# --- choices ---------------------------------------------------------------------------------


def choice_keys(choices) -> dict[str, str]:
    """key -> code for a TextChoices: its codes and its labels in Dutch and English."""
    keys = {}
    for code, label in choices.choices:
        keys[label_key(code)] = code
        for language in ("nl", "en"):
            with translation.override(language):
                keys[label_key(str(label))] = code
    return keys


def dutch_label(choices, code: str) -> str:
    """The Dutch label the export writes, whatever the user's language."""
    if not code:
        return ""
    with translation.override("nl"):
        return str(choices(code).label)


def dutch_labels(choices) -> list[str]:
    with translation.override("nl"):
        return [str(label) for label in choices.labels]
