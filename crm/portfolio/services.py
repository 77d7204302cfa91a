"""Writes of stakes and funding rounds: the figures stored on investors, rounds
and companies follow them.

Every door (admin forms, inlines and bulk deletes, the API, the demo loader,
restores) writes stakes and rounds through these functions. Each validates
through the model (`record_save`), writes, and recomputes, in one
transaction, the stored stake figures of every investor the write touched,
the held and raised figures of its rounds (`refresh_raised`) and the round
figures of their companies (`refresh_figures`).

Rows are locked in one order, the stake, then its rounds, then the investors
(`refresh_stake_figures`), then the companies, so that writes which change
which stakes or rounds are walled serialise: a round made confidential while
a stake moves into it waits for the stake (or the stake for the round), and
every committed state has the figures a recount gives (`manage.py
check_figures`).
"""

from contextlib import contextmanager

from asgiref.local import Local
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from crm.core.deletion import delete_record
from crm.core.services import record_save
from crm.investors.models import Investor
from crm.portfolio.models import Company, FundingRound, Stake
from crm.portfolio.walls import forget_rounds_seen

_deferred = Local()


def investor_figures_refresh(investor_ids):
    """Recompute the stored stake figures of these investors (crm.investors.models)."""
    ids = {pk for pk in investor_ids if pk is not None}
    pending = getattr(_deferred, "ids", None)
    if pending is not None:
        pending.update(ids)
    elif ids:
        Investor.objects.filter(pk__in=ids).refresh_stake_figures()


def round_figures_refresh(round_ids):
    """Recompute the held and raised figures of these rounds, then their companies'."""
    ids = {pk for pk in round_ids if pk is not None}
    if ids:
        rounds = FundingRound.objects.filter(pk__in=ids)
        rounds.refresh_raised()
        # Their companies found inside the refresh's own statements.
        Company.objects.filter(pk__in=rounds.values("company_id")).refresh_figures()


def company_figures_refresh(company_ids):
    """Recompute the stored round figures of these companies (total raised, valuation)."""
    ids = {pk for pk in company_ids if pk is not None}
    if ids:
        Company.objects.filter(pk__in=ids).refresh_figures()


@contextmanager
def investor_figures_refreshed_once():
    """Inside the block, the investors' figures are recomputed once, at its end.

    For many stake writes in one transaction (an import): one recount per
    investor instead of one per stake, before the transaction commits.
    """
    if getattr(_deferred, "ids", None) is not None:
        yield
        return
    with transaction.atomic():
        _deferred.ids = set()
        try:
            yield
            ids = _deferred.ids
        finally:
            _deferred.ids = None
        investor_figures_refresh(ids)


def _lock_rounds(round_ids):
    # A round's `confidential` decides which figures its stakes count in.
    ids = sorted(pk for pk in round_ids if pk is not None)
    if ids:
        list(
            FundingRound.objects.filter(pk__in=ids)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _stored_stake(stake):
    """The stake's row as committed, locked: where it counted before this write."""
    if stake.pk is None:
        return None
    return (
        Stake.objects.select_for_update()
        .filter(pk=stake.pk)
        .values("investor_id", "round_id")
        .first()
    )


def stake_save(*, stake, user=None):
    """Validate and save `stake`; refresh the figures of its investor (and its old one)."""
    with transaction.atomic():
        before = _stored_stake(stake) or {}
        _lock_rounds({before.get("round_id"), stake.round_id})
        if (
            user is not None
            and stake.round_id
            and not FundingRound.objects.visible_to(user)
            .filter(pk=stake.round_id)
            .exists()
        ):
            # Entry points offer only visible rounds; this holds for every door.
            raise ValidationError({"round": _("No such round.")})
        record_save(instance=stake, user=user)
        investor_figures_refresh({before.get("investor_id"), stake.investor_id})
        # A round's raised figure falls back on its held stakes.
        round_figures_refresh({before.get("round_id"), stake.round_id})
    return stake


def stake_delete(*, stake, user=None):
    """Delete `stake` and take it out of its investor's figures."""
    with transaction.atomic():
        before = _stored_stake(stake) or {}
        _lock_rounds({before.get("round_id")})
        delete_record(stake)
        investor_figures_refresh({before.get("investor_id")})
        round_figures_refresh({before.get("round_id")})


def round_delete(*, funding_round, user=None):
    """Delete `funding_round` (refused while records depend on it) and take it
    out of its company's figures."""
    with transaction.atomic():
        stored = (
            FundingRound.objects.select_for_update()
            .filter(pk=funding_round.pk)
            .values("company_id")
            .first()
        )
        delete_record(funding_round)
        company_figures_refresh({stored and stored["company_id"]})
        forget_rounds_seen(user)


def _refuse_company_move(funding_round, company_id):
    """A round keeps its company while records about it name that company."""
    if company_id is None or company_id == funding_round.company_id:
        return
    dependants = [
        (funding_round.stakes.count(), "stake", "stakes"),
        (
            funding_round.interactions.count(),
            "contact-log entry",
            "contact-log entries",
        ),
        (funding_round.notes.count(), "deal note", "deal notes"),
    ]
    named = [
        f"{count} {one if count == 1 else many}"
        for count, one, many in dependants
        if count
    ]
    if named:
        raise ValidationError(
            {
                "company": _(
                    "This round has %(records)s of its company: move or delete "
                    "them before moving the round to another company."
                )
                % {"records": ", ".join(str(name) for name in named)}
            }
        )


MANAGE_CONFIDENTIALITY = "portfolio.manage_confidentiality"


def _check_walling_allowed(
    user, *, confidential_before, teams_before, funding_round, teams
):
    """Only holders of "Can manage confidentiality" wall rounds, and only with their teams.

    Otherwise anyone in any team could hide a round (and part of a company's
    figures) from everyone else. Writes with no user (commands) are trusted.
    """
    teams_after = {team.pk for team in teams}
    if user is None or (
        funding_round.confidential == confidential_before
        and teams_after == teams_before
    ):
        return
    if not user.has_perm(MANAGE_CONFIDENTIALITY):
        raise PermissionDenied(
            _(
                "Making a round confidential, making it open again or changing its "
                "teams needs the permission “Can manage confidentiality” "
                "(%(permission)s)."
            )
            % {"permission": MANAGE_CONFIDENTIALITY}
        )
    if user.is_superuser:
        return
    own = set(user.crm_teams.values_list("pk", flat=True))
    if teams_after - teams_before - own:
        raise ValidationError({"teams": _("Add only teams you belong to.")})


def round_check_walling(*, funding_round, teams=None, user=None):
    """Raise as `round_save` would about who may wall the round off, writing nothing.

    PermissionDenied without "Can manage confidentiality", ValidationError
    for the teams; for a preview of the write (an import's).
    """
    teams_before = set()
    confidential_before = False
    if funding_round.pk is not None:
        before = FundingRound.objects.filter(pk=funding_round.pk).first()
        if before is not None:
            confidential_before = before.confidential
            teams_before = set(before.teams.values_list("pk", flat=True))
    if teams is None:
        teams = list(funding_round.teams.all()) if teams_before else []
    _check_walling_allowed(
        user,
        confidential_before=confidential_before,
        teams_before=teams_before,
        funding_round=funding_round,
        teams=teams,
    )
    funding_round.check_confidentiality(teams, user)


def round_save(*, funding_round, teams=None, user=None):
    """Validate and save a round with its teams; a change of confidentiality moves
    its stakes between the open and the walled figures of their investors.

    `teams` None keeps the round's teams. Only teams `user` belongs to may wall
    a round off (`FundingRound.check_confidentiality`).
    """
    with transaction.atomic():
        before = None
        if funding_round.pk is not None:
            before = (
                FundingRound.objects.select_for_update()
                .filter(pk=funding_round.pk)
                .values("confidential", "company_id")
                .first()
            )
        teams_before = (
            set(funding_round.teams.values_list("pk", flat=True)) if before else set()
        )
        if teams is None:
            teams = list(funding_round.teams.all()) if before else []
        _check_walling_allowed(
            user,
            confidential_before=before["confidential"] if before else False,
            teams_before=teams_before,
            funding_round=funding_round,
            teams=teams,
        )
        funding_round.check_confidentiality(teams, user)
        if before:
            stored = FundingRound(pk=funding_round.pk, company_id=before["company_id"])
            _refuse_company_move(stored, funding_round.company_id)
        record_save(instance=funding_round, many_to_many={"teams": teams}, user=user)
        if before and before["confidential"] != funding_round.confidential:
            investor_figures_refresh(
                funding_round.stakes.values_list("investor_id", flat=True).distinct()
            )
        # Its amounts, status, date, company or wall feed its company's figures.
        FundingRound.objects.filter(pk=funding_round.pk).refresh_raised()
        company_figures_refresh(
            {before and before["company_id"], funding_round.company_id}
        )
    # The rounds the writer may see changed with the write.
    forget_rounds_seen(user)
    return funding_round
