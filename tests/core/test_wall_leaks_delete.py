"""A refused deletion names and counts only the dependants the user may see.

SenseTime has a public round and a confidential one (Project Sun's); the
confidential round has a stake, a contact-log entry and a deal note. A user
outside the team who may delete companies learns from the admin's delete
pages and the API's 409 that records they may not see stand in the way, and
nothing else about them.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from crm.core.models import Team
from crm.investors.models import Investor
from crm.portfolio.models import Company, FundingRound
from tests.admin_pages import change_url, changelist_url, delete_url, management_form
from tests.api_pages import detail_of, problem
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SECRETS = ["Series D", "Term sheet call", "board seat"]


def deleter(username):
    """A member of the deal team who may also delete every kind of CRM record."""
    user = UserFactory(username=username, groups=["Deal team"], is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__startswith="delete_",
            content_type__app_label__in=["investors", "portfolio", "notes"],
        )
    )
    return user


@pytest.fixture
def member():
    return deleter("member")


@pytest.fixture
def outsider():
    return deleter("outsider")


@pytest.fixture
def world(member):
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    alibaba = InvestorFactory(name="Alibaba Group")
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    sensetime = CompanyFactory(name="SenseTime")
    public = FundingRoundFactory(company=sensetime, name="Series C")
    secret = FundingRoundFactory(company=sensetime, name="Series D", confidential=True)
    secret.teams.set([team])
    StakeFactory(investor=alibaba, company=sensetime, round=public)
    StakeFactory(investor=softbank, company=sensetime, round=secret)
    masayoshi = ContactFactory(
        investor=softbank, first_name="Masayoshi", last_name="Son"
    )
    InteractionFactory(
        investor=softbank,
        round=secret,
        contacts=[masayoshi],
        summary="Term sheet call",
    )
    DealNoteFactory(title="Wants a board seat", investor=softbank, round=secret)
    return {
        "sensetime": sensetime,
        "softbank": softbank,
        "alibaba": alibaba,
        "masayoshi": masayoshi,
        "public": public,
        "secret": secret,
    }


def api_client(user):
    client = APIClient()
    client.force_login(user)
    return client


# The API's 409


def test_the_api_counts_only_visible_dependants_and_mentions_the_others_without_a_number(
    world, outsider
):
    response = api_client(outsider).delete(
        reverse("company-detail", args=[world["sensetime"].pk])
    )

    assert response.status_code == 409
    assert detail_of(response) == (
        "Cannot delete company “SenseTime”: 1 funding round, 1 stake "
        "and records you may not see depend on it."
    )
    body = problem(response, 409)
    assert body["type"] == "urn:crm:problem:dependants"
    # Ids of what the outsider may see; the rest only as a statement.
    assert body["dependants"] == [
        {"resource": "rounds", "ids": [world["public"].pk]},
        {"resource": "stakes", "ids": [world["public"].stakes.get().pk]},
    ]
    assert body["hidden_dependants"] is True
    assert Company.objects.filter(pk=world["sensetime"].pk).exists()


def test_the_api_says_only_that_hidden_records_depend_when_nothing_else_does(
    world, outsider
):
    response = api_client(outsider).delete(
        reverse("investor-detail", args=[world["softbank"].pk])
    )

    assert response.status_code == 409
    assert detail_of(response) == (
        "Cannot delete investor “SoftBank Vision Fund”: "
        "records you may not see depend on it."
    )
    body = problem(response, 409)
    assert body["dependants"] == []
    assert body["hidden_dependants"] is True
    assert Investor.objects.filter(pk=world["softbank"].pk).exists()


def test_a_member_of_the_team_is_told_every_dependant(world, member):
    response = api_client(member).delete(
        reverse("company-detail", args=[world["sensetime"].pk])
    )

    assert response.status_code == 409
    assert detail_of(response) == (
        "Cannot delete company “SenseTime”: 1 deal note, 1 interaction, "
        "2 funding rounds, 2 stakes depend on it."
    )
    body = problem(response, 409)
    assert [entry["resource"] for entry in body["dependants"]] == [
        "interactions",
        "notes",
        "rounds",
        "stakes",
    ]
    assert body["dependants"][2]["ids"] == sorted(
        [world["public"].pk, world["secret"].pk]
    )
    assert body["hidden_dependants"] is False


def test_a_refusal_without_hidden_dependants_reads_as_before(world, outsider):
    response = api_client(outsider).delete(
        reverse("investor-detail", args=[world["alibaba"].pk])
    )

    assert (
        detail_of(response)
        == "Cannot delete investor “Alibaba Group”: 1 stake depends on it."
    )


# The admin's delete pages


def shown_text(response):
    return response.content.decode()


def test_the_admin_delete_page_names_only_visible_dependants(world, outsider, client):
    client.force_login(outsider)

    response = client.get(delete_url(world["sensetime"]))

    assert response.status_code == 200
    public_round = FundingRound.objects.get(name="Series C")
    protected = sorted(str(item) for item in response.context["protected"])
    assert len(protected) == 3
    assert protected[0].startswith("Funding round: <a href=")
    assert protected[0].endswith(f">{public_round}</a>")
    assert protected[1] == "Records you may not see"
    assert protected[2].startswith("Stake: <a href=")
    assert protected[2].endswith(">Alibaba Group in SenseTime</a>")
    for secret in SECRETS:
        assert secret not in shown_text(response)


def test_the_admin_delete_page_shows_a_member_every_dependant(world, member, client):
    client.force_login(member)

    response = client.get(delete_url(world["sensetime"]))

    protected = [str(item) for item in response.context["protected"]]
    assert len(protected) == 6
    assert "Records you may not see" not in protected
    assert "Series D" in shown_text(response)


def test_the_admin_refuses_the_deletion_it_names_no_dependant_for(
    world, outsider, client
):
    client.force_login(outsider)

    response = client.post(delete_url(world["softbank"]), {"post": "yes"})

    assert response.status_code == 200
    assert [str(item) for item in response.context["protected"]] == [
        "Records you may not see"
    ]
    for secret in SECRETS:
        assert secret not in shown_text(response)
    assert Investor.objects.filter(pk=world["softbank"].pk).exists()


def test_the_delete_selected_action_names_only_visible_dependants(
    world, outsider, client
):
    client.force_login(outsider)

    response = client.post(
        changelist_url(Investor),
        {
            "action": "delete_selected",
            "_selected_action": [world["softbank"].pk, world["alibaba"].pk],
        },
    )

    assert response.status_code == 200
    protected = sorted(str(item) for item in response.context["protected"])
    assert len(protected) == 2
    assert protected[0] == "Records you may not see"
    assert protected[1].endswith(">Alibaba Group in SenseTime</a>")
    for secret in SECRETS:
        assert secret not in shown_text(response)
    assert Investor.objects.count() == 2


def test_a_user_without_every_delete_permission_is_not_told_the_kinds_of_hidden_records(
    world, client
):
    clerk = UserFactory(username="clerk", groups=["Deal team"], is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="delete_investor"))
    client.force_login(clerk)

    response = client.get(delete_url(world["softbank"]))

    assert response.status_code == 200
    # SoftBank's people would go with it; the rest stands in the way.
    assert response.context["perms_lacking"] == {"contact", "records you may not see"}


def delete_person_through_the_investor_page(client, world):
    softbank, masayoshi = world["softbank"], world["masayoshi"]
    response = client.post(
        change_url(softbank),
        {
            "name": softbank.name,
            "kind": softbank.kind,
            "country": "US",
            **management_form("contacts", total=1, initial=1),
            "contacts-0-id": masayoshi.pk,
            "contacts-0-investor": softbank.pk,
            "contacts-0-first_name": "Masayoshi",
            "contacts-0-last_name": "Son",
            "contacts-0-DELETE": "on",
            **management_form("stakes"),
        },
    )
    assert response.status_code == 200
    [contacts, _] = response.context["inline_admin_formsets"]
    return list(contacts.formset.non_form_errors())


def test_an_inline_deletion_refused_for_hidden_records_names_none(
    world, outsider, member, client
):
    client.force_login(outsider)
    refused_for_outsider = delete_person_through_the_investor_page(client, world)
    client.force_login(member)
    refused_for_member = delete_person_through_the_investor_page(client, world)

    assert refused_for_outsider == [
        "Deleting contact Masayoshi Son would require deleting the following "
        "protected related objects: records you may not see"
    ]
    assert refused_for_member == [
        "Deleting contact Masayoshi Son would require deleting the following "
        "protected related objects: person present Masayoshi Son"
    ]
    assert (
        world["masayoshi"].__class__.objects.filter(pk=world["masayoshi"].pk).exists()
    )
