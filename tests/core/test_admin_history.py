"""The admin's History page: every change with its field-level differences."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from crm.core.models import Sector, Team
from crm.core.versions import record_version
from crm.investors.models import Investor
from crm.portfolio.models import FundingRound
from tests.admin_pages import change_url
from tests.factories import (
    CompanyFactory,
    ExchangeRateFactory,
    FundingRoundFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def revert_url(obj, entry):
    opts = obj._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, entry.history_id],
    )


def changes_shown(response):
    """(change, who, [(field, old, new), ...]) for each row of a History page, newest first."""
    assert response.status_code == 200
    return [
        (
            record.get_history_type_display(),
            record.history_user,
            [
                (change["field"], str(change["old"]), str(change["new"]))
                for change in getattr(record, "history_delta_changes", [])
            ],
        )
        for record in response.context["page_obj"]
    ]


def test_an_investors_history_page_shows_each_changed_fields_old_and_new_value(
    client, superuser, sector_tree
):
    ai = sector_tree.ai
    investor = InvestorFactory(name="HOPU Capital", city="Beijing")
    client.force_login(superuser)
    client.post(
        change_url(investor),
        {
            "name": "HOPU Investments",
            "kind": investor.kind,
            "country": "HK",
            "city": "Hong Kong",
            "sectors": [ai.pk],
            "_opened_version": record_version(investor),
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "stakes-TOTAL_FORMS": "0",
            "stakes-INITIAL_FORMS": "0",
        },
    )

    response = client.get(history_url(investor))

    assert changes_shown(response) == [
        (
            "Changed",
            superuser,
            [
                ("City", "Beijing", "Hong Kong"),
                ("HQ country", "US", "HK"),
                ("Name", "HOPU Capital", "HOPU Investments"),
                ("Sectors", "[]", "[Artificial intelligence]"),
            ],
        ),
        ("Created", None, []),
    ]
    assert "HOPU Capital&nbsp;&rarr;&nbsp;&nbsp;HOPU Investments" in (
        response.content.decode().replace("\n", "").replace("  ", "")
    )


def test_a_stakes_history_page_shows_its_usd_value_changing(client, superuser):
    ExchangeRateFactory(currency="CNY", usd_per_unit=Decimal("0.15"))
    stake = StakeFactory(
        amount=Decimal("1000000.00"), currency="CNY", as_of=datetime.date(2018, 5, 1)
    )
    stake.amount = Decimal("2000000.00")
    stake.full_clean()
    stake.save()
    client.force_login(superuser)

    [(_, _, changes), _] = changes_shown(client.get(history_url(stake)))

    assert changes == [
        ("Amount", "1000000.00", "2000000.00"),
        ("Amount (USD)", "150000.00", "300000.00"),
    ]


def test_a_history_page_names_no_round_the_reader_may_not_see(client, superuser):
    member = UserFactory(username="member", groups=["Deal team"], is_staff=True)
    outsider = UserFactory(username="outsider", groups=["Deal team"], is_staff=True)
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    sensetime = CompanyFactory(name="SenseTime")
    public = FundingRoundFactory(company=sensetime, name="Series C")
    secret = FundingRoundFactory(company=sensetime, name="Series D", confidential=True)
    secret.teams.set([team])
    stake = StakeFactory(company=sensetime, round=secret)
    stake.round = public
    stake.save()

    client.force_login(member)
    [(_, _, seen_by_member), _] = changes_shown(client.get(history_url(stake)))
    client.force_login(outsider)
    seen_by_outsider = changes_shown(client.get(history_url(stake)))

    assert seen_by_member == [("Round", "SenseTime Series D", "SenseTime Series C")]
    # Its time in the hidden round is left out (crm.core.history_visibility).
    assert seen_by_outsider == [("Changed", None, [])]


def test_an_old_version_of_a_hidden_record_answers_as_if_it_did_not_exist(client):
    outsider = UserFactory(username="outsider", groups=["Deal team"], is_staff=True)
    secret = FundingRoundFactory(confidential=True)
    entry = FundingRound.history.get(id=secret.pk)
    client.force_login(outsider)

    response = client.get(revert_url(secret, entry))
    missing = client.get(revert_url(FundingRound(pk=999_999), entry))

    assert response.status_code == missing.status_code == 302
    assert response["Location"] == missing["Location"] == reverse("admin:index")


def test_reverting_to_an_old_version_saves_it_again_as_a_new_entry(client, superuser):
    sector = SectorFactory(name="Computer vision", slug="computer-vision")
    sector.name = "Machine vision"
    sector.save()
    first = Sector.history.filter(id=sector.pk).order_by("history_date").first()
    client.force_login(superuser)

    assert client.get(revert_url(sector, first)).status_code == 200
    client.post(
        revert_url(sector, first),
        {"name": "Computer vision", "slug": "computer-vision", "parent": ""},
    )

    sector.refresh_from_db()
    assert sector.name == "Computer vision"
    names = list(
        Sector.history.filter(id=sector.pk)
        .order_by("history_date")
        .values_list("history_type", "name", "history_user")
    )
    assert names == [
        ("+", "Computer vision", None),
        ("~", "Machine vision", None),
        ("~", "Computer vision", superuser.pk),
    ]


def test_the_history_page_of_a_deleted_record_answers_as_if_it_did_not_exist(
    client, superuser
):
    hopu = InvestorFactory(name="HOPU Capital")
    pk = hopu.pk
    hopu.delete()
    client.force_login(superuser)

    response = client.get(history_url(Investor(pk=pk)))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
