"""Writes to the contact log and deal notes, shared by the admin and the API."""

from django.core.exceptions import ValidationError
from django.db import transaction

from crm.core.history import one_entry_per_record
from crm.core.writers import writing_as
from crm.notes.models import DealNote, Interaction


def interaction_save(
    *, interaction: Interaction, contacts=None, logged_by=None
) -> Interaction:
    """Validate and save an interaction and the people present.

    `logged_by` is stamped on creation only: whoever edits later, the log keeps
    who wrote the entry. `contacts=None` leaves the people present unchanged.
    """
    if interaction.pk is None:
        interaction.logged_by = logged_by
    errors = {}
    if interaction.logged_by_id is None:
        # Not a form field (editable=False), so full_clean() would not ask.
        errors["logged_by"] = ["Say who logged this entry."]
    try:
        # As the writer: a clash of unique values names only what they may see.
        with writing_as(logged_by):
            interaction.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # Unchanged people are checked too: the investor may be what changed.
    present = contacts
    if present is None and interaction.pk:
        present = list(interaction.contacts.all())
    if present and interaction.investor_id:
        try:
            interaction.clean_contacts(present)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    with one_entry_per_record():
        interaction.save()
        if contacts is not None:
            interaction.contacts.set(contacts)
    return interaction


def follow_ups_mark_done(*, interactions) -> int:
    """Close the open follow-ups among `interactions`; return how many were open.

    Each is saved through `interaction_save`, so its history records who
    closed it and when. Rows are locked first: two people pressing "done" at
    once close it once.
    """
    with transaction.atomic():
        open_ = interactions.filter(follow_up_on__isnull=False, follow_up_done=False)
        # By id: the caller's queryset may join or be DISTINCT, which FOR
        # UPDATE refuses.
        locked = Interaction.objects.filter(pk__in=open_.values("pk"))
        closed = 0
        for interaction in locked.select_for_update().order_by("pk"):
            interaction.follow_up_done = True
            interaction_save(interaction=interaction)
            closed += 1
    return closed


def deal_note_save(*, note: DealNote, author=None) -> DealNote:
    """Validate and save a deal note; `author` is stamped on creation only."""
    if note.pk is None:
        note.author = author
    errors = {}
    if note.author_id is None:
        # Not a form field (editable=False), so full_clean() would not ask.
        errors["author"] = ["Say who wrote this note."]
    try:
        with writing_as(author):
            note.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    note.save()
    return note
