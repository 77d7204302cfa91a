import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum

from crm.core.models import ExchangeRate, Sector
from crm.demo import data
from crm.investors.models import Contact
from crm.notes.models import DealNote, Interaction
from crm.portfolio.models import Company, FundingRound, Stake
from crm.search.search import search
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RECORD_COUNT = sum(
    len(records)
    for records in (
        data.USERS,
        data.SECTORS,
        data.EXCHANGE_RATES,
        data.INVESTORS,
        data.CONTACTS,
        data.COMPANIES,
        data.ROUNDS,
        data.STAKES,
        data.INTERACTIONS,
        data.RECENT_INTERACTIONS,
        data.DEAL_NOTES,
    )
)


def seed_demo():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue().strip()


def snapshot():
    """Every row of every CRM table (and the users and their groups), as dicts."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in ("auth", "core", "investors", "portfolio", "notes")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


@pytest.fixture
def seeded():
    return seed_demo()


def test_the_first_run_creates_every_record():
    assert seed_demo() == f"Demo data: {RECORD_COUNT} created, 0 updated, 0 unchanged."


def test_running_it_twice_changes_nothing(seeded):
    before = snapshot()

    output = seed_demo()

    assert output == f"Demo data: 0 created, 0 updated, {RECORD_COUNT} unchanged."
    assert snapshot() == before


def test_it_brings_an_edited_record_back_in_line(seeded):
    Company.objects.filter(name="SenseTime").update(city="Shanghai")

    output = seed_demo()

    assert output == f"Demo data: 0 created, 1 updated, {RECORD_COUNT - 1} unchanged."
    assert Company.objects.get(name="SenseTime").city == "Beijing"


def test_it_refuses_to_run_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed_demo()

    assert not Company.objects.exists()


def test_sensetime_is_valued_at_the_reported_4_5_billion(seeded):
    sensetime = Company.objects.with_figures().get(name="SenseTime")

    assert sensetime.latest_valuation_usd == Decimal("4500000000.00")
    # $2.42B reported over its closed rounds, and the open Series D's
    # committed and closed stakes ($300M), which roll up into its raised figure.
    assert sensetime.total_raised_usd == Decimal("2720000000.00")
    assert sensetime.sector.slug == "computer-vision"
    assert (sensetime.country, sensetime.city) == ("CN", "Beijing")
    assert sensetime.founded_year == 2014
    assert sensetime.status == Company.Status.PRIVATE


def test_sensetime_raised_the_reported_1_2_billion_in_2017(seeded):
    raised = FundingRound.objects.filter(
        company__name="SenseTime", announced_on__year=2017
    ).aggregate(total=Sum("raised_amount_usd"))["total"]

    assert raised == Decimal("1200000000.00")


def test_sensetimes_next_round_could_reach_2_billion(seeded):
    series_d = FundingRound.objects.get(company__name="SenseTime", name="Series D")

    assert series_d.status == FundingRound.Status.OPEN
    assert series_d.target_amount_usd == Decimal("2000000000.00")
    assert series_d.announced_on == datetime.date(2018, 7, 10)


def test_the_investors_of_the_report_hold_closed_stakes_in_sensetime(seeded):
    closed = Stake.objects.filter(company__name="SenseTime", status=Stake.Status.CLOSED)

    assert {
        "Alibaba Group",
        "Fidelity International",
        "Silver Lake Partners",
        "HOPU Capital",
    } <= set(closed.values_list("investor__name", flat=True))
    assert closed.get(investor__name="Alibaba Group").is_lead


def test_softbank_vision_fund_is_in_talks_for_just_under_a_billion(seeded):
    stake = Stake.objects.get(investor__name="SoftBank Vision Fund")

    assert stake.company.name == "SenseTime"
    assert stake.round.name == "Series D"
    assert stake.status == Stake.Status.IN_TALKS
    assert stake.amount_usd == Decimal("950000000.00")


def test_the_renminbi_stake_is_converted_at_the_rate_of_its_date(seeded):
    stake = Stake.objects.get(currency="CNY")
    rate = ExchangeRate.objects.filter(
        currency="CNY", valid_from__lte=stake.as_of
    ).latest("valid_from")

    assert stake.investor.name == "HOPU Capital"
    assert rate.valid_from == datetime.date(2018, 4, 1)
    assert stake.amount_usd == (stake.amount * rate.usd_per_unit).quantize(
        Decimal("0.01")
    )
    assert stake.amount_usd == Decimal("159000000.00")


def test_every_stake_says_where_its_figure_comes_from(seeded):
    sources = list(Stake.objects.values_list("source", flat=True))

    assert len(sources) == len(data.STAKES)
    # The report gives no investor's cheque, so every figure is illustrative.
    assert all("illustrative" in source.lower() for source in sources)


def test_megvii_is_found_by_its_alias(seeded):
    assert [company.name for company in Company.objects.matching("face++")] == [
        "Megvii"
    ]


def test_chinese_names_read_family_name_first_and_are_found(seeded):
    viewer = UserFactory(is_superuser=True, is_staff=True)

    found = {
        kind.name: [result.title for result in results]
        for text in ("王军", "阿里巴巴")
        for kind, results in search(viewer, text).items()
    }

    assert str(Contact.objects.get(email="jun.wang@alibaba.example.com")) == "王军"
    assert found == {"contact": ["王军"], "investor": ["Alibaba Group"]}


def test_computer_vision_sits_under_artificial_intelligence(seeded):
    ai = Sector.objects.get(slug="artificial-intelligence")

    assert Sector.objects.get(slug="computer-vision").parent == ai
    assert {"SenseTime", "Megvii", "Yitu Technology"} <= set(
        Company.objects.in_sectors([ai]).values_list("name", flat=True)
    )


def test_a_pinned_note_quotes_alibabas_executive_vice_chairman(seeded):
    note = DealNote.objects.get(title="Alibaba on SenseTime's R&D")

    assert note.pinned
    assert "Joe Tsai" in note.body
    assert "“especially impressed”" in note.body
    assert note.author.username == "ana.lima"


def test_the_contact_log_has_follow_ups_due_and_done(seeded):
    due = Interaction.objects.follow_up_due(on=datetime.date(2018, 7, 31))

    assert [interaction.summary for interaction in due] == [
        "Vision Fund discusses a stake of almost $1B"
    ]
    assert Interaction.objects.filter(follow_up_done=True).count() == 5
    assert not Interaction.objects.filter(occurred_at__year__lt=2018).exists()


def test_the_deal_team_users_have_no_usable_password(seeded):
    users = {interaction.logged_by for interaction in Interaction.objects.all()} | {
        note.author for note in DealNote.objects.all()
    }

    assert {user.username for user in users} == {"ana.lima", "ben.okafor"}
    for user in users:
        assert not user.has_usable_password()
        assert list(user.groups.values_list("name", flat=True)) == ["Deal team"]


def test_contacts_have_example_addresses_only(seeded):
    emails = Contact.objects.values_list("email", flat=True)

    assert all(email.endswith(".example.com") for email in emails)
