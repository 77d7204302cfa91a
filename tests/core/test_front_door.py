import pytest

from tests.api_pages import detail_of

pytestmark = pytest.mark.django_db


def test_the_site_root_redirects_to_the_admin(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_favicon_is_served_as_an_image(client):
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain == [("/static/favicon.svg", 302)]
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(response.streaming_content)


def test_admin_pages_name_the_favicon(client):
    # The login page too: every admin page extends admin/base_site.html.
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert (
        '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">'
        in response.text
    )


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/investors/"])
def test_an_anonymous_browser_is_told_how_to_authenticate(client, path):
    response = client.get(path, HTTP_ACCEPT="text/html")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.text
    assert "manage.py create_api_token USERNAME" in page
    assert "Authorization: Bearer &lt;token&gt;" in page
    assert f'<a href="/admin/login/?next={path}">log in to the admin</a>' in page
    assert '<a href="/api/v1/docs/">' in page


def test_a_json_client_without_credentials_still_gets_the_json_401(client):
    response = client.get("/api/v1/", HTTP_ACCEPT="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert detail_of(response) == "Authentication credentials were not provided."


def test_a_logged_in_browser_gets_the_browsable_api_without_the_explanation(
    client, deal_team_user
):
    client.force_login(deal_team_user)

    response = client.get("/api/v1/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "/api/v1/investors/" in response.text
    assert "create_api_token" not in response.text
