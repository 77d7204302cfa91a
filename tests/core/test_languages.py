"""English and Simplified Chinese: the browser's language first, then the header's switch."""

import pytest

from tests.api_pages import field_errors
from tests.factories import InvestorFactory

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.5"}


def test_a_first_visit_in_a_chinese_browser_gets_the_admin_in_chinese(deal_client):
    page = deal_client.get("/admin/", **CHINESE)

    assert '<html lang="zh-hans"' in page.text
    assert "<h2>快捷操作</h2>" in page.text
    assert "我的待办跟进" in page.text
    # The admin's own strings come with Django.
    assert "注销" in page.text
    assert page.headers["Content-Language"] == "zh-hans"


def test_an_english_browser_gets_english(deal_client):
    page = deal_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    assert '<html lang="en"' in page.text
    assert "<h2>Shortcuts</h2>" in page.text


def test_the_header_switches_the_language_with_a_form_and_no_script(deal_client):
    page = deal_client.get("/admin/investors/investor/")

    assert '<form id="crm-language" method="post" action="/i18n/setlang/">' in (
        page.text
    )
    assert (
        '<button type="submit" name="language" value="zh-hans" lang="zh-hans">'
        "简体中文</button>"
    ) in page.text
    assert 'name="next" value="/admin/investors/investor/"' in page.text

    switched = deal_client.post(
        "/i18n/setlang/",
        {"language": "zh-hans", "next": "/admin/investors/investor/"},
    )
    # The choice outlasts the browser's Accept-Language.
    chinese = deal_client.get("/admin/investors/investor/", HTTP_ACCEPT_LANGUAGE="en")

    assert switched.status_code == 302
    assert switched.headers["Location"] == "/admin/investors/investor/"
    assert deal_client.cookies["django_language"].value == "zh-hans"
    assert "我负责的渐冷投资方" in chinese.text
    assert (
        '<button type="submit" name="language" value="en" lang="en">English</button>'
    ) in chinese.text


def test_choices_and_field_names_read_in_chinese(deal_client):
    investor = InvestorFactory(name="HOPU Capital", kind="private_equity")

    page = deal_client.get(
        f"/admin/investors/investor/{investor.pk}/change/", **CHINESE
    )

    assert '<option value="private_equity" selected>私募股权</option>' in page.text
    assert "总部国家" in page.text
    assert "联系周期（天）" in page.text


def test_an_api_error_written_by_us_reads_in_chinese(deal_client):
    InvestorFactory(name="Alibaba Group")

    response = deal_client.post(
        "/api/v1/investors/",
        {"name": "alibaba group", "kind": "strategic"},
        content_type="application/json",
        **CHINESE,
    )

    assert response.status_code == 409
    assert field_errors(response)["name"] == ["已存在同名投资方。"]
