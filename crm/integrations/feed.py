"""Reading the changes feed as one user sees it.

Each entry records the wall (the confidential round) hiding its record
before and after the change. A reader's view of an entry compares the two
with what they may see: a record hidden before and shown after appears to
them as created, one shown before and hidden after as deleted, and one
hidden throughout not at all. Replaying the feed from the start therefore
builds exactly the records their lists show.

Who is in which team, and which teams a round names, are read as they are
now, as everywhere else: a user who joins a team (or whose team is added to
a round) gets the round's records as created from then on, through the
entries those changes write (crm.integrations.outbox); one who leaves sees
earlier entries of the round as none of theirs, and the next as deleted.
"""

from dataclasses import dataclass

from django.db.models import Max

from crm.core.models import sees_everything
from crm.integrations import resources
from crm.integrations.models import ChangeEntry, ChangeFeedHorizon
from crm.portfolio.walls import confidential_rounds_seen_by

Action = ChangeEntry.Action
MAX_PAGE = 1000


class CursorExpired(Exception):
    """Entries after the cursor were purged: the client must resync from the lists."""

    def __init__(self, latest_cursor):
        self.latest_cursor = latest_cursor
        super().__init__("Entries after this cursor have been purged.")


@dataclass
class Page:
    results: list[dict]
    next_cursor: int
    has_more: bool
    latest_cursor: int


class Reader:
    """What `user` may see of each entry."""

    def __init__(self, user):
        self.everything = sees_everything(user)
        self.seen = set() if self.everything else confidential_rounds_seen_by(user)

    def sees(self, wall):
        return wall is None or self.everything or wall in self.seen

    def action(self, entry):
        """The entry's action for this reader, or None if it is none of theirs."""
        before = entry.action != Action.CREATED and self.sees(entry.wall_before)
        after = entry.action != Action.DELETED and self.sees(entry.wall)
        if after:
            return Action.UPDATED if before else Action.CREATED
        return Action.DELETED if before else None


def latest_cursor():
    return ChangeEntry.objects.aggregate(latest=Max("commit_seq"))["latest"] or 0


def read(request, *, after, names, limit):
    """The page of changes after cursor `after` to resources `names`, for request.user."""
    if after < ChangeFeedHorizon.current():
        raise CursorExpired(latest_cursor())
    entries = list(
        ChangeEntry.objects.filter(commit_seq__gt=after, resource__in=names).order_by(
            "commit_seq"
        )[: limit + 1]
    )
    has_more = len(entries) > limit
    entries = entries[:limit]
    reader = Reader(request.user)
    shown = [(entry, action) for entry in entries if (action := reader.action(entry))]
    data = representations(
        request, [entry for entry, action in shown if action != Action.DELETED]
    )
    changes = [
        {
            "cursor": entry.commit_seq,
            "resource": entry.resource,
            "id": entry.record_id,
            "action": action,
            "occurred_at": entry.occurred_at,
            "data": None
            if action == Action.DELETED
            else data.get((entry.resource, entry.record_id)),
        }
        for entry, action in shown
    ]
    return Page(
        results=changes,
        next_cursor=entries[-1].commit_seq if entries else after,
        has_more=has_more,
        latest_cursor=latest_cursor(),
    )


def representations(request, entries):
    """{(resource, id): the record as its API serializer shows it to the requester now}.

    One query per resource on the page (and its prefetches), through the
    resource's own viewset queryset: the same walls and figures as its list.
    A record deleted or hidden since is absent: its entry's `data` is null,
    and a later entry says what happened to it.
    """
    ids = {}
    for entry in entries:
        ids.setdefault(entry.resource, set()).add(entry.record_id)
    found = {}
    for name, pks in ids.items():
        view = resources.viewset(name)(
            request=request, format_kwarg=None, args=(), kwargs={}, action="list"
        )
        records = view.get_queryset().filter(pk__in=pks).order_by()
        for item in view.get_serializer(records, many=True).data:
            found[name, item["id"]] = item
    return found
