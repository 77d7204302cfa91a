"""Stake figures stored on investors stay equal to what their stakes say.

Every door that writes a stake, a round or an investor (API, admin, restore)
refreshes them in the same transaction (crm.portfolio.services); reads add the
confidential stakes a user may see (InvestorQuerySet.with_figures).
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse

from crm.core.models import Team
from crm.core.restore import record_restore
from crm.core.services import record_save
from crm.investors.models import STORED_FIGURES, Investor
from crm.portfolio.models import Stake
from crm.portfolio.services import stake_save
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

M = Decimal(1_000_000)


def stored(investor):
    investor = Investor.objects.get(pk=investor.pk)
    return {name: getattr(investor, name) for name in STORED_FIGURES}


def figures(
    investor,
    all_total,
    all_largest,
    open_total=None,
    open_largest=None,
    *,
    companies=None,
    open_companies=None,
    pipeline=0,
    open_pipeline=None,
):
    """The stored figures expected; the open ones default to the same as all.

    Companies held default to 1 with a stake, 0 without; no pipeline.
    """
    if companies is None:
        companies = 1 if all_largest is not None else 0
    open_largest = all_largest if open_largest is None else open_largest
    if open_companies is None:
        open_companies = 1 if open_largest is not None else 0
    return {
        "all_stake_total_usd": all_total,
        "all_largest_stake_usd": all_largest,
        "open_stake_total_usd": all_total if open_total is None else open_total,
        "open_largest_stake_usd": open_largest,
        "all_portfolio_count": companies,
        "open_portfolio_count": open_companies,
        "all_pipeline_usd": pipeline,
        "open_pipeline_usd": pipeline if open_pipeline is None else open_pipeline,
    }


def test_a_new_investor_has_zero_total_and_no_largest_stake(alibaba):
    assert stored(alibaba) == figures(alibaba, 0, None)


def test_creating_a_stake_over_the_api_updates_its_investors_figures(
    api, alibaba, sensetime
):
    response = api.post(
        "/api/v1/stakes/",
        {
            "investor": alibaba.pk,
            "company": sensetime.pk,
            "amount": "300000000.00",
            "currency": "USD",
            "status": "closed",
            "as_of": "2018-05-01",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert stored(alibaba) == figures(alibaba, 300 * M, 300 * M)
    listed = api.get("/api/v1/investors/?ordering=-total_stake_usd").json()
    assert listed["results"][0]["total_stake_usd"] == "300000000.00"


def test_moving_a_stake_to_another_investor_updates_both(api, alibaba, sensetime):
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    stake = StakeFactory(investor=alibaba, company=sensetime, amount=300 * M)
    StakeFactory(investor=alibaba, company=sensetime, amount=100 * M)

    response = api.patch(
        f"/api/v1/stakes/{stake.pk}/", {"investor": softbank.pk}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert stored(alibaba) == figures(alibaba, 100 * M, 100 * M)
    assert stored(softbank) == figures(softbank, 300 * M, 300 * M)


def test_a_declined_stake_stops_counting(api, alibaba, sensetime):
    stake = StakeFactory(investor=alibaba, company=sensetime, amount=300 * M)

    api.patch(f"/api/v1/stakes/{stake.pk}/", {"status": "declined"}, format="json")

    assert stored(alibaba) == figures(alibaba, 0, None)


def test_deleting_a_stake_over_the_api_or_in_the_admin_updates_the_figures(
    admin_api, client, superuser, alibaba, sensetime
):
    first = StakeFactory(investor=alibaba, company=sensetime, amount=300 * M)
    second = StakeFactory(investor=alibaba, company=sensetime, amount=100 * M)
    client.force_login(superuser)

    assert admin_api.delete(f"/api/v1/stakes/{first.pk}/").status_code == 204
    assert stored(alibaba) == figures(alibaba, 100 * M, 100 * M)

    url = reverse("admin:portfolio_stake_delete", args=[second.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert stored(alibaba) == figures(alibaba, 0, None)


def test_the_admins_bulk_delete_updates_the_figures(client, superuser, alibaba):
    stakes = [StakeFactory(investor=alibaba, amount=n * M) for n in (1, 2, 3)]
    client.force_login(superuser)

    response = client.post(
        reverse("admin:portfolio_stake_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [stake.pk for stake in stakes[:2]],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert stored(alibaba) == figures(alibaba, 3 * M, 3 * M)


def test_restoring_a_deleted_stake_counts_it_again(admin_api, superuser, alibaba):
    stake = StakeFactory(investor=alibaba, amount=300 * M)
    assert admin_api.delete(f"/api/v1/stakes/{stake.pk}/").status_code == 204
    assert stored(alibaba) == figures(alibaba, 0, None)

    # As the admin restores a stake: through the stake service.
    record_restore(
        model=Stake,
        pk=stake.pk,
        user=superuser,
        save=lambda instance, many_to_many: stake_save(stake=instance),
    )

    assert stored(alibaba) == figures(alibaba, 300 * M, 300 * M)


def test_a_round_made_confidential_leaves_the_open_figures_and_back(
    admin_api, superuser, alibaba, sensetime
):
    team = Team.objects.create(name="Project Sun")
    team.members.add(superuser)
    round_ = FundingRoundFactory(company=sensetime, name="Series D")
    StakeFactory(investor=alibaba, company=sensetime, round=round_, amount=950 * M)
    StakeFactory(investor=alibaba, company=sensetime, amount=50 * M)

    response = admin_api.patch(
        f"/api/v1/rounds/{round_.pk}/",
        {"confidential": True, "teams": [team.pk]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert stored(alibaba) == figures(alibaba, 1000 * M, 950 * M, 50 * M, 50 * M)

    admin_api.patch(
        f"/api/v1/rounds/{round_.pk}/", {"confidential": False}, format="json"
    )
    assert stored(alibaba) == figures(alibaba, 1000 * M, 950 * M)


def test_an_investors_save_does_not_write_back_figures_it_loaded_before(alibaba):
    loaded = Investor.objects.get(pk=alibaba.pk)
    StakeFactory(investor=alibaba, amount=300 * M)

    loaded.name = "Alibaba Group Holding"
    record_save(instance=loaded)

    assert stored(alibaba) == figures(alibaba, 300 * M, 300 * M)


def test_each_user_sees_the_stored_figures_plus_the_confidential_stakes_they_may_see(
    alibaba, sensetime
):
    member = UserFactory(username="member")
    outsider = UserFactory(username="outsider")
    boss = UserFactory(username="boss", is_superuser=True)
    # In two teams that both see the round: its stakes still count once.
    for name in ("Project Sun", "Project Moon"):
        team = Team.objects.create(name=name)
        team.members.add(member)
    secret = FundingRoundFactory(company=sensetime, name="Series D", confidential=True)
    secret.teams.set(Team.objects.all())
    StakeFactory(investor=alibaba, company=sensetime, round=secret, amount=950 * M)
    StakeFactory(investor=alibaba, company=sensetime, amount=50 * M)
    StakeFactory(
        investor=alibaba,
        company=sensetime,
        amount=2000 * M,
        status=Stake.Status.DECLINED,
        as_of=datetime.date(2018, 6, 1),
    )

    def seen_by(user):
        investor = Investor.objects.with_figures(user).get(pk=alibaba.pk)
        return investor.total_stake_usd, investor.largest_stake_usd

    assert seen_by(member) == (1000 * M, 950 * M)
    assert seen_by(boss) == (1000 * M, 950 * M)
    assert seen_by(outsider) == (50 * M, 50 * M)
    assert seen_by(None) == (50 * M, 50 * M)


def test_a_member_sees_the_largest_stake_when_only_confidential_ones_exist(
    alibaba, sensetime
):
    member = UserFactory(username="member")
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    secret = FundingRoundFactory(company=sensetime, name="Series D", confidential=True)
    secret.teams.set([team])
    StakeFactory(investor=alibaba, company=sensetime, round=secret, amount=950 * M)

    investor = Investor.objects.with_figures(member).get(pk=alibaba.pk)

    # Greatest() of NULL and 950M is 950M on both databases.
    assert (investor.total_stake_usd, investor.largest_stake_usd) == (950 * M, 950 * M)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one writer at a time: writes cannot interleave there.",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_stakes_for_one_investor_all_count():
    investor = InvestorFactory(name="Alibaba Group")
    company = CompanyFactory(name="SenseTime")
    first_saved = threading.Event()
    errors = []

    def first_writer():
        try:
            with transaction.atomic():
                StakeFactory(investor=investor, company=company, amount=300 * M)
                first_saved.set()
                # Holds the investor's row lock while the second writer waits.
                threading.Event().wait(0.5)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            first_saved.set()
            connection.close()

    def second_writer():
        try:
            first_saved.wait(5)
            StakeFactory(investor=investor, company=company, amount=100 * M)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=first_writer),
        threading.Thread(target=second_writer),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert stored(investor) == figures(investor, 400 * M, 300 * M)
