import datetime
from decimal import Decimal

import pytest

from crm.core.models import ExchangeRate, Sector
from tests.admin_pages import (
    add_url,
    change_url,
    changelist_url,
    delete_url,
    filter_choices,
    listed,
)
from tests.factories import (
    EVERY_CRM_FACTORY,
    CompanyFactory,
    ContactFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InvestorFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db

EVERY_CRM_MODEL = pytest.mark.parametrize(
    "factory",
    EVERY_CRM_FACTORY,
    ids=lambda factory: factory._meta.model.__name__,
)


# Permissions of the two groups, on every CRM model


@EVERY_CRM_MODEL
def test_an_analyst_reads_every_changelist_and_change_form(analyst_client, factory):
    obj = factory()
    model = type(obj)

    changelist = analyst_client.get(changelist_url(model))
    change_form = analyst_client.get(change_url(obj))

    assert obj in listed(changelist)
    assert change_form.status_code == 200
    assert change_form.context["title"].startswith("View ")
    assert 'name="_save"' not in change_form.text


@EVERY_CRM_MODEL
def test_an_analyst_cannot_add_or_change(analyst_client, factory):
    obj = factory()
    model = type(obj)
    before = model.objects.values().get(pk=obj.pk)

    add_page = analyst_client.get(add_url(model))
    add_post = analyst_client.post(add_url(model), {})
    change_post = analyst_client.post(change_url(obj), {})

    assert add_page.status_code == 403
    assert add_post.status_code == 403
    assert change_post.status_code == 403
    assert model.objects.count() == 1
    assert model.objects.values().get(pk=obj.pk) == before


@EVERY_CRM_MODEL
def test_the_deal_team_opens_every_add_and_change_form(deal_client, factory):
    obj = factory()
    model = type(obj)

    add_page = deal_client.get(add_url(model))
    change_form = deal_client.get(change_url(obj))

    assert add_page.status_code == 200
    assert change_form.status_code == 200
    assert 'name="_save"' in change_form.text


@EVERY_CRM_MODEL
def test_the_deal_team_deletes_only_contact_logs_and_notes(deal_client, factory):
    obj = factory()
    may_delete = type(obj).__name__ in {"Interaction", "DealNote"}

    response = deal_client.get(delete_url(obj))

    assert response.status_code == (200 if may_delete else 403)


def test_the_deal_team_adds_an_exchange_rate(deal_client):
    response = deal_client.post(
        add_url(ExchangeRate),
        {"currency": "HKD", "usd_per_unit": "0.1274", "valid_from": "2018-01-01"},
    )

    assert response.status_code == 302
    rate = ExchangeRate.objects.get()
    assert rate.currency == "HKD"
    assert rate.usd_per_unit == Decimal("0.1274")


def test_a_usd_rate_other_than_one_is_an_error_on_the_rate(deal_client):
    response = deal_client.post(
        add_url(ExchangeRate),
        {"currency": "USD", "usd_per_unit": "1.1", "valid_from": "2018-01-01"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["usd_per_unit"] == [
        "One US dollar is always worth 1 USD."
    ]
    assert not ExchangeRate.objects.exists()


# Sectors and exchange rates


def test_the_sector_changelist_and_change_form_open(deal_client, sector_tree):
    changelist = deal_client.get(changelist_url(Sector))
    change_form = deal_client.get(change_url(sector_tree.vision))

    assert listed(changelist) == [
        sector_tree.ai,
        sector_tree.vision,
        sector_tree.fintech,
    ]
    assert change_form.status_code == 200
    assert "Artificial intelligence" in change_form.text


def test_the_sector_parent_filter_lists_a_sectors_children(deal_client, sector_tree):
    ai, vision, _ = sector_tree

    response = deal_client.get(changelist_url(Sector), {"parent__id__exact": ai.pk})

    assert listed(response) == [vision]
    # Only sectors that have children are offered; "-" lists the top level.
    assert filter_choices(response, "parent") == [
        ("All", False),
        ("Artificial intelligence", True),
        ("-", False),
    ]


def test_a_sector_cannot_move_below_its_own_sub_sector(deal_client, sector_tree):
    ai, vision, _ = sector_tree

    response = deal_client.post(
        change_url(ai), {"name": ai.name, "slug": ai.slug, "parent": vision.pk}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "A sector cannot sit below itself or one of its sub-sectors."
    ]


def test_the_exchange_rate_changelist_and_change_form_open(deal_client):
    rate = ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )

    changelist = deal_client.get(changelist_url(ExchangeRate))
    change_form = deal_client.get(change_url(rate))

    assert listed(changelist) == [rate]
    assert change_form.status_code == 200


def test_exchange_rates_filter_by_the_currencies_on_file(deal_client):
    cny = ExchangeRateFactory(currency="CNY", valid_from=datetime.date(2018, 1, 1))
    ExchangeRateFactory(
        currency="EUR",
        usd_per_unit=Decimal("1.2"),
        valid_from=datetime.date(2018, 1, 1),
    )

    response = deal_client.get(changelist_url(ExchangeRate), {"currency": "CNY"})

    assert listed(response) == [cny]
    assert filter_choices(response, "currency") == [
        ("All", False),
        ("CNY", True),
        ("EUR", False),
    ]


def test_the_sector_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, django_assert_num_queries
):
    root = SectorFactory(name="Root", slug="root")
    # 1 session, 2 user, 3-4 the user's and its groups' permissions, 5 parents
    # for the parent filter, 6 count of the filtered sectors (up to the cap,
    # crm.core.admin_pagination), 7 count of all sectors, 8 the page of
    # sectors with their parents.
    expected_queries = 8

    SectorFactory.create_batch(2, parent=root)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Sector))
    assert len(listed(response)) == 3

    SectorFactory.create_batch(3, parent=root)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Sector))
    assert len(listed(response)) == 6


def test_the_exchange_rate_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, django_assert_num_queries
):
    def make_rates(first_day, count):
        for day in range(first_day, first_day + count):
            ExchangeRateFactory(valid_from=datetime.date(2018, 1, day))

    # 1 session, 2 user, 3-4 permissions, 5 count of the filtered rates (up to
    # the cap, crm.core.admin_pagination), 6 count of all rates, 7 the page of
    # rates, 8-9 the date hierarchy's range and its days, 10 currencies on
    # file for the currency filter.
    expected_queries = 10

    make_rates(1, 3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(ExchangeRate))
    assert len(listed(response)) == 3

    make_rates(4, 3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(ExchangeRate))
    assert len(listed(response)) == 6


# The admin index


def test_the_index_offers_the_deal_teams_shortcuts(deal_client):
    response = deal_client.get("/admin/")

    assert response.status_code == 200
    assert "admin-crm.css" in response.text
    assert '<form method="get" action="/admin/investors/investor/">' in response.text
    assert 'href="/admin/notes/interaction/add/">Log a contact</a>' in response.text
    assert 'href="/admin/notes/interaction/my-follow-ups/"' in response.text


def test_an_analyst_has_no_log_a_contact_shortcut(analyst_client):
    response = analyst_client.get("/admin/")

    assert response.status_code == 200
    assert "Find an investor" in response.text
    assert "Log a contact" not in response.text


# Autocomplete


@pytest.mark.parametrize(
    ("source", "field", "target_factory"),
    [
        ("core.sector", "parent", SectorFactory),
        ("investors.investor", "sectors", SectorFactory),
        ("investors.contact", "investor", InvestorFactory),
        ("portfolio.company", "sector", SectorFactory),
        ("portfolio.fundinground", "company", CompanyFactory),
        ("portfolio.stake", "investor", InvestorFactory),
        ("portfolio.stake", "company", CompanyFactory),
        ("portfolio.stake", "round", FundingRoundFactory),
        ("notes.interaction", "investor", InvestorFactory),
        ("notes.interaction", "contacts", ContactFactory),
        ("notes.interaction", "company", CompanyFactory),
        ("notes.interaction", "round", FundingRoundFactory),
        ("notes.dealnote", "investor", InvestorFactory),
        ("notes.dealnote", "company", CompanyFactory),
        ("notes.dealnote", "round", FundingRoundFactory),
    ],
)
def test_every_autocomplete_serves_the_deal_team(
    deal_client, source, field, target_factory
):
    target = target_factory()
    app_label, model_name = source.split(".")

    response = deal_client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field},
    )

    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(target.pk), "text": str(target)}]
