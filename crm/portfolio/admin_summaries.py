"""Read-only summaries above the change forms of investors, companies and rounds.

An investor's page opens on its people, its held stakes and pipeline, and a
timeline of its latest contacts and deal notes; a company's on its rounds,
investors and notes; a round's on its board, contacts and notes. Editing stays
in the forms below. Everything goes through the querysets' `visible_to`, each
block is left out when the user may not view its records, and each block is
one query, whatever the record's history.

The contact log and deal notes live in crm.notes, which depends on this app:
they are reached through reverse relations (`investor.interactions`), not
imported.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.portfolio.fundraising import with_progress
from crm.portfolio.models import FundingRound, Stake

TIMELINE_LENGTH = 20


@dataclass
class TimelineEntry:
    when: datetime
    kind: str
    title: str
    who: object
    url: str


def _may_view(request, app_label, model_name):
    return request.user.has_perm(f"{app_label}.view_{model_name}")


def timeline(request, about):
    """The latest contacts and deal notes about `about` (a filter), newest first, merged.

    `about` is a lookup such as {"investor": investor}. Two queries, each
    reading at most TIMELINE_LENGTH rows; None when the user may view neither.
    """
    anchor = next(iter(about.values()))
    entries = []
    sees_contacts = _may_view(request, "notes", "interaction")
    sees_notes = _may_view(request, "notes", "dealnote")
    if not (sees_contacts or sees_notes):
        return None
    if sees_contacts:
        interactions = (
            anchor.interactions.visible_to(request.user)
            .select_related("logged_by")
            .order_by("-occurred_at", "-id")[:TIMELINE_LENGTH]
        )
        entries += [
            TimelineEntry(
                when=interaction.occurred_at,
                kind=interaction.get_kind_display(),
                title=interaction.summary,
                who=interaction.logged_by,
                url=reverse("admin:notes_interaction_change", args=[interaction.pk]),
            )
            for interaction in interactions
        ]
    if sees_notes:
        notes = (
            anchor.notes.visible_to(request.user)
            .select_related("author")
            .order_by("-created_at", "-id")[:TIMELINE_LENGTH]
        )
        entries += [
            TimelineEntry(
                when=note.created_at,
                kind=_("Deal note"),
                title=note.title,
                who=note.author,
                url=reverse("admin:notes_dealnote_change", args=[note.pk]),
            )
            for note in notes
        ]
    entries.sort(key=lambda entry: timezone.localtime(entry.when), reverse=True)
    return entries[:TIMELINE_LENGTH]


def _filtered(view, field, pk):
    """The address of a list filtered on one record, e.g. an investor's contact log."""
    return f"{reverse(view)}?{field}__id__exact={pk}"


def _stakes(request, stakes):
    """Held stakes and pipeline, from one query; None when the user may not view stakes."""
    if not _may_view(request, "portfolio", "stake"):
        return None, None
    rows = list(
        stakes.visible_to(request.user)
        .filter(status__in=Stake.HELD + Stake.PIPELINE)
        .select_related("investor", "company", "round")
        .order_by(F("amount_usd").desc(nulls_last=True), "-as_of", "-id")
    )
    held = [stake for stake in rows if stake.status in Stake.HELD]
    pipeline = [stake for stake in rows if stake.status in Stake.PIPELINE]
    return held, pipeline


def investor_summary(request, investor):
    held, pipeline = _stakes(request, Stake.objects.filter(investor=investor))
    return {
        "people": list(investor.contacts.all()),
        "held": held,
        "pipeline": pipeline,
        "timeline": timeline(request, {"investor": investor}),
        "links": [
            (
                _("Contact log"),
                _filtered(
                    "admin:notes_interaction_changelist", "investor", investor.pk
                ),
            ),
            (
                _("Deal notes"),
                _filtered("admin:notes_dealnote_changelist", "investor", investor.pk),
            ),
            (
                _("Stakes"),
                _filtered("admin:portfolio_stake_changelist", "investor", investor.pk),
            ),
        ],
    }


def company_summary(request, company):
    rounds = None
    if _may_view(request, "portfolio", "fundinground"):
        rounds = list(
            with_progress(
                FundingRound.objects.visible_to(request.user).filter(company=company),
                request.user,
            )
        )
    held, pipeline = _stakes(request, Stake.objects.filter(company=company))
    return {
        "rounds": rounds,
        "held": held,
        "pipeline": pipeline,
        "timeline": timeline(request, {"company": company}),
        "links": [
            (
                _("Contact log"),
                _filtered("admin:notes_interaction_changelist", "company", company.pk),
            ),
            (
                _("Deal notes"),
                _filtered("admin:notes_dealnote_changelist", "company", company.pk),
            ),
            (
                _("Stakes"),
                _filtered("admin:portfolio_stake_changelist", "company", company.pk),
            ),
        ],
    }


def round_summary(request, round_):
    return {
        "board": reverse("admin:portfolio_fundinground_board", args=[round_.pk]),
        "timeline": timeline(request, {"round": round_}),
        "links": [
            (
                _("Contact log"),
                _filtered("admin:notes_interaction_changelist", "round", round_.pk),
            ),
            (
                _("Deal notes"),
                _filtered("admin:notes_dealnote_changelist", "round", round_.pk),
            ),
            (
                _("Stakes"),
                _filtered("admin:portfolio_stake_changelist", "round", round_.pk),
            ),
        ],
    }


class SummaryAboveFormMixin:
    """Puts `summary_of(request, obj)` in the change form's context as `summary`.

    Rendered by the model's change_form.html before the fieldsets; on the
    change page only (an add form has nothing to sum up).
    """

    summary_of = None  # a staticmethod(request, obj) -> dict

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if change and obj is not None and self.summary_of is not None:
            context["summary"] = self.summary_of(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
