"""The contact log and deal notes as JSON; writes go through crm.notes.services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from crm.core.api.serializers import ValidatedModelSerializer
from crm.investors.models import Contact
from crm.notes.models import DealNote, Interaction
from crm.notes.services import deal_note_save, interaction_save


class InteractionSerializer(ValidatedModelSerializer):
    """One entry of the contact log: a call, meeting, email or event with an investor."""

    # The through model (InteractionContact) makes DRF default this to read-only;
    # interaction_save() writes it and checks everyone works at the investor.
    contacts = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Contact.objects.all(),
        required=False,
        help_text=_(
            "Ids of the people present; each must work at the investor. "
            "Left out of an update: the people present are unchanged."
        ),
    )

    class Meta:
        model = Interaction
        fields = [
            "id",
            "kind",
            "occurred_at",
            "investor",
            "contacts",
            "company",
            "round",
            "summary",
            "details",
            "follow_up_on",
            "follow_up_done",
            "logged_by",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["logged_by"]
        extra_kwargs = {
            "company": {"help_text": "Filled in from the round when left empty."},
            "logged_by": {"help_text": "The user who logged it: the requesting user."},
        }

    def save_instance(self, instance, many_to_many):
        return interaction_save(
            interaction=instance,
            contacts=many_to_many.get("contacts"),
            logged_by=self.context["request"].user,
        )


class DealNoteSerializer(ValidatedModelSerializer):
    """A note about an investor, a company or a round (at least one of them)."""

    class Meta:
        model = DealNote
        fields = [
            "id",
            "title",
            "body",
            "investor",
            "company",
            "round",
            "pinned",
            "author",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["author"]
        extra_kwargs = {
            "author": {"help_text": "The user who wrote it: the requesting user."},
        }

    def save_instance(self, instance, many_to_many):
        return deal_note_save(note=instance, author=self.context["request"].user)
