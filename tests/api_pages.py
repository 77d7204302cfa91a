"""Reading API answers in tests, as admin_pages.py reads admin pages."""


def iso(moment):
    """A datetime as the API writes it: ISO 8601 in UTC, with a Z."""
    return moment.isoformat().replace("+00:00", "Z")


def ids(response):
    """The ids of a list page's rows, in order, after checking it is a 200."""
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]
