"""A spreadsheet cell as a model field's value: amounts, dates, choices, countries.

Each parser raises ValueError with a message naming what was expected.
"""

import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django_countries import countries

TRUE = {"true", "yes", "y", "1", "x", "是", "✓"}
FALSE = {"false", "no", "n", "0", "否", ""}
# 1,234,567.89  1 234 567  1_000: separators of thousands, never decimals.
THOUSANDS = re.compile(r"[,\s_\u00a0']")
COUNTRY_NAME_LANGUAGES = ("zh-hans", "zh-hant")
SLASHED_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def decimal(value):
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    cleaned = THOUSANDS.sub("", text(value))
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"“{value}” is not a number.") from None


def integer(value):
    number = decimal(value)
    if number != number.to_integral_value():
        raise ValueError(f"“{value}” is not a whole number.")
    return int(number)


def boolean(value):
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValueError(f"“{value}” is not yes or no.")


def date(value):
    """ISO, or day-first/month-first with slashes, refused when it could be either."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    try:
        parsed = parse_date(raw)
    except ValueError:
        parsed = None
    if parsed:
        return parsed
    match = SLASHED_DATE.match(raw)
    if not match:
        raise ValueError(f"“{raw}” is not a date: write it as YYYY-MM-DD.")
    first, second, year = (int(part) for part in match.groups())
    if first <= 12 and second <= 12 and first != second:
        raise ValueError(
            f"“{raw}” could be day-first or month-first: write it as YYYY-MM-DD."
        )
    day, month = (first, second) if first > 12 or first == second else (second, first)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{raw}” is not a date.") from None


def moment(value):
    """An aware date-time; a date alone is midnight in the site's time zone."""
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        raw = text(value)
        try:
            parsed = parse_datetime(raw)
        except ValueError:
            parsed = None
        if parsed is None:
            day = date(raw)
            parsed = datetime.datetime(day.year, day.month, day.day)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def country(value):
    raw = text(value)
    if len(raw) == 2 and raw.upper() in countries:
        return raw.upper()
    code = _country_named(raw)
    if not code:
        raise ValueError(
            f"“{raw}” is not a country: give its ISO code or English name."
        )
    return code


@functools.lru_cache(maxsize=1024)
def _country_named(raw):
    # A search through every country's names: a file repeats a few of them.
    # English, or the Chinese of a Chinese provider's export.
    code = countries.by_name(raw, insensitive=True)
    for language in COUNTRY_NAME_LANGUAGES:
        code = code or countries.by_name(raw, language=language)
    return code


def choice(value, choices):
    raw = text(value)
    for key, label in choices:
        if raw.lower() in (str(key).lower(), str(label).lower()):
            return key
    allowed = ", ".join(str(key) for key, _ in choices)
    raise ValueError(f"“{raw}” is not one of: {allowed}.")


def names(value):
    """A list cell: names separated by semicolons (or commas, without any)."""
    raw = text(value)
    separator = ";" if ";" in raw else ","
    return [part.strip() for part in raw.split(separator) if part.strip()]
