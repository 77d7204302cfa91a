"""The admin refuses to save over a change made since its form was opened."""

import re

import pytest
from django.contrib import admin
from django.utils import timezone

from crm.core.admin import CrmModelAdmin
from crm.core.services import record_save
from crm.core.versions import record_version
from crm.investors.models import Investor
from crm.notes.models import DealNote
from crm.notes.services import deal_note_save
from tests.admin_pages import add_url, change_url, management_form
from tests.factories import (
    EVERY_CRM_FACTORY,
    DealNoteFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CRM_APPS = {"core", "investors", "portfolio", "notes"}


@pytest.fixture
def investor():
    return InvestorFactory(name="Alibaba Group", city="Hangzhou", country="CN")


def opened_version(response):
    """The version of the record that the change form in `response` will post."""
    match = re.search(r'name="_opened_version" value="([^"]*)"', response.text)
    return match and match[1]


def investor_form(opened_version, **values):
    """What the investor change form posts: the user's values and the version."""
    return {
        "name": "Alibaba Group",
        "kind": Investor.Kind.STRATEGIC,
        "country": "CN",
        "city": "Hangzhou",
        "website": "",
        "owner": "",
        "description": "",
        "check_size_min_usd": "",
        "check_size_max_usd": "",
        "aum_usd": "",
        **management_form("contacts"),
        **management_form("stakes"),
        "_opened_version": opened_version,
        **values,
    }


def saved_by_someone_else(investor, **values):
    other = Investor.objects.get(pk=investor.pk)
    for name, value in values.items():
        setattr(other, name, value)
    return record_save(instance=other)


def conflict_message(model_name, saved):
    at = timezone.localtime(saved.updated_at)
    return (
        f"Someone else saved this {model_name} at {at:%H:%M} since you opened it. "
        "Your changes are below: reload the page to see theirs, then apply "
        "yours again."
    )


def test_every_crm_admin_builds_on_the_base_that_checks_for_conflicts():
    crm_admins = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in CRM_APPS
    ]

    assert len(crm_admins) >= 9
    for model_admin in crm_admins:
        assert isinstance(model_admin, CrmModelAdmin), model_admin


@pytest.mark.parametrize(
    "factory",
    EVERY_CRM_FACTORY,
    ids=lambda factory: factory._meta.model.__name__,
)
def test_every_change_form_carries_the_version_it_was_opened_on(admin_client, factory):
    obj = factory()

    response = admin_client.get(change_url(obj))

    assert response.status_code == 200
    assert opened_version(response) == record_version(obj)


def test_an_add_form_carries_no_version(deal_client):
    response = deal_client.get(add_url(Investor))

    assert response.status_code == 200
    assert opened_version(response) is None


def test_a_save_over_a_change_made_since_opening_is_refused_keeping_the_input(
    deal_client, investor
):
    version = opened_version(deal_client.get(change_url(investor)))
    theirs = saved_by_someone_else(investor, city="Beijing")

    response = deal_client.post(
        change_url(investor),
        investor_form(version, description="Met Joe Tsai at WAIC."),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [conflict_message("investor", theirs)]
    assert conflict_message("investor", theirs) in response.text
    assert "Met Joe Tsai at WAIC." in response.text
    stored = Investor.objects.get(pk=investor.pk)
    assert (stored.city, stored.description) == ("Beijing", "")
    assert stored.updated_at == theirs.updated_at


def test_saving_the_refused_form_again_is_refused_again(deal_client, investor):
    version = opened_version(deal_client.get(change_url(investor)))
    saved_by_someone_else(investor, city="Beijing")
    refused = deal_client.post(
        change_url(investor), investor_form(version, description="Met at WAIC.")
    )

    again = deal_client.post(
        change_url(investor),
        investor_form(opened_version(refused), description="Met at WAIC."),
    )

    assert opened_version(refused) == version
    assert again.status_code == 200
    assert again.context["adminform"].form.non_field_errors()
    assert Investor.objects.get(pk=investor.pk).description == ""


def test_a_form_reopened_after_the_other_save_saves(deal_client, investor):
    deal_client.get(change_url(investor))
    saved_by_someone_else(investor, city="Beijing")
    reopened = deal_client.get(change_url(investor))

    response = deal_client.post(
        change_url(investor),
        investor_form(
            opened_version(reopened), city="Beijing", description="Met at WAIC."
        ),
    )

    assert response.status_code == 302
    stored = Investor.objects.get(pk=investor.pk)
    assert (stored.city, stored.description) == ("Beijing", "Met at WAIC.")


def test_a_form_saved_with_no_change_in_between_saves(deal_client, investor):
    version = opened_version(deal_client.get(change_url(investor)))

    response = deal_client.post(
        change_url(investor), investor_form(version, city="Shanghai")
    )

    assert response.status_code == 302
    assert Investor.objects.get(pk=investor.pk).city == "Shanghai"


def test_a_form_that_does_not_say_its_version_is_saved_unchecked(deal_client, investor):
    # The admin's own forms always post it; scripts posting without it keep
    # working (last write wins).
    saved_by_someone_else(investor, city="Beijing")
    data = investor_form("", description="Met at WAIC.")
    del data["_opened_version"]

    response = deal_client.post(change_url(investor), data)

    assert response.status_code == 302
    assert Investor.objects.get(pk=investor.pk).description == "Met at WAIC."


def test_a_deal_note_saved_since_opening_is_not_overwritten(deal_client):
    note = DealNoteFactory(title="SenseTime Series C", body="First draft.")
    version = opened_version(deal_client.get(change_url(note)))
    theirs = DealNote.objects.get(pk=note.pk)
    theirs.body = "Their edit."
    deal_note_save(note=theirs, author=UserFactory())

    response = deal_client.post(
        change_url(note),
        {
            "title": "SenseTime Series C",
            "body": "My edit.",
            "investor": note.investor_id,
            "company": "",
            "round": "",
            "_opened_version": version,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        conflict_message("deal note", theirs)
    ]
    assert "My edit." in response.text
    assert DealNote.objects.get(pk=note.pk).body == "Their edit."
