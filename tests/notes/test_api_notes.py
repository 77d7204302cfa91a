import datetime

import pytest

from crm.notes.models import DealNote
from tests.api_pages import detail_of, field_errors, ids, iso, problem
from tests.factories import (
    DealNoteFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/notes/"


@pytest.fixture
def notes(world):
    """Created in this order; only the oldest is pinned."""
    return {
        "thesis": DealNoteFactory(
            title="Why Alibaba backs SenseTime",
            body="R&D in deep learning and visual computing.",
            investor=world["alibaba"],
            company=world["sensetime"],
            pinned=True,
            author=world["colleague"],
        ),
        "round": DealNoteFactory(
            title="Series C could reach $2B",
            body="Preparing a round.",
            investor=None,
            round=world["series_c"],
            author=world["me"],
        ),
        "softbank": DealNoteFactory(
            title="Vision Fund appetite",
            body="Wants a stake of almost $1B.",
            investor=world["softbank"],
            author=world["me"],
        ),
    }


# Reading


def test_it_shows_a_note_with_its_relations_as_ids(api, world, notes):
    thesis = notes["thesis"]

    response = api.get(f"{URL}{thesis.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": thesis.pk,
        "external_id": "",
        "title": "Why Alibaba backs SenseTime",
        "body": "R&D in deep learning and visual computing.",
        "investor": world["alibaba"].pk,
        "company": world["sensetime"].pk,
        "round": None,
        "pinned": True,
        "author": world["colleague"].pk,
        "created_at": iso(thesis.created_at),
        "updated_at": iso(thesis.updated_at),
    }


def test_it_lists_pinned_notes_first_then_the_newest_in_pages(api, notes):
    response = api.get(URL, {"page_size": 2})

    body = response.json()
    assert [row["id"] for row in body["results"]] == [
        notes["thesis"].pk,
        notes["softbank"].pk,
    ]
    assert body["count"] == 3
    assert body["next"] == "http://testserver/api/v1/notes/?page=2&page_size=2"
    last = api.get(URL, {"page_size": 2, "page": 2}).json()
    assert [row["id"] for row in last["results"]] == [notes["round"].pk]
    assert last["next"] is None


# Filters


def test_it_filters_by_investors(api, world, notes):
    response = api.get(
        URL, {"investor": f"{world['softbank'].pk},{world['alibaba'].pk}"}
    )

    assert ids(response) == [notes["thesis"].pk, notes["softbank"].pk]


def test_it_filters_by_companies(api, world, notes):
    # The round note is about SenseTime too: a round implies its company.
    assert ids(api.get(URL, {"company": world["sensetime"].pk})) == [
        notes["thesis"].pk,
        notes["round"].pk,
    ]
    assert ids(api.get(URL, {"company": world["megvii"].pk})) == []


def test_it_filters_by_rounds(api, world, notes):
    assert ids(api.get(URL, {"round": world["series_c"].pk})) == [notes["round"].pk]


def test_it_filters_by_pinned(api, notes):
    assert ids(api.get(URL, {"pinned": "true"})) == [notes["thesis"].pk]
    assert ids(api.get(URL, {"pinned": "false"})) == [
        notes["softbank"].pk,
        notes["round"].pk,
    ]


def test_a_non_boolean_pinned_is_a_400(api, notes):
    response = api.get(URL, {"pinned": "yes please"})

    assert response.status_code == 400
    assert field_errors(response) == {"pinned": ["Use true or false."]}


def test_it_filters_by_text_in_the_title_or_the_body(api, notes):
    assert ids(api.get(URL, {"search": "vision fund"})) == [notes["softbank"].pk]
    assert ids(api.get(URL, {"search": "DEEP LEARNING"})) == [notes["thesis"].pk]


def test_it_filters_by_last_change(api, notes):
    old = datetime.datetime(2018, 7, 1, tzinfo=datetime.UTC)
    DealNote.objects.update(updated_at=old)
    DealNote.objects.filter(pk=notes["round"].pk).update(
        updated_at=old + datetime.timedelta(days=1)
    )

    response = api.get(URL, {"updated_after": "2018-07-02T00:00:00Z"})

    assert ids(response) == [notes["round"].pk]


def test_a_bad_updated_after_is_a_400(api, notes):
    response = api.get(URL, {"updated_after": "yesterday"})

    assert response.status_code == 400
    assert field_errors(response) == {"updated_after": ["Enter a valid date/time."]}


# Writing


def test_it_creates_a_note_by_the_requesting_user(api, world):
    response = api.post(
        URL,
        {
            "title": "SenseTime valuation",
            "body": "Valued at $4.5B in May.",
            "company": world["sensetime"].pk,
            "pinned": True,
            "author": world["colleague"].pk,
        },
    )

    assert response.status_code == 201, response.json()
    created = DealNote.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/notes/{created.pk}/"
    assert response.json() == {
        "id": created.pk,
        "external_id": "",
        "title": "SenseTime valuation",
        "body": "Valued at $4.5B in May.",
        "investor": None,
        "company": world["sensetime"].pk,
        "round": None,
        "pinned": True,
        # The author in the body is ignored: it is whoever sends the request.
        "author": world["me"].pk,
        "created_at": iso(created.created_at),
        "updated_at": iso(created.updated_at),
    }
    assert created.author == world["me"]


def test_an_edit_by_someone_else_keeps_the_author(api, world, notes):
    thesis = notes["thesis"]

    response = api.put(
        f"{URL}{thesis.pk}/",
        {
            "title": "Why Alibaba backs SenseTime (2018)",
            "body": "",
            "investor": world["alibaba"].pk,
            "company": None,
            "round": None,
            "pinned": False,
            "author": world["me"].pk,
        },
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["author"] == world["colleague"].pk
    assert body["title"] == "Why Alibaba backs SenseTime (2018)"
    assert body["company"] is None
    assert body["pinned"] is False
    thesis.refresh_from_db()
    assert thesis.author == world["colleague"]


def test_a_patch_pins_a_note(api, notes):
    softbank = notes["softbank"]

    response = api.patch(f"{URL}{softbank.pk}/", {"pinned": True})

    assert response.status_code == 200
    assert response.json()["pinned"] is True
    assert response.json()["title"] == "Vision Fund appetite"


def test_the_deal_team_deletes_a_note(api, notes):
    response = api.delete(f"{URL}{notes['softbank'].pk}/")

    assert response.status_code == 204
    assert not DealNote.objects.filter(pk=notes["softbank"].pk).exists()


# Errors


def test_a_note_must_be_about_an_investor_a_company_or_a_round(api, world):
    response = api.post(URL, {"title": "Loose thought", "body": "About nothing."})

    assert response.status_code == 400
    assert field_errors(response) == {
        None: ["Link the note to an investor, a company or a round."]
    }
    assert not DealNote.objects.exists()


def test_a_patch_cannot_unlink_a_note_from_everything(api, notes):
    softbank = notes["softbank"]

    response = api.patch(f"{URL}{softbank.pk}/", {"investor": None})

    assert response.status_code == 400
    assert field_errors(response) == {
        None: ["Link the note to an investor, a company or a round."]
    }
    softbank.refresh_from_db()
    assert softbank.investor_id is not None


def test_it_requires_a_title(api, world):
    response = api.post(URL, {"investor": world["alibaba"].pk})

    assert response.status_code == 400
    assert field_errors(response) == {"title": ["This field is required."]}


def test_it_rejects_an_unknown_company(api, world):
    response = api.post(URL, {"title": "Note", "company": 999999})

    assert response.status_code == 400
    assert field_errors(response) == {
        "company": ['Invalid pk "999999" - object does not exist.']
    }


def test_it_rejects_a_non_boolean_pinned(api, world):
    response = api.post(
        URL, {"title": "Note", "investor": world["alibaba"].pk, "pinned": "sometimes"}
    )

    assert response.status_code == 400
    assert field_errors(response) == {"pinned": ["Must be a valid boolean."]}


def test_it_rejects_malformed_json(api, world):
    response = api.post(URL, "{title: Note}", content_type="application/json")

    assert response.status_code == 400
    assert problem(response, 400)["type"] == "urn:crm:problem:parse_error"
    assert detail_of(response).startswith("JSON parse error")


# Speed


def test_filters_do_not_add_queries(api, world, notes, django_assert_num_queries):
    params = {
        "investor": world["alibaba"].pk,
        "company": world["sensetime"].pk,
        "pinned": "true",
        "search": "alibaba",
        "updated_after": "2018-01-01T00:00:00Z",
    }
    # The same five queries as the unfiltered list (see above).
    # Plus one after authentication: the confidential rounds the user's teams
    # may see, read once per request (crm.portfolio.walls.confidential_rounds_seen_by).
    with django_assert_num_queries(6):
        response = api.get(URL, params)
    assert ids(response) == [notes["thesis"].pk]


def test_a_note_about_a_round_of_another_company_is_refused_on_round(api, world):
    response = api.post(
        URL,
        {
            "title": "Mixed up",
            "company": world["megvii"].pk,
            "round": world["series_c"].pk,
        },
    )

    assert response.status_code == 400
    assert field_errors(response) == {
        "round": ["This round belongs to another company."]
    }
    assert not DealNote.objects.filter(title="Mixed up").exists()
