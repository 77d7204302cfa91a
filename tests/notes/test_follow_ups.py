"""Follow-ups in the admin: quick picks, people of the investor, "Mark done"."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crm.core.models import Team
from crm.notes.follow_ups import quick_pick_date
from crm.notes.models import Interaction
from tests.admin_pages import add_url, changelist_url, listed
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def deal_client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


def log_contact_data(**values):
    return {
        "kind": Interaction.Kind.CALL,
        "occurred_at_0": "2018-07-02",
        "occurred_at_1": "10:00:00",
        "company": "",
        "round": "",
        "summary": "Intro call",
        "details": "",
        "follow_up_on": "",
        **values,
    }


def done_url(interaction):
    return reverse("admin:notes_interaction_follow_up_done", args=[interaction.pk])


def follow_up(logged_by, follow_up_on, done=False, **values):
    return InteractionFactory(
        logged_by=logged_by,
        follow_up_on=follow_up_on,
        follow_up_done=done,
        **values,
    )


# Quick picks


@pytest.mark.parametrize(
    ("pick", "today", "expected"),
    [
        ("1w", datetime.date(2026, 12, 3), datetime.date(2026, 12, 10)),
        ("2w", datetime.date(2026, 12, 24), datetime.date(2027, 1, 7)),
        ("1m", datetime.date(2026, 12, 3), datetime.date(2027, 1, 3)),
        # A shorter month ends on its last day.
        ("1m", datetime.date(2027, 1, 31), datetime.date(2027, 2, 28)),
        ("1m", datetime.date(2028, 1, 31), datetime.date(2028, 2, 29)),
    ],
)
def test_a_quick_pick_counts_from_today(pick, today, expected):
    assert quick_pick_date(pick, today) == expected


def test_a_quick_pick_sets_the_follow_up_date_without_javascript(deal_client):
    investor = InvestorFactory()

    response = deal_client.post(
        add_url(Interaction), log_contact_data(investor=investor.pk, follow_up_in="2w")
    )

    assert response.status_code == 302
    assert Interaction.objects.get().follow_up_on == timezone.localdate() + 14 * DAY


def test_a_quick_pick_replaces_a_date_typed_above(deal_client):
    response = deal_client.post(
        add_url(Interaction),
        log_contact_data(
            investor=InvestorFactory().pk,
            follow_up_on="2018-07-09",
            follow_up_in="1w",
        ),
    )

    assert response.status_code == 302
    assert Interaction.objects.get().follow_up_on == timezone.localdate() + 7 * DAY


def test_without_a_quick_pick_the_typed_date_stays(deal_client):
    deal_client.post(
        add_url(Interaction),
        log_contact_data(
            investor=InvestorFactory().pk, follow_up_on="2018-07-09", follow_up_in=""
        ),
    )

    assert Interaction.objects.get().follow_up_on == datetime.date(2018, 7, 9)


def test_an_unknown_quick_pick_is_an_error_on_the_field(deal_client):
    response = deal_client.post(
        add_url(Interaction),
        log_contact_data(investor=InvestorFactory().pk, follow_up_in="1y"),
    )

    assert response.status_code == 200
    assert "follow_up_in" in response.context["adminform"].form.errors
    assert not Interaction.objects.exists()


def test_the_log_a_contact_form_offers_quick_picks_and_its_script(deal_client):
    investor = InvestorFactory()

    response = deal_client.get(add_url(Interaction), {"investor": investor.pk})

    assert response.status_code == 200
    page = response.text
    for value, label in [("", "None"), ("1w", "In 1 week"), ("2w", "In 2 weeks")]:
        assert f'value="{value}"' in page
        assert label in page
    assert "In 1 month" in page
    assert 'data-forward-investor="id_investor"' in page
    # After Django's autocomplete.js, which it builds on.
    assert page.index("admin/js/autocomplete.js") < page.index("crm/log-contact.js")


# People of the investor


def people_offered(client, term="", **forwarded):
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "notes",
            "model_name": "interaction",
            "field_name": "contacts",
            "term": term,
            **forwarded,
        },
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.fixture
def two_investors_people():
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    ContactFactory(investor=softbank, first_name="Oliver", last_name="Grant")
    ContactFactory(investor=softbank, first_name="Aiko", last_name="Tanaka")
    alibaba = InvestorFactory(name="Alibaba Group")
    ContactFactory(investor=alibaba, first_name="Oliver", last_name="Chen")
    return softbank, alibaba


def test_people_present_are_only_the_chosen_investors_people(
    deal_client, two_investors_people
):
    softbank, alibaba = two_investors_people

    assert people_offered(deal_client, investor=softbank.pk) == [
        "Oliver Grant",
        "Aiko Tanaka",
    ]
    assert people_offered(deal_client, "oliver", investor=alibaba.pk) == ["Oliver Chen"]


def test_without_an_investor_every_person_is_offered(deal_client, two_investors_people):
    assert people_offered(deal_client, "oliver") == ["Oliver Chen", "Oliver Grant"]
    # Not an id: ignored rather than an error.
    assert people_offered(deal_client, "oliver", investor="x") == [
        "Oliver Chen",
        "Oliver Grant",
    ]


# Mark done, one by one


def test_done_closes_the_follow_up_and_records_who_did_it(deal_client, deal_team_user):
    interaction = follow_up(deal_team_user, timezone.localdate(), summary="Call Oliver")

    response = deal_client.post(done_url(interaction))

    assert response.status_code == 302
    assert response.url == "/admin/notes/interaction/my-follow-ups/"
    interaction.refresh_from_db()
    assert interaction.follow_up_done is True
    latest = interaction.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == deal_team_user
    assert latest.follow_up_done is True
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == ["Follow-up of “Call Oliver” marked done."]


def test_done_goes_back_to_the_list_it_was_pressed_on(deal_client, deal_team_user):
    interaction = follow_up(deal_team_user, timezone.localdate())
    came_from = f"http://testserver{changelist_url(Interaction)}?follow_up=due"

    response = deal_client.post(done_url(interaction), HTTP_REFERER=came_from)
    elsewhere = deal_client.post(
        done_url(interaction), HTTP_REFERER="https://evil.example.com/"
    )

    assert response.url == came_from
    assert elsewhere.url == "/admin/notes/interaction/my-follow-ups/"


def test_done_on_a_closed_follow_up_changes_nothing(deal_client, deal_team_user):
    interaction = follow_up(deal_team_user, timezone.localdate(), done=True)
    entries = interaction.history.count()

    response = deal_client.post(done_url(interaction))

    assert response.status_code == 302
    assert interaction.history.count() == entries


def test_done_must_be_posted(deal_client, deal_team_user):
    interaction = follow_up(deal_team_user, timezone.localdate())

    response = deal_client.get(done_url(interaction))

    assert response.status_code == 405
    interaction.refresh_from_db()
    assert interaction.follow_up_done is False


def test_done_without_the_csrf_token_is_refused(deal_team_user):
    interaction = follow_up(deal_team_user, timezone.localdate())
    client = Client(enforce_csrf_checks=True)
    client.force_login(deal_team_user)

    response = client.post(done_url(interaction))

    assert response.status_code == 403
    interaction.refresh_from_db()
    assert interaction.follow_up_done is False


def test_an_analyst_may_not_close_a_follow_up_and_sees_no_button(
    client, analyst_user, deal_team_user
):
    interaction = follow_up(deal_team_user, timezone.localdate())
    client.force_login(analyst_user)

    listing = client.get(changelist_url(Interaction))
    response = client.post(done_url(interaction))

    assert listing.status_code == 200
    assert "crm-follow-up-done" not in listing.text
    assert response.status_code == 403
    interaction.refresh_from_db()
    assert interaction.follow_up_done is False


def test_a_follow_up_behind_a_wall_is_not_found(deal_client, deal_team_user):
    secret = FundingRoundFactory(
        company=CompanyFactory(name="SenseTime"), name="Series D", confidential=True
    )
    secret.teams.set([Team.objects.create(name="Project Sun")])
    interaction = follow_up(
        UserFactory(), timezone.localdate(), company=secret.company, round=secret
    )

    response = deal_client.post(done_url(interaction))

    assert response.status_code == 404
    interaction.refresh_from_db()
    assert interaction.follow_up_done is False


def test_my_follow_ups_show_a_done_button_on_open_follow_ups_only(
    deal_client, deal_team_user
):
    today = timezone.localdate()
    due = follow_up(deal_team_user, today, summary="due")
    overdue = follow_up(deal_team_user, today - DAY, summary="overdue")
    closed = follow_up(deal_team_user, today - DAY, done=True, summary="closed")

    my_follow_ups = deal_client.get(changelist_url(Interaction), {"follow_up": "mine"})
    everything = deal_client.get(changelist_url(Interaction))

    assert set(listed(my_follow_ups)) == {due, overdue}
    for interaction in (due, overdue):
        assert f'formaction="{done_url(interaction)}"' in my_follow_ups.text
    assert f'formaction="{done_url(closed)}"' not in everything.text
    assert everything.text.count('class="button crm-follow-up-done"') == 2


# Mark done, in bulk


def test_mark_done_closes_every_selected_open_follow_up(deal_client, deal_team_user):
    today = timezone.localdate()
    due = follow_up(deal_team_user, today)
    overdue = follow_up(deal_team_user, today - DAY)
    no_follow_up = follow_up(deal_team_user, None)
    untouched = follow_up(deal_team_user, today)

    response = deal_client.post(
        changelist_url(Interaction),
        {
            "action": "mark_follow_ups_done",
            "_selected_action": [due.pk, overdue.pk, no_follow_up.pk],
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "2 follow-ups marked done." in response.text
    assert set(Interaction.objects.filter(follow_up_done=True)) == {due, overdue}
    assert due.history.first().history_user == deal_team_user
    assert no_follow_up.history.count() == 1
    untouched.refresh_from_db()
    assert untouched.follow_up_done is False


def test_an_analyst_is_not_offered_mark_done(client, analyst_user):
    client.force_login(analyst_user)

    response = client.get(changelist_url(Interaction))

    assert response.status_code == 200
    assert "mark_follow_ups_done" not in response.text
