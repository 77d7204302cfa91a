"""Each user sees and enters times in their own time zone; the API keeps the site's."""

import datetime

import pytest

from crm.accounts.models import UserSettings
from crm.notes.models import Interaction
from tests.admin_pages import add_url, change_url
from tests.factories import ContactFactory, InteractionFactory, UserFactory

pytestmark = pytest.mark.django_db

NINE_UTC = datetime.datetime(2018, 7, 2, 9, tzinfo=datetime.UTC)


def logged_in(client, time_zone=None):
    user = UserFactory(username="wang", is_staff=True, is_superuser=True)
    if time_zone is not None:
        UserSettings.objects.create(user=user, time_zone=time_zone)
    client.force_login(user)
    return user


def test_the_admin_shows_times_in_the_users_zone_and_names_it(client):
    logged_in(client, "Asia/Shanghai")
    interaction = InteractionFactory(occurred_at=NINE_UTC)

    page = client.get(change_url(interaction))

    assert 'name="occurred_at_1" value="17:00:00"' in page.text
    assert '<a href="/admin/my-settings/" id="crm-time-zone">' in page.text
    assert "Time zone: Asia/Shanghai</a>" in page.text


def test_a_time_entered_in_the_admin_is_read_in_the_users_zone(client):
    logged_in(client, "Asia/Shanghai")
    joe = ContactFactory(first_name="Joe", last_name="Tsai")

    response = client.post(
        add_url(Interaction),
        {
            "kind": Interaction.Kind.CALL,
            "investor": joe.investor_id,
            "people_present": [joe.pk],
            "occurred_at_0": "2018-07-02",
            "occurred_at_1": "17:00:00",
            "company": "",
            "round": "",
            "summary": "Call",
            "details": "",
            "follow_up_on": "",
        },
    )

    assert response.status_code == 302
    assert Interaction.objects.get().occurred_at == NINE_UTC


def test_without_a_zone_of_their_own_a_user_sees_the_sites(client, settings):
    logged_in(client)
    interaction = InteractionFactory(occurred_at=NINE_UTC)

    page = client.get(change_url(interaction))

    assert 'name="occurred_at_1" value="09:00:00"' in page.text
    assert "Time zone: UTC</a>" in page.text


def test_a_user_sets_their_own_zone_in_my_settings_and_it_applies_at_once(client):
    user = logged_in(client)
    interaction = InteractionFactory(occurred_at=NINE_UTC)

    form = client.get("/admin/my-settings/")
    saved = client.post("/admin/my-settings/", {"time_zone": "Europe/London"})
    page = client.get(change_url(interaction))

    assert form.status_code == 200
    assert '<option value="Asia/Shanghai">Asia/Shanghai</option>' in form.text
    assert saved.status_code == 302
    assert UserSettings.objects.get(user=user).time_zone == "Europe/London"
    assert 'name="occurred_at_1" value="10:00:00"' in page.text


def test_my_settings_refuses_an_unknown_zone(client):
    user = logged_in(client)

    response = client.post("/admin/my-settings/", {"time_zone": "Mars/Olympus"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "time_zone": [
            "Select a valid choice. Mars/Olympus is not one of the available choices."
        ]
    }
    assert not UserSettings.objects.filter(user=user).exists()


def test_a_superuser_sets_a_users_zone_on_their_page(client):
    logged_in(client)
    colleague = UserFactory(username="li")
    data = {
        "username": "li",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2018-07-02",
        "date_joined_1": "09:00:00",
        "crm_settings-TOTAL_FORMS": "1",
        "crm_settings-INITIAL_FORMS": "0",
        "crm_settings-MIN_NUM_FORMS": "0",
        "crm_settings-MAX_NUM_FORMS": "1",
        "crm_settings-0-time_zone": "Asia/Hong_Kong",
    }

    response = client.post(f"/admin/auth/user/{colleague.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert UserSettings.objects.get(user=colleague).time_zone == "Asia/Hong_Kong"


def test_the_zone_is_read_at_login(client):
    user = UserFactory(username="wang", is_staff=True, is_superuser=True)
    UserSettings.objects.create(user=user, time_zone="Asia/Tokyo")

    client.post("/admin/login/", {"username": "wang", "password": "pw"})

    assert client.session["crm_time_zone"] == "Asia/Tokyo"


def test_the_api_gives_times_in_the_sites_zone_with_their_offset(client):
    logged_in(client, "Asia/Shanghai")
    interaction = InteractionFactory(occurred_at=NINE_UTC)

    response = client.get(f"/api/v1/interactions/{interaction.pk}/")

    assert response.json()["occurred_at"] == "2018-07-02T09:00:00Z"
