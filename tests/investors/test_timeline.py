"""The pages of investors, companies and rounds open on a read-only summary and timeline."""

import datetime
from decimal import Decimal

import pytest

from crm.core.models import Team
from crm.portfolio.admin_summaries import investor_summary
from crm.portfolio.models import FundingRound, Stake
from crm.portfolio.walls import confidential_rounds_seen_by
from tests.admin_pages import change_url
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

M = Decimal(1_000_000)


def at(day, hour=9):
    return datetime.datetime(2018, 7, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def member():
    return UserFactory(username="member", groups=["Deal team"], is_staff=True)


@pytest.fixture
def outsider():
    return UserFactory(username="outsider", groups=["Deal team"], is_staff=True)


@pytest.fixture
def softbank(member, outsider):
    """SoftBank: a person, a held stake, a pipeline stake in a confidential round, a log."""
    team = Team.objects.create(name="Project Sun")
    team.members.add(member)
    investor = InvestorFactory(name="SoftBank Vision Fund")
    ContactFactory(
        investor=investor, first_name="Rajeev", last_name="Misra", title="CEO"
    )
    sensetime = CompanyFactory(name="SenseTime")
    series_c = FundingRoundFactory(company=sensetime, name="Series C")
    secret = FundingRoundFactory(
        company=sensetime,
        name="Series D",
        status=FundingRound.Status.OPEN,
        confidential=True,
    )
    secret.teams.set([team])
    StakeFactory(investor=investor, company=sensetime, round=series_c, amount=600 * M)
    StakeFactory(
        investor=investor,
        company=sensetime,
        round=secret,
        status=Stake.Status.IN_TALKS,
        amount=950 * M,
    )
    InteractionFactory(
        investor=investor, summary="Intro call", logged_by=outsider, occurred_at=at(1)
    )
    InteractionFactory(
        investor=investor,
        round=secret,
        summary="Vision Fund on the $2B round",
        logged_by=member,
        occurred_at=at(10),
    )
    DealNoteFactory(investor=investor, title="Wants a board seat", author=member)
    DealNoteFactory(investor=investor, round=secret, title="Almost $1B", author=member)
    return {
        "investor": investor,
        "company": sensetime,
        "series_c": series_c,
        "secret": secret,
    }


def page(client, user, obj):
    client.force_login(user)
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return response


def timeline(response):
    return [
        (e.kind, e.title, e.who.username)
        for e in response.context["summary"]["timeline"]
    ]


def test_an_investors_page_opens_on_its_people_stakes_and_timeline(
    client, softbank, member
):
    response = page(client, member, softbank["investor"])

    summary = response.context["summary"]
    assert [str(person) for person in summary["people"]] == ["Rajeev Misra"]
    assert [stake.round.name for stake in summary["held"]] == ["Series C"]
    assert [stake.round.name for stake in summary["pipeline"]] == ["Series D"]
    # Newest first: the notes were written today, after the 2018 contacts.
    assert timeline(response) == [
        ("Deal note", "Almost $1B", "member"),
        ("Deal note", "Wants a board seat", "member"),
        ("Call", "Vision Fund on the $2B round", "member"),
        ("Call", "Intro call", "outsider"),
    ]
    text = response.text
    assert "Rajeev Misra</a>, CEO" in text
    assert "USD 600,000,000" in text
    pk = softbank["investor"].pk
    assert f'href="/admin/notes/interaction/?investor__id__exact={pk}"' in text
    assert f'href="/admin/notes/dealnote/?investor__id__exact={pk}"' in text
    # The summary comes before the form's fields.
    assert text.index('id="crm-summary-timeline"') < text.index('name="name"')


def test_an_outsider_sees_nothing_of_the_confidential_round_on_the_investors_page(
    client, softbank, outsider
):
    response = page(client, outsider, softbank["investor"])

    summary = response.context["summary"]
    assert summary["pipeline"] == []
    assert timeline(response) == [
        ("Deal note", "Wants a board seat", "member"),
        ("Call", "Intro call", "outsider"),
    ]
    assert "Series D" not in response.text
    assert "USD 950,000,000" not in response.text


def test_the_timeline_shows_the_latest_20_contacts_and_notes(client, member):
    investor = InvestorFactory()
    for day in range(1, 26):
        InteractionFactory(
            investor=investor, summary=f"Call {day}", occurred_at=at(day)
        )

    entries = timeline(page(client, member, investor))

    assert [title for _, title, _ in entries] == [
        f"Call {day}" for day in range(25, 5, -1)
    ]


def test_a_companys_page_opens_on_its_rounds_investors_and_notes(
    client, softbank, member, outsider
):
    company = softbank["company"]
    InteractionFactory(
        investor=softbank["investor"], company=company, summary="SenseTime update"
    )
    DealNoteFactory(investor=None, company=company, title="Valuation view")

    seen_by_member = page(client, member, company)
    seen_by_outsider = page(client, outsider, company)

    summary = seen_by_member.context["summary"]
    assert [r.name for r in summary["rounds"]] == ["Series D", "Series C"]
    assert [(s.investor.name, s.status) for s in summary["held"]] == [
        ("SoftBank Vision Fund", "closed")
    ]
    # Everything about SenseTime, its confidential round's too for the member.
    assert {title for _, title, _ in timeline(seen_by_member)} == {
        "Valuation view",
        "Almost $1B",
        "SenseTime update",
        "Vision Fund on the $2B round",
    }
    assert [title for _, title, _ in timeline(seen_by_outsider)] == [
        "Valuation view",
        "SenseTime update",
    ]
    assert [r.name for r in seen_by_outsider.context["summary"]["rounds"]] == [
        "Series C"
    ]
    assert seen_by_outsider.context["summary"]["pipeline"] == []


def test_a_rounds_page_links_to_its_board_and_shows_its_contacts_and_notes(
    client, softbank, member
):
    response = page(client, member, softbank["secret"])

    assert timeline(response) == [
        ("Deal note", "Almost $1B", "member"),
        ("Call", "Vision Fund on the $2B round", "member"),
    ]
    board = f"/admin/portfolio/fundinground/{softbank['secret'].pk}/board/"
    assert f'<a href="{board}">Fundraising board</a>' in response.text


def test_an_analyst_sees_the_summary_read_only(client, softbank, analyst_user):
    response = page(client, analyst_user, softbank["investor"])

    assert [str(p) for p in response.context["summary"]["people"]] == ["Rajeev Misra"]
    assert len(response.context["summary"]["timeline"]) == 2


def test_the_investor_summary_runs_the_same_queries_however_long_its_history(
    rf, softbank, member, django_assert_num_queries
):
    investor = softbank["investor"]
    request = rf.get("/")
    request.user = member
    # Read once per request before the summary (the admin has by then).
    member.has_perm("notes.view_interaction")
    confidential_rounds_seen_by(member)
    # 1 people, 2 held stakes and pipeline with their companies and rounds,
    # 3 the latest contacts with who logged them, 4 the latest notes with
    # their authors.
    expected_queries = 4

    with django_assert_num_queries(expected_queries):
        investor_summary(request, investor)

    company = CompanyFactory()
    for _ in range(3):
        ContactFactory(investor=investor)
        StakeFactory(investor=investor, company=company, amount=M)
        InteractionFactory(investor=investor)
        DealNoteFactory(investor=investor)
    with django_assert_num_queries(expected_queries):
        summary = investor_summary(request, investor)
    assert (len(summary["people"]), len(summary["held"]), len(summary["timeline"])) == (
        4,
        4,
        10,
    )
