"""The feed's cursor follows commit order, not the order rows were inserted in."""

import threading

import pytest
from django.db import connection, connections, transaction

from crm.integrations.models import ChangeEntry
from tests.factories import InvestorFactory, UserFactory
from tests.integrations.conftest import client_for

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite runs one write transaction at a time (a second waits for "
    "the first to commit), so two cannot interleave: ids are commit order there.",
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_committing_last_comes_last_whatever_its_ids():
    reader = client_for(UserFactory(username="reader", groups=["Deal team"]))
    inserted, release = threading.Event(), threading.Event()
    failures = []

    def slow_writer():
        try:
            with transaction.atomic():
                InvestorFactory(name="Slow Capital")
                inserted.set()
                release.wait(10)
        except Exception as error:  # reported by the main thread
            failures.append(error)
            inserted.set()
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    inserted.wait(10)
    InvestorFactory(name="Fast Capital")  # inserted after, committed first

    first = reader.get("/api/v1/changes/?resource=investors").json()
    assert [change["data"]["name"] for change in first["results"]] == ["Fast Capital"]
    release.set()
    slow.join(10)
    assert not failures

    after = first["next_cursor"]
    then = reader.get(f"/api/v1/changes/?resource=investors&after={after}").json()
    assert [change["data"]["name"] for change in then["results"]] == ["Slow Capital"]
    slow_entry, fast_entry = ChangeEntry.objects.filter(resource="investors").order_by(
        "id"
    )
    assert slow_entry.id < fast_entry.id
    assert slow_entry.commit_seq > fast_entry.commit_seq
