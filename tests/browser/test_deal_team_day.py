"""A deal team member's common paths, in Chromium."""

import datetime

import pytest
from django.utils import timezone
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.wait import WebDriverWait

from crm.notes.models import Interaction
from tests.browser.conftest import login, no_console_errors, wait_for
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    InteractionFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.browser,
    # Serialized: the groups the migrations create come back for later tests.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def people_offered(browser):
    """The people the open autocomplete lists, once it has them (else False)."""
    texts = [
        option.text
        for option in browser.find_elements(By.CSS_SELECTOR, ".select2-results__option")
    ]
    return texts if texts and "Searching…" not in texts else False


@pytest.fixture
def dealer(db):
    return UserFactory(username="dealer", groups=["Deal team"], is_staff=True)


def test_logging_a_contact_from_an_investor_takes_five_clicks(
    browser, live_server, dealer
):
    softbank = InvestorFactory(name="SoftBank Vision Fund")
    oliver = ContactFactory(investor=softbank, first_name="Oliver", last_name="Grant")
    ContactFactory(
        investor=InvestorFactory(name="Alibaba Group"),
        first_name="Oliver",
        last_name="Chen",
    )
    login(
        browser, live_server, dealer, f"/admin/investors/investor/{softbank.pk}/change/"
    )

    browser.find_element(By.CSS_SELECTOR, "a.crm-log-contact").click()  # 1
    wait_for(browser, "#id_summary").send_keys("Call on the Series D terms")
    browser.find_element(By.CSS_SELECTOR, ".field-people_present .select2").click()  # 2
    # Opened without typing: every person offered, of SoftBank only.
    # Options are redrawn as results arrive: read again until they settle.
    offered = WebDriverWait(
        browser, 10, ignored_exceptions=[StaleElementReferenceException]
    ).until(people_offered)
    browser.find_element(By.CSS_SELECTOR, ".select2-results__option").click()  # 3
    browser.find_element(
        By.CSS_SELECTOR, "input[name=follow_up_in][value='1w']"
    ).click()  # 4
    in_a_week = timezone.localdate() + datetime.timedelta(weeks=1)
    shown = browser.find_element(By.ID, "id_follow_up_on").get_attribute("value")
    browser.find_element(By.NAME, "_save").click()  # 5
    wait_for(browser, ".messagelist")

    assert offered == ["Oliver Grant"]
    assert shown == f"{in_a_week:%Y-%m-%d}"
    interaction = Interaction.objects.get()
    assert interaction.investor == softbank
    assert list(interaction.contacts.all()) == [oliver]
    assert interaction.follow_up_on == in_a_week
    assert interaction.logged_by == dealer
    no_console_errors(browser)


def test_marking_a_follow_up_done_is_one_click(browser, live_server, dealer):
    due = InteractionFactory(
        summary="Send Oliver the data room",
        follow_up_on=timezone.localdate(),
        logged_by=dealer,
    )
    login(browser, live_server, dealer, "/admin/notes/interaction/my-follow-ups/")

    browser.find_element(By.CSS_SELECTOR, "button.crm-follow-up-done").click()
    message = wait_for(browser, ".messagelist").text

    assert message == "Follow-up of “Send Oliver the data room” marked done."
    assert browser.find_elements(By.CSS_SELECTOR, "button.crm-follow-up-done") == []
    due.refresh_from_db()
    assert due.follow_up_done is True
    no_console_errors(browser)


def test_the_header_search_finds_megvii_as_face_plus_plus(browser, live_server, dealer):
    megvii = CompanyFactory(name="Megvii", aliases=["Face++"])
    login(browser, live_server, dealer)

    box = browser.find_element(By.ID, "crm-header-search-q")
    box.send_keys("Face++", Keys.ENTER)
    wait_for(browser, "#crm-search-company").find_element(
        By.LINK_TEXT, "Megvii"
    ).click()
    wait_for(browser, "#company_form")

    assert browser.current_url == (
        f"{live_server.url}/admin/portfolio/company/{megvii.pk}/change/"
    )
    no_console_errors(browser)


def test_the_daily_pages_log_no_console_errors(browser, live_server, dealer):
    investor = InvestorFactory(name="SoftBank Vision Fund")
    login(browser, live_server, dealer)

    for path in [
        "/admin/",
        "/admin/investors/investor/",
        "/admin/investors/investor/?keep_in_touch=going_cold",
        f"/admin/investors/investor/{investor.pk}/change/",
        f"/admin/notes/interaction/add/?investor={investor.pk}",
        "/admin/notes/interaction/my-follow-ups/",
        "/admin/search/?q=soft",
    ]:
        browser.get(f"{live_server.url}{path}")
        wait_for(browser, "#content")
        no_console_errors(browser)


def test_an_inline_script_is_blocked_and_reported(browser, live_server, dealer):
    # The check above can fail: what the policy blocks reaches the console.
    login(browser, live_server, dealer)
    browser.execute_script(
        "const script = document.createElement('script');"
        "script.textContent = 'document.title = \"injected\"';"
        "document.body.appendChild(script);"
    )

    with pytest.raises(AssertionError, match="Content Security Policy"):
        no_console_errors(browser)
    assert browser.title != "injected"
