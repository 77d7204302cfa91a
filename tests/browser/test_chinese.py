"""The dashboard in Chinese, in the user's own time zone, in Chromium."""

import zoneinfo

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from crm.accounts.models import UserSettings
from tests.browser.conftest import login, no_console_errors, wait_for
from tests.factories import (
    CompanyFactory,
    InteractionFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    # Serialized: the groups the migrations create come back for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_switching_to_chinese_reads_the_dashboard_in_chinese(browser, live_server):
    wang = UserFactory(username="wang", groups=["Deal team"], is_staff=True)
    UserSettings.objects.create(user=wang, time_zone="Asia/Shanghai")
    alibaba = InvestorFactory(name="Alibaba Group", country="CN", owner=wang)
    InteractionFactory(
        investor=alibaba,
        logged_by=wang,
        summary="Series D terms",
        # Today where wang is, which may not be today in UTC.
        follow_up_on=timezone.localdate(timezone=zoneinfo.ZoneInfo("Asia/Shanghai")),
    )
    StakeFactory(
        investor=alibaba,
        company=CompanyFactory(name="SenseTime"),
        status="closed",
        amount=600_000_000,
    )
    login(browser, live_server, wang)

    english = browser.find_element(By.CSS_SELECTOR, "#crm-my-follow-ups h2").text
    browser.find_element(By.CSS_SELECTOR, "#crm-language button[value=zh-hans]").click()
    wait_for(browser, "html[lang=zh-hans]")

    heading = browser.find_element(By.CSS_SELECTOR, "#crm-my-follow-ups h2").text
    follow_up = browser.find_element(By.CSS_SELECTOR, "#crm-my-follow-ups td").text
    country_chart = browser.find_element(By.CSS_SELECTOR, "#crm-chart-held-by-country")
    zone = browser.find_element(By.ID, "crm-time-zone").text
    # The admin's CSS may draw headings and header links in capitals.
    assert english.upper() == "MY FOLLOW-UPS DUE"
    assert heading == "我的待办跟进"
    assert follow_up == "今天"
    assert "按投资方国家统计的持股金额（美元）" in country_chart.text
    assert country_chart.find_element(By.TAG_NAME, "canvas").size["height"] > 0
    assert zone.upper() == "时区：ASIA/SHANGHAI"
    switch = browser.find_element(By.CSS_SELECTOR, "#crm-language button")
    assert switch.text.upper() == "ENGLISH"
    no_console_errors(browser)
