"""generate_data: a synthetic data set every rule accepts, the same for the same seed."""

import hashlib
import math
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.db.models import Count, F

from crm.core import fx
from crm.core.models import ExchangeRate, Sector, Team
from crm.demo.synthetic import activity
from crm.demo.synthetic.generation import CRM_MODELS, HISTORY_MODELS
from crm.demo.synthetic.tables import HISTORY_REASON
from crm.investors.models import STORED_FIGURES, Contact, Investor
from crm.notes.models import DealNote, Interaction, InteractionContact
from crm.portfolio.models import (
    COMPANY_FIGURES,
    ROUND_FIGURES,
    Company,
    FundingRound,
    Stake,
)
from tests.factories import InvestorFactory, UserFactory

pytestmark = pytest.mark.django_db

SMALL = {"investors": 50, "companies": 20, "stakes": 300, "interactions": 300}
RECORDS = [
    Sector,
    ExchangeRate,
    Team,
    Investor,
    Contact,
    Company,
    FundingRound,
    Stake,
    Interaction,
    DealNote,
]


def generate(**options):
    out = StringIO()
    call_command("generate_data", **{**SMALL, "seed": 1, **options}, stdout=out)
    return out.getvalue()


def checksum():
    """A digest of every row of every CRM table and of their history."""
    digest = hashlib.sha256()
    for model in CRM_MODELS + HISTORY_MODELS:
        digest.update(model._meta.db_table.encode())
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def row_values(record):
    """The values a history entry holds: derived figures are not recorded."""
    return {
        field.attname: getattr(record, field.attname)
        for field in record._meta.concrete_fields
        if field.attname not in {*STORED_FIGURES, *COMPANY_FIGURES, *ROUND_FIGURES}
    }


@pytest.fixture
def generated():
    return generate()


def test_it_writes_exactly_the_sizes_asked_for(generated):
    assert Investor.objects.count() == 50
    assert Company.objects.count() == 20
    assert Stake.objects.count() == 300
    assert Interaction.objects.count() == 300
    # One note per hundred interactions by default.
    assert DealNote.objects.count() == 3


def test_investors_have_one_to_five_people_and_companies_one_to_six_rounds(
    generated,
):
    people = Investor.objects.annotate(n=Count("contacts")).values_list("n", flat=True)
    rounds = Company.objects.annotate(n=Count("rounds")).values_list("n", flat=True)

    assert set(people) <= {1, 2, 3, 4, 5}
    assert set(rounds) <= {1, 2, 3, 4, 5, 6}


def test_generated_rows_pass_every_model_rule_unchanged(generated):
    """full_clean() runs field validation, clean() (USD conversion) and constraints.

    A row that clean() would change (a USD value, an implied company) would
    change when re-saved through the services: none may. About 40 rows of
    each table, spread over it (the database itself checked every row).
    """
    for model in [*RECORDS, InteractionContact]:
        records = list(model.objects.order_by("pk"))
        for record in records[:: max(1, len(records) // 40)]:
            before = row_values(record)
            record.full_clean()
            assert row_values(record) == before, (model, record.pk)


def test_every_interactions_people_work_at_its_investor(generated):
    present = InteractionContact.objects.all()

    assert present.count() > 0
    assert not present.exclude(contact__investor=F("interaction__investor")).exists()
    for interaction in Interaction.objects.prefetch_related("contacts"):
        interaction.clean_contacts(list(interaction.contacts.all()))


def test_stakes_are_in_rounds_of_their_own_company_once_per_investor(generated):
    in_rounds = Stake.objects.filter(round__isnull=False)

    assert in_rounds.count() > 0
    assert not in_rounds.exclude(round__company=F("company")).exists()
    assert not (
        in_rounds.values("investor", "round").annotate(n=Count("id")).filter(n__gt=1)
    )


def test_usd_values_are_what_the_rates_on_file_give(generated):
    for stake in Stake.objects.all():
        assert stake.amount_usd == fx.to_usd(stake.amount, stake.currency, stake.as_of)
    for round_ in FundingRound.objects.all():
        for field in round_.usd_amount_fields:
            assert getattr(round_, f"{field}_usd") == fx.to_usd(
                getattr(round_, field), round_.currency, round_.announced_on
            )
    assert Stake.objects.exclude(currency="USD").exclude(amount=None).exists()


def test_a_few_investors_hold_a_disproportionate_share_of_stakes(generated):
    per_investor = sorted(
        Stake.objects.values("investor")
        .annotate(n=Count("id"))
        .values_list("n", flat=True),
        reverse=True,
    )
    investors = Investor.objects.count()
    top = math.ceil(investors / 100)
    even_share = top / investors

    assert sum(per_investor[:top]) / 300 >= 4 * even_share


def test_some_rounds_are_confidential_and_walled_to_their_teams(generated):
    confidential = FundingRound.objects.filter(confidential=True)
    outsider = UserFactory(username="outsider")

    assert confidential.exists()
    assert not confidential.filter(teams=None).exists()
    assert not Stake.objects.visible_to(outsider).filter(round__confidential=True)
    member = confidential.first().teams.first().members.first()
    assert FundingRound.objects.visible_to(member).filter(confidential=True).exists()


def test_each_generated_record_has_exactly_its_creation_entry(generated):
    for model in RECORDS:
        records = model.objects.all()
        entries = model.history.all()
        assert entries.count() == records.count()
        assert set(entries.values_list("history_type", "history_change_reason")) == {
            ("+", HISTORY_REASON)
        }
        assert not entries.exclude(history_user=None).exists()
        by_id = {entry.id: entry for entry in entries}
        for record in records:
            entry = by_id[record.pk]
            assert entry.history_date == record.created_at
            assert {
                field.attname: getattr(entry, field.attname)
                for field in model.history.model.tracked_fields
            } == row_values(record)


def test_investors_stored_stake_figures_match_their_stakes(generated):
    stored = {
        investor.pk: [getattr(investor, name) for name in STORED_FIGURES]
        for investor in Investor.objects.all()
    }
    Investor.objects.refresh_stake_figures()
    recomputed = {
        investor.pk: [getattr(investor, name) for name in STORED_FIGURES]
        for investor in Investor.objects.all()
    }
    # Generated as zeros, then computed once the stakes are in.
    assert stored == recomputed
    assert any(total for total, *_ in stored.values())


def test_rounds_and_companies_stored_figures_match_a_recount(generated):
    out = StringIO()

    call_command("check_figures", stdout=out)

    assert "Every round's stored figures match a recount." in out.getvalue()
    assert "Every company's stored figures match a recount." in out.getvalue()
    assert Company.objects.filter(open_total_raised_usd__gt=0).exists()
    assert FundingRound.objects.filter(held_usd__gt=0).exists()


def test_history_entries_record_the_many_to_many_sets(generated):
    for interaction in Interaction.objects.prefetch_related("contacts"):
        (entry,) = interaction.history.all()
        assert sorted(entry.contacts.values_list("contact_id", flat=True)) == sorted(
            contact.pk for contact in interaction.contacts.all()
        )
    for investor in Investor.objects.prefetch_related("sectors"):
        (entry,) = investor.history.all()
        assert sorted(entry.sectors.values_list("sector_id", flat=True)) == sorted(
            sector.pk for sector in investor.sectors.all()
        )
    for round_ in FundingRound.objects.filter(confidential=True):
        (entry,) = round_.history.all()
        assert set(entry.teams.values_list("team_id", flat=True)) == set(
            round_.teams.values_list("pk", flat=True)
        )


def test_the_same_seed_gives_the_same_rows(generated):
    first = checksum()

    generate(flush=True)

    assert checksum() == first


def test_another_seed_gives_other_rows(generated):
    first = checksum()

    generate(flush=True, seed=2)

    assert checksum() != first


def test_records_saved_afterwards_get_fresh_ids(generated):
    highest = Investor.objects.order_by("-pk").first().pk

    investor = InvestorFactory(name="Saved after generation")

    assert investor.pk > highest
    assert [entry.history_type for entry in investor.history.all()] == ["+"]


def test_it_refuses_a_database_with_crm_data():
    InvestorFactory(name="Already here")

    with pytest.raises(CommandError, match="--append or --flush"):
        generate()

    assert Investor.objects.count() == 1


def test_flush_replaces_what_was_there():
    InvestorFactory(name="Already here")

    generate(flush=True)

    assert Investor.objects.count() == 50
    assert not Investor.objects.filter(name="Already here").exists()


def test_append_adds_records_after_the_existing_ones_with_unique_names(generated):
    highest = Stake.objects.order_by("-pk").first().pk

    generate(append=True, seed=2)

    assert Investor.objects.count() == 100
    assert Stake.objects.count() == 600
    # The sector tree and the months' rates already on file are reused.
    assert Sector.objects.count() == 48
    names = [name.lower() for name in Investor.objects.values_list("name", flat=True)]
    assert len(set(names)) == len(names)
    appended = Stake.objects.filter(pk__gt=highest)
    assert not appended.exclude(round__company=F("company")).exclude(round=None)
    for stake in appended:
        assert stake.amount_usd == fx.to_usd(stake.amount, stake.currency, stake.as_of)
        assert stake.history.count() == 1


def test_it_refuses_to_run_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        generate()

    assert not Investor.objects.exists()


def test_it_reports_rows_per_second_and_peak_memory(generated):
    assert "portfolio_stake" in generated
    assert "history_historicalstake" in generated
    assert "rows/s" in generated
    assert "Peak memory:" in generated


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Only PostgreSQL defers indexes."
)
def test_indexes_and_constraints_are_as_before_after_the_load():
    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "UNION ALL SELECT pg_get_constraintdef(oid) || conname "
                "FROM pg_constraint WHERE connamespace = to_regnamespace(current_schema()) "
                "ORDER BY 1"
            )
            return [row for (row,) in cursor.fetchall()]

    before = schema()

    generate()

    assert schema() == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("keep_indexes", [False, True])
def test_a_row_breaking_a_foreign_key_undoes_the_whole_run(monkeypatch, keep_indexes):
    """Foreign keys are checked after the load or at commit: all or nothing."""
    original = activity.interaction_contacts

    def with_a_stranger(reg, rng):
        yield from original(reg, rng)
        yield (10**9, reg.first_ids["notes.Interaction"], 10**9)

    monkeypatch.setattr(activity, "interaction_contacts", with_a_stranger)

    with pytest.raises(IntegrityError):
        generate(keep_indexes=keep_indexes)

    assert not Investor.objects.exists()
    assert not InteractionContact.objects.exists()


def test_it_refuses_more_stakes_than_investors_and_rounds_allow():
    with pytest.raises(CommandError, match="one stake per investor per round"):
        generate(investors=2, companies=1, stakes=100)

    assert not Stake.objects.exists()
