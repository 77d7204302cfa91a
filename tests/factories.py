"""factory_boy factories that save through the real write path (full validation)."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from crm.core.models import ExchangeRate, Sector
from crm.core.services import record_save
from crm.investors.models import Contact, Investor
from crm.notes.models import DealNote, Interaction
from crm.notes.services import deal_note_save, interaction_save
from crm.portfolio.models import Company, FundingRound, Stake
from crm.portfolio.services import round_figures_refresh, stake_save


class ValidatedFactory(DjangoModelFactory):
    """Creates rows with `record_save`, so every factory row passes every rule."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return record_save(instance=model_class(*args, **kwargs))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("pw")

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))


class SectorFactory(ValidatedFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class ExchangeRateFactory(ValidatedFactory):
    class Meta:
        model = ExchangeRate

    currency = "CNY"
    usd_per_unit = Decimal("0.15")
    valid_from = datetime.date(2018, 1, 1)


class InvestorFactory(ValidatedFactory):
    class Meta:
        model = Investor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Investor {n}")
    kind = Investor.Kind.VENTURE_CAPITAL
    country = "US"

    @factory.post_generation
    def sectors(self, create, sectors, **kwargs):
        if create and sectors:
            self.sectors.set(sectors)


class ContactFactory(ValidatedFactory):
    class Meta:
        model = Contact

    investor = factory.SubFactory(InvestorFactory)
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda c: f"{c.first_name.lower()}@example.com")


class CompanyFactory(ValidatedFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    country = "CN"


class FundingRoundFactory(ValidatedFactory):
    class Meta:
        model = FundingRound

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    stage = FundingRound.Stage.SERIES_C
    status = FundingRound.Status.CLOSED
    currency = "USD"
    announced_on = datetime.date(2018, 5, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Not round_save: tests wall a round by setting its teams afterwards.
        # The figures of its company follow, as round_save would have them.
        funding_round = record_save(instance=model_class(*args, **kwargs))
        round_figures_refresh({funding_round.pk})
        return funding_round


class StakeFactory(ValidatedFactory):
    class Meta:
        model = Stake

    investor = factory.SubFactory(InvestorFactory)
    company = factory.SubFactory(CompanyFactory)
    amount = Decimal("1000000.00")
    currency = "USD"
    status = Stake.Status.CLOSED
    as_of = datetime.date(2018, 5, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the stake service: the investor's stored figures follow.
        return stake_save(stake=model_class(*args, **kwargs))


class InteractionFactory(DjangoModelFactory):
    class Meta:
        model = Interaction

    investor = factory.SubFactory(InvestorFactory)
    summary = factory.Sequence(lambda n: f"Call {n}")
    occurred_at = factory.Sequence(
        lambda n: (
            datetime.datetime(2018, 7, 1, 9, tzinfo=datetime.UTC)
            + datetime.timedelta(days=n)
        )
    )
    logged_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, contacts=None, **kwargs):
        logged_by = kwargs.pop("logged_by")
        return interaction_save(
            interaction=model_class(*args, **kwargs),
            contacts=contacts,
            logged_by=logged_by,
        )


class DealNoteFactory(DjangoModelFactory):
    class Meta:
        model = DealNote

    title = factory.Sequence(lambda n: f"Note {n}")
    body = "Notes from the meeting."
    investor = factory.SubFactory(InvestorFactory)
    author = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        author = kwargs.pop("author")
        return deal_note_save(note=model_class(*args, **kwargs), author=author)


# One factory per CRM model, for the tests that go over every model.
EVERY_CRM_FACTORY = (
    SectorFactory,
    ExchangeRateFactory,
    InvestorFactory,
    ContactFactory,
    CompanyFactory,
    FundingRoundFactory,
    StakeFactory,
    InteractionFactory,
    DealNoteFactory,
)
