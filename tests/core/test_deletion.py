import pytest

from crm.core.deletion import DependentRecordsExist, delete_record
from crm.investors.models import Contact, Investor
from crm.portfolio.models import Company, FundingRound
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    SectorFactory,
    StakeFactory,
)

pytestmark = pytest.mark.django_db


def test_it_refuses_to_delete_an_investor_with_stakes():
    alibaba = InvestorFactory(name="Alibaba Group")
    StakeFactory.create_batch(2, investor=alibaba)

    with pytest.raises(DependentRecordsExist) as error:
        delete_record(alibaba)

    assert error.value.message == (
        "Cannot delete investor “Alibaba Group”: 2 stakes depend on it."
    )
    assert str(error.value) == error.value.message
    assert Investor.objects.filter(pk=alibaba.pk).exists()


def test_it_words_a_single_dependant_in_the_singular():
    alibaba = InvestorFactory(name="Alibaba Group")
    StakeFactory(investor=alibaba)

    with pytest.raises(DependentRecordsExist) as error:
        delete_record(alibaba)

    assert error.value.message == (
        "Cannot delete investor “Alibaba Group”: 1 stake depends on it."
    )


def test_it_refuses_to_delete_an_investor_with_logged_interactions(user):
    alibaba = InvestorFactory(name="Alibaba Group")
    InteractionFactory.create_batch(3, investor=alibaba, logged_by=user)

    with pytest.raises(DependentRecordsExist) as error:
        delete_record(alibaba)

    assert error.value.message == (
        "Cannot delete investor “Alibaba Group”: 3 interactions depend on it."
    )
    assert Investor.objects.filter(pk=alibaba.pk).exists()


def test_it_names_every_kind_of_dependant_of_an_investor(user):
    alibaba = InvestorFactory(name="Alibaba Group")
    StakeFactory.create_batch(2, investor=alibaba)
    InteractionFactory(investor=alibaba, logged_by=user)
    DealNoteFactory(investor=alibaba, author=user)

    with pytest.raises(DependentRecordsExist) as error:
        delete_record(alibaba)

    assert error.value.message == (
        "Cannot delete investor “Alibaba Group”: "
        "1 deal note, 1 interaction, 2 stakes depend on it."
    )
    assert Investor.objects.filter(pk=alibaba.pk).exists()


def test_it_counts_each_interaction_once_when_its_people_are_the_investors(user):
    alibaba = InvestorFactory(name="Alibaba Group")
    joe, daniel = ContactFactory.create_batch(2, investor=alibaba)
    InteractionFactory.create_batch(
        2, investor=alibaba, contacts=[joe, daniel], logged_by=user
    )

    with pytest.raises(DependentRecordsExist) as error:
        delete_record(alibaba)

    assert error.value.message == (
        "Cannot delete investor “Alibaba Group”: 2 interactions depend on it."
    )


def test_it_keeps_an_investors_contacts_when_it_refuses_to_delete_it():
    alibaba = InvestorFactory(name="Alibaba Group")
    joe = ContactFactory(investor=alibaba, first_name="Joe", last_name="Tsai")
    StakeFactory(investor=alibaba)

    with pytest.raises(DependentRecordsExist):
        delete_record(alibaba)

    assert Contact.objects.filter(pk=joe.pk).exists()


def test_it_deletes_an_investor_without_dependants_and_its_contacts():
    alibaba = InvestorFactory(name="Alibaba Group", sectors=[SectorFactory()])
    ContactFactory.create_batch(2, investor=alibaba)
    fidelity = InvestorFactory(name="Fidelity International")
    anthony = ContactFactory(investor=fidelity)

    delete_record(alibaba)

    assert list(Investor.objects.all()) == [fidelity]
    assert list(Contact.objects.all()) == [anthony]


def test_it_refuses_to_delete_a_company_with_rounds_and_stakes():
    sensetime = CompanyFactory(name="SenseTime")
    series_c = FundingRoundFactory(company=sensetime, name="Series C")
    StakeFactory(company=sensetime, round=series_c)
    StakeFactory(company=sensetime, round=None)

    with pytest.raises(DependentRecordsExist) as error:
        delete_record(sensetime)

    assert error.value.message == (
        "Cannot delete company “SenseTime”: 1 funding round, 2 stakes depend on it."
    )
    assert Company.objects.filter(pk=sensetime.pk).exists()
    assert FundingRound.objects.filter(pk=series_c.pk).exists()


def test_it_deletes_a_company_without_dependants():
    company = CompanyFactory(name="Yitu")

    delete_record(company)

    assert not Company.objects.exists()


def test_it_refuses_to_delete_a_contact_present_at_an_interaction(user):
    joe = ContactFactory(first_name="Joe", last_name="Tsai")
    InteractionFactory(investor=joe.investor, contacts=[joe], logged_by=user)

    with pytest.raises(DependentRecordsExist) as error:
        delete_record(joe)

    # The reader knows interactions, not the rows linking people to them.
    assert error.value.message == (
        "Cannot delete contact “Joe Tsai”: 1 interaction depends on it."
    )
    assert Contact.objects.filter(pk=joe.pk).exists()


def test_it_deletes_a_contact_never_present_at_an_interaction():
    joe = ContactFactory(first_name="Joe", last_name="Tsai")

    delete_record(joe)

    assert not Contact.objects.exists()
