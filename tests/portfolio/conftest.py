"""Set-ups the portfolio tests share: SenseTime and the companies beside it."""

import pytest

from tests.factories import CompanyFactory


@pytest.fixture
def sensetime(sector_tree):
    return CompanyFactory(name="SenseTime", sector=sector_tree.vision, country="CN")


@pytest.fixture
def megvii(sector_tree):
    return CompanyFactory(name="Megvii", sector=sector_tree.ai, country="CN")


@pytest.fixture
def stripe(sector_tree):
    return CompanyFactory(name="Stripe", sector=sector_tree.fintech, country="US")
