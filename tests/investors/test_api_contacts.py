import datetime

import pytest

from crm.investors.models import Contact
from tests.api_pages import detail_of, field_errors, ids, iso
from tests.factories import ContactFactory, InteractionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/contacts/"


@pytest.fixture
def joe(alibaba):
    return ContactFactory(
        investor=alibaba,
        first_name="Joe",
        last_name="Tsai",
        title="Executive vice chairman",
        email="joe.tsai@alibaba-inc.com",
        phone="+852 2215 5100",
        linkedin_url="https://www.linkedin.com/in/joe-tsai",
        notes="Spoke on SenseTime's R&D in deep learning.",
    )


@pytest.fixture
def contacts(alibaba, hopu, joe):
    """Joe Tsai and Daniel Zhang at Alibaba, Fang Fenglei at HOPU."""
    daniel = ContactFactory(
        investor=alibaba,
        first_name="Daniel",
        last_name="Zhang",
        title="Chief executive",
        email="daniel.zhang@alibaba-inc.com",
    )
    fang = ContactFactory(
        investor=hopu,
        first_name="Fang",
        last_name="Fenglei",
        title="Chairman",
        email="fang@hopu.com",
    )
    return joe, daniel, fang


def contact_payload(investor, **changes):
    return {
        "investor": investor.pk,
        "first_name": "Fang",
        "last_name": "Fenglei",
        "title": "Chairman",
        "email": "fang@hopu.com",
        "phone": "+852 3518 6600",
        "linkedin_url": "https://www.linkedin.com/in/fang-fenglei",
        "notes": "Founder of HOPU.",
        **changes,
    }


# Reading


def test_it_shows_a_contact(api, joe, alibaba):
    response = api.get(f"{URL}{joe.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": joe.pk,
        "external_id": "",
        "investor": alibaba.pk,
        "first_name": "Joe",
        "last_name": "Tsai",
        "title": "Executive vice chairman",
        "email": "joe.tsai@alibaba-inc.com",
        "phone": "+852 2215 5100",
        "linkedin_url": "https://www.linkedin.com/in/joe-tsai",
        "notes": "Spoke on SenseTime's R&D in deep learning.",
        "created_at": iso(joe.created_at),
        "updated_at": iso(joe.updated_at),
    }


def test_it_lists_contacts_by_last_name_in_pages(api, contacts):
    joe, daniel, fang = contacts

    response = api.get(URL, {"page_size": 2})

    body = response.json()
    assert ids(response) == [fang.pk, joe.pk]
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/contacts/?page=2&page_size=2"
    assert ids(api.get(body["next"])) == [daniel.pk]


# Writing


def test_it_creates_a_contact_with_a_location(api, hopu):
    response = api.post(URL, contact_payload(hopu))

    assert response.status_code == 201
    created = Contact.objects.get(last_name="Fenglei")
    assert response["Location"] == f"http://testserver/api/v1/contacts/{created.pk}/"
    assert response.json() == {
        "id": created.pk,
        "external_id": "",
        **contact_payload(hopu),
        "created_at": iso(created.created_at),
        "updated_at": iso(created.updated_at),
    }
    assert created.investor == hopu


def test_it_creates_a_contact_from_names_and_investor_alone(api, hopu):
    response = api.post(
        URL, {"investor": hopu.pk, "first_name": "Fang", "last_name": "Fenglei"}
    )

    assert response.status_code == 201
    assert response.json()["email"] == ""


def test_it_replaces_a_contact(api, joe, hopu):
    response = api.put(
        f"{URL}{joe.pk}/", contact_payload(hopu, first_name="Joseph", notes="")
    )

    assert response.status_code == 200
    assert response.json()["first_name"] == "Joseph"
    assert response.json()["investor"] == hopu.pk
    joe.refresh_from_db()
    assert joe.investor == hopu
    assert joe.last_name == "Fenglei"
    assert joe.notes == ""


def test_it_updates_part_of_a_contact(api, joe):
    response = api.patch(f"{URL}{joe.pk}/", {"title": "Chairman"})

    assert response.status_code == 200
    assert response.json()["title"] == "Chairman"
    assert response.json()["last_name"] == "Tsai"
    joe.refresh_from_db()
    assert joe.title == "Chairman"


def test_timestamps_cannot_be_written(api, joe):
    response = api.patch(
        f"{URL}{joe.pk}/", {"created_at": "2000-01-01T00:00:00Z"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["created_at"] == iso(joe.created_at)


# 400s


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("investor", 999999),
        ("investor", None),
        ("investor", "alibaba"),
        ("first_name", ""),
        ("last_name", None),
        ("email", "joe at alibaba"),
        ("linkedin_url", "linkedin"),
        ("first_name", "x" * 101),
    ],
)
def test_it_rejects_an_invalid_value_on_its_field(api, hopu, field, value):
    payload = {**contact_payload(hopu), field: value}

    response = api.post(URL, payload, format="json")

    assert response.status_code == 400
    assert list(field_errors(response)) == [field]
    assert not Contact.objects.exists()


def test_it_requires_the_investor_and_names(api):
    response = api.post(URL, {}, format="json")

    assert response.status_code == 400
    assert field_errors(response) == {
        "investor": ["This field is required."],
        "first_name": ["This field is required."],
        "last_name": ["This field is required."],
    }


def test_it_rejects_malformed_json(api):
    response = api.post(URL, '{"first_name": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


# Filters


def test_it_filters_by_investor_any_of(api, contacts, alibaba, hopu):
    joe, daniel, fang = contacts

    assert ids(api.get(URL, {"investor": str(alibaba.pk)})) == [joe.pk, daniel.pk]
    assert ids(api.get(URL, {"investor": f"{alibaba.pk},{hopu.pk}"})) == [
        fang.pk,
        joe.pk,
        daniel.pk,
    ]


def test_it_searches_names_email_and_title(api, contacts):
    joe, daniel, fang = contacts

    assert ids(api.get(URL, {"search": "DANIEL"})) == [daniel.pk]
    assert ids(api.get(URL, {"search": "tsai"})) == [joe.pk]
    assert ids(api.get(URL, {"search": "joe tsai"})) == [joe.pk]
    assert ids(api.get(URL, {"search": "@alibaba-inc"})) == [joe.pk, daniel.pk]
    assert ids(api.get(URL, {"search": "chairman"})) == [fang.pk, joe.pk]
    assert ids(api.get(URL, {"search": "nobody"})) == []


def test_it_filters_by_updated_after(api, contacts):
    joe, daniel, _ = contacts
    Contact.objects.update(
        updated_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    )
    Contact.objects.filter(pk__in=[joe.pk, daniel.pk]).update(
        updated_at=datetime.datetime(2018, 7, 1, tzinfo=datetime.UTC)
    )

    assert ids(api.get(URL, {"updated_after": "2018-07-01T00:00:00Z"})) == [
        joe.pk,
        daniel.pk,
    ]
    assert ids(api.get(URL, {"updated_after": "2018-07-01T00:00:01Z"})) == []


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("investor", "alibaba"),
        ("investor", "1.5"),
        ("investor", "99999999999999999999999"),
        ("updated_after", "last week"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_the_parameter(
    api, contacts, parameter, value
):
    response = api.get(URL, {parameter: value})

    assert response.status_code == 400
    assert list(field_errors(response)) == [parameter]


# Deleting


def test_it_refuses_to_delete_a_contact_present_at_a_logged_interaction(
    admin_api, joe, alibaba
):
    InteractionFactory(investor=alibaba, contacts=[joe])

    response = admin_api.delete(f"{URL}{joe.pk}/")

    assert response.status_code == 409
    assert (
        detail_of(response)
        == "Cannot delete contact “Joe Tsai”: 1 interaction depends on it."
    )
    assert Contact.objects.filter(pk=joe.pk).exists()


def test_it_deletes_a_contact_absent_from_the_log(admin_api, joe, alibaba):
    InteractionFactory(investor=alibaba)

    response = admin_api.delete(f"{URL}{joe.pk}/")

    assert response.status_code == 204
    assert not Contact.objects.filter(pk=joe.pk).exists()


def test_the_deal_team_may_not_delete_contacts(api, joe):
    assert api.delete(f"{URL}{joe.pk}/").status_code == 403
    assert Contact.objects.filter(pk=joe.pk).exists()
