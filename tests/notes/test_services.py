import datetime

import pytest
from django.core.exceptions import ValidationError

from crm.notes.models import DealNote, Interaction, InteractionContact
from crm.notes.services import deal_note_save, interaction_save
from tests.factories import (
    ContactFactory,
    DealNoteFactory,
    InteractionFactory,
    InvestorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

JULY_2 = datetime.datetime(2018, 7, 2, 9, tzinfo=datetime.UTC)


@pytest.fixture
def daniel(alibaba):
    return ContactFactory(investor=alibaba, first_name="Daniel", last_name="Zhang")


@pytest.fixture
def stranger(softbank):
    return ContactFactory(
        investor=softbank,
        first_name="Rajeev",
        last_name="Misra",
    )


# interaction_save: the people present


def test_it_saves_the_people_present(user, alibaba, joe, daniel):
    interaction = interaction_save(
        interaction=Interaction(investor=alibaba, occurred_at=JULY_2, summary="Call"),
        contacts=[joe, daniel],
        logged_by=user,
    )

    assert set(interaction.contacts.all()) == {joe, daniel}


def test_it_rejects_a_person_from_another_investor_and_saves_nothing(
    user, alibaba, joe, stranger
):
    with pytest.raises(ValidationError) as error:
        interaction_save(
            interaction=Interaction(
                investor=alibaba, occurred_at=JULY_2, summary="Call"
            ),
            contacts=[joe, stranger],
            logged_by=user,
        )

    assert error.value.message_dict == {
        "contacts": ["Not at Alibaba Group: Rajeev Misra."]
    }
    assert not Interaction.objects.exists()
    assert not InteractionContact.objects.exists()


def test_it_reports_the_people_present_with_the_other_errors(user, alibaba, stranger):
    with pytest.raises(ValidationError) as error:
        interaction_save(
            interaction=Interaction(investor=alibaba, occurred_at=JULY_2, summary=""),
            contacts=[stranger],
            logged_by=user,
        )

    assert error.value.message_dict == {
        "summary": ["This field cannot be blank."],
        "contacts": ["Not at Alibaba Group: Rajeev Misra."],
    }
    assert not Interaction.objects.exists()


def test_it_keeps_the_people_present_when_an_edit_adds_a_stranger(
    user, alibaba, joe, stranger
):
    interaction = InteractionFactory(investor=alibaba, contacts=[joe], logged_by=user)

    with pytest.raises(ValidationError) as error:
        interaction_save(interaction=interaction, contacts=[joe, stranger])

    assert error.value.message_dict == {
        "contacts": ["Not at Alibaba Group: Rajeev Misra."]
    }
    assert list(Interaction.objects.get().contacts.all()) == [joe]


def test_it_leaves_the_people_present_alone_when_not_given(user, alibaba, joe, daniel):
    interaction = InteractionFactory(
        investor=alibaba, contacts=[joe, daniel], logged_by=user
    )
    interaction.summary = "Call about Series C"

    interaction_save(interaction=interaction)

    interaction.refresh_from_db()
    assert interaction.summary == "Call about Series C"
    assert set(interaction.contacts.all()) == {joe, daniel}


def test_it_replaces_the_people_present_when_given(user, alibaba, joe, daniel):
    interaction = InteractionFactory(investor=alibaba, contacts=[joe], logged_by=user)

    interaction_save(interaction=interaction, contacts=[daniel])

    assert list(Interaction.objects.get().contacts.all()) == [daniel]


def test_it_refuses_to_move_an_interaction_to_an_investor_its_people_do_not_work_at(
    user, alibaba, joe
):
    interaction = InteractionFactory(investor=alibaba, contacts=[joe], logged_by=user)
    interaction.investor = InvestorFactory(name="Fidelity International")

    with pytest.raises(ValidationError) as error:
        interaction_save(interaction=interaction)

    assert error.value.message_dict == {
        "contacts": ["Not at Fidelity International: Joe Tsai."]
    }
    assert Interaction.objects.get().investor == alibaba


# interaction_save and deal_note_save: who wrote it


def test_it_stamps_the_user_who_logged_an_interaction(alibaba):
    author = UserFactory(username="mei")

    interaction = interaction_save(
        interaction=Interaction(investor=alibaba, occurred_at=JULY_2, summary="Call"),
        logged_by=author,
    )

    interaction.refresh_from_db()
    assert interaction.logged_by == author


def test_it_keeps_who_logged_an_interaction_when_someone_else_edits_it(alibaba):
    author = UserFactory(username="mei")
    editor = UserFactory(username="li")
    interaction = InteractionFactory(investor=alibaba, logged_by=author)
    interaction.summary = "Call about Series C"

    interaction_save(interaction=interaction, logged_by=editor)

    interaction.refresh_from_db()
    assert interaction.summary == "Call about Series C"
    assert interaction.logged_by == author


def test_it_rejects_an_interaction_logged_by_nobody(alibaba):
    with pytest.raises(ValidationError) as error:
        interaction_save(
            interaction=Interaction(
                investor=alibaba, occurred_at=JULY_2, summary="Call"
            ),
            logged_by=None,
        )

    assert error.value.message_dict == {"logged_by": ["Say who logged this entry."]}
    assert not Interaction.objects.exists()


def test_it_stamps_the_author_of_a_deal_note(alibaba):
    author = UserFactory(username="mei")

    note = deal_note_save(
        note=DealNote(title="R&D in deep learning", investor=alibaba), author=author
    )

    note.refresh_from_db()
    assert note.author == author


def test_it_rejects_a_deal_note_written_by_nobody(alibaba):
    with pytest.raises(ValidationError) as error:
        deal_note_save(note=DealNote(title="R&D", investor=alibaba), author=None)

    assert error.value.message_dict == {"author": ["Say who wrote this note."]}
    assert not DealNote.objects.exists()


def test_it_keeps_the_author_of_a_deal_note_when_someone_else_edits_it(alibaba):
    author = UserFactory(username="mei")
    editor = UserFactory(username="li")
    note = DealNoteFactory(title="R&D", investor=alibaba, author=author)
    note.title = "R&D in deep learning and visual computing"

    deal_note_save(note=note, author=editor)

    note.refresh_from_db()
    assert note.title == "R&D in deep learning and visual computing"
    assert note.author == author
