"""`POST /api/v1/<resource>/<id>/merge/`: merge other records into this one."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from crm.transfer.merging import choosable_fields, merge_records


class MergeSerializer(serializers.Serializer):
    ids = serializers.ListField(
        # Ids that fit the id column: a larger number is a 400, not a
        # database error.
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        allow_empty=False,
        help_text=_("Ids of the records merged into this one (and then deleted)."),
    )
    keep = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        help_text=_(
            "Field name -> id of the record whose value to keep, e.g. "
            '{"website": 12}; other fields keep the values of this record.'
        ),
    )


class MergeMixin:
    """A `merge` action on a viewset of a mergeable model."""

    @extend_schema(
        request=MergeSerializer,
        description=_(
            "Move every dependant of the records `ids` to this one, keep "
            "their names as aliases, delete them (restorable) and save this one with "
            "the values chosen in `keep`, in one transaction. A merge that would "
            "break a rule is a 400 with the reason; nothing changes."
        ),
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        model = self.get_queryset().model
        opts = model._meta
        # Change, not delete: nothing is lost (dependants move, the merged
        # records stay restorable), so the deal team may merge.
        if not request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            raise PermissionDenied
        survivor = self.get_object()
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        visible = self.get_queryset()
        ids = body.validated_data["ids"]
        others = list(visible.filter(pk__in=ids))
        missing = set(ids) - {other.pk for other in others}
        if missing:
            raise serializers.ValidationError(
                {"ids": [f"No record with id {pk}." for pk in sorted(missing)]}
            )
        records = {record.pk: record for record in [survivor, *others]}
        keep, errors = {}, {}
        names = {field.name for field in choosable_fields(model)}
        for name, source in body.validated_data.get("keep", {}).items():
            if name not in names:
                errors[name] = ["Not a field whose value can be chosen."]
            elif source not in records:
                errors[name] = [f"{source} is not one of the merged records."]
            else:
                keep[name] = records[source]
        if errors:
            raise serializers.ValidationError({"keep": errors})
        merge_records(survivor=survivor, others=others, keep=keep, user=request.user)
        instance = self.get_queryset().get(pk=survivor.pk)
        return Response(self.get_serializer(instance).data)
