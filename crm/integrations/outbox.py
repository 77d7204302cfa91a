"""Writing the outbox: an entry for every create, update and delete of an API record.

Every recorded write of the CRM makes a history entry (crm.core.history) in
its own transaction, whichever door it came through (admin, API, commands,
restores), the changes Django makes without saving a record included (a
deleted sector leaving its investors). The outbox listens there
(`post_create_historical_record`), so it misses what history misses and
nothing else: writes made with QuerySet.update() or bulk loads call
`record_change` / `touch` themselves.

A change can change what other records look like through the API; those
records change too (crm.integrations.cascades): their `updated_at` (and so
their ETag) moves and they get an entry.
"""

from django.db import transaction
from django.db.models.signals import pre_delete
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from crm.core.models import Sector, Team
from crm.integrations import cascades, resources, webhooks
from crm.integrations.models import ChangeEntry

Action = ChangeEntry.Action
HISTORY_ACTIONS = {"+": Action.CREATED, "~": Action.UPDATED, "-": Action.DELETED}


def record_change(instance, action, previous=None):
    """Write the entry for `action` ("created", "updated", "deleted") on `instance`.

    In the caller's transaction. `previous`: the record's history entry
    before this change, if known (a relation it moved away from changes
    too). A model the API does not serve is ignored, except teams, whose
    members decide who sees their rounds.
    """
    resource = resources.name_of(type(instance))
    if resource is None:
        if isinstance(instance, Team):
            for round_id in cascades.confidential_rounds_of(instance):
                _walled_dependants(round_id, round_id, round_id, include_round=True)
        return
    with transaction.atomic():
        wall = resources.wall_of(instance)
        if action == Action.CREATED:
            wall_before = None
        else:
            before = (
                ChangeEntry.objects.filter(resource=resource, record_id=instance.pk)
                .order_by("-id")
                .values_list("wall", flat=True)[:1]
            )
            # A record older than the outbox: as it is now.
            wall_before = before[0] if before else wall
        ChangeEntry.objects.create(
            resource=resource,
            record_id=instance.pk,
            action=action,
            wall=None if action == Action.DELETED else wall,
            wall_before=wall_before,
        )
        for model, ids in cascades.shown_on(instance, action, previous):
            touch(model, ids)
        if resource == "rounds" and action == Action.UPDATED and (wall or wall_before):
            _walled_dependants(instance.pk, wall, wall_before)
        webhooks.schedule_dispatch()


def touch(model, ids, *, entries=True):
    """Records of `model` whose API representation changed without a save.

    Moves their `updated_at` (so their ETag) and, unless the caller's change
    writes their entries already, gives each an "updated" entry. For open
    resources (investors, companies): their wall is none.
    """
    ids = sorted(set(ids) - {None})
    if not ids:
        return
    model._base_manager.filter(pk__in=ids).update(updated_at=timezone.now())
    if entries:
        resource = resources.name_of(model)
        ChangeEntry.objects.bulk_create(
            ChangeEntry(resource=resource, record_id=pk, action=Action.UPDATED)
            for pk in ids
        )


def _walled_dependants(round_id, wall, wall_before, *, include_round=False):
    """Who may see round `round_id` changed: an entry for each record it hides.

    Its stakes, interactions and notes get the round's walls, so readers see
    them appear or disappear; the investors holding its stakes have other
    figures for some readers.
    """
    entries = []
    if include_round:
        entries.append(("rounds", round_id))
    for name in cascades.ROUND_DEPENDANTS:
        ids = resources.model(name)._base_manager.filter(round_id=round_id)
        entries += [(name, pk) for pk in ids.values_list("pk", flat=True)]
    ChangeEntry.objects.bulk_create(
        ChangeEntry(
            resource=name,
            record_id=pk,
            action=Action.UPDATED,
            wall=wall,
            wall_before=wall_before,
        )
        for name, pk in entries
    )
    touch(*cascades.investors_with_stakes_in(round_id))


def _on_history_entry(sender, instance, history_instance, **kwargs):
    previous = None
    if history_instance.history_type == "~" and cascades.needs_previous(instance):
        previous = history_instance.prev_record
    record_change(instance, HISTORY_ACTIONS[history_instance.history_type], previous)


def _on_sector_deleted(sender, instance, **kwargs):
    # Its investors lose it: their history entries (and so their outbox
    # entries) are written by crm.core.history after the deletion.
    touch(*cascades.sector_holders(instance)[0], entries=False)


def connect():
    post_create_historical_record.connect(
        _on_history_entry, weak=False, dispatch_uid="crm.integrations.outbox"
    )
    pre_delete.connect(
        _on_sector_deleted,
        sender=Sector,
        weak=False,
        dispatch_uid="crm.integrations.outbox.sector",
    )


def record_created(instances):
    """`record_change(instance, "created")` for many new records written in bulk.

    For records of one model whose history is written in bulk too (an
    import's), so no history signal calls `record_change`: one entry each.
    """
    if not instances:
        return
    resource = resources.name_of(type(instances[0]))
    if resource is None:
        return
    ChangeEntry.objects.bulk_create(
        ChangeEntry(
            resource=resource,
            record_id=instance.pk,
            action=Action.CREATED,
            wall=resources.wall_of(instance),
            wall_before=None,
        )
        for instance in instances
    )
    shown = {}
    for instance in instances:
        for model, ids in cascades.shown_on(instance, Action.CREATED, None):
            shown.setdefault(model, set()).update(ids)
    for model, ids in shown.items():
        touch(model, ids)
    webhooks.schedule_dispatch()
