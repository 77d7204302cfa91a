import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


class InlineCode(HTMLParser):
    """What a page runs or styles inline, with the nonce it carries."""

    def __init__(self):
        super().__init__()
        self.blocks = []  # (tag, nonce) of inline <script> and <style> elements
        self.attributes = []  # style="..." and on...="..." attributes

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A <script type="application/json"> is data, which no policy blocks.
        runs = "src" not in attrs and attrs.get("type") != "application/json"
        if tag == "style" or (tag == "script" and runs):
            self.blocks.append((tag, attrs.get("nonce")))
        self.attributes += [
            f"{tag} {name}"
            for name in attrs
            if name == "style" or name.startswith("on")
        ]


def inline_code(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = [
        directive.split()
        for directive in response["Content-Security-Policy"].split(";")
    ]
    return {name: sources for name, *sources in directives}


def nonce_of(response):
    """The nonce the policy allows scripts and styles by (the same for both)."""
    directives = policy(response)
    (nonce,) = re.findall(r"'nonce-([^']+)'", " ".join(directives["script-src"]))
    assert directives["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert directives["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    return nonce


def test_api_responses_carry_the_policy(api):
    response = api.get("/api/v1/sectors/")

    assert response.status_code == 200
    assert policy(response) == POLICY


def test_errors_and_the_login_page_carry_the_policy(client, anonymous_api):
    assert policy(anonymous_api.get("/api/v1/sectors/")) == POLICY
    assert policy(client.get("/api/v1/nowhere/")) == POLICY
    login = client.get("/admin/login/")
    assert login.status_code == 200
    assert policy(login) == POLICY
    assert inline_code(login).blocks == []


def test_the_docs_page_runs_its_inline_script_with_the_response_nonce(
    client, deal_team_user
):
    client.force_login(deal_team_user)

    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    nonce = nonce_of(response)
    code = inline_code(response)
    assert code.blocks == [("style", nonce), ("script", nonce)]
    assert code.attributes == []
    assert 'SwaggerUIBundle({\n  url: "/api/v1/schema/"' in response.content.decode()


def test_the_nonce_changes_with_every_response(client, deal_team_user):
    client.force_login(deal_team_user)

    first = nonce_of(client.get("/api/v1/docs/"))
    second = nonce_of(client.get("/api/v1/docs/"))

    assert first != second


def admin_pages():
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:{}_{}_add".format(*info)))
    return pages


def test_the_admin_runs_no_inline_code_that_the_policy_would_block(client, superuser):
    client.force_login(superuser)

    for page in admin_pages():
        response = client.get(page)
        # Add pages of what is never added in the admin answer 403.
        assert response.status_code in (200, 403), page
        assert policy(response) == POLICY, page
        code = inline_code(response)
        assert code.blocks == [], page
        assert code.attributes == [], page
