"""A round's fundraising board and the Fundraising page: admin views of the rounds.

Mixed into FundingRoundAdmin, so both pages reach rounds through its
`get_queryset` (the ethical walls: a hidden round is "not found") and its
permissions. Moving a card or adding an investor writes the stake through the
same path as the stake forms, which records history and refreshes the
investor's figures; a card moved since the board was loaded is refused with
the admin's conflict message. Everything works without JavaScript except the
investor autocomplete (the admin's own widget).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateField, DateTimeField, F, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.core.admin_conflicts import saved_since
from crm.core.versions import record_version
from crm.investors.models import Investor
from crm.portfolio.fundraising import COLUMNS, RAISING, with_progress
from crm.portfolio.models import Stake
from crm.portfolio.services import stake_save

CONFLICT_ADVICE = _(
    "The board now shows their change: move the card again if you still mean to."
)


def _interactions():
    # The contact log lives in crm.notes, which depends on this app: reach
    # it through the investor's reverse relation instead of importing it.
    return Investor._meta.get_field("interactions").related_model.objects


def board_stakes(round_, user):
    """The round's stakes `user` may see, with each investor's last contact and next follow-up.

    One query: the owner is joined, the two dates are subqueries over the
    interactions `user` may see.
    """
    interactions = (
        _interactions().visible_to(user).filter(investor=OuterRef("investor"))
    )
    last_contact = interactions.order_by("-occurred_at", "-id").values("occurred_at")
    next_follow_up = (
        interactions.filter(follow_up_on__isnull=False, follow_up_done=False)
        .order_by("follow_up_on", "id")
        .values("follow_up_on")
    )
    return (
        Stake.objects.visible_to(user)
        .filter(round=round_, status__in=COLUMNS)
        .select_related("investor__owner")
        .annotate(
            last_contact_at=Subquery(last_contact[:1], output_field=DateTimeField()),
            next_follow_up_on=Subquery(next_follow_up[:1], output_field=DateField()),
        )
        # Investors without an amount yet last, on both databases.
        .order_by(
            "-is_lead", F("amount_usd").desc(nulls_last=True), "investor__name", "id"
        )
    )


@dataclass
class Column:
    status: str
    label: str
    cards: list = field(default_factory=list)

    @property
    def total_usd(self):
        return sum((card.amount_usd or Decimal(0) for card in self.cards), Decimal(0))


def columns_of(stakes):
    columns = {status: Column(status, status.label) for status in COLUMNS}
    for stake in stakes:
        stake.version = record_version(stake)
        columns[stake.status].cards.append(stake)
    return list(columns.values())


class MoveForm(forms.Form):
    """One card's move: to which column, from which version of the stake."""

    stake = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=[(status, status.label) for status in COLUMNS])


class AddInvestorForm(forms.Form):
    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        # The stake form's own autocomplete (StakeAdmin.autocomplete_fields).
        self.fields["investor"] = forms.ModelChoiceField(
            queryset=Investor.objects.all(),
            label=_("Add an investor"),
            widget=AutocompleteSelect(Stake._meta.get_field("investor"), admin_site),
        )


class FundraisingBoardMixin:
    """The board (`<id>/board/`) and the Fundraising page (`fundraising/`) of the rounds."""

    def get_urls(self):
        view = self.admin_site.admin_view
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "fundraising/",
                view(self.fundraising_view),
                name=f"{prefix}_fundraising",
            ),
            path(
                "<path:object_id>/board/", view(self.board_view), name=f"{prefix}_board"
            ),
            path(
                "<path:object_id>/board/move/",
                view(require_POST(self.board_move_view)),
                name=f"{prefix}_board_move",
            ),
            path(
                "<path:object_id>/board/add/",
                view(require_POST(self.board_add_view)),
                name=f"{prefix}_board_add",
            ),
            *super().get_urls(),
        ]

    def fundraising_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rounds = with_progress(
            self.get_queryset(request).filter(status__in=RAISING), request.user
        ).order_by("status", "company__name", "name")
        return TemplateResponse(
            request,
            "admin/portfolio/fundinground/fundraising.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Fundraising"),
                "rounds": rounds,
            },
        )

    def board_view(self, request, object_id):
        round_ = self._board_round(request, object_id)
        stakes = board_stakes(round_, request.user)
        stake_admin = self.admin_site.get_model_admin(Stake)
        add_form = AddInvestorForm(admin_site=self.admin_site)
        return TemplateResponse(
            request,
            "admin/portfolio/fundinground/board.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"{round_}: fundraising board",
                "round": round_,
                "columns": columns_of(stakes),
                "statuses": MoveForm.base_fields["status"].choices,
                "can_move": stake_admin.has_change_permission(request),
                "can_add": stake_admin.has_add_permission(request),
                "add_form": add_form,
                "media": self.media + add_form.media,
            },
        )

    def board_move_view(self, request, object_id):
        round_ = self._board_round(request, object_id)
        if not self.admin_site.get_model_admin(Stake).has_change_permission(request):
            raise PermissionDenied
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a column to move the investor to."))
            return self._back_to_board(round_)
        stake = (
            Stake.objects.visible_to(request.user)
            .filter(round=round_, pk=form.cleaned_data["stake"])
            .select_related("investor")
            .first()
        )
        if stake is None:
            raise Http404("No such investor on this board.")
        status = Stake.Status(form.cleaned_data["status"])
        try:
            with transaction.atomic():
                problem = saved_since(
                    stake, form.cleaned_data["version"], CONFLICT_ADVICE
                )
                if problem:
                    raise ValidationError(problem, code="saved_since_opened")
                stake.status = status
                stake_save(stake=stake, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(investor)s moved to %(status)s.")
                % {"investor": stake.investor, "status": status.label},
            )
        return self._back_to_board(round_)

    def board_add_view(self, request, object_id):
        round_ = self._board_round(request, object_id)
        if not self.admin_site.get_model_admin(Stake).has_add_permission(request):
            raise PermissionDenied
        form = AddInvestorForm(request.POST, admin_site=self.admin_site)
        if not form.is_valid():
            messages.error(request, _("Choose an investor to add."))
            return self._back_to_board(round_)
        investor = form.cleaned_data["investor"]
        stake = Stake(
            investor=investor,
            company=round_.company,
            round=round_,
            status=Stake.Status.PROSPECT,
            currency=round_.currency,
            as_of=timezone.localdate(),
        )
        try:
            stake_save(stake=stake, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(investor)s added to the pipeline as a prospect.")
                % {"investor": investor},
            )
        return self._back_to_board(round_)

    def _board_round(self, request, object_id):
        """The round, if `request.user` may see it (else 404) and view rounds (else 403)."""
        round_ = (
            with_progress(self.get_queryset(request), request.user)
            .filter(pk=unquote(object_id))
            .first()
            if str(object_id).isdigit()
            else None
        )
        if round_ is None:
            raise Http404("No such funding round.")
        if not self.has_view_permission(request, round_):
            raise PermissionDenied
        return round_

    def _back_to_board(self, round_):
        name = (
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_board"
        )
        return redirect(reverse(name, args=[round_.pk]))
