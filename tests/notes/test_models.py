import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from crm.core.services import record_save
from crm.notes.models import DealNote, Interaction, InteractionContact
from crm.notes.services import deal_note_save, interaction_save
from tests.factories import (
    CompanyFactory,
    ContactFactory,
    DealNoteFactory,
    FundingRoundFactory,
    InteractionFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JULY_2 = datetime.datetime(2018, 7, 2, 9, tzinfo=datetime.UTC)


# Interaction


def test_it_rejects_an_interaction_without_a_summary(user):
    with pytest.raises(ValidationError) as error:
        interaction_save(
            interaction=Interaction(
                investor=InvestorFactory(name="Alibaba Group"),
                occurred_at=JULY_2,
                summary="",
            ),
            logged_by=user,
        )

    assert error.value.message_dict == {"summary": ["This field cannot be blank."]}
    assert not Interaction.objects.exists()


def test_the_summary_constraint_reports_on_the_summary():
    # Field validation speaks first; call the constraint on its own.
    interaction = Interaction(summary="")

    with pytest.raises(ValidationError) as error:
        interaction.validate_constraints()

    assert error.value.message_dict == {"summary": ["Write a short summary."]}


def test_the_database_refuses_an_interaction_without_a_summary(user):
    investor = InvestorFactory(name="Alibaba Group")

    with pytest.raises(IntegrityError), transaction.atomic():
        Interaction.objects.bulk_create(
            [Interaction(investor=investor, summary="", logged_by=user)]
        )


def test_it_rejects_an_interaction_about_a_round_of_another_company(user):
    megvii_round = FundingRoundFactory(company=CompanyFactory(name="Megvii"))

    with pytest.raises(ValidationError) as error:
        interaction_save(
            interaction=Interaction(
                investor=InvestorFactory(name="Alibaba Group"),
                company=CompanyFactory(name="SenseTime"),
                round=megvii_round,
                summary="Call about Series C",
            ),
            logged_by=user,
        )

    assert error.value.message_dict == {
        "round": ["This round belongs to another company."]
    }
    assert not Interaction.objects.exists()


def test_an_interaction_about_a_round_alone_gets_the_rounds_company(user):
    sensetime = CompanyFactory(name="SenseTime")
    series_c = FundingRoundFactory(company=sensetime, name="Series C")

    interaction = interaction_save(
        interaction=Interaction(
            investor=InvestorFactory(name="Alibaba Group"),
            round=series_c,
            summary="Call about Series C",
        ),
        logged_by=user,
    )

    interaction.refresh_from_db()
    assert interaction.company == sensetime


def test_an_interaction_about_a_company_alone_keeps_no_round(user):
    sensetime = CompanyFactory(name="SenseTime")

    interaction = interaction_save(
        interaction=Interaction(
            investor=InvestorFactory(name="Alibaba Group"),
            company=sensetime,
            summary="Intro call",
        ),
        logged_by=user,
    )

    interaction.refresh_from_db()
    assert (interaction.company, interaction.round) == (sensetime, None)


def test_follow_up_due_lists_open_follow_ups_on_or_before_the_day(user):
    def log(summary, follow_up_on, done=False):
        return InteractionFactory(
            logged_by=user,
            summary=summary,
            follow_up_on=follow_up_on,
            follow_up_done=done,
        )

    on_the_day = log("On the day", datetime.date(2018, 7, 10))
    overdue = log("Overdue", datetime.date(2018, 7, 1))
    log("Later", datetime.date(2018, 7, 11))
    log("Done", datetime.date(2018, 7, 1), done=True)
    log("No follow-up", None)

    due = Interaction.objects.follow_up_due(on=datetime.date(2018, 7, 10))

    assert set(due) == {on_the_day, overdue}


def test_follow_up_due_defaults_to_today(user):
    today = timezone.localdate()
    due_today = InteractionFactory(logged_by=user, follow_up_on=today)
    InteractionFactory(logged_by=user, follow_up_on=today + datetime.timedelta(days=1))

    assert list(Interaction.objects.follow_up_due()) == [due_today]


# InteractionContact


def test_it_rejects_the_same_person_twice_at_one_interaction():
    joe = ContactFactory(first_name="Joe", last_name="Tsai")
    interaction = InteractionFactory(investor=joe.investor, contacts=[joe])

    with pytest.raises(ValidationError) as error:
        record_save(instance=InteractionContact(interaction=interaction, contact=joe))

    assert error.value.message_dict == {
        "__all__": ["Person present with this Interaction and Contact already exists."]
    }
    assert InteractionContact.objects.count() == 1


def test_the_database_refuses_the_same_person_twice_at_one_interaction():
    joe = ContactFactory(first_name="Joe", last_name="Tsai")
    interaction = InteractionFactory(investor=joe.investor, contacts=[joe])

    with pytest.raises(IntegrityError), transaction.atomic():
        InteractionContact.objects.bulk_create(
            [InteractionContact(interaction=interaction, contact=joe)]
        )


# DealNote


def test_it_rejects_a_deal_note_about_nothing(user):
    with pytest.raises(ValidationError) as error:
        deal_note_save(note=DealNote(title="R&D in deep learning"), author=user)

    assert error.value.message_dict == {
        "__all__": ["Link the note to an investor, a company or a round."]
    }
    assert not DealNote.objects.exists()


@pytest.mark.parametrize("about", ["investor", "company", "round"])
def test_it_accepts_a_deal_note_about_one_thing(user, about):
    target = {
        "investor": InvestorFactory,
        "company": CompanyFactory,
        "round": FundingRoundFactory,
    }[about]()

    note = deal_note_save(
        note=DealNote(title="R&D in deep learning", **{about: target}), author=user
    )

    note.refresh_from_db()
    assert getattr(note, about) == target


def test_it_rejects_a_deal_note_about_a_round_of_another_company(user):
    megvii_round = FundingRoundFactory(company=CompanyFactory(name="Megvii"))

    with pytest.raises(ValidationError) as error:
        deal_note_save(
            note=DealNote(
                title="Series C terms",
                company=CompanyFactory(name="SenseTime"),
                round=megvii_round,
            ),
            author=user,
        )

    assert error.value.message_dict == {
        "round": ["This round belongs to another company."]
    }
    assert not DealNote.objects.exists()


def test_a_deal_note_about_a_round_alone_gets_the_rounds_company(user):
    sensetime = CompanyFactory(name="SenseTime")
    series_c = FundingRoundFactory(company=sensetime, name="Series C")

    note = deal_note_save(
        note=DealNote(title="Series C terms", round=series_c), author=user
    )

    note.refresh_from_db()
    assert note.company == sensetime


def test_the_database_refuses_a_deal_note_about_nothing():
    note = DealNoteFactory(title="R&D in deep learning")

    with pytest.raises(IntegrityError), transaction.atomic():
        DealNote.objects.filter(pk=note.pk).update(investor=None)


def test_the_database_refuses_a_new_deal_note_about_nothing():
    author = UserFactory(username="analyst1")

    with pytest.raises(IntegrityError), transaction.atomic():
        DealNote.objects.bulk_create([DealNote(title="Orphan", author=author)])
