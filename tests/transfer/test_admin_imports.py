import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.investors.models import Investor
from crm.transfer.models import ImportBatch
from tests.admin_pages import changelist_url
from tests.factories import InvestorFactory
from tests.transfer.conftest import csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, deal_team_user):
    client.force_login(deal_team_user)
    return client


def upload(client, name, data, url="admin:investors_investor_import"):
    return client.post(reverse(url), {"file": SimpleUploadedFile(name, data)})


def test_the_list_has_an_import_button(client):
    response = client.get(changelist_url(Investor))

    assert reverse("admin:investors_investor_import") in response.content.decode()


def test_an_upload_shows_its_preview_and_writes_nothing_until_confirmed(client):
    InvestorFactory(name="Alibaba Group", city="Hangzhou")
    data = xlsx_file(
        [["name", "city"], ["Alibaba Group", "Beijing"], ["HOPU Capital", "Beijing"]]
    )

    response = upload(client, "targets.xlsx", data)

    batch = ImportBatch.objects.get()
    preview = reverse("admin:investors_investor_import_preview", args=[batch.pk])
    assert response["Location"] == preview
    page = client.get(preview).content.decode()
    assert "1 new, 1 update, 0 unchanged, 0 duplicate, 0 error" in page
    assert "changes city" in page
    assert Investor.objects.count() == 1

    response = client.post(preview)

    assert response["Location"] == changelist_url(Investor)
    assert Investor.objects.get(name="Alibaba Group").city == "Beijing"
    batch.refresh_from_db()
    assert (batch.status, batch.rows_created, batch.rows_updated) == (
        "imported",
        1,
        1,
    )


def test_a_bad_file_is_a_message_on_the_form_not_an_error_page(client):
    response = upload(client, "list.csv", b"name,colour\nA,red\n")

    assert response.status_code == 200
    assert "Unknown columns: colour." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_confirming_a_file_with_errors_imports_nothing_and_says_which_rows(client):
    upload(
        client, "list.csv", csv_file([["name", "country"], ["A", "CN"], ["B", "??"]])
    )
    batch = ImportBatch.objects.get()
    preview = reverse("admin:investors_investor_import_preview", args=[batch.pk])

    response = client.post(preview)

    page = response.content.decode()
    assert "1 rows have errors; nothing was imported." in page
    assert "“??” is not a country" in page
    assert not Investor.objects.exists()


def test_the_batch_is_listed_and_undone_from_the_admin(client):
    upload(client, "list.csv", csv_file([["name"], ["HOPU Capital"]]))
    batch = ImportBatch.objects.get()
    client.post(reverse("admin:investors_investor_import_preview", args=[batch.pk]))

    listing = client.get(reverse("admin:transfer_importbatch_changelist"))
    undo = reverse("admin:transfer_importbatch_undo", args=[batch.pk])
    assert undo in listing.content.decode()
    assert client.get(undo).status_code == 200

    client.post(undo)

    assert not Investor.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "undone"


def test_someone_else_cannot_see_or_confirm_your_upload(client, analyst_user):
    upload(client, "list.csv", csv_file([["name"], ["HOPU Capital"]]))
    batch = ImportBatch.objects.get()
    client.force_login(analyst_user)

    response = client.post(
        reverse("admin:investors_investor_import_preview", args=[batch.pk])
    )

    assert response.status_code == 403
    assert not Investor.objects.exists()
