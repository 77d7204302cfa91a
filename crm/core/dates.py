"""The dates the CRM accepts: years 1900 to 2100, in every date and datetime field.

A mistyped year (1 for 2021, 20211) is refused where it is entered (admin,
API, import) rather than stored: one year-1 contact made the admin's date
links list 2,024 years. The CRM's records are about companies and deals of
modern times, so the range is generous on both sides.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 1900
LAST_YEAR = 2100


def validate_date_in_range(value: datetime.date | datetime.datetime) -> None:
    """Refuse a date or datetime outside the years FIRST_YEAR to LAST_YEAR."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )
