import datetime
import html
import re
from decimal import Decimal

import pytest

from crm.investors.models import Contact, Investor
from crm.notes.models import Interaction
from crm.portfolio.models import Stake
from tests.admin_pages import (
    add_url,
    change_url,
    changelist_url,
    delete_url,
    filter_choices,
    listed,
    management_form,
    sorted_by,
)
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    ExchangeRateFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def at(day):
    return datetime.datetime(2018, 7, day, 9, tzinfo=datetime.UTC)


def investor_post_data(investor, **changes):
    """What the investor change form posts back unchanged, plus `changes`."""
    return {
        "name": investor.name,
        "kind": investor.kind,
        "country": investor.country.code,
        "city": investor.city,
        "website": investor.website,
        "owner": investor.owner_id or "",
        "description": investor.description,
        "sectors": [sector.pk for sector in investor.sectors.all()],
        "check_size_min_usd": "",
        "check_size_max_usd": "",
        "aum_usd": "",
        **management_form("contacts"),
        **management_form("stakes"),
        **changes,
    }


def test_the_investor_changelist_shows_each_investors_figures(deal_client):
    alibaba = InvestorFactory(name="Alibaba Group")
    StakeFactory(investor=alibaba, amount=Decimal("600000000"))
    StakeFactory(investor=alibaba, amount=Decimal("400000000"))
    for day in (1, 2, 3):
        InteractionFactory(investor=alibaba, occurred_at=at(day))
    hopu = InvestorFactory(name="HOPU Capital")

    response = deal_client.get(changelist_url(Investor))

    rows = {investor.name: investor for investor in listed(response)}
    # Two stakes and three logged contacts: the sum of the two stakes, no fan-out.
    assert rows["Alibaba Group"].total_stake_usd == Decimal("1000000000.00")
    assert rows["Alibaba Group"].largest_stake_usd == Decimal("600000000.00")
    assert rows["Alibaba Group"].portfolio_count == 2
    assert rows["Alibaba Group"].last_interaction_at == at(3)
    assert rows["HOPU Capital"].total_stake_usd == 0
    assert rows["HOPU Capital"].largest_stake_usd is None
    assert rows["HOPU Capital"].last_interaction_at is None
    assert hopu in rows.values()
    assert "USD 1,000,000,000" in response.text
    assert "USD 600,000,000" in response.text


def test_the_investor_change_form_shows_figures_contacts_and_stakes(deal_client):
    investor = InvestorFactory(name="Silver Lake Partners")
    ContactFactory(investor=investor, first_name="Egon", last_name="Durban")
    StakeFactory(
        investor=investor,
        company=CompanyFactory(name="SenseTime"),
        amount=Decimal("25000000"),
    )

    response = deal_client.get(change_url(investor))

    assert response.status_code == 200
    assert "Durban" in response.text
    assert "SenseTime" in response.text
    assert "USD 25,000,000" in response.text
    assert "Figures" in response.text


def test_the_investor_add_form_makes_you_the_owner(deal_client, deal_team_user):
    response = deal_client.get(add_url(Investor))

    assert response.status_code == 200
    assert response.context["adminform"].form.initial["owner"] == deal_team_user.pk


def test_the_deal_team_adds_an_investor_with_a_contact(deal_client):
    response = deal_client.post(
        add_url(Investor),
        {
            "name": "HOPU Capital",
            "kind": Investor.Kind.PRIVATE_EQUITY,
            "country": "CN",
            "city": "Beijing",
            "website": "",
            "owner": "",
            "description": "",
            **management_form("contacts", total=1),
            "contacts-0-first_name": "Fang",
            "contacts-0-last_name": "Fenglei",
            "contacts-0-title": "Chairman",
            "contacts-0-email": "",
            "contacts-0-phone": "",
            **management_form("stakes"),
        },
    )

    assert response.status_code == 302
    investor = Investor.objects.get(name="HOPU Capital")
    assert investor.country == "CN"
    assert [str(contact) for contact in investor.contacts.all()] == ["Fang Fenglei"]


def test_a_duplicate_investor_name_is_an_error_on_the_name_field(deal_client):
    InvestorFactory(name="SoftBank Vision Fund")

    response = deal_client.post(
        add_url(Investor),
        {
            "name": "softbank vision fund",
            "kind": Investor.Kind.VENTURE_CAPITAL,
            **management_form("contacts"),
            **management_form("stakes"),
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "An investor with this name already exists."
    ]


def test_a_stake_added_inline_gets_its_usd_value_from_the_rate(deal_client):
    ExchangeRateFactory(
        currency="CNY",
        usd_per_unit=Decimal("0.15"),
        valid_from=datetime.date(2018, 1, 1),
    )
    investor = InvestorFactory(name="Alibaba Group")
    company = CompanyFactory(name="SenseTime")

    response = deal_client.post(
        change_url(investor),
        investor_post_data(
            investor,
            **management_form("stakes", total=1),
            **{
                "stakes-0-company": company.pk,
                "stakes-0-round": "",
                "stakes-0-status": Stake.Status.COMMITTED,
                "stakes-0-amount": "1000000",
                "stakes-0-currency": "CNY",
                "stakes-0-ownership_pct": "",
                "stakes-0-as_of": "2018-05-01",
            },
        ),
    )

    assert response.status_code == 302
    stake = Stake.objects.get(investor=investor)
    assert stake.company == company
    assert stake.amount_usd == Decimal("150000.00")


def test_a_stake_in_a_currency_without_a_rate_is_an_error_in_its_row(deal_client):
    investor = InvestorFactory(name="Alibaba Group")
    company = CompanyFactory(name="SenseTime")

    response = deal_client.post(
        change_url(investor),
        investor_post_data(
            investor,
            **management_form("stakes", total=1),
            **{
                "stakes-0-company": company.pk,
                "stakes-0-status": Stake.Status.COMMITTED,
                "stakes-0-amount": "1000000",
                "stakes-0-currency": "HKD",
                "stakes-0-as_of": "2018-05-01",
            },
        ),
    )

    assert response.status_code == 200
    stakes_formset = response.context["inline_admin_formsets"][1].formset
    assert stakes_formset.errors[0]["currency"] == [
        "No exchange rate for HKD on or before 2018-05-01."
    ]
    assert not Stake.objects.exists()


def log_a_contact_link(response):
    """The address behind the investor page's "Log a contact" button."""
    match = re.search(
        r'<a class="crm-log-contact" href="([^"]+)">Log a contact</a>', response.text
    )
    assert match, "no Log a contact button"
    return html.unescape(match.group(1))


def test_the_investor_page_links_to_log_a_contact_and_to_its_contact_log(
    deal_client,
):
    investor = InvestorFactory(name="Fidelity International")

    response = deal_client.get(change_url(investor))

    assert log_a_contact_link(response).startswith(
        f"{add_url(Interaction)}?investor={investor.pk}&"
    )
    contact_log = f"{changelist_url(Interaction)}?investor__id__exact={investor.pk}"
    assert f'href="{contact_log}"' in response.text


def test_the_log_a_contact_form_opens_with_the_investor_filled_in(deal_client):
    investor = InvestorFactory(name="Fidelity International")
    link = log_a_contact_link(deal_client.get(change_url(investor)))

    response = deal_client.get(link)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form["investor"].value() == str(investor.pk)
    # The autocomplete widget renders the chosen investor as selected.
    assert f'<option value="{investor.pk}" selected>Fidelity International' in (
        response.text
    )


def test_a_contact_logged_from_the_investor_page_lands_on_its_contact_log(
    deal_client, deal_team_user
):
    investor = InvestorFactory(name="Fidelity International")
    link = log_a_contact_link(deal_client.get(change_url(investor)))

    response = deal_client.post(
        link,
        {
            "kind": Interaction.Kind.CALL,
            "occurred_at_0": "2018-07-02",
            "occurred_at_1": "10:00:00",
            "investor": investor.pk,
            "summary": "Intro call",
        },
    )

    assert response.status_code == 302
    assert response.url == (
        f"{changelist_url(Interaction)}?investor__id__exact={investor.pk}"
    )
    interaction = Interaction.objects.get()
    assert interaction.investor == investor
    assert interaction.logged_by == deal_team_user


def test_an_analyst_does_not_see_the_log_a_contact_button(client, analyst_user):
    investor = InvestorFactory(name="Fidelity International")
    client.force_login(analyst_user)

    response = client.get(change_url(investor))

    assert response.status_code == 200
    assert "Log a contact" not in response.text


def test_the_kind_filter_lists_only_that_kind(deal_client):
    bank = InvestorFactory(name="A Bank", kind=Investor.Kind.BANK)
    InvestorFactory(name="A Fund", kind=Investor.Kind.VENTURE_CAPITAL)

    response = deal_client.get(changelist_url(Investor), {"kind__exact": "bank"})

    assert listed(response) == [bank]


def test_the_country_filter_offers_the_countries_in_use_and_filters_by_one(
    deal_client,
):
    alibaba = InvestorFactory(name="Alibaba Group", country="CN")
    InvestorFactory(name="Silver Lake Partners", country="US")

    response = deal_client.get(changelist_url(Investor), {"country": "CN"})

    assert listed(response) == [alibaba]
    assert filter_choices(response, "HQ country") == [
        ("All", False),
        ("China", True),
        ("United States of America", False),
    ]


def test_the_sector_filter_includes_sub_sectors(deal_client):
    ai = SectorFactory(name="Artificial intelligence", slug="ai")
    vision = SectorFactory(name="Computer vision", slug="cv", parent=ai)
    fintech = SectorFactory(name="Fintech", slug="fintech")
    generalist = InvestorFactory(name="Generalist", sectors=[ai, fintech])
    specialist = InvestorFactory(name="Specialist", sectors=[vision])
    InvestorFactory(name="Payments", sectors=[fintech])

    # Sectors are named by slug, as in the API.
    in_ai = deal_client.get(changelist_url(Investor), {"sector": "ai"})
    in_vision = deal_client.get(changelist_url(Investor), {"sector": "cv"})

    assert listed(in_ai) == [generalist, specialist]
    assert listed(in_vision) == [specialist]


def test_the_sector_filter_shows_the_tree_with_children_indented(deal_client):
    ai = SectorFactory(name="Artificial intelligence", slug="ai")
    SectorFactory(name="Robotics", slug="robotics", parent=ai)
    vision = SectorFactory(name="Computer vision", slug="cv", parent=ai)
    SectorFactory(name="Face recognition", slug="faces", parent=vision)
    SectorFactory(name="Biotech", slug="biotech")

    response = deal_client.get(changelist_url(Investor))

    indent = "\u00a0" * 4
    assert filter_choices(response, "focus sector (declared)") == [
        ("All", True),
        ("Artificial intelligence", False),
        (f"{indent}Computer vision", False),
        (f"{indent * 2}Face recognition", False),
        (f"{indent}Robotics", False),
        ("Biotech", False),
    ]


def test_an_unknown_sector_in_the_filter_is_refused(deal_client):
    SectorFactory(name="Artificial intelligence", slug="ai")

    response = deal_client.get(changelist_url(Investor), {"sector": "no-such-sector"})

    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_the_owner_filter_lists_the_investors_a_user_owns(deal_client):
    owner = UserFactory(username="maria", is_staff=True)
    owned = InvestorFactory(name="Owned", owner=owner)
    InvestorFactory(name="Unowned")

    response = deal_client.get(changelist_url(Investor), {"owner__id__exact": owner.pk})

    assert listed(response) == [owned]


@pytest.fixture
def investors_by_stake_size():
    """An investor at each edge of each bucket, named after where it belongs."""

    def investor(name, *amounts, status=Stake.Status.CLOSED):
        investor = InvestorFactory(name=name)
        for amount in amounts:
            StakeFactory(investor=investor, amount=Decimal(amount), status=status)
        return investor

    investor("under 10M", "9999999.99")
    investor("10M-100M low", "10000000.00")
    # The largest stake counts, not the total (3M + 20M).
    investor("10M-100M two stakes", "3000000", "20000000")
    investor("10M-100M high", "99999999.99")
    investor("100M-1B low", "100000000.00")
    investor("100M-1B high", "999999999.99")
    investor("1B and over", "1000000000.00")
    investor("no stakes")
    # A declined stake never became a position.
    investor("no stakes, one declined", "5000000000", status=Stake.Status.DECLINED)


@pytest.mark.parametrize(
    ("bucket", "expected"),
    [
        ("under_10m", ["under 10M"]),
        ("10m_100m", ["10M-100M high", "10M-100M low", "10M-100M two stakes"]),
        ("100m_1b", ["100M-1B high", "100M-1B low"]),
        ("1b_plus", ["1B and over"]),
        ("none", ["no stakes", "no stakes, one declined"]),
    ],
)
def test_the_stake_size_filter_puts_each_investor_in_its_bucket(
    deal_client, investors_by_stake_size, bucket, expected
):
    response = deal_client.get(changelist_url(Investor), {"stake_size": bucket})

    assert [investor.name for investor in listed(response)] == expected


def test_the_stake_size_filter_offers_exactly_the_five_buckets(deal_client):
    response = deal_client.get(changelist_url(Investor))

    assert [label for label, _ in filter_choices(response, "stake size")] == [
        "All",
        "Under $10M",
        "$10M–$100M",
        "$100M–$1B",
        "$1B and over",
        "No held stakes",
    ]


@pytest.fixture
def three_investors():
    """Figures that order each derived column differently."""
    a = InvestorFactory(name="A")
    StakeFactory(investor=a, amount=Decimal("20000000"))
    StakeFactory(investor=a, amount=Decimal("10000000"))
    InteractionFactory(investor=a, occurred_at=at(3))
    b = InvestorFactory(name="B")
    StakeFactory(investor=b, amount=Decimal("25000000"))
    InteractionFactory(investor=b, occurred_at=at(1))
    InvestorFactory(name="C")  # no stakes, never contacted


@pytest.mark.parametrize(
    ("column", "ascending"),
    [
        ("total_stake", ["C", "B", "A"]),  # 0, 25M, 30M
        ("largest_stake", ["C", "A", "B"]),  # none, 20M, 25M
        ("companies", ["C", "B", "A"]),  # 0, 1, 2
        ("last_contact", ["C", "B", "A"]),  # never, 1 July, 3 July
    ],
)
def test_investors_sort_by_each_derived_column(
    deal_client, three_investors, column, ascending
):
    up = sorted_by(deal_client, Investor, column)
    down = sorted_by(deal_client, Investor, column, descending=True)

    assert [investor.name for investor in up] == ascending
    assert [investor.name for investor in down] == ascending[::-1]


def test_deleting_an_investor_with_stakes_is_refused_naming_them(client, superuser):
    investor = InvestorFactory(name="SoftBank Vision Fund")
    StakeFactory(investor=investor, company=CompanyFactory(name="SenseTime"))
    client.force_login(superuser)

    page = client.get(delete_url(investor))
    attempt = client.post(delete_url(investor), {"post": "yes"})

    assert "would require deleting the following protected related objects" in (
        page.text
    )
    assert "SoftBank Vision Fund in SenseTime" in page.text
    assert attempt.status_code == 200
    assert Investor.objects.filter(pk=investor.pk).exists()


def test_the_deal_team_cannot_delete_an_investor(deal_client):
    investor = InvestorFactory(name="HOPU Capital")

    response = deal_client.post(delete_url(investor), {"post": "yes"})

    assert response.status_code == 403
    assert Investor.objects.filter(pk=investor.pk).exists()


def make_investors(count, owner, sector):
    for _ in range(count):
        investor = InvestorFactory(owner=owner, sectors=[sector], country="CN")
        company = CompanyFactory(sector=sector)
        StakeFactory(investor=investor, company=company, amount=Decimal("200000000"))
        StakeFactory(investor=investor, amount=Decimal("50000000"))
        InteractionFactory(investor=investor, logged_by=owner)


@pytest.mark.parametrize(
    "params",
    [
        {},
        # The benchmark's A1: a filter on the largest stake, a figure.
        {"stake_size": "100m_1b"},
        {"kind__exact": "venture_capital", "country": "CN", "owner__id__exact": "me"},
        # The flagship question: one EXISTS over the stakes, in the page's query.
        {"country": "CN", "portfolio_sector": "ai", "stake_min": "1"},
    ],
)
def test_the_investor_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, deal_team_user, django_assert_num_queries, params
):
    if params.get("owner__id__exact") == "me":
        params = {**params, "owner__id__exact": deal_team_user.pk}
    sector = SectorFactory(name="Artificial intelligence", slug="ai")
    # 1 session, 2 user, 3-4 the user's and its groups' permissions, 5 the
    # confidential rounds the user's teams see (read once per request,
    # crm.portfolio.walls), 6-7 sectors for the focus-sector and the holdings
    # filters (each lists the tree), 8 users for the owner filter, 9 count of
    # the filtered investors (up to the cap, crm.core.admin_pagination; no
    # second, unfiltered count), 10 the page of investors with owners and
    # their figures, 11 HQ countries in use for the country filter.
    expected_queries = 11

    make_investors(3, deal_team_user, sector)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Investor), params)
    assert len(listed(response)) == 3

    make_investors(3, deal_team_user, sector)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Investor), params)
    assert len(listed(response)) == 6


def test_the_contact_changelist_and_change_form_open(deal_client):
    contact = ContactFactory(
        investor=InvestorFactory(name="Alibaba Group"),
        first_name="Joe",
        last_name="Tsai",
        title="Executive vice chairman",
    )

    changelist = deal_client.get(changelist_url(Contact))
    change_form = deal_client.get(change_url(contact))

    assert listed(changelist) == [contact]
    assert change_form.status_code == 200
    assert "Executive vice chairman" in change_form.text


def test_contacts_filter_by_their_investors_kind_and_country(deal_client):
    at_bank = ContactFactory(
        investor=InvestorFactory(kind=Investor.Kind.BANK, country="HK")
    )
    ContactFactory(investor=InvestorFactory(kind=Investor.Kind.STRATEGIC, country="CN"))

    by_kind = deal_client.get(
        changelist_url(Contact), {"investor__kind__exact": "bank"}
    )
    by_country = deal_client.get(changelist_url(Contact), {"investor__country": "HK"})

    assert listed(by_kind) == [at_bank]
    assert listed(by_country) == [at_bank]


def test_contacts_are_found_by_their_investors_name(deal_client):
    joe = ContactFactory(investor=InvestorFactory(name="Alibaba Group"))
    ContactFactory(investor=InvestorFactory(name="HOPU Capital"))

    response = deal_client.get(changelist_url(Contact), {"q": "alibaba"})

    assert listed(response) == [joe]


def test_the_contact_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, django_assert_num_queries
):
    # 1 session, 2 user, 3-4 permissions, 5 count of the filtered contacts (up
    # to the cap, crm.core.admin_pagination; no second, unfiltered count),
    # 6 the page of contacts with their investors, 7 HQ countries in use among
    # investors for the country filter.
    expected_queries = 7

    ContactFactory.create_batch(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Contact))
    assert len(listed(response)) == 3

    ContactFactory.create_batch(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Contact))
    assert len(listed(response)) == 6
