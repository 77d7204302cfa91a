"""Figures stored on one record but computed from others, kept fresh on every write.

An investor's stake totals are read on every list and ordered by, so they
are stored on the investor rather than aggregated over a million stakes per
request. The app that owns the source rows declares which records they feed
(`feeds`); the one write path (`record_save`, `delete_record`) refreshes
those records' figures in the write's transaction, both the ones the row fed
before the write and the ones it feeds after it (a stake moved to another
investor changes two totals). Bulk loaders refresh everything themselves.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Feed:
    # Ids of the records whose figures the row of `instance` feeds, as the
    # database holds it now (empty for a row not saved yet).
    owners: Callable[[models.Model], Iterable[int]]
    # Recomputes the figures of the records with these ids.
    refresh: Callable[[set[int]], None]


_feeds: dict[type[models.Model], list[Feed]] = {}


def feeds(model, *, owners, refresh):
    """Declare that rows of `model` feed figures stored on other records."""
    _feeds.setdefault(model, []).append(Feed(owners, refresh))


def owners_before_write(instance):
    """What `instance`'s row feeds now; pass it to `refresh_after_write`."""
    return [
        (feed, set(feed.owners(instance)) if instance.pk is not None else set())
        for feed in _feeds.get(type(instance), ())
    ]


def refresh_after_write(instance, before):
    """Refresh what the row fed before the write and what it feeds after it."""
    for feed, owners in before:
        if instance.pk is not None:
            owners |= set(feed.owners(instance))
        if owners:
            feed.refresh(owners)
