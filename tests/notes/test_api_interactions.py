import datetime

import pytest
from django.utils import timezone

from crm.investors.models import Contact
from crm.notes.models import Interaction, InteractionContact
from tests.api_pages import detail_of, field_errors, ids, iso, problem
from tests.factories import (
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/interactions/"


def at(day, hour=9):
    return datetime.datetime(2018, 7, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def log(world):
    """Three entries: a call, an email and a meeting, in that order in time."""
    return {
        "call": InteractionFactory(
            kind=Interaction.Kind.CALL,
            occurred_at=at(2),
            investor=world["alibaba"],
            contacts=[world["tsai"], world["wu"]],
            company=world["sensetime"],
            round=world["series_c"],
            summary="Alibaba keen on the SenseTime Series C",
            details="Wants to lead; R&D in deep learning is the draw.",
            follow_up_on=datetime.date(2018, 7, 9),
            logged_by=world["me"],
        ),
        "email": InteractionFactory(
            kind=Interaction.Kind.EMAIL,
            occurred_at=at(5),
            investor=world["alibaba"],
            contacts=[world["wu"]],
            summary="Sent the data room link",
            details="",
            logged_by=world["me"],
        ),
        "meeting": InteractionFactory(
            kind=Interaction.Kind.MEETING,
            occurred_at=at(10),
            investor=world["softbank"],
            contacts=[world["son"]],
            company=world["megvii"],
            summary="Vision Fund on Megvii",
            details="Asked about visual computing revenue.",
            logged_by=world["colleague"],
        ),
    }


# Reading


def test_it_shows_an_interaction_with_its_relations_as_ids(api, world, log):
    call = log["call"]

    response = api.get(f"{URL}{call.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": call.pk,
        "external_id": "",
        "kind": "call",
        "occurred_at": "2018-07-02T09:00:00Z",
        "investor": world["alibaba"].pk,
        "contacts": [world["tsai"].pk, world["wu"].pk],
        "company": world["sensetime"].pk,
        "round": world["series_c"].pk,
        "summary": "Alibaba keen on the SenseTime Series C",
        "details": "Wants to lead; R&D in deep learning is the draw.",
        "follow_up_on": "2018-07-09",
        "follow_up_done": False,
        "logged_by": world["me"].pk,
        "created_at": iso(call.created_at),
        "updated_at": iso(call.updated_at),
    }


def test_it_lists_the_newest_first_in_pages(api, log):
    response = api.get(URL, {"page_size": 2})

    body = response.json()
    assert [row["id"] for row in body["results"]] == [
        log["meeting"].pk,
        log["email"].pk,
    ]
    # Keyset pages (crm.core.api.pagination): links, no count.
    assert set(body) == {"next", "previous", "results"}
    assert body["previous"] is None
    assert body["next"].startswith("http://testserver/api/v1/interactions/?cursor=")


def test_the_last_page_has_no_next_link(api, log):
    first = api.get(URL, {"page_size": 2}).json()
    body = api.get(first["next"]).json()

    assert [row["id"] for row in body["results"]] == [log["call"].pk]
    assert body["next"] is None
    assert api.get(body["previous"]).json()["results"] == first["results"]


def test_it_orders_by_occurred_at_both_ways(api, log):
    oldest_first = [log["call"].pk, log["email"].pk, log["meeting"].pk]

    assert ids(api.get(URL, {"ordering": "occurred_at"})) == oldest_first
    assert ids(api.get(URL, {"ordering": "-occurred_at"})) == oldest_first[::-1]


# Filters


def test_it_filters_by_investors(api, world, log):
    assert ids(api.get(URL, {"investor": world["softbank"].pk})) == [log["meeting"].pk]
    both = f"{world['alibaba'].pk},{world['softbank'].pk}"
    assert len(ids(api.get(URL, {"investor": both}))) == 3


def test_it_filters_by_companies(api, world, log):
    response = api.get(
        URL, {"company": f"{world['sensetime'].pk},{world['megvii'].pk}"}
    )

    assert ids(response) == [log["meeting"].pk, log["call"].pk]


def test_it_filters_by_rounds(api, world, log):
    response = api.get(URL, {"round": world["series_c"].pk})

    assert ids(response) == [log["call"].pk]


def test_it_filters_by_the_people_present_without_duplicates(api, world, log):
    # Both people were on the call: it must come back once.
    response = api.get(URL, {"contact": f"{world['tsai'].pk},{world['wu'].pk}"})

    assert ids(response) == [log["email"].pk, log["call"].pk]


def test_it_filters_by_one_person_present(api, world, log):
    assert ids(api.get(URL, {"contact": world["son"].pk})) == [log["meeting"].pk]


def test_it_filters_by_kinds(api, log):
    response = api.get(URL, {"kind": "call,meeting"})

    assert ids(response) == [log["meeting"].pk, log["call"].pk]


def test_an_unknown_kind_filter_is_a_400(api, log):
    response = api.get(URL, {"kind": "call,lunch"})

    assert response.status_code == 400
    assert list(field_errors(response)) == ["kind"]


def test_it_filters_by_who_logged_them(api, world, log):
    response = api.get(URL, {"logged_by": world["colleague"].pk})

    assert ids(response) == [log["meeting"].pk]


def test_it_filters_by_an_inclusive_time_window(api, log):
    response = api.get(
        URL,
        {
            "occurred_after": "2018-07-02T09:00:00Z",
            "occurred_before": "2018-07-05T09:00:00+00:00",
        },
    )

    assert ids(response) == [log["email"].pk, log["call"].pk]


def test_it_reads_offsets_in_the_time_window(api, log):
    # 17:00 in Beijing is 09:00 UTC: the email is at the boundary.
    response = api.get(URL, {"occurred_after": "2018-07-05T17:00:00+08:00"})

    assert ids(response) == [log["meeting"].pk, log["email"].pk]


def test_a_bad_occurred_after_is_a_400(api, log):
    response = api.get(URL, {"occurred_after": "last tuesday"})

    assert response.status_code == 400
    assert field_errors(response) == {"occurred_after": ["Enter a valid date/time."]}


def test_it_filters_by_text_in_the_summary_or_the_details(api, log):
    assert ids(api.get(URL, {"search": "DATA ROOM"})) == [log["email"].pk]
    assert ids(api.get(URL, {"search": "visual computing"})) == [log["meeting"].pk]


def test_it_filters_by_last_change(api, log):
    Interaction.objects.update(updated_at=at(1))
    Interaction.objects.filter(pk=log["email"].pk).update(updated_at=at(20))

    response = api.get(URL, {"updated_after": "2018-07-20T09:00:00Z"})

    assert ids(response) == [log["email"].pk]


@pytest.fixture
def follow_ups(world):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    def entry(summary, follow_up_on, done=False):
        return InteractionFactory(
            investor=world["alibaba"],
            summary=summary,
            follow_up_on=follow_up_on,
            follow_up_done=done,
            logged_by=world["me"],
        )

    return {
        "overdue": entry("Overdue", today - day),
        "today": entry("Due today", today),
        "tomorrow": entry("Due tomorrow", today + day),
        "done": entry("Already done", today - day, done=True),
        "none": entry("No follow-up", None),
    }


def test_follow_up_due_lists_follow_ups_dated_today_or_earlier_not_done(
    api, follow_ups
):
    response = api.get(URL, {"follow_up_due": "true"})

    assert set(ids(response)) == {follow_ups["overdue"].pk, follow_ups["today"].pk}


def test_follow_up_due_false_lists_every_other_interaction(api, follow_ups):
    response = api.get(URL, {"follow_up_due": "false"})

    assert set(ids(response)) == {
        follow_ups["tomorrow"].pk,
        follow_ups["done"].pk,
        follow_ups["none"].pk,
    }


def test_a_non_boolean_follow_up_due_is_a_400(api, follow_ups):
    response = api.get(URL, {"follow_up_due": "soon"})

    assert response.status_code == 400
    assert field_errors(response) == {"follow_up_due": ["Use true or false."]}


# Writing


def test_it_logs_an_interaction_as_the_requesting_user(api, world):
    response = api.post(
        URL,
        {
            "kind": "meeting",
            "occurred_at": "2018-07-20T10:30:00+08:00",
            "investor": world["alibaba"].pk,
            "contacts": [world["wu"].pk, world["tsai"].pk],
            "round": world["series_c"].pk,
            "summary": "Term sheet discussion",
            "details": "Lead ticket of $600M.",
            "follow_up_on": "2018-07-27",
        },
    )

    assert response.status_code == 201, response.json()
    created = Interaction.objects.get()
    assert (
        response["Location"] == f"http://testserver/api/v1/interactions/{created.pk}/"
    )
    assert response.json() == {
        "id": created.pk,
        "external_id": "",
        "kind": "meeting",
        "occurred_at": "2018-07-20T02:30:00Z",
        "investor": world["alibaba"].pk,
        # People are listed by name: Tsai before Wu.
        "contacts": [world["tsai"].pk, world["wu"].pk],
        # The company is filled in from the round.
        "company": world["sensetime"].pk,
        "round": world["series_c"].pk,
        "summary": "Term sheet discussion",
        "details": "Lead ticket of $600M.",
        "follow_up_on": "2018-07-27",
        "follow_up_done": False,
        "logged_by": world["me"].pk,
        "created_at": iso(created.created_at),
        "updated_at": iso(created.updated_at),
    }


def test_it_ignores_a_logged_by_in_the_body(api, world):
    response = api.post(
        URL,
        {
            "investor": world["alibaba"].pk,
            "summary": "Quick call",
            "logged_by": world["colleague"].pk,
        },
    )

    assert response.status_code == 201
    assert response.json()["logged_by"] == world["me"].pk
    assert Interaction.objects.get().logged_by == world["me"]


def test_it_fills_in_defaults_for_kind_and_time(api, world):
    before = timezone.now()

    response = api.post(URL, {"investor": world["alibaba"].pk, "summary": "Call"})

    body = response.json()
    assert body["kind"] == "call"
    assert body["contacts"] == []
    assert Interaction.objects.get().occurred_at >= before


def test_an_edit_by_someone_else_keeps_who_logged_it(api, world, log):
    meeting = log["meeting"]

    response = api.put(
        f"{URL}{meeting.pk}/",
        {
            "kind": "meeting",
            "occurred_at": "2018-07-10T09:00:00Z",
            "investor": world["softbank"].pk,
            "contacts": [],
            "company": world["megvii"].pk,
            "summary": "Vision Fund on Megvii (corrected)",
            "logged_by": world["me"].pk,
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["logged_by"] == world["colleague"].pk
    assert body["summary"] == "Vision Fund on Megvii (corrected)"
    assert body["contacts"] == []
    # As in DRF, a field left out of a PUT that has a default keeps its value.
    assert body["details"] == "Asked about visual computing revenue."
    meeting.refresh_from_db()
    assert meeting.logged_by == world["colleague"]
    assert list(meeting.contacts.all()) == []


def test_a_patch_without_contacts_keeps_the_people_present(api, world, log):
    call = log["call"]

    response = api.patch(f"{URL}{call.pk}/", {"follow_up_done": True})

    assert response.status_code == 200
    assert response.json()["follow_up_done"] is True
    assert response.json()["contacts"] == [world["tsai"].pk, world["wu"].pk]
    assert set(call.contacts.all()) == {world["tsai"], world["wu"]}


def test_a_patch_replaces_the_people_present(api, world, log):
    call = log["call"]

    response = api.patch(f"{URL}{call.pk}/", {"contacts": [world["wu"].pk]})

    assert response.json()["contacts"] == [world["wu"].pk]
    assert list(call.contacts.all()) == [world["wu"]]


def test_a_patch_can_clear_the_people_present(api, log):
    call = log["call"]

    response = api.patch(f"{URL}{call.pk}/", {"contacts": []})

    assert response.json()["contacts"] == []
    assert not InteractionContact.objects.filter(interaction=call).exists()


def test_it_rejects_a_new_investor_the_people_present_do_not_work_at(api, world, log):
    call = log["call"]

    response = api.patch(
        f"{URL}{call.pk}/",
        {"investor": world["softbank"].pk, "company": None, "round": None},
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "contacts": ["Not at SoftBank Vision Fund: Joe Tsai, Wei Wu."]
    }
    call.refresh_from_db()
    assert call.investor == world["alibaba"]


def test_it_moves_an_interaction_to_another_investor_with_its_people(api, world, log):
    email = log["email"]

    response = api.patch(
        f"{URL}{email.pk}/",
        {"investor": world["softbank"].pk, "contacts": [world["son"].pk]},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["investor"] == world["softbank"].pk
    assert response.json()["contacts"] == [world["son"].pk]


def test_the_deal_team_deletes_an_interaction_but_not_the_people(api, world, log):
    call = log["call"]

    response = api.delete(f"{URL}{call.pk}/")

    assert response.status_code == 204
    assert not Interaction.objects.filter(pk=call.pk).exists()
    assert not InteractionContact.objects.filter(interaction_id=call.pk).exists()
    assert Contact.objects.filter(pk=world["tsai"].pk).exists()


# Errors


def test_it_requires_a_summary(api, world):
    response = api.post(URL, {"investor": world["alibaba"].pk})

    assert response.status_code == 400
    assert field_errors(response) == {"summary": ["This field is required."]}


def test_it_rejects_a_blank_summary(api, world):
    response = api.post(URL, {"investor": world["alibaba"].pk, "summary": ""})

    assert response.status_code == 400
    assert field_errors(response) == {"summary": ["This field may not be blank."]}


def test_it_rejects_an_unknown_kind(api, world):
    response = api.post(
        URL, {"investor": world["alibaba"].pk, "summary": "Lunch", "kind": "lunch"}
    )

    assert response.status_code == 400
    assert field_errors(response) == {"kind": ['"lunch" is not a valid choice.']}


def test_it_rejects_a_bad_occurred_at(api, world):
    response = api.post(
        URL,
        {
            "investor": world["alibaba"].pk,
            "summary": "Call",
            "occurred_at": "2018-13-45T25:00:00Z",
        },
    )

    assert response.status_code == 400
    assert list(field_errors(response)) == ["occurred_at"]
    assert field_errors(response)["occurred_at"][0].startswith(
        "Datetime has wrong format."
    )


def test_it_rejects_contacts_who_work_at_another_investor(api, world):
    response = api.post(
        URL,
        {
            "investor": world["alibaba"].pk,
            "contacts": [world["tsai"].pk, world["son"].pk],
            "summary": "Call",
        },
    )

    assert response.status_code == 400
    assert field_errors(response) == {"contacts": ["Not at Alibaba Group: Masa Son."]}
    assert not Interaction.objects.exists()


def test_it_rejects_a_round_of_another_company(api, world):
    response = api.post(
        URL,
        {
            "investor": world["alibaba"].pk,
            "company": world["sensetime"].pk,
            "round": world["megvii_d"].pk,
            "summary": "Call",
        },
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "round": ["This round belongs to another company."]
    }


def test_it_rejects_an_unknown_investor(api, world):
    response = api.post(URL, {"investor": 999999, "summary": "Call"})

    assert response.status_code == 400
    assert field_errors(response) == {
        "investor": ['Invalid pk "999999" - object does not exist.']
    }


def test_it_rejects_an_unknown_contact(api, world):
    response = api.post(
        URL,
        {"investor": world["alibaba"].pk, "contacts": [999999], "summary": "Call"},
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "contacts": ['Invalid pk "999999" - object does not exist.']
    }


def test_it_rejects_malformed_json(api, world):
    response = api.post(URL, '{"summary": "Call",', content_type="application/json")

    assert response.status_code == 400
    assert problem(response, 400)["type"] == "urn:crm:problem:parse_error"
    assert detail_of(response).startswith("JSON parse error")


# Speed


def test_filters_do_not_add_queries(api, world, log, django_assert_num_queries):
    params = {
        "investor": world["alibaba"].pk,
        "contact": world["wu"].pk,
        "kind": "call,email",
        "logged_by": world["me"].pk,
        "follow_up_due": "true",
        "search": "series",
        "occurred_after": "2018-07-01T00:00:00Z",
        "occurred_before": "2018-07-31T00:00:00Z",
        "updated_after": "2018-01-01T00:00:00Z",
        "ordering": "occurred_at",
    }
    # The same five queries as the unfiltered list (see above).
    # Plus one after authentication: the confidential rounds the user's teams
    # may see, read once per request (crm.portfolio.walls.confidential_rounds_seen_by).
    with django_assert_num_queries(6):
        response = api.get(URL, params)
    assert ids(response) == [log["call"].pk]
