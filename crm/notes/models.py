"""The contact log (interactions with investors) and deal notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.constraints import FieldCheckConstraint, external_id_constraint
from crm.core.dates import validate_date_in_range
from crm.core.history import CRMHistoricalRecords
from crm.core.models import TimeStampedModel, external_id_field
from crm.investors.models import Contact, Investor
from crm.portfolio.models import Company, FundingRound, check_round_of_company
from crm.portfolio.walls import RoundWalledQuerySet


class InteractionQuerySet(RoundWalledQuerySet):
    def follow_up_due(self, on=None):
        """Follow-ups dated `on` (today by default) or earlier and not yet done."""
        return self.filter(
            follow_up_on__lte=on or timezone.localdate(), follow_up_done=False
        )


class Interaction(TimeStampedModel):
    """One call, meeting, email or event with an investor."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MEETING = "meeting", _("Meeting")
        EMAIL = "email", _("Email")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.CALL, verbose_name=_("kind")
    )
    occurred_at = models.DateTimeField(
        default=timezone.now,
        db_index=True,
        validators=[validate_date_in_range],
        verbose_name=_("occurred at"),
    )
    investor = models.ForeignKey(
        Investor,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("investor"),
    )
    contacts = models.ManyToManyField(
        Contact,
        through="InteractionContact",
        blank=True,
        related_name="interactions",
        help_text=_("People present; each must work at the investor."),
        verbose_name=_("contacts"),
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("company"),
    )
    round = models.ForeignKey(
        FundingRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interactions",
        verbose_name=_("round"),
    )
    summary = models.CharField(max_length=300, verbose_name=_("summary"))
    details = models.TextField(blank=True, verbose_name=_("details"))
    follow_up_on = models.DateField(
        null=True,
        blank=True,
        db_index=True,
        validators=[validate_date_in_range],
        verbose_name=_("follow up on"),
    )
    follow_up_done = models.BooleanField(
        default=False, verbose_name=_("follow up done")
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="logged_interactions",
        editable=False,
        verbose_name=_("logged by"),
    )

    external_id = external_id_field()

    objects = InteractionQuerySet.as_manager()
    # The people present are recorded with the entry (InteractionContact rows).
    history = CRMHistoricalRecords(m2m_fields=["contacts"])

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            # One investor's log, newest first (the investor page): reads the
            # page from the index, however long the investor's history.
            models.Index(
                fields=["investor", "-occurred_at", "-id"],
                name="interaction_investor_recent",
            ),
        ]
        constraints = [
            external_id_constraint("interaction", walled=True),
            FieldCheckConstraint(
                condition=~Q(summary=""),
                name="interaction_summary_required",
                field="summary",
                violation_error_message=_("Write a short summary."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} with {self.investor} on {self.occurred_at:%Y-%m-%d}: {self.summary}"

    def clean(self):
        check_round_of_company(self)

    def clean_contacts(self, contacts):
        """Raise unless every one of `contacts` works at this interaction's investor."""
        strangers = [
            contact for contact in contacts if contact.investor_id != self.investor_id
        ]
        if strangers:
            names = ", ".join(str(contact) for contact in strangers)
            raise ValidationError({"contacts": f"Not at {self.investor}: {names}."})


class InteractionContact(models.Model):
    """A person present at an interaction.

    An explicit through model so that a person in the log cannot be deleted
    (PROTECT): the default one would silently drop them from the record.
    """

    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, verbose_name=_("interaction")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("contact")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("person present")
        verbose_name_plural = _("people present")
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "contact"], name="interaction_contact_once"
            ),
        ]

    def __str__(self):
        return str(self.contact)

    @property
    def reported_as(self):
        """In "what depends on it" messages, the interaction the person attended."""
        return self.interaction


class DealNoteQuerySet(RoundWalledQuerySet):
    pass


class DealNote(TimeStampedModel):
    title = models.CharField(
        max_length=200, verbose_name=pgettext_lazy("deal note", "title")
    )
    body = models.TextField(blank=True, verbose_name=_("body"))
    investor = models.ForeignKey(
        Investor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("investor"),
    )
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("company"),
    )
    round = models.ForeignKey(
        FundingRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("round"),
    )
    pinned = models.BooleanField(default=False, db_index=True, verbose_name=_("pinned"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="deal_notes",
        editable=False,
        verbose_name=_("author"),
    )

    external_id = external_id_field()

    objects = DealNoteQuerySet.as_manager()
    history = CRMHistoricalRecords()

    class Meta:
        verbose_name_plural = _("deal notes")
        ordering = ["-pinned", "-created_at", "-id"]
        verbose_name = _("deal note")
        constraints = [
            external_id_constraint("deal_note", walled=True),
            models.CheckConstraint(
                condition=Q(investor__isnull=False)
                | Q(company__isnull=False)
                | Q(round__isnull=False),
                name="deal_note_is_about_something",
                violation_error_message=_(
                    "Link the note to an investor, a company or a round."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        check_round_of_company(self)
