"""Add forms pre-filled from the address (`?investor=3`) survive any value."""

import datetime

import pytest
from django.contrib import admin
from django.db import models

from crm.notes.models import Interaction
from tests.admin_pages import add_url
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db


def bad_values(field):
    if field.many_to_many:
        return ["abc", "1,abc", "99999999999999999999999"]
    if field.is_relation:
        return ["abc", "99999999999999999999999"]
    if isinstance(field, models.DateField):  # and DateTimeField
        return ["garbage", "0001-01-01", "2101-01-01", "2024-13-45"]
    return ["abc", "99999999999999999999999"]


# Every model admin's add form, and each field the address can pre-fill that
# does not take any value (as text does, and a checkbox: any value is "on").
PREFILLED_FIELDS = [
    pytest.param(model, field, id=f"{model.__name__}-{field.name}")
    for model in admin.site._registry
    if model._meta.app_label not in {"auth", "axes"}
    for field in model._meta.get_fields()
    if field.concrete
    and field.editable
    and not field.primary_key
    and not isinstance(field, models.BooleanField)
    and not (
        isinstance(field, models.CharField | models.TextField) and not field.choices
    )
]


@pytest.mark.parametrize(("model", "field"), PREFILLED_FIELDS)
def test_an_add_form_leaves_out_a_pre_fill_value_its_field_refuses(
    client, superuser, model, field
):
    client.force_login(superuser)

    for value in bad_values(field):
        response = client.get(add_url(model), {field.name: value})

        # 403: the add forms nobody may use (API tokens are made by command).
        assert response.status_code in {200, 403}, value
        if response.status_code == 200:
            initial = response.context["adminform"].form.initial
            # Left out, or the form's own default (investors: owner = the user).
            assert initial.get(field.name) not in (value, value.split(","))


def test_an_add_form_keeps_the_pre_fill_values_its_fields_accept(client, superuser):
    alibaba = InvestorFactory(name="Alibaba Group")
    client.force_login(superuser)

    response = client.get(
        add_url(Interaction),
        {
            "investor": str(alibaba.pk),
            "occurred_at": "2018-07-02 10:00",
            "kind": "call",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.initial == {
        "investor": str(alibaba.pk),
        "occurred_at": datetime.datetime(2018, 7, 2, 10, tzinfo=datetime.UTC),
        "kind": "call",
    }
