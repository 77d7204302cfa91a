import pytest
from django.apps import apps

pytestmark = pytest.mark.django_db

CRM_APPS = ("core", "investors", "portfolio", "notes")
# Written out rather than read from the apps: a new model must be a conscious
# addition to the groups (and to this list).
CRM_MODELS = [
    "core.sector",
    "core.exchangerate",
    "investors.investor",
    "investors.contact",
    "portfolio.company",
    "portfolio.fundinground",
    "portfolio.stake",
    "notes.interaction",
    "notes.interactioncontact",
    "notes.dealnote",
]
DEAL_TEAM_DELETES = {"notes.interaction", "notes.interactioncontact", "notes.dealnote"}
# Who is behind an ethical wall is the superusers' call: both groups only see teams.
VIEW_ONLY_MODELS = ["core.team"]


def permission(model, action):
    app_label, model_name = model.split(".")
    return f"{app_label}.{action}_{model_name}"


def test_the_model_list_covers_every_crm_model():
    models = {
        model._meta.label_lower
        for label in CRM_APPS
        for model in apps.get_app_config(label).get_models()
    }

    assert models == set(CRM_MODELS) | set(VIEW_ONLY_MODELS)


# One user per test and a list of what is wrong: creating users is the slow
# part (password hashing), and a list says at once which models are off.


def test_the_deal_team_can_view_add_and_change_every_crm_model(deal_team_user):
    missing = [
        permission(model, action)
        for model in CRM_MODELS
        for action in ("view", "add", "change")
        if not deal_team_user.has_perm(permission(model, action))
    ]

    assert missing == []


def test_the_deal_team_can_delete_only_its_contact_log_and_notes(deal_team_user):
    deletable = {
        model
        for model in CRM_MODELS
        if deal_team_user.has_perm(permission(model, "delete"))
    }

    assert deletable == DEAL_TEAM_DELETES


def test_the_deal_team_has_exactly_its_permissions(deal_team_user):
    expected = {
        permission(model, action)
        for model in CRM_MODELS
        for action in ("view", "add", "change")
    } | {permission(model, "delete") for model in DEAL_TEAM_DELETES}
    expected |= {permission(model, "view") for model in VIEW_ONLY_MODELS}

    assert deal_team_user.get_all_permissions() == expected


def test_an_analyst_can_view_but_not_change_any_crm_model(analyst_user):
    granted = {
        (model, action)
        for model in CRM_MODELS
        for action in ("view", "add", "change", "delete")
        if analyst_user.has_perm(permission(model, action))
    }

    assert granted == {(model, "view") for model in CRM_MODELS}


def test_an_analyst_has_exactly_the_view_permissions(analyst_user):
    assert analyst_user.get_all_permissions() == {
        permission(model, "view") for model in CRM_MODELS + VIEW_ONLY_MODELS
    }


def test_a_user_in_no_group_has_no_crm_permission(user):
    assert user.get_all_permissions() == set()
