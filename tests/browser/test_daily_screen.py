"""The daily screen in Chromium: logging in, the dashboard's charts, a round's board."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from crm.portfolio.models import Stake
from tests.browser.conftest import login, no_console_errors, wait_for
from tests.factories import (
    CompanyFactory,
    FundingRoundFactory,
    InvestorFactory,
    StakeFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    # Serialized: the groups the migrations create come back for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Per canvas: whether Chart.js drew a chart on it, and whether any pixel of
# it is painted. WebDriver's script runs outside the page's CSP.
CHARTS_DRAWN = """
return Array.from(document.querySelectorAll("canvas[data-chart]")).map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(
    0, 0, canvas.width, canvas.height
  ).data;
  return {
    key: canvas.dataset.chart,
    chart: typeof Chart !== "undefined" && Chart.getChart(canvas) !== undefined,
    painted: pixels.some((value, index) => index % 4 === 3 && value !== 0),
  };
});
"""


@pytest.fixture
def dealer(db):
    return UserFactory(username="dealer", groups=["Deal team"], is_staff=True)


@pytest.fixture
def make_run(db):
    """The demo data and the demo login, as `make run` leaves them."""
    call_command("seed_demo", verbosity=0)
    call_command("ensure_demo_login", verbosity=0)
    return get_user_model().objects.get(username="demo")


def charts_drawn(browser):
    """The page's charts once each is drawn and painted (else False)."""
    charts = browser.execute_script(CHARTS_DRAWN)
    drawn = charts and all(chart["chart"] and chart["painted"] for chart in charts)
    return charts if drawn else False


def texts(browser, css):
    return [element.text for element in browser.find_elements(By.CSS_SELECTOR, css)]


def test_logging_in_opens_the_dashboard(browser, live_server, dealer):
    browser.get(f"{live_server.url}/")
    wait_for(browser, "#login-form")
    browser.find_element(By.NAME, "username").send_keys("dealer")
    browser.find_element(By.NAME, "password").send_keys("wrong")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    refused = wait_for(browser, ".errornote").text

    browser.find_element(By.NAME, "password").send_keys("pw")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_for(browser, "#user-tools")

    assert "Please enter the correct username and password" in refused
    assert browser.current_url == f"{live_server.url}/admin/"
    assert browser.find_element(By.ID, "crm-my-follow-ups").is_displayed()
    assert "dealer" in browser.find_element(By.ID, "user-tools").text.lower()
    # The wrong password's 200 with an error is no console error.
    no_console_errors(browser)


def test_the_demo_login_reads_a_full_dashboard_with_its_charts_drawn(
    browser, live_server, make_run
):
    login(browser, live_server, make_run, password="demo")
    wait_for(browser, "canvas[data-chart]")
    drawn = WebDriverWait(browser, 10).until(charts_drawn)

    assert sorted(chart["key"] for chart in drawn) == [
        "contacts-per-week",
        "held-by-country",
        "held-by-sector",
        "pipeline-by-status",
    ]
    assert len(texts(browser, "#crm-my-follow-ups tbody tr")) == 2
    assert [text.split(",")[0] for text in texts(browser, "#crm-going-cold li")] == [
        "Qualcomm Ventures",
        "CDH Investments",
    ]
    assert texts(browser, "#crm-my-rounds tbody th") == ["SenseTime Series D"]
    no_console_errors(browser)


def test_moving_an_investor_on_the_board_is_one_choice_and_one_click(
    browser, live_server, dealer
):
    series_d = FundingRoundFactory(
        company=CompanyFactory(name="SenseTime"),
        name="Series D",
        status="open",
        target_amount=Decimal("2000000000"),
    )
    stake = StakeFactory(
        investor=InvestorFactory(name="SoftBank Vision Fund"),
        company=series_d.company,
        round=series_d,
        amount=Decimal("950000000"),
        status=Stake.Status.IN_TALKS,
    )
    login(
        browser,
        live_server,
        dealer,
        f"/admin/portfolio/fundinground/{series_d.pk}/board/",
    )

    card = wait_for(browser, f"#column-in_talks #stake-{stake.pk}")
    Select(card.find_element(By.NAME, "status")).select_by_visible_text("Committed")
    card.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    message = wait_for(browser, ".messagelist").text

    assert message == "SoftBank Vision Fund moved to Committed."
    assert browser.find_elements(
        By.CSS_SELECTOR, f"#column-committed #stake-{stake.pk}"
    )
    assert texts(browser, "#column-in_talks .crm-card") == []
    stake.refresh_from_db()
    assert stake.status == Stake.Status.COMMITTED
    no_console_errors(browser)
