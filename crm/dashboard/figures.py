"""What the admin's dashboard shows one user, read in a fixed number of queries.

Every figure goes through the querysets' `visible_to(user)`: a stake, round or
contact behind an ethical wall counts nowhere, not even in a total. Each block
is computed only when the user may view its records (the admin's model
permissions), so a block never leaks what its list would hide.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from crm.investors.models import Investor
from crm.notes.models import Interaction
from crm.portfolio.fundraising import COLUMNS, RAISING, with_progress
from crm.portfolio.models import FundingRound, Stake

WEEKS = 12
# Bars per chart: the largest; the rest would be unreadable slivers.
TOP = 10
FOLLOW_UPS_SHOWN = 20
ROUNDS_SHOWN = 10
GOING_COLD_SHOWN = 10


@dataclass
class Chart:
    """One chart's data as Chart.js reads it (static/dashboard.js), via json_script."""

    key: str
    title: str
    kind: str  # a Chart.js type: "bar", "line"
    labels: list
    datasets: list  # [{"label": str, "data": [str or int]}]

    def as_json(self):
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "labels": self.labels,
            "datasets": self.datasets,
        }

    def rows(self):
        """The same figures as table rows, for the page without JavaScript."""
        return [
            (label, [dataset["data"][i] for dataset in self.datasets])
            for i, label in enumerate(self.labels)
        ]


def my_follow_ups(user, today):
    """Follow-ups due today or overdue on contacts `user` logged, oldest first."""
    return list(
        Interaction.objects.visible_to(user)
        .follow_up_due(today)
        .filter(logged_by=user)
        .select_related("investor")
        .order_by("follow_up_on", "id")[:FOLLOW_UPS_SHOWN]
    )


def my_open_rounds(user):
    """Open and planned rounds with an investor `user` owns in their pipeline or holders.

    Rounds have no owner of their own; a deal-team member's rounds are those
    where they own a relationship.
    """
    mine = Stake.objects.visible_to(user).filter(
        round=OuterRef("pk"), investor__owner=user
    )
    rounds = (
        FundingRound.objects.visible_to(user)
        .filter(Exists(mine), status__in=RAISING)
        .select_related("company")
        .order_by("status", "company__name", "name")
    )
    return list(with_progress(rounds, user)[:ROUNDS_SHOWN])


def going_cold(user):
    """The investors `user` owns whose last contact is older than their cadence."""
    return list(Investor.objects.going_cold(user)[:GOING_COLD_SHOWN])


def _usd(total):
    """A USD total as JSON carries money: a decimal string with cents, on either database."""
    return f"{total or 0:.2f}"


def _usd_chart(key, title, rows, label_of):
    rows = list(rows)
    return Chart(
        key=key,
        title=title,
        kind="bar",
        labels=[label_of(row["group"]) for row in rows],
        datasets=[{"label": "USD", "data": [_usd(row["total"]) for row in rows]}],
    )


def held_by_country(user):
    rows = (
        Stake.objects.visible_to(user)
        .held()
        .values(group=F("investor__country"))
        .annotate(total=Sum("amount_usd"))
        .filter(total__gt=0)
        .order_by("-total", "group")[:TOP]
    )
    return _usd_chart(
        "held-by-country",
        _("Held capital by investor country (USD)"),
        rows,
        lambda code: countries.name(code) if code else _("No country"),
    )


def held_by_sector(user):
    rows = (
        Stake.objects.visible_to(user)
        .held()
        .values(group=F("company__sector__name"))
        .annotate(total=Sum("amount_usd"))
        .filter(total__gt=0)
        .order_by("-total", "group")[:TOP]
    )
    return _usd_chart(
        "held-by-sector",
        _("Held capital by company sector (USD)"),
        rows,
        lambda name: name or _("No sector"),
    )


def pipeline_by_status(user):
    """Stakes in open rounds by board column: the fundraising funnel."""
    rows = {
        row["status"]: row["total"]
        for row in Stake.objects.visible_to(user)
        .filter(round__status=FundingRound.Status.OPEN, status__in=COLUMNS)
        .values("status")
        .annotate(total=Sum("amount_usd"))
        .order_by()
    }
    return Chart(
        key="pipeline-by-status",
        title=_("Open rounds by stake status (USD)"),
        kind="bar",
        labels=[status.label for status in COLUMNS],
        datasets=[
            {"label": "USD", "data": [_usd(rows.get(status)) for status in COLUMNS]}
        ],
    )


def contacts_per_week(user, today):
    """Contacts logged per week, one line per person who logged any, the last 12 weeks."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    weeks = [
        this_monday - datetime.timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)
    ]
    start = timezone.make_aware(datetime.datetime.combine(weeks[0], datetime.time()))
    rows = (
        Interaction.objects.visible_to(user)
        .filter(occurred_at__gte=start)
        .annotate(week=TruncWeek("occurred_at"))
        .values("week", "logged_by__username")
        .annotate(count=Count("id"))
        .order_by("logged_by__username", "week")
    )
    counts = {}
    for row in rows:
        week = timezone.localtime(row["week"]).date()
        counts.setdefault(row["logged_by__username"], {})[week] = row["count"]
    return Chart(
        key="contacts-per-week",
        title=_("Contacts logged per week, last %(weeks)s weeks") % {"weeks": WEEKS},
        kind="line",
        labels=[week.isoformat() for week in weeks],
        datasets=[
            {"label": name, "data": [per_week.get(week, 0) for week in weeks]}
            for name, per_week in counts.items()
        ],
    )


def dashboard_for(user, today=None):
    """Every block of the dashboard `user` may see; a block they may not is None."""
    today = today or timezone.localdate()

    def may_view(model):
        return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")

    sees_contacts = may_view(Interaction)
    sees_stakes = may_view(Stake)
    charts = []
    if sees_stakes:
        charts += [
            held_by_country(user),
            held_by_sector(user),
            pipeline_by_status(user),
        ]
    if sees_contacts:
        charts.append(contacts_per_week(user, today))
    return {
        "today": today,
        "follow_ups": my_follow_ups(user, today) if sees_contacts else None,
        "rounds": my_open_rounds(user) if may_view(FundingRound) else None,
        "going_cold": going_cold(user) if may_view(Investor) else None,
        "charts": charts,
        "chart_data": [chart.as_json() for chart in charts],
    }
