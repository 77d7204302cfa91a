"""Every date and datetime field refuses years before 1900 and after 2100."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from crm.accounts.services import api_token_create
from crm.core.dates import validate_date_in_range
from crm.notes.models import Interaction
from tests.admin_pages import add_url
from tests.api_pages import field_errors
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
)

pytestmark = pytest.mark.django_db

MESSAGE = "Enter a date between 1900 and 2100."

# The dates people enter; created_at, updated_at, revoked_at and last_used_at
# are stamped by the code with the time it is, and so are the bookkeeping
# times of imports, the changes feed, webhooks and idempotency keys.
STAMPED_BY_THE_CODE = {
    "ImportBatch.imported_at",
    "ImportBatch.undone_at",
    "ChangeEntry.occurred_at",
    "ChangeFeedHorizon.purged_at",
    "WebhookEndpoint.disabled_at",
    "WebhookDelivery.next_attempt_at",
    "WebhookDelivery.delivered_at",
    "WebhookAttempt.attempted_at",
    "IdempotencyKey.created_at",
}
ENTERED_DATE_FIELDS = [
    pytest.param(field, id=f"{model.__name__}.{field.name}")
    for model in apps.get_models()
    if model.__module__.startswith("crm.") and not model.__name__.startswith("Hist")
    for field in model._meta.get_fields()
    if isinstance(field, models.DateField)  # and DateTimeField
    and field.editable
    and not (field.auto_now or field.auto_now_add)
    and f"{model.__name__}.{field.name}" not in STAMPED_BY_THE_CODE
]


def test_the_entered_date_fields_are_found():
    assert {p.id for p in ENTERED_DATE_FIELDS} == {
        "ApiToken.expires_at",
        "ExchangeRate.valid_from",
        "FundingRound.announced_on",
        "FundingRound.closed_on",
        "Stake.as_of",
        "Interaction.occurred_at",
        "Interaction.follow_up_on",
    }


@pytest.mark.parametrize("field", ENTERED_DATE_FIELDS)
def test_a_date_field_refuses_years_before_1900_and_after_2100(field):
    as_value = (
        (lambda d: datetime.datetime.combine(d, datetime.time(), datetime.UTC))
        if isinstance(field, models.DateTimeField)
        else (lambda d: d)
    )

    for year, month, day in [(1, 1, 1), (1899, 12, 31), (2101, 1, 1), (9999, 12, 31)]:
        day = datetime.date(year, month, day)
        with pytest.raises(ValidationError) as refused:
            field.clean(as_value(day), None)
        assert refused.value.messages == [MESSAGE]

    for day in [datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)]:
        assert field.clean(as_value(day), None) == as_value(day)


def test_a_field_default_is_a_date_in_range():
    validate_date_in_range(Interaction._meta.get_field("occurred_at").get_default())


def test_the_api_refuses_an_interaction_in_year_1(api):
    response = api.post(
        "/api/v1/interactions/",
        {
            "investor": InvestorFactory().pk,
            "summary": "Call",
            "occurred_at": "0001-01-01T10:00:00Z",
        },
    )

    assert response.status_code == 400
    assert field_errors(response) == {"occurred_at": [MESSAGE]}
    assert not Interaction.objects.exists()


def test_the_api_refuses_a_round_announced_after_2100(api):
    funding_round = FundingRoundFactory(company=CompanyFactory())

    response = api.patch(
        f"/api/v1/rounds/{funding_round.pk}/", {"announced_on": "2101-01-01"}
    )

    assert response.status_code == 400
    assert field_errors(response) == {"announced_on": [MESSAGE]}


def test_the_api_refuses_a_follow_up_in_year_1(api):
    interaction = InteractionFactory(investor=InvestorFactory())

    response = api.patch(
        f"/api/v1/interactions/{interaction.pk}/", {"follow_up_on": "0001-01-01"}
    )

    assert response.status_code == 400
    assert field_errors(response) == {"follow_up_on": [MESSAGE]}


def test_the_admin_shows_a_year_1_contact_as_an_error_on_its_date(
    client, deal_team_user
):
    client.force_login(deal_team_user)

    response = client.post(
        add_url(Interaction),
        {
            "kind": Interaction.Kind.CALL,
            "investor": InvestorFactory().pk,
            "occurred_at_0": "0001-01-01",
            "occurred_at_1": "10:00:00",
            "summary": "Call",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"occurred_at": [MESSAGE]}
    assert not Interaction.objects.exists()


def test_a_token_cannot_expire_after_2100(user):
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=user, name="forever", expires_in_days=365 * 100)

    assert refused.value.message_dict == {"expires_at": [MESSAGE]}
