"""The README and docs/ stay true to the code: links resolve, settings are listed."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target): relative targets only; web addresses are not checked offline.
LINK = re.compile(r"\]\((?!https?:|mailto:)([^)#\s]*)(?:#([^)\s]+))?\)")


def anchors(page):
    """GitHub's anchors for a page's headings: lower case, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_of_a_page_reaches_a_file_and_heading_that_exist(page):
    for target, anchor in LINK.findall(page.read_text()):
        linked = (page.parent / target).resolve() if target else page
        assert linked.exists(), f"{page.name}: {target}"
        if anchor:
            assert anchor in anchors(linked), f"{page.name}: {target}#{anchor}"


def test_every_setting_read_from_the_environment_is_documented():
    settings = (ROOT / "config" / "settings.py").read_text()
    variables = set(re.findall(r"env(?:\.\w+)?\(\s*[\"']([A-Z][A-Z_]+)[\"']", settings))
    table = (ROOT / "docs" / "operations.md").read_text()
    example = (ROOT / ".env.example").read_text()

    assert "DATABASE_URL" in variables  # the pattern finds what settings read
    assert {v for v in variables if f"| `{v}` |" not in table} == set()
    assert {v for v in variables if f"{v}=" not in example} == set()
