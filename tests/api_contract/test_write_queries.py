"""Writes take a fixed number of queries: each test lists them.

Every write runs in one transaction (its SAVEPOINT and RELEASE count as
queries under the test's own transaction) and starts with authentication:
1. the token with its user, 2. the user's permissions, 3. the user's groups'
permissions. Each CheckConstraint that Django validates in Python costs a
SAVEPOINT, a `SELECT 1 AS _check` and a RELEASE (three queries).
"""

import datetime

import pytest
from django.db import connection

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
    # round; stake_save: 9. SAVEPOINT, 10. the round locked, 11. the round
    # visible to the writer; full_clean checks 12-14. that investor, company
    # and round exist, 15. the CNY rate on the as-of date, 16. one stake per
    # investor and round; 17-25. the three CheckConstraints (ownership 0-100,
    # currency code, amount >= 0); 26. INSERT; the figures: 27. SAVEPOINT,
    # 28. the investor locked, 29. UPDATE of its figures, 30. RELEASE;
    # 31. UPDATE of the round's held and raised figures; its company's:
    # 32. SAVEPOINT, 33. the company locked, 34. UPDATE, 35. RELEASE;
    # 36. RELEASE; 37. the stake read back for the response, 38. its history
    # entry; 39-45. the outbox (crm.integrations): SAVEPOINT, the round's wall, the
    # stake's change entry, the investor's updated_at, its change entry, any
    # active webhook, RELEASE;
    # 46. RELEASE.
    with django_assert_num_queries(46):
        response = api.post("/api/v1/stakes/", stake_payload(alibaba, series_c))

    assert response.status_code == 201, response.json()
    assert response.json()["amount_usd"] == "1000000000.00"


def test_patching_a_stake_takes_a_fixed_number_of_queries(
    api, alibaba, series_c, django_assert_num_queries
):
    stake = api.post("/api/v1/stakes/", stake_payload(alibaba, series_c)).json()
    # 1-3. authentication, 4-5. SAVEPOINTs (the view's, the update's),
    # 6. the confidential rounds seen, 7. the stake, 8. its updated_at for the
    # ETag; stake_save: 9. SAVEPOINT, 10. the stake as stored, locked, 11. its
    # round locked, 12. the round visible to the writer; full_clean checks
    # 13-15. that investor, company and round exist, 16. the round, to check
    # it is the company's, 17. the CNY rate, 18. one stake per investor and
    # round; 19-27. the three CheckConstraints; 28. UPDATE; the figures:
    # 29. SAVEPOINT, 30. the investor locked, 31. UPDATE of its figures,
    # 32. RELEASE; 33. UPDATE of the round's held and raised figures; its
    # company's: 34. SAVEPOINT, 35. the company locked, 36. UPDATE,
    # 37. RELEASE; 38. RELEASE; 39. the stake read back, 40. RELEASE, 41. its
    # history entry, 42. the entry before it (the diff); 43-50. the outbox:
    # SAVEPOINT, the round's wall, the stake's previous wall, its change
    # entry, the investor's updated_at, its change entry, any active webhook,
    # RELEASE; 51. RELEASE.
    with django_assert_num_queries(51):
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
    # serializer reads 6. the investor, 7-8. the two people, 9. the company,
    # 10. the round; full_clean checks 11-14. that investor, company, round
    # and writer exist, 15-17. the summary CheckConstraint; 18. INSERT;
    # 19-21. the people present set (current, existing links, INSERT);
    # 22. the interaction read back, 23. its people (prefetch); 24. its
    # history entry, 25-26. the people's history; 27-33. the outbox:
    # SAVEPOINT, the round's wall, the change entry, the investor's
    # updated_at (last contact), its change entry, any active webhook,
    # RELEASE; 34. RELEASE.
    with django_assert_num_queries(34):
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
    # 1-3. authentication, 4. SAVEPOINT, 5-6. the two sectors by slug;
    # 7. SAVEPOINT of the duplicate check (crm.transfer), which saves first;
    # record_save's full_clean: 8. the name unique ignoring case, 9-20. the
    # four CheckConstraints; 21. INSERT; 22-24. the sectors set (current,
    # existing links, INSERT); 25. the confidential rounds seen, 26. the
    # investor read back with its figures, 27. its sectors (prefetch);
    # 28-29. likely duplicates by name and by website; 30. RELEASE;
    # 31. its history entry, 32. the stored figures it leaves out, 33-34. the
    # sectors' history; 35-38. the outbox: SAVEPOINT, the change entry, any
    # active webhook, RELEASE; 39. RELEASE.
    # PostgreSQL adds one: the trigram similarity of the name (pg_trgm).
    with django_assert_num_queries(40 if connection.vendor == "postgresql" else 39):
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
