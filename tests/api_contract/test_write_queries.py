"""Writes take a fixed number of queries: each test lists them.

Every write runs in one transaction (its SAVEPOINT and RELEASE count as
queries under the test's own transaction) and starts with authentication:
1. the token with its user, 2. the user's permissions, 3. the user's groups'
permissions. Each CheckConstraint that Django validates in Python costs a
SAVEPOINT, a `SELECT 1 AS _check` and a RELEASE (three queries).
"""

import datetime

import pytest

from crm.portfolio.models import Stake
from tests.factories import CompanyFactory, ContactFactory, FundingRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def series_c(sector_tree, cny_rates):
    """SenseTime's Series C, with CNY rates for its stakes."""
    sensetime = CompanyFactory(name="SenseTime", sector=sector_tree.vision)
    return FundingRoundFactory(
        company=sensetime, name="Series C", announced_on=datetime.date(2018, 4, 9)
    )


def stake_payload(investor, round_):
    return {
        "investor": investor.pk,
        "company": round_.company_id,
        "round": round_.pk,
        "amount": "6250000000.00",
        "currency": "CNY",
        "ownership_pct": "8.50",
        "is_lead": True,
        "status": "committed",
        "as_of": "2018-06-01",
    }


def test_posting_a_stake_takes_a_fixed_number_of_queries(
    api, alibaba, series_c, django_assert_num_queries
):
    # 1-3. authentication, 4. SAVEPOINT, 5. the confidential rounds the user
    # may see; the serializer reads 6. the investor, 7. the company, 8. the
    # round; full_clean checks 9-11. that each still exists, 12. the CNY rate
    # on the as-of date, 13. one stake per investor and round; 14-22. the
    # three CheckConstraints (ownership 0-100, currency code, amount >= 0);
    # 23. INSERT; the figures: 24. the stake's investor, 25. SAVEPOINT,
    # 26. the investors to refresh, 27. UPDATE of their figures, 28. RELEASE;
    # 29. the stake read back for the response, 30. its history entry,
    # 31. RELEASE.
    with django_assert_num_queries(31):
        response = api.post("/api/v1/stakes/", stake_payload(alibaba, series_c))

    assert response.status_code == 201, response.json()
    assert response.json()["amount_usd"] == "1000000000.00"


def test_patching_a_stake_takes_a_fixed_number_of_queries(
    api, alibaba, series_c, django_assert_num_queries
):
    stake = api.post("/api/v1/stakes/", stake_payload(alibaba, series_c)).json()
    # 1-3. authentication, 4-5. SAVEPOINTs (the view's, the update's),
    # 6. the confidential rounds seen, 7. the stake, 8. its updated_at for the
    # ETag; full_clean checks 9-11. that investor, company and round exist,
    # 12. the round, to check it is the company's, 13. the CNY rate, 14. one stake per
    # investor and round; 15-23. the three CheckConstraints; 24. the stake's
    # investor before the change (its figures change too), 25. UPDATE; the figures: 26. the investor
    # after it, 27. SAVEPOINT, 28. the investors to refresh, 29. UPDATE of
    # their figures, 30. RELEASE; 31. the stake read back, 32. RELEASE,
    # 33. its history entry, 34. RELEASE.
    with django_assert_num_queries(34):
        response = api.patch(
            f"/api/v1/stakes/{stake['id']}/", {"amount": "7000000000.00"}
        )

    assert response.status_code == 200, response.json()
    assert Stake.objects.get().amount_usd == 1_120_000_000


def test_posting_an_interaction_with_people_present_takes_a_fixed_number_of_queries(
    api, alibaba, series_c, django_assert_num_queries
):
    people = ContactFactory.create_batch(2, investor=alibaba)
    # 1-3. authentication, 4. SAVEPOINT, 5. the confidential rounds seen; the
    # serializer reads 6. the investor, 7-8. each person present by id,
    # 9. the company, 10. the round;
    # full_clean checks 11-14. that investor, company, round and author
    # exist; 15-17. the summary's CheckConstraint; 18. INSERT; the people
    # present: 19. those already there, 20. the pairs already linked,
    # 21. INSERT of the links; 22. the interaction read back, 23. its people;
    # 24. its history entry, 25. the links for it, 26. INSERT of their
    # history; 27. RELEASE.
    with django_assert_num_queries(27):
        response = api.post(
            "/api/v1/interactions/",
            {
                "kind": "meeting",
                "occurred_at": "2018-07-02T09:00:00Z",
                "investor": alibaba.pk,
                "contacts": [person.pk for person in people],
                "company": series_c.company_id,
                "round": series_c.pk,
                "summary": "Met the Vision Fund team",
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    assert response.json()["contacts"] == sorted(person.pk for person in people)


def test_posting_an_investor_with_sectors_takes_a_fixed_number_of_queries(
    api, sector_tree, django_assert_num_queries
):
    # 1-3. authentication, 4. SAVEPOINT, 5-6. each sector by its slug,
    # 7. a name differing only in case; 8-19. four CheckConstraints (check
    # sizes in order, each of the three amounts >= 0); 20. INSERT; the
    # sectors: 21. those already set, 22. the pairs already linked,
    # 23. INSERT of the links; the figures: 24. SAVEPOINT, 25. the investors
    # to refresh, 26. UPDATE of their figures, 27. RELEASE; 28. the
    # confidential rounds seen, 29. the investor read back with its figures,
    # 30. its sectors; 31. its history entry, 32. its stored figure columns, read again,
    # 33. the sector links for it, 34. INSERT of their history; 35. RELEASE.
    with django_assert_num_queries(35):
        response = api.post(
            "/api/v1/investors/",
            {
                "name": "HOPU Capital",
                "kind": "private_equity",
                "country": "HK",
                "sectors": ["computer-vision", "fintech"],
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    assert response.json()["sectors"] == ["computer-vision", "fintech"]
