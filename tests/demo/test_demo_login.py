"""The demo login (ensure_demo_login) and the investors and follow-ups the demo data gives it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from crm.demo.loading import load_demo_login_data
from crm.notes.models import Interaction
from tests.admin_pages import changelist_url, listed
from tests.demo.conftest import run

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def follow_ups_of(username):
    return {
        interaction.summary: (interaction.follow_up_on, interaction.follow_up_done)
        for interaction in Interaction.objects.filter(
            logged_by__username=username, follow_up_on__isnull=False
        )
    }


def test_the_demo_login_gets_follow_ups_overdue_due_and_coming_up(make_run):
    today = timezone.localdate()

    assert make_run == [
        "Created the demo login: demo / demo",
        # Its 6 contacts, and the owner of its 4 investors.
        "Its investors and contacts: 6 created, 4 updated, 0 unchanged.",
    ]
    assert follow_ups_of("demo") == {
        "Oliver Grant asks for the board-observer terms": (today - 2 * DAY, False),
        "Fidelity wants the latest revenue split": (today, False),
        "HOPU lunch: renminbi fund timing": (today + 7 * DAY, False),
    }


def test_my_follow_ups_due_lists_the_demo_logins_overdue_and_due_ones(make_run, client):
    client.force_login(get_user_model().objects.get(username="demo"))

    response = client.get(changelist_url(Interaction), {"follow_up": "mine"})

    assert [interaction.summary for interaction in listed(response)] == [
        "Fidelity wants the latest revenue split",
        "Oliver Grant asks for the board-observer terms",
    ]
    assert response.text.count('class="button crm-follow-up-done"') == 2


def test_running_both_commands_again_the_same_day_changes_nothing(make_run):
    before = list(Interaction.objects.order_by("pk").values())

    seed = run("seed_demo")
    login = run("ensure_demo_login")

    assert seed[1] == (
        "Demo login's investors and contacts: 0 created, 0 updated, 10 unchanged."
    )
    assert login[1] == "Its investors and contacts: 0 created, 0 updated, 10 unchanged."
    assert list(Interaction.objects.order_by("pk").values()) == before


def test_loading_them_on_a_later_day_moves_the_dates_along(make_run):
    demo = get_user_model().objects.get(username="demo")
    Interaction.objects.filter(logged_by=demo).update(follow_up_done=True)
    later = timezone.localdate() + 30 * DAY

    report = load_demo_login_data(demo, today=later)

    # Its contacts move along; its investors stay its own.
    assert str(report) == "Demo data: 0 created, 6 updated, 4 unchanged."
    assert follow_ups_of("demo")["Fidelity wants the latest revenue split"] == (
        later,
        False,
    )
    assert Interaction.objects.filter(logged_by=demo).count() == 6


def test_without_the_demo_data_the_demo_login_gets_no_follow_ups():
    assert run("ensure_demo_login") == ["Created the demo login: demo / demo"]

    assert not Interaction.objects.exists()
