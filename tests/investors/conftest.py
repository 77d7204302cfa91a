"""Set-ups the investors tests share: the companies they hold stakes in."""

import pytest

from tests.factories import CompanyFactory


@pytest.fixture
def sectors(sector_tree):
    """The shared sector tree (tests/conftest.py), under this folder's older name."""
    return sector_tree


@pytest.fixture
def sensetime(db):
    """SenseTime with no sector: sector filters here go by the investors' own."""
    return CompanyFactory(name="SenseTime")


@pytest.fixture
def megvii(db):
    return CompanyFactory(name="Megvii")
