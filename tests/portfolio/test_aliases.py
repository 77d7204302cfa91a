import pytest

from crm.portfolio.models import Company
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def test_a_search_finds_a_company_by_a_chinese_alias():
    CompanyFactory(name="SenseTime", aliases=["商汤科技"])
    CompanyFactory(name="Megvii", aliases=["Face++", "旷视"])

    assert list(Company.objects.matching("商汤").values_list("name", flat=True)) == [
        "SenseTime"
    ]


def test_a_search_matches_aliases_ignoring_case():
    CompanyFactory(name="Megvii", aliases=["Face++"])
    CompanyFactory(name="SenseTime")

    assert list(Company.objects.matching("FACE+").values_list("name", flat=True)) == [
        "Megvii"
    ]
