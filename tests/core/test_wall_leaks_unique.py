"""A unique rule's message names no record behind an ethical wall.

SenseTime has a public "Series C" and a confidential "Series D" (Project
Sun's). A user outside the team who picks the name "series d" for another of
SenseTime's rounds is told only that the name cannot be used, in the API and
in the admin; a member of the team, or anyone clashing with a round they may
see, gets the precise message.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from crm.core.models import Team
from crm.portfolio.models import FundingRound, Stake
from tests.admin_pages import add_url, change_url, management_form
from tests.api_pages import field_errors, problem
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN_CLASH = "This name cannot be used."
VISIBLE_CLASH = "This company already has a round with this name."


@pytest.fixture
def member():
    return UserFactory(username="member", groups=["Deal team"], is_staff=True)


@pytest.fixture
def outsider():
    return UserFactory(username="outsider", groups=["Deal team"], is_staff=True)


@pytest.fixture
def world(member):
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    sensetime = CompanyFactory(name="SenseTime")
    public = FundingRoundFactory(company=sensetime, name="Series C")
    secret = FundingRoundFactory(company=sensetime, name="Series D", confidential=True)
    secret.teams.set([team])
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    StakeFactory(investor=softbank, company=sensetime, round=secret)
    return {"sensetime": sensetime, "public": public, "secret": secret}


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


def create_round(user, world, name):
    return api_client(user).post(
        reverse("round-list"),
        {"company": world["sensetime"].pk, "name": name, "currency": "USD"},
        format="json",
    )


# The API


def test_creating_a_round_named_like_a_hidden_one_reveals_nothing_about_it(
    world, outsider
):
    response = create_round(outsider, world, "series d")

    assert field_errors(response) == {"name": [HIDDEN_CLASH]}
    body = problem(response, 409)
    # No id, no link: only that the name cannot be used.
    assert "existing" not in body
    assert body["errors"][0]["code"] == "unavailable"
    assert FundingRound.objects.count() == 2


def test_renaming_a_round_like_a_hidden_one_reveals_nothing_about_it(world, outsider):
    response = api_client(outsider).patch(
        reverse("round-detail", args=[world["public"].pk]),
        {"name": "SERIES D"},
        format="json",
    )

    assert response.status_code == 400
    assert field_errors(response) == {"name": [HIDDEN_CLASH]}
    world["public"].refresh_from_db()
    assert world["public"].name == "Series C"


def test_a_member_of_the_team_gets_the_precise_message(world, member):
    response = create_round(member, world, "series d")

    assert field_errors(response) == {"name": [VISIBLE_CLASH]}
    assert problem(response, 409)["existing"]["id"] == world["secret"].pk


def test_a_clash_with_a_visible_round_keeps_the_precise_message(world, outsider):
    response = create_round(outsider, world, "SERIES C")

    assert field_errors(response) == {"name": [VISIBLE_CLASH]}
    assert problem(response, 409)["existing"]["id"] == world["public"].pk


def test_a_name_no_round_of_the_company_holds_is_accepted(world, outsider):
    other = CompanyFactory(name="Megvii")
    FundingRoundFactory(company=other, name="Series D", confidential=False)

    assert create_round(outsider, world, "Series E").status_code == 201


# The admin


def round_form(world, name):
    return {
        "company": world["sensetime"].pk,
        "name": name,
        "stage": FundingRound.Stage.SERIES_C,
        "status": FundingRound.Status.PLANNED,
        "currency": "USD",
        **management_form("stakes"),
    }


def admin_name_errors(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 200
    return response.context["adminform"].form.errors.get("name")


def test_the_admin_add_form_reveals_nothing_about_a_hidden_round(
    world, member, outsider, client
):
    client.force_login(outsider)
    outsider_errors = admin_name_errors(
        client, add_url(FundingRound), round_form(world, "Series d")
    )
    client.force_login(member)
    member_errors = admin_name_errors(
        client, add_url(FundingRound), round_form(world, "Series d")
    )

    assert outsider_errors == [HIDDEN_CLASH]
    assert member_errors == [VISIBLE_CLASH]
    assert FundingRound.objects.count() == 2


def test_renaming_in_the_admin_reveals_nothing_about_a_hidden_round(
    world, outsider, client
):
    client.force_login(outsider)

    errors = admin_name_errors(
        client, change_url(world["public"]), round_form(world, "series D")
    )

    assert errors == [HIDDEN_CLASH]


def test_a_new_round_in_the_company_inline_reveals_nothing_about_a_hidden_round(
    world, outsider, client
):
    client.force_login(outsider)
    sensetime, public = world["sensetime"], world["public"]

    response = client.post(
        change_url(sensetime),
        {
            "name": sensetime.name,
            "aliases": "",
            "status": sensetime.status,
            "country": "CN",
            **management_form("rounds", total=2, initial=1),
            "rounds-0-id": public.pk,
            "rounds-0-company": sensetime.pk,
            "rounds-0-name": public.name,
            "rounds-0-stage": public.stage,
            "rounds-0-status": public.status,
            "rounds-0-currency": "USD",
            "rounds-1-company": sensetime.pk,
            "rounds-1-name": "Series D",
            "rounds-1-stage": FundingRound.Stage.SERIES_D_PLUS,
            "rounds-1-status": FundingRound.Status.PLANNED,
            "rounds-1-currency": "USD",
        },
    )

    assert response.status_code == 200
    [rounds] = response.context["inline_admin_formsets"]
    assert rounds.formset.errors[1] == {"name": [HIDDEN_CLASH]}
    assert FundingRound.objects.count() == 2


# The other unique rules


def test_a_stake_cannot_name_a_hidden_round_so_its_unique_rule_cannot_leak(
    world, outsider, client
):
    # One stake per investor and round: a clash needs the same round, and a
    # hidden round is refused as if it did not exist before any rule runs.
    softbank = Stake.objects.get().investor
    payload = {
        "investor": softbank.pk,
        "company": world["sensetime"].pk,
        "round": world["secret"].pk,
        "amount": "1.00",
        "currency": "USD",
    }

    response = api_client(outsider).post(reverse("stake-list"), payload, format="json")

    assert response.status_code == 400
    assert field_errors(response) == {
        "round": [f'Invalid pk "{world["secret"].pk}" - object does not exist.']
    }
    assert Stake.objects.count() == 1
