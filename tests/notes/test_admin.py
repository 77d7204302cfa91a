import datetime
import html
import re

import pytest
from django.utils import timezone

from crm.core.models import Team
from crm.notes.models import DealNote, Interaction
from tests.admin_pages import (
    add_url,
    change_url,
    changelist_url,
    delete_url,
    filter_choices,
    listed,
)
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def at(month, day):
    return datetime.datetime(2018, month, day, 9, tzinfo=datetime.UTC)


def interaction_post_data(**values):
    return {
        "kind": Interaction.Kind.CALL,
        "occurred_at_0": "2018-07-02",
        "occurred_at_1": "10:00:00",
        "company": "",
        "round": "",
        "summary": "",
        "details": "",
        "follow_up_on": "",
        **values,
    }


# Interactions


def test_the_interaction_changelist_shows_the_people_present(deal_client):
    alibaba = InvestorFactory(name="Alibaba Group")
    joe = ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")
    interaction = InteractionFactory(
        investor=alibaba, contacts=[joe], summary="Call on SenseTime's R&D"
    )

    response = deal_client.get(changelist_url(Interaction))

    assert listed(response) == [interaction]
    assert "Joe Tsai" in response.text
    assert "Call on SenseTime&#x27;s R&amp;D" in response.text


def test_the_interaction_change_form_shows_the_people_present(deal_client):
    alibaba = InvestorFactory(name="Alibaba Group")
    joe = ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")
    interaction = InteractionFactory(investor=alibaba, contacts=[joe])

    response = deal_client.get(change_url(interaction))

    assert response.status_code == 200
    assert response.context["adminform"].form["people_present"].value() == [joe.pk]
    assert f'<option value="{joe.pk}" selected>Joe Tsai</option>' in response.text


def test_logging_a_contact_records_who_logged_it_and_who_was_there(
    deal_client, deal_team_user
):
    alibaba = InvestorFactory(name="Alibaba Group")
    joe = ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")
    daniel = ContactFactory(investor=alibaba, first_name="Daniel", last_name="Zhang")

    response = deal_client.post(
        add_url(Interaction),
        interaction_post_data(
            investor=alibaba.pk,
            people_present=[joe.pk, daniel.pk],
            summary="Call on SenseTime's R&D",
            follow_up_on="2018-07-09",
        ),
    )

    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.logged_by == deal_team_user
    assert set(interaction.contacts.all()) == {joe, daniel}
    assert interaction.occurred_at == at(7, 2).replace(hour=10)
    assert interaction.follow_up_on == datetime.date(2018, 7, 9)


def test_a_posted_logged_by_is_ignored(deal_client, deal_team_user, colleague):
    response = deal_client.post(
        add_url(Interaction),
        interaction_post_data(
            investor=InvestorFactory().pk, summary="Intro call", logged_by=colleague.pk
        ),
    )

    assert response.status_code == 302
    assert Interaction.objects.get().logged_by == deal_team_user


def test_a_contact_from_another_investor_is_an_error_on_people_present(
    deal_client,
):
    alibaba = InvestorFactory(name="Alibaba Group")
    stranger = ContactFactory(
        investor=InvestorFactory(name="HOPU Capital"),
        first_name="Fang",
        last_name="Fenglei",
    )

    response = deal_client.post(
        add_url(Interaction),
        interaction_post_data(
            investor=alibaba.pk, people_present=[stranger.pk], summary="Dinner"
        ),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "people_present": ["Not at Alibaba Group: Fang Fenglei."]
    }
    assert not Interaction.objects.exists()


def test_editing_an_interaction_keeps_who_logged_it(deal_client, colleague):
    alibaba = InvestorFactory(name="Alibaba Group")
    joe = ContactFactory(investor=alibaba)
    interaction = InteractionFactory(
        investor=alibaba, logged_by=colleague, summary="Call"
    )

    response = deal_client.post(
        change_url(interaction),
        interaction_post_data(
            investor=alibaba.pk, people_present=[joe.pk], summary="Call, with Joe"
        ),
    )

    assert response.status_code == 302
    interaction.refresh_from_db()
    assert interaction.logged_by == colleague
    assert interaction.summary == "Call, with Joe"
    assert list(interaction.contacts.all()) == [joe]


def test_a_round_fills_in_its_company_when_logging_a_contact(deal_client):
    round_ = FundingRoundFactory(company=CompanyFactory(name="SenseTime"))

    response = deal_client.post(
        add_url(Interaction),
        interaction_post_data(
            investor=InvestorFactory().pk, round=round_.pk, summary="Series D pitch"
        ),
    )

    assert response.status_code == 302
    assert Interaction.objects.get().company == round_.company


@pytest.fixture
def follow_ups(deal_team_user, colleague):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    investor = InvestorFactory()

    def interaction(summary, follow_up_on, logged_by, done=False):
        return InteractionFactory(
            investor=investor,
            summary=summary,
            follow_up_on=follow_up_on,
            follow_up_done=done,
            logged_by=logged_by,
        )

    interaction("mine, due today", today, deal_team_user)
    interaction("colleague's, overdue", today - day, colleague)
    interaction("mine, next week", today + 7 * day, deal_team_user)
    interaction("mine, done", today - day, deal_team_user, done=True)
    interaction("no follow-up", None, deal_team_user)


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("due", ["colleague's, overdue", "mine, due today"]),
        ("mine", ["mine, due today"]),
        ("scheduled", ["mine, next week"]),
        ("done", ["mine, done"]),
    ],
)
def test_the_follow_up_filter(deal_client, follow_ups, choice, expected):
    response = deal_client.get(changelist_url(Interaction), {"follow_up": choice})

    assert sorted(interaction.summary for interaction in listed(response)) == expected


def test_my_follow_ups_due_is_one_click_from_the_contact_log(deal_client):
    changelist = deal_client.get(changelist_url(Interaction))
    my_follow_ups = deal_client.get("/admin/notes/interaction/my-follow-ups/")

    assert 'href="/admin/notes/interaction/my-follow-ups/"' in changelist.text
    assert my_follow_ups.status_code == 302
    assert my_follow_ups.url == f"{changelist_url(Interaction)}?follow_up=mine"


def test_the_kind_filter(deal_client):
    meeting = InteractionFactory(kind=Interaction.Kind.MEETING)
    InteractionFactory(kind=Interaction.Kind.CALL)

    response = deal_client.get(changelist_url(Interaction), {"kind__exact": "meeting"})

    assert listed(response) == [meeting]


def test_the_logged_by_filter_offers_every_user_even_one_who_logged_nothing(
    deal_client, colleague, deal_team_user
):
    InteractionFactory(logged_by=colleague)
    UserFactory(username="newcomer", is_staff=True)

    response = deal_client.get(changelist_url(Interaction))

    # The user table, not a DISTINCT over the log: the newcomer is offered.
    assert filter_choices(response, "logged by") == [
        ("All", True),
        ("colleague", False),
        ("deal", False),
        ("newcomer", False),
    ]


def test_the_logged_by_filter(deal_client, colleague, deal_team_user):
    theirs = InteractionFactory(logged_by=colleague)
    InteractionFactory(logged_by=deal_team_user)

    response = deal_client.get(
        changelist_url(Interaction), {"logged_by__id__exact": colleague.pk}
    )

    assert listed(response) == [theirs]


def test_the_date_hierarchy_narrows_to_a_month(deal_client):
    in_july = InteractionFactory(occurred_at=at(7, 2))
    InteractionFactory(occurred_at=at(8, 2))

    response = deal_client.get(
        changelist_url(Interaction),
        {"occurred_at__year": "2018", "occurred_at__month": "7"},
    )

    assert listed(response) == [in_july]


def date_hierarchy(response):
    """The date hierarchy's back link and choices, as (title, query string) pairs."""
    nav = re.search(r'<nav class="toplinks">(.*?)</nav>', response.text, re.S)
    assert nav, "no date hierarchy"
    links = [
        (title.strip(), html.unescape(href))
        for href, title in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', nav[1])
    ]
    back = re.search(r'class="date-back">&lsaquo; ([^<]*)</a>', nav[1])
    if back:
        return back[1], links[1:]
    return None, links


def on(year, month, day):
    return datetime.datetime(year, month, day, 9, tzinfo=datetime.UTC)


@pytest.fixture
def log_over_years():
    """Contacts in 2016, 2018 and 2019: none in 2017."""
    for when in [on(2016, 11, 3), on(2018, 3, 2), on(2018, 7, 5), on(2019, 1, 9)]:
        InteractionFactory(occurred_at=when)


def test_the_date_hierarchy_offers_every_year_from_the_first_contact_to_the_last(
    deal_client, log_over_years
):
    response = deal_client.get(changelist_url(Interaction))

    # Read from the first and last dates: 2017, without contacts, is offered.
    assert date_hierarchy(response) == (
        None,
        [
            ("2016", "?occurred_at__year=2016"),
            ("2017", "?occurred_at__year=2017"),
            ("2018", "?occurred_at__year=2018"),
            ("2019", "?occurred_at__year=2019"),
        ],
    )


def test_the_date_hierarchy_offers_a_years_months_from_its_first_contact_to_its_last(
    deal_client, log_over_years
):
    response = deal_client.get(changelist_url(Interaction), {"occurred_at__year": 2018})

    assert date_hierarchy(response) == (
        "All dates",
        [
            (f"{month} 2018", f"?occurred_at__month={number}&occurred_at__year=2018")
            for number, month in [
                (3, "March"),
                (4, "April"),
                (5, "May"),
                (6, "June"),
                (7, "July"),
            ]
        ],
    )
    assert len(listed(response)) == 2


def test_the_date_hierarchy_offers_a_months_days_from_its_first_contact_to_its_last(
    deal_client,
):
    for day in (2, 5):
        InteractionFactory(occurred_at=on(2018, 7, day))
    InteractionFactory(occurred_at=on(2018, 8, 1))

    response = deal_client.get(
        changelist_url(Interaction),
        {"occurred_at__year": 2018, "occurred_at__month": 7},
    )

    assert date_hierarchy(response) == (
        "2018",
        [
            (
                f"July {day}",
                f"?occurred_at__day={day}&occurred_at__month=7&occurred_at__year=2018",
            )
            for day in (2, 3, 4, 5)
        ],
    )


def test_a_log_of_one_year_opens_the_date_hierarchy_on_its_months(deal_client):
    InteractionFactory(occurred_at=on(2018, 3, 2))
    InteractionFactory(occurred_at=on(2018, 4, 9))

    response = deal_client.get(changelist_url(Interaction))

    assert date_hierarchy(response) == (
        "All dates",
        [
            ("March 2018", "?occurred_at__month=3&occurred_at__year=2018"),
            ("April 2018", "?occurred_at__month=4&occurred_at__year=2018"),
        ],
    )


def test_an_empty_log_has_a_date_hierarchy_without_choices(deal_client):
    response = deal_client.get(changelist_url(Interaction))

    assert date_hierarchy(response) == (None, [])


def test_a_hidden_contact_does_not_widen_the_date_hierarchy(deal_client):
    InteractionFactory(occurred_at=on(2018, 3, 2))
    InteractionFactory(occurred_at=on(2019, 3, 2))
    secret = FundingRoundFactory(confidential=True)
    secret.teams.set([Team.objects.create(name="Project Falcon")])
    InteractionFactory(occurred_at=on(2012, 1, 1), round=secret)

    response = deal_client.get(changelist_url(Interaction))

    assert [title for title, _ in date_hierarchy(response)[1]] == ["2018", "2019"]


def test_an_analyst_reads_the_people_present_on_an_interaction(client, analyst_user):
    alibaba = InvestorFactory(name="Alibaba Group")
    joe = ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")
    interaction = InteractionFactory(investor=alibaba, contacts=[joe])
    client.force_login(analyst_user)

    response = client.get(change_url(interaction))

    assert response.status_code == 200
    assert '<div class="readonly">Joe Tsai</div>' in response.text


@pytest.mark.parametrize(
    "params",
    [
        {},
        # Drilled down to a month, as the benchmark's A4.
        {"occurred_at__year": "2018", "occurred_at__month": "7"},
        {"kind__exact": "call", "follow_up": "scheduled", "logged_by__id__exact": "me"},
    ],
)
def test_the_interaction_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, deal_team_user, django_assert_num_queries, params
):
    if params.get("logged_by__id__exact") == "me":
        params = {**params, "logged_by__id__exact": deal_team_user.pk}

    def make_interactions(count):
        for day in range(count):
            investor = InvestorFactory()
            InteractionFactory(
                investor=investor,
                contacts=ContactFactory.create_batch(2, investor=investor),
                company=CompanyFactory(),
                logged_by=deal_team_user,
                occurred_at=at(7, day + 1),
                kind=Interaction.Kind.CALL,
                follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
            )

    # 1 session, 2 user, 3-4 the user's and its groups' permissions, 5 the
    # confidential rounds the user's teams see (read once per request,
    # crm.portfolio.walls), 6 users for the logged-by filter, 7 count of the
    # filtered interactions (up to the cap, crm.core.admin_pagination; no
    # second, unfiltered count), 8 the page of interactions with investors,
    # companies and who logged them, 9 the people present on the page (one
    # prefetch), 10-11 the first and the last date for the date hierarchy (not
    # a DISTINCT over every row).
    expected_queries = 11

    make_interactions(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Interaction), params)
    assert len(listed(response)) == 3

    make_interactions(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(Interaction), params)
    assert len(listed(response)) == 6


# Deal notes


def test_the_deal_note_changelist_and_change_form_open(deal_client):
    round_ = FundingRoundFactory(company=CompanyFactory(name="SenseTime"), name="C+")
    note = DealNoteFactory(
        title="Alibaba on SenseTime's R&D",
        investor=InvestorFactory(name="Alibaba Group"),
        company=round_.company,
        round=round_,
    )

    changelist = deal_client.get(changelist_url(DealNote))
    change_form = deal_client.get(change_url(note))

    assert listed(changelist) == [note]
    assert "SenseTime C+" in changelist.text
    assert change_form.status_code == 200
    assert "Alibaba Group" in change_form.text


def test_writing_a_deal_note_records_its_author(deal_client, deal_team_user):
    company = CompanyFactory(name="SenseTime")

    response = deal_client.post(
        add_url(DealNote),
        {
            "title": "Preparing a round of up to $2B",
            "body": "",
            "pinned": "on",
            "investor": "",
            "company": company.pk,
            "round": "",
        },
    )

    assert response.status_code == 302
    note = DealNote.objects.get()
    assert note.author == deal_team_user
    assert note.pinned is True
    assert note.company == company


def test_a_deal_note_about_nothing_is_refused(deal_client):
    response = deal_client.post(
        add_url(DealNote),
        {
            "title": "Loose thought",
            "body": "",
            "investor": "",
            "company": "",
            "round": "",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Link the note to an investor, a company or a round."
    ]
    assert not DealNote.objects.exists()


def test_deal_notes_filter_by_pinned_and_author(deal_client, colleague):
    pinned = DealNoteFactory(pinned=True, author=colleague)
    unpinned = DealNoteFactory(pinned=False)

    by_pinned = deal_client.get(changelist_url(DealNote), {"pinned__exact": "1"})
    by_author = deal_client.get(
        changelist_url(DealNote), {"author__id__exact": colleague.pk}
    )
    not_pinned = deal_client.get(changelist_url(DealNote), {"pinned__exact": "0"})

    assert listed(by_pinned) == [pinned]
    assert listed(by_author) == [pinned]
    assert listed(not_pinned) == [unpinned]


def test_the_deal_team_can_delete_its_notes(deal_client):
    note = DealNoteFactory()

    response = deal_client.post(delete_url(note), {"post": "yes"})

    assert response.status_code == 302
    assert not DealNote.objects.exists()


def test_the_deal_note_changelist_runs_the_same_queries_for_3_and_6_rows(
    deal_client, deal_team_user, django_assert_num_queries
):
    def make_notes(count):
        for _ in range(count):
            round_ = FundingRoundFactory()
            DealNoteFactory(
                investor=InvestorFactory(),
                company=round_.company,
                round=round_,
                author=deal_team_user,
            )

    # 1 session, 2 user, 3-4 permissions, 5 the confidential rounds the user's
    # teams see (crm.portfolio.walls), 6 users for the author filter, 7 count
    # of the filtered notes (up to the cap, crm.core.admin_pagination; no
    # second, unfiltered count), 8 the page of notes with investors,
    # companies, rounds with their companies, and authors.
    expected_queries = 8

    make_notes(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(DealNote))
    assert len(listed(response)) == 3

    make_notes(3)
    with django_assert_num_queries(expected_queries):
        response = deal_client.get(changelist_url(DealNote))
    assert len(listed(response)) == 6


def test_people_present_are_found_by_name_or_by_their_investor(deal_client, joe, hopu):
    ContactFactory(
        investor=hopu,
        first_name="Fang",
        last_name="Fenglei",
    )
    field = {
        "app_label": "notes",
        "model_name": "interaction",
        "field_name": "contacts",
    }

    by_name = deal_client.get("/admin/autocomplete/", {**field, "term": "tsai"})
    by_investor = deal_client.get("/admin/autocomplete/", {**field, "term": "alibaba"})

    expected = [{"id": str(joe.pk), "text": "Joe Tsai"}]
    assert by_name.json()["results"] == expected
    assert by_investor.json()["results"] == expected
