"""Browser tests: Debian's Chromium driven by Selenium against a live server.

A test is a few lines: `login(browser, live_server, user)`, clicks and typing
with Selenium, then `no_console_errors(browser)` (which also catches
Content-Security-Policy violations: Chromium reports them on the console).
Without /usr/bin/chromium and /usr/bin/chromedriver the tests are skipped and
the run says so (`apt-get install chromium chromium-driver`).
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PASSWORD = "pw"  # tests.factories.UserFactory's
SKIP_REASON = (
    f"browser tests need {CHROMIUM} and {CHROMEDRIVER}: "
    "apt-get install chromium chromium-driver"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1000",
]


def browser_available():
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


def pytest_collection_modifyitems(config, items):
    if browser_available():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "browser" in report.keywords
    ]
    if skipped:
        terminalreporter.write_line(
            f"Browser tests skipped ({len(skipped)}): {SKIP_REASON}", yellow=True
        )


@pytest.fixture(scope="session")
def chromium():
    """One Chromium for the session, with a fresh profile, its console log on."""
    profile = tempfile.mkdtemp(prefix="crm-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.implicitly_wait(0)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium, live_server):
    """The session's Chromium, logged out, with an empty console log."""
    chromium.get(f"{live_server.url}/admin/login/")
    chromium.delete_all_cookies()
    chromium.get_log("browser")  # read (and so emptied) before the test
    yield chromium
    chromium.get_log("browser")


def wait_for(browser, css, timeout=10):
    """The element matching `css` once it is visible."""
    return WebDriverWait(browser, timeout).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def login(browser, live_server, user, next_path="/admin/", password=PASSWORD):
    browser.get(f"{live_server.url}/admin/login/?next={next_path}")
    browser.find_element(By.NAME, "username").send_keys(user.username)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    wait_for(browser, "#user-tools")


def no_console_errors(browser):
    """Assert the pages so far logged no error (CSP violations included)."""
    errors = [
        entry["message"]
        for entry in browser.get_log("browser")
        if entry["level"] in ("SEVERE", "ERROR")
        or "Content Security Policy" in entry["message"]
    ]
    assert errors == []
