import pytest
from django.core.exceptions import ValidationError

from crm.core.services import record_save
from crm.investors.models import Investor
from crm.transfer.imports import import_file, start_batch
from crm.transfer.models import ImportBatch
from crm.transfer.undo import undo_batch
from tests.factories import InvestorFactory, SectorFactory, StakeFactory
from tests.transfer.conftest import csv_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(importer):
    """An import that created HOPU Capital and changed Alibaba Group's city and sectors."""
    old = SectorFactory(name="E-commerce", slug="e-commerce")
    new = SectorFactory(name="Computer vision", slug="computer-vision")
    InvestorFactory(name="Alibaba Group", city="Hangzhou", sectors=[old])
    data = csv_file(
        [
            ["name", "city", "sectors"],
            ["Alibaba Group", "Beijing", new.name],
            ["HOPU Capital", "Beijing", ""],
        ]
    )
    batch = start_batch("investors", "list.csv", data, importer)
    import_file(batch, importer)
    return batch


def test_undo_deletes_what_the_import_created_and_restores_what_it_updated(
    imported, importer
):
    undo_batch(batch=imported, user=importer)

    alibaba = Investor.objects.get()
    assert (alibaba.name, alibaba.city) == ("Alibaba Group", "Hangzhou")
    assert [sector.slug for sector in alibaba.sectors.all()] == ["e-commerce"]
    assert imported.status == ImportBatch.Status.UNDONE
    assert imported.undone_by == importer
    entry = alibaba.history.order_by("-history_id").first()
    assert entry.history_change_reason == f"Undo of import #{imported.pk}"


def test_undo_is_refused_when_a_record_was_changed_after_the_import(imported, importer):
    alibaba = Investor.objects.get(name="Alibaba Group")
    alibaba.city = "Shanghai"
    record_save(instance=alibaba)

    with pytest.raises(ValidationError) as error:
        undo_batch(batch=imported, user=importer)

    assert error.value.messages[0] == (
        "Nothing was undone: records changed after the import."
    )
    assert "Investor “Alibaba Group” was changed again on" in error.value.messages[1]
    assert Investor.objects.count() == 2


def test_undo_is_refused_when_a_created_record_gained_dependants(imported, importer):
    StakeFactory(investor=Investor.objects.get(name="HOPU Capital"))

    with pytest.raises(ValidationError) as error:
        undo_batch(batch=imported, user=importer)

    assert "Cannot delete investor “HOPU Capital”: 1 stake depends on it." in str(
        error.value
    )
    assert Investor.objects.get(name="Alibaba Group").city == "Beijing"


def test_an_undone_batch_cannot_be_undone_twice(imported, importer):
    undo_batch(batch=imported, user=importer)

    with pytest.raises(ValidationError):
        undo_batch(batch=imported, user=importer)


def test_an_undone_import_can_be_imported_again(imported, importer):
    undo_batch(batch=imported, user=importer)
    data = csv_file([["name", "city"], ["HOPU Capital", "Beijing"]])

    import_file(start_batch("investors", "again.csv", data, importer), importer)

    assert Investor.objects.filter(name="HOPU Capital").exists()
