"""Writes the demo data set (crm.demo.data) idempotently.

Each record is found by its natural key and saved only when it is missing or
differs from the data set, through the same services as the admin and the API
(every rule is checked, USD values are computed). A second run therefore
changes no row, not even an `updated_at`.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from crm.core.models import ExchangeRate, Sector
from crm.core.services import record_save
from crm.demo import data
from crm.investors.models import Contact, Investor
from crm.notes.models import DealNote, Interaction
from crm.notes.services import deal_note_save, interaction_save
from crm.portfolio.models import Company, FundingRound, Stake
from crm.portfolio.services import round_save, stake_save


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return (
            f"Demo data: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged."
        )


def load_demo_data(today=None) -> LoadReport:
    """Create or update every demo record, in one transaction.

    The recent contact log is dated from `today`: run again the same day, it
    changes nothing; on a later day it moves along, so the demo never goes stale.
    """
    loader = _Loader()
    with transaction.atomic():
        loader.load(today or timezone.localdate())
    return loader.report


def load_demo_login_data(user, today=None) -> LoadReport | None:
    """Give `user` its investors and its contacts (data.DEMO_LOGIN_CONTACTS), dated from `today`.

    None when the demo data is not loaded (they are about its investors).
    Run again the same day, it changes nothing; on a later day it moves the
    dates along, so there is always something due.
    """
    owned = [
        record["name"]
        for record in data.INVESTORS
        if record.get("owner") == data.DEMO_LOGIN
    ]
    names = set(owned) | {record["investor"] for record in data.DEMO_LOGIN_CONTACTS}
    if Investor.objects.filter(name__in=names).count() < len(names):
        return None
    loader = _Loader()
    with transaction.atomic():
        for name in owned:
            loader.upsert(Investor.objects.filter(name=name), {"owner": user})
        loader.load_dated_contacts(
            data.DEMO_LOGIN_CONTACTS, today or timezone.localdate(), logged_by=user
        )
    return loader.report


def _field_values(instance):
    return {
        field.attname: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
    }


def _with_defaults(model, values):
    """`values` plus the default of every editable field they leave out.

    A record states the whole row: a field dropped from the data set goes back
    to its default rather than keeping whatever was there.
    """
    return {
        **{
            field.name: field.get_default()
            for field in model._meta.concrete_fields
            if field.editable and not field.primary_key
        },
        **values,
    }


def _save_record(instance, many_to_many):
    record_save(instance=instance, many_to_many=many_to_many)


def _save_round(funding_round, many_to_many):
    round_save(funding_round=funding_round, teams=(many_to_many or {}).get("teams"))


def _save_stake(stake, many_to_many):
    stake_save(stake=stake)


class _Loader:
    def __init__(self):
        self.report = LoadReport()
        self.users = {}
        self.sectors = {}
        self.investors = {}
        self.contacts = {}
        self.companies = {}
        self.rounds = {}

    def load(self, today):
        self.load_users()
        self.load_sectors()
        self.load_exchange_rates()
        self.load_investors()
        self.load_contacts()
        self.load_companies()
        self.load_rounds()
        self.load_stakes()
        self.load_interactions()
        for record in data.RECENT_INTERACTIONS:
            self.load_dated_contacts(
                [record], today, logged_by=self.users[record["logged_by"]]
            )
        self.load_deal_notes()

    def upsert(self, queryset, values, *, many_to_many=None, save=_save_record):
        """The row `queryset` finds, created or brought in line with `values`."""
        instance = queryset.first()
        if instance is None:
            instance = queryset.model(**values)
            save(instance, many_to_many)
            self.report.created += 1
            return instance
        before = _field_values(instance)
        for name, value in values.items():
            setattr(instance, name, value)
        # clean() derives what a save would store (the USD values), so a
        # changed exchange rate counts as a difference too.
        instance.clean()
        same_sets = all(
            set(getattr(instance, name).values_list("pk", flat=True))
            == {related.pk for related in related_objects}
            for name, related_objects in (many_to_many or {}).items()
        )
        if same_sets and _field_values(instance) == before:
            self.report.unchanged += 1
        else:
            save(instance, many_to_many)
            self.report.updated += 1
        return instance

    def load_users(self):
        User = get_user_model()
        deal_team = Group.objects.get(name=data.USER_GROUP)

        def save_user(user, many_to_many):
            if user.pk is None:
                # No one logs in as a demo colleague; see ensure_demo_login.
                user.set_unusable_password()
            record_save(instance=user, many_to_many=many_to_many)

        for record in data.USERS:
            # Only the fields stated: a password or last login is left alone.
            self.users[record["username"]] = self.upsert(
                User.objects.filter(username=record["username"]),
                {**record, "is_staff": True, "is_active": True},
                many_to_many={"groups": [deal_team]},
                save=save_user,
            )
        # Its investors get no owner until the demo login exists (see
        # load_demo_login_data), and keep it once it does.
        self.users[data.DEMO_LOGIN] = User.objects.filter(
            username=data.DEMO_LOGIN
        ).first()

    def load_sectors(self):
        for record in data.SECTORS:
            parent = record.get("parent")
            self.sectors[record["slug"]] = self.upsert(
                Sector.objects.filter(slug=record["slug"]),
                _with_defaults(
                    Sector,
                    {**record, "parent": self.sectors[parent] if parent else None},
                ),
            )

    def load_exchange_rates(self):
        for currency, valid_from, usd_per_unit in data.EXCHANGE_RATES:
            self.upsert(
                ExchangeRate.objects.filter(currency=currency, valid_from=valid_from),
                _with_defaults(
                    ExchangeRate,
                    {
                        "currency": currency,
                        "valid_from": valid_from,
                        "usd_per_unit": usd_per_unit,
                    },
                ),
            )

    def load_investors(self):
        for record in data.INVESTORS:
            sectors, owner = record["sectors"], record.get("owner")
            values = {
                key: value
                for key, value in record.items()
                if key not in ("sectors", "owner")
            }
            self.investors[record["name"]] = self.upsert(
                Investor.objects.filter(name__iexact=record["name"]),
                _with_defaults(
                    Investor,
                    {**values, "owner": self.users[owner] if owner else None},
                ),
                many_to_many={"sectors": [self.sectors[slug] for slug in sectors]},
            )

    def load_contacts(self):
        for record in data.CONTACTS:
            investor = self.investors[record["investor"]]
            self.contacts[record["email"]] = self.upsert(
                Contact.objects.filter(investor=investor, email=record["email"]),
                _with_defaults(Contact, {**record, "investor": investor}),
            )

    def load_companies(self):
        for record in data.COMPANIES:
            sector = record.get("sector")
            self.companies[record["name"]] = self.upsert(
                Company.objects.filter(name__iexact=record["name"]),
                _with_defaults(
                    Company,
                    {**record, "sector": self.sectors[sector] if sector else None},
                ),
            )

    def load_rounds(self):
        for record in data.ROUNDS:
            company = self.companies[record["company"]]
            self.rounds[record["company"], record["name"]] = self.upsert(
                FundingRound.objects.filter(
                    company=company, name__iexact=record["name"]
                ),
                _with_defaults(FundingRound, {**record, "company": company}),
                save=_save_round,
            )

    def round_of(self, record):
        name = record.get("round")
        return self.rounds[record["company"], name] if name else None

    def load_stakes(self):
        for record in data.STAKES:
            investor = self.investors[record["investor"]]
            company = self.companies[record["company"]]
            round_ = self.round_of(record)
            self.upsert(
                Stake.objects.filter(investor=investor, company=company, round=round_),
                _with_defaults(
                    Stake,
                    {
                        **record,
                        "investor": investor,
                        "company": company,
                        "round": round_,
                    },
                ),
                save=_save_stake,
            )

    def load_interactions(self):
        for record in data.INTERACTIONS:
            investor = self.investors[record["investor"]]
            logged_by = self.users[record["logged_by"]]
            company = record.get("company")
            values = {
                key: value
                for key, value in record.items()
                if key not in ("contacts", "logged_by")
            }

            def save(interaction, many_to_many, logged_by=logged_by):
                interaction_save(
                    interaction=interaction,
                    contacts=many_to_many["contacts"],
                    logged_by=logged_by,
                )

            self.upsert(
                Interaction.objects.filter(
                    investor=investor,
                    occurred_at=record["occurred_at"],
                    summary=record["summary"],
                ),
                _with_defaults(
                    Interaction,
                    {
                        **values,
                        "investor": investor,
                        "company": self.companies[company] if company else None,
                        "round": self.round_of(record),
                    },
                ),
                many_to_many={
                    "contacts": [self.contacts[email] for email in record["contacts"]]
                },
                save=save,
            )

    def load_deal_notes(self):
        for record in data.DEAL_NOTES:
            investor, company = record.get("investor"), record.get("company")
            author = self.users[record["author"]]
            values = {key: value for key, value in record.items() if key != "author"}

            def save(note, many_to_many, author=author):
                deal_note_save(note=note, author=author)

            self.upsert(
                DealNote.objects.filter(title=record["title"]),
                _with_defaults(
                    DealNote,
                    {
                        **values,
                        "investor": self.investors[investor] if investor else None,
                        "company": self.companies[company] if company else None,
                        "round": self.round_of(record),
                    },
                ),
                save=save,
            )

    def load_dated_contacts(self, records, today, *, logged_by):
        """Contacts `logged_by` made `days_ago` before `today`, found by investor and summary."""
        for record in records:
            investor = Investor.objects.get(name=record["investor"])
            company = record.get("company")
            contacts = list(
                Contact.objects.filter(investor=investor, email__in=record["contacts"])
            )
            occurred_on = today - datetime.timedelta(days=record["days_ago"])
            values = {
                "kind": record["kind"],
                "occurred_at": datetime.datetime.combine(
                    occurred_on, datetime.time(9), tzinfo=datetime.UTC
                ),
                "investor": investor,
                "company": Company.objects.get(name=company) if company else None,
                "summary": record["summary"],
                "details": record.get("details", ""),
                "follow_up_on": (
                    today + datetime.timedelta(days=record["follow_up_in_days"])
                    if "follow_up_in_days" in record
                    else None
                ),
            }

            def save(interaction, many_to_many):
                interaction_save(
                    interaction=interaction,
                    contacts=many_to_many["contacts"],
                    logged_by=logged_by,
                )

            self.upsert(
                Interaction.objects.filter(
                    investor=investor, logged_by=logged_by, summary=record["summary"]
                ),
                _with_defaults(Interaction, values),
                many_to_many={"contacts": contacts},
                save=save,
            )
