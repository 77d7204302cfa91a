"""Quick picks for a follow-up date: in a week, in two weeks, in a month."""

import calendar
import datetime

from django.utils.translation import gettext_lazy as _

QUICK_PICKS = [
    ("1w", _("In 1 week")),
    ("2w", _("In 2 weeks")),
    ("1m", _("In 1 month")),
]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day if it is shorter (31 Jan -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def quick_pick_date(pick: str, today: datetime.date) -> datetime.date:
    """The follow-up date a quick pick (a key of QUICK_PICKS) means, counted from `today`."""
    match pick:
        case "1w":
            return today + datetime.timedelta(weeks=1)
        case "2w":
            return today + datetime.timedelta(weeks=2)
        case "1m":
            return add_months(today, 1)
    raise ValueError(f"Unknown quick pick: {pick!r}")
