"""Reading API answers in tests, as admin_pages.py reads admin pages."""


def iso(moment):
    """A datetime as the API writes it: ISO 8601 in UTC, with a Z."""
    return moment.isoformat().replace("+00:00", "Z")


def ids(response):
    """The ids of a list page's rows, in order, after checking it is a 200."""
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


def problem(response, status):
    """The body of an error response, after checking it is an RFC 9457 problem."""
    from crm.core.api.problems import CODES, CONTENT_TYPE

    assert response.status_code == status, response.content
    assert response["Content-Type"] == CONTENT_TYPE
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:crm:problem:")
    assert body["title"]
    assert isinstance(body["detail"], str)
    for item in body.get("errors", []):
        assert item["code"] in CODES, item
    return body


def field_errors(response):
    """{field: [messages]} of a problem's `errors` (None: about no one field)."""
    body = problem(response, response.status_code)
    errors = {}
    for item in body["errors"]:
        errors.setdefault(item["field"], []).append(item["message"])
    return errors


def error_codes(response):
    """{field: [codes]} of a problem's `errors`."""
    errors = {}
    for item in problem(response, response.status_code)["errors"]:
        errors.setdefault(item["field"], []).append(item["code"])
    return errors


def detail_of(response):
    """The `detail` sentence of a problem."""
    return problem(response, response.status_code)["detail"]
