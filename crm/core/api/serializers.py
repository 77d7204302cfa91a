"""The base of every CRM serializer: writes go through the model's validation."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from crm.core.models import ExchangeRate, Sector
from crm.core.money import DECIMAL_PLACES, SUM_MAX_DIGITS
from crm.core.services import record_save


def money_field(**kwargs):
    """A read-only USD figure, rendered as a decimal string with cents."""
    return serializers.DecimalField(
        max_digits=SUM_MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        read_only=True,
        **kwargs,
    )


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's field; a slug holding a NUL character is refused without a lookup.

    PostgreSQL cannot compare text holding NUL: the lookup would be a database
    error (a 500) instead of the usual "does not exist" (a 400).
    """

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


def _names(opts):
    return {field.name for field in opts.get_fields()}


class ValidatedModelSerializer(serializers.ModelSerializer):
    # Validates shape here, rules in the model (`record_save` -> `full_clean`).
    # Model rules (constraints, USD conversion, cross-field checks) raise
    # Django's ValidationError keyed by field; the API's exception handler
    # turns that into a 400 with the same keys. DRF's own unique-together
    # validators are off so such errors are reported once, on the model's field.
    # (Comments, not a docstring: the schema would show a docstring as the
    # description of every resource that inherits it.)

    def get_validators(self):
        return []

    def get_fields(self):
        """Relations accept only records the requesting user may see.

        A reference to a record behind an ethical wall is refused as if it did
        not exist (the usual "Invalid pk" 400).
        """
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        opts = self.Meta.model._meta
        for name, field in fields.items():
            if not field.read_only and not getattr(
                opts.get_field(name) if name in _names(opts) else None, "unique", True
            ):
                # DRF checks a UniqueConstraint's field itself, over every
                # row: the model's check (crm.core.constraints) keeps to the
                # writer's walls and names the record it clashes with.
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, UniqueValidator)
                ]
            relation = getattr(field, "child_relation", field)
            queryset = getattr(relation, "queryset", None)
            if queryset is not None and hasattr(queryset, "visible_to"):
                relation.queryset = queryset.visible_to(user)
        return fields

    def create(self, validated_data):
        many_to_many = self._pop_many_to_many(validated_data)
        instance = self.Meta.model(**validated_data)
        return self.save_instance(instance, many_to_many)

    def update(self, instance, validated_data):
        many_to_many = self._pop_many_to_many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.save_instance(instance, many_to_many)

    def save_instance(self, instance, many_to_many):
        """The one write; serializers with a dedicated service override this."""
        request = self.context.get("request")
        return record_save(
            instance=instance,
            many_to_many=many_to_many,
            user=getattr(request, "user", None),
        )

    def _pop_many_to_many(self, validated_data):
        opts = self.Meta.model._meta
        names = {field.name for field in opts.many_to_many}
        return {
            name: validated_data.pop(name)
            for name in list(validated_data)
            if name in names
        }


class SectorSerializer(ValidatedModelSerializer):
    parent = SlugRelatedField(
        slug_field="slug",
        queryset=Sector.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("Slug of the broader sector."),
    )

    class Meta:
        model = Sector
        fields = ["id", "name", "slug", "parent", "created_at", "updated_at"]


class ExchangeRateSerializer(ValidatedModelSerializer):
    class Meta:
        model = ExchangeRate
        fields = [
            "id",
            "currency",
            "usd_per_unit",
            "valid_from",
            "created_at",
            "updated_at",
        ]
