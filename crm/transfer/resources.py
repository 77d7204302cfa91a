"""What each list exports and imports: its columns and, for imports, how rows are found and saved.

Keyed by model label and filled lazily, so the admins of the other apps can
ask without this app importing them at load time.
"""

from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from crm.core.constraints import bulk_unique_constraints, validate_record
from crm.core.services import record_save
from crm.portfolio.services import round_check_walling, round_save, stake_save
from crm.transfer.columns import columns_for
from crm.transfer.duplicates import candidates


@cache
def serializers():
    from crm.core.api.serializers import ExchangeRateSerializer, SectorSerializer
    from crm.investors.api.serializers import ContactSerializer, InvestorSerializer
    from crm.notes.api.serializers import DealNoteSerializer, InteractionSerializer
    from crm.portfolio.api.serializers import (
        CompanySerializer,
        FundingRoundSerializer,
        StakeSerializer,
    )

    return {
        serializer.Meta.model._meta.label_lower: serializer
        for serializer in (
            SectorSerializer,
            ExchangeRateSerializer,
            InvestorSerializer,
            ContactSerializer,
            CompanySerializer,
            FundingRoundSerializer,
            StakeSerializer,
            InteractionSerializer,
            DealNoteSerializer,
        )
    }


def export_columns(model):
    """The API's columns for a model with an API, the model's own fields otherwise."""
    return columns_for(model, serializers().get(model._meta.label_lower))


class ImportResource:
    """How the rows of one kind are read, matched, checked and saved.

    Subclasses say what differs: the natural key that finds the record a row
    updates, how a relation's name is looked up, and the save call. The save
    call is the one write path of the admin and the API for that model.
    """

    model_label = ""
    required = ()
    # New records saved by `record_save` alone are written in bulk by an import.
    creates_in_bulk = True
    # The column a PermissionDenied of the save is reported on.
    permission_column = ""

    @property
    def model(self):
        return self.serializer.Meta.model

    @property
    def serializer(self):
        return serializers()[self.model_label]

    @property
    def columns(self):
        """The writable API fields, in the API's order."""
        fields = self.serializer().get_fields()
        return [name for name, field in fields.items() if not field.read_only]

    @property
    def known_columns(self):
        # Read-only ones (id, figures, USD amounts, timestamps) are accepted so
        # that an export can be edited and imported again; `id` finds the record.
        return set(self.serializer.Meta.fields)

    def lookup(self, model, queryset, name, values):
        """The records of `model` a relation's cell names."""
        label = model._meta.label_lower
        if label == "core.sector":
            return queryset.filter(Q(slug=name) | Q(name__iexact=name))
        if label == "portfolio.company":
            return companies_named(queryset, name)
        if label == "portfolio.fundinground":
            if values.get("company") is not None:
                queryset = queryset.filter(company=values["company"])
            return queryset.filter(name__iexact=name)
        if label == "investors.contact":
            if values.get("investor") is not None:
                queryset = queryset.filter(investor=values["investor"])
            first, _, last = name.partition(" ")
            return queryset.filter(
                Q(email__iexact=name)
                | Q(first_name__iexact=first.strip(), last_name__iexact=last.strip())
            )
        if label == settings.AUTH_USER_MODEL.lower():
            return queryset.filter(username=name)
        return queryset.filter(name__iexact=name)

    def lookup_many(self, model, queryset, names):
        """The records of `model` that any of `names` may name, or None to ask per name.

        Matches a superset; `is_named` picks each name's records.
        """
        label = model._meta.label_lower
        folded = {name.lower() for name in names}
        if label == "core.sector":
            return list(
                queryset.annotate(_key=Lower("name")).filter(
                    Q(slug__in=names) | Q(_key__in=folded)
                )
            )
        if label == "portfolio.company":
            return list(companies_named_any(queryset, names))
        if label == settings.AUTH_USER_MODEL.lower():
            return list(queryset.filter(username__in=names))
        if label in ("portfolio.fundinground", "investors.contact"):
            return None
        return list(queryset.annotate(_key=Lower("name")).filter(_key__in=folded))

    def is_named(self, model, record, name):
        """Whether the cell `name` names `record` (as `lookup` finds it)."""
        label = model._meta.label_lower
        folded = name.casefold()
        if label == "core.sector":
            return record.slug == name or record.name.casefold() == folded
        if label == "portfolio.company":
            return record.name.casefold() == folded or any(
                alias.casefold() == folded for alias in record.aliases
            )
        if label == settings.AUTH_USER_MODEL.lower():
            return record.username == name
        return record.name.casefold() == folded

    def lookup_context(self, model, values):
        """What else a relation's lookup depends on (a round's company)."""
        label = model._meta.label_lower
        if label == "portfolio.fundinground":
            return getattr(values.get("company"), "pk", None)
        if label == "investors.contact":
            return getattr(values.get("investor"), "pk", None)
        return None

    def find_existing(self, raw_id, values, user):
        """The visible record this row updates, or None for a new one."""
        queryset = self.model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        if raw_id:
            try:
                return queryset.get(pk=int(raw_id))
            except (ValueError, self.model.DoesNotExist):
                raise ValueError(
                    f"No {self.model._meta.verbose_name} with id {raw_id}."
                ) from None
        matching = self.matching(queryset, values)
        return None if matching is None else matching.first()

    def matching(self, queryset, values):
        """The existing records with this row's natural key, or None if it has none."""
        return None

    def find_existing_many(self, rows, user):
        """`find_existing` for each (raw_id, values) of a chunk; a ValueError for a bad id.

        Ids are looked up at once; natural keys by `matching_many` where the
        kind has one, per row otherwise.
        """
        queryset = self.model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        ids = {int(raw_id) for raw_id, _ in rows if raw_id.isdigit()}
        by_id = queryset.in_bulk(ids) if ids else {}
        by_key = self.matching_many(queryset, [values for _, values in rows])
        found = []
        for raw_id, values in rows:
            if raw_id:
                record = by_id.get(int(raw_id)) if raw_id.isdigit() else None
                found.append(
                    record
                    or ValueError(
                        f"No {self.model._meta.verbose_name} with id {raw_id}."
                    )
                )
            elif by_key is not None:
                found.append(by_key(values))
            else:
                try:
                    found.append(self.find_existing("", values, user))
                except ValueError as error:
                    found.append(error)
        return found

    def matching_many(self, queryset, values_list):
        """A function from a row's values to the record it updates, or None to ask per row."""
        return None

    def natural_key(self, instance, sets):
        """Two rows of one file with the same key are the same record."""
        return None

    def describe(self, values):
        return str(values.get("name", ""))

    def prepare(self, instance, user):
        """Values the write path stamps, set before validation."""

    def validate(self, instance, sets, user):
        validate_record(instance)

    def unique_clashes(self, rows):
        """(row, ValidationError) for each row whose record clashes with an existing one.

        The single-column unique constraints `validate_record` leaves out,
        checked for a chunk of rows at once; the database still holds them.
        """
        clashes = []
        for constraint, expression, field in bulk_unique_constraints(self.model):
            keyed = {}
            for row in rows:
                value = getattr(row.instance, field.attname)
                if value is None:
                    continue
                key = value.lower() if isinstance(expression, Lower) else value
                keyed.setdefault(key, []).append(row)
            taken = dict(
                self.model._base_manager.annotate(_key=expression)
                .filter(_key__in=list(keyed))
                .values_list("_key", "pk")
            )
            for key, clashing in keyed.items():
                for row in clashing:
                    if key in taken and taken[key] != row.instance.pk:
                        message = ValidationError(
                            constraint.get_violation_error_message(),
                            code=constraint.violation_error_code,
                        )
                        clashes.append(
                            (row, ValidationError({constraint.field: [message]}))
                        )
        return clashes

    def similar_many(self, rows, user, existing_names):
        """The likely duplicates of each row's record among existing ones, named, or "".

        `existing_names()` reads the table once per preview.
        """
        if not rows:
            return []
        if self.model_label in ("investors.investor", "portfolio.company"):
            found = existing_names().candidates_many([row.instance for row in rows])
        else:
            found = [candidates(row.instance) for row in rows]
        return [", ".join(str(candidate) for candidate in each) for each in found]

    def save(self, instance, sets, user):
        record_save(instance=instance, many_to_many=sets)


def companies_named_any(queryset, names):
    """Companies that any of `names` may name (by name or alias; `is_named` decides)."""
    aliases = Q()
    for name in names:
        aliases |= Q(aliases__icontains=name)
    folded = {name.lower() for name in names}
    return queryset.annotate(_key=Lower("name")).filter(Q(_key__in=folded) | aliases)


def companies_named(queryset, name):
    """Companies whose name or one of whose aliases is `name`, ignoring case."""
    candidates = queryset.filter(Q(name__iexact=name) | Q(aliases__icontains=name))
    folded = name.casefold()
    ids = [
        company.pk
        for company in candidates.only("pk", "name", "aliases")
        if company.name.casefold() == folded
        or any(alias.casefold() == folded for alias in company.aliases)
    ]
    return queryset.filter(pk__in=ids)


class InvestorResource(ImportResource):
    model_label = "investors.investor"
    required = ("name",)

    def matching(self, queryset, values):
        if "name" not in values:
            return None
        return queryset.filter(name__iexact=values["name"])

    def natural_key(self, instance, sets):
        return instance.name.casefold()

    def matching_many(self, queryset, values_list):
        names = {values["name"].lower() for values in values_list if "name" in values}
        by_name = {}
        for record in queryset.annotate(_key=Lower("name")).filter(_key__in=names):
            by_name.setdefault(record.name.casefold(), record)
        return lambda values: (
            by_name.get(values["name"].casefold()) if "name" in values else None
        )


class ContactResource(ImportResource):
    model_label = "investors.contact"
    required = ("investor", "first_name", "last_name")

    def matching(self, queryset, values):
        if "investor" not in values:
            return None
        queryset = queryset.filter(investor=values["investor"])
        if values.get("email"):
            return queryset.filter(email__iexact=values["email"])
        return queryset.filter(
            first_name__iexact=values.get("first_name", ""),
            last_name__iexact=values.get("last_name", ""),
        )

    def natural_key(self, instance, sets):
        person = instance.email.casefold() or str(instance).casefold()
        return (instance.investor_id, person)

    def describe(self, values):
        return " ".join(
            str(values.get(name, "")) for name in ("first_name", "last_name")
        ).strip()


class CompanyResource(ImportResource):
    model_label = "portfolio.company"
    required = ("name",)

    def matching(self, queryset, values):
        if "name" not in values:
            return None
        return companies_named(queryset, values["name"])

    def natural_key(self, instance, sets):
        return instance.name.casefold()


class FundingRoundResource(ImportResource):
    creates_in_bulk = False
    permission_column = "confidential"
    model_label = "portfolio.fundinground"
    required = ("company", "name")

    def matching(self, queryset, values):
        if "company" not in values or "name" not in values:
            return None
        return queryset.filter(company=values["company"], name__iexact=values["name"])

    def natural_key(self, instance, sets):
        return (instance.company_id, instance.name.casefold())

    def describe(self, values):
        return f"{values.get('company', '')} {values.get('name', '')}".strip()

    def validate(self, instance, sets, user):
        validate_record(instance)
        round_check_walling(funding_round=instance, teams=sets.get("teams"), user=user)

    def save(self, instance, sets, user):
        # Checks who may wall the round off, and its teams, as every door does.
        round_save(funding_round=instance, teams=sets.get("teams"), user=user)


class StakeResource(ImportResource):
    creates_in_bulk = False
    model_label = "portfolio.stake"
    required = ("investor", "company")

    def matching(self, queryset, values):
        if values.get("round") is None or "investor" not in values:
            return None
        return queryset.filter(investor=values["investor"], round=values["round"])

    def natural_key(self, instance, sets):
        if instance.round_id is None:
            return None
        return (instance.investor_id, instance.round_id)

    def describe(self, values):
        return f"{values.get('investor', '')} in {values.get('company', '')}"

    def save(self, instance, sets, user):
        # The investors' stored figures follow every stake write.
        stake_save(stake=instance, user=user)


class InteractionResource(ImportResource):
    creates_in_bulk = False
    model_label = "notes.interaction"
    required = ("investor", "summary")

    def describe(self, values):
        return f"{values.get('investor', '')}: {values.get('summary', '')}"

    def prepare(self, instance, user):
        if instance.pk is None:
            instance.logged_by = user

    def validate(self, instance, sets, user):
        validate_record(instance)
        if sets.get("contacts"):
            instance.clean_contacts(sets["contacts"])

    def save(self, instance, sets, user):
        from crm.notes.services import interaction_save

        interaction_save(
            interaction=instance, contacts=sets.get("contacts"), logged_by=user
        )


# The resources `import_records` and the admin's Import take, by name.
IMPORT_RESOURCES = {
    "investors": InvestorResource(),
    "contacts": ContactResource(),
    "companies": CompanyResource(),
    "rounds": FundingRoundResource(),
    "stakes": StakeResource(),
    "interactions": InteractionResource(),
}


def import_resource(name):
    return IMPORT_RESOURCES[name]


def import_resource_for(model):
    """The name of the import of `model`'s records, or None."""
    for name, resource in IMPORT_RESOURCES.items():
        if resource.model_label == model._meta.label_lower:
            return name
    return None
