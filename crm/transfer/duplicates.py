"""Likely duplicates of an investor, a company or a person, before one is created.

Names are close when they are the same once normalised (case, accents,
punctuation and words such as "Group", "Holdings", "Ltd", "Capital" left out:
"Alibaba Group Holding Ltd." and "Alibaba Group" are both "alibaba") or, on
PostgreSQL, when pg_trgm finds them similar (the name's trigram index serves
the `%` operator). Investors and companies also match on their website's
domain; people on their e-mail address, or on their name at the same investor.
"""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connections, transaction
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

# Words that say what kind of firm, not which one.
GENERIC_WORDS = {
    "group", "holding", "holdings", "ltd", "limited", "llc", "llp", "lp", "inc",
    "incorporated", "corp", "corporation", "co", "company", "plc", "sa", "ag",
    "gmbh", "capital", "partners", "management", "investment", "investments",
    "fund", "funds", "ventures", "advisors", "the", "and", "集团", "控股",
    "有限公司", "资本", "投资",
}  # fmt: skip
# pg_trgm similarity from which two names are flagged: high, since "Fund I"
# and "Fund II" are 0.7 apart and the normalised comparison finds the rest.
SIMILARITY = 0.75
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Candidate:
    record: object
    reason: str

    def __str__(self):
        return f"{self.record} (#{self.record.pk}, {self.reason})"


def normalised(name):
    """The words of a name that tell firms apart, lower case, without accents."""
    text = unicodedata.normalize("NFKD", name or "").casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = re.findall(r"\w+", text)
    kept = [word for word in words if word not in GENERIC_WORDS]
    return " ".join(kept or words)


def domain(url):
    """ "fund.example.com" for "https://www.fund.example.com/about"; "" if none."""
    if not url:
        return ""
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.")


def _close_names(queryset, name, field="name"):
    """Records whose `field` is close to `name`, with "similar name" as the reason."""
    key = normalised(name)
    if not key:
        return []
    first = key.split()[0]
    found = {
        record.pk: record
        for record in queryset.filter(**{f"{field}__icontains": first})[:200]
        if normalised(getattr(record, field)) == key
    }
    if connections[queryset.db].vendor == "postgresql":
        table = queryset.model._meta.db_table
        # UPPER(name::text) is the expression the trigram index holds.
        similar = RawSQL(
            f'UPPER("{table}"."{field}"::text) %% UPPER(%s)',
            [name],
            output_field=BooleanField(),
        )
        ranked = (
            queryset.filter(similar)
            .annotate(similarity=TrigramSimilarity(Upper(field), name.upper()))
            .filter(similarity__gte=SIMILARITY)
            .order_by("-similarity")[:MAX_CANDIDATES]
        )
        for record in ranked:
            found.setdefault(record.pk, record)
    return list(found.values())


def _same_domain(queryset, url):
    host = domain(url)
    if not host:
        return []
    return [
        record
        for record in queryset.filter(website__icontains=host)[:50]
        if domain(record.website) == host
    ]


def _exclude(queryset, instance):
    return queryset.exclude(pk=instance.pk) if instance.pk else queryset


def investor_candidates(instance):
    from crm.investors.models import Investor

    others = _exclude(Investor.objects.all(), instance)
    found = [Candidate(r, "similar name") for r in _close_names(others, instance.name)]
    # Names an investor had before a merge.
    if instance.name:
        for record in others.filter(aliases__icontains=instance.name)[:MAX_CANDIDATES]:
            if any(a.casefold() == instance.name.casefold() for a in record.aliases):
                found.append(Candidate(record, "one of its other names"))
    found += [
        Candidate(r, "same website") for r in _same_domain(others, instance.website)
    ]
    return _unique(found)


def company_candidates(instance):
    from crm.portfolio.models import Company
    from crm.transfer.resources import companies_named

    others = _exclude(Company.objects.all(), instance)
    found = [Candidate(r, "similar name") for r in _close_names(others, instance.name)]
    if instance.name:
        found += [
            Candidate(r, "one of its other names")
            for r in companies_named(others, instance.name)
        ]
    found += [
        Candidate(r, "same website") for r in _same_domain(others, instance.website)
    ]
    return _unique(found)


def contact_candidates(instance):
    from crm.investors.models import Contact

    others = _exclude(Contact.objects.select_related("investor"), instance)
    found = []
    if instance.email:
        found += [
            Candidate(r, "same e-mail")
            for r in others.filter(email__iexact=instance.email)[:MAX_CANDIDATES]
        ]
    if instance.investor_id:
        found += [
            Candidate(r, "same name at this investor")
            for r in others.filter(
                Q(investor_id=instance.investor_id),
                first_name__iexact=instance.first_name,
                last_name__iexact=instance.last_name,
            )[:MAX_CANDIDATES]
        ]
    return _unique(found)


FINDERS = {
    "investors.investor": investor_candidates,
    "portfolio.company": company_candidates,
    "investors.contact": contact_candidates,
}


def candidates(instance):
    """Existing records `instance` (new or not) may duplicate, best first."""
    finder = FINDERS.get(instance._meta.label_lower)
    return finder(instance) if finder else []


def _unique(found):
    seen, result = set(), []
    for candidate in found:
        if candidate.record.pk not in seen:
            seen.add(candidate.record.pk)
            result.append(candidate)
    return result[:MAX_CANDIDATES]


def _pairs_in_groups(groups, reason, score, pairs):
    for members in groups.values():
        if len(members) < 2:
            continue
        members = sorted(members)
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                key = (first, second)
                found = pairs.setdefault(key, [0, []])
                found[0] += score
                found[1].append(reason)


def likely_pairs(queryset, limit=200):
    """Pairs of records of `queryset` that look like one, best first: [(a, b, reasons)].

    Groups every record by its normalised name (and website domain, or
    e-mail): one pass over the table on either database.
    """
    model = queryset.model
    label = model._meta.label_lower
    pairs, by_name, by_other = {}, {}, {}
    if label == "investors.contact":
        rows = queryset.values_list(
            "pk", "investor_id", "first_name", "last_name", "email"
        )
        for pk, investor, first, last, email in rows.iterator(chunk_size=5000):
            by_name.setdefault(
                (investor, first.casefold(), last.casefold()), []
            ).append(pk)
            if email:
                by_other.setdefault(email.casefold(), []).append(pk)
        _pairs_in_groups(by_name, "same name at one investor", 2, pairs)
        _pairs_in_groups(by_other, "same e-mail", 3, pairs)
    else:
        rows = queryset.values_list("pk", "name", "website")
        for pk, name, website in rows.iterator(chunk_size=5000):
            key = normalised(name)
            if key:
                by_name.setdefault(key, []).append(pk)
            host = domain(website)
            if host:
                by_other.setdefault(host, []).append(pk)
        _pairs_in_groups(by_name, "similar name", 2, pairs)
        _pairs_in_groups(by_other, "same website", 1, pairs)
    best = sorted(pairs.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    records = model._default_manager.in_bulk(
        {pk for (first, second), _ in best for pk in (first, second)}
    )
    return [(records[a], records[b], reasons) for (a, b), (_, reasons) in best]


class ExistingNames:
    """The names, other names and website domains of a table, read once.

    What `candidates` asks per record, for the thousands of rows of an
    import: one pass over the table instead of queries per row. Its memory
    follows the table, not the file.
    """

    def __init__(self, model):
        self.model = model
        self.by_name, self.by_alias, self.by_domain = {}, {}, {}
        rows = model._default_manager.values_list("pk", "name", "aliases", "website")
        for pk, name, aliases, website in rows.iterator(chunk_size=5000):
            key = normalised(name)
            if key:
                self.by_name.setdefault(key, []).append(pk)
            if model._meta.label_lower == "portfolio.company":
                self.by_alias.setdefault(name.casefold(), []).append(pk)
            for alias in aliases or []:
                self.by_alias.setdefault(alias.casefold(), []).append(pk)
            host = domain(website)
            if host:
                self.by_domain.setdefault(host, []).append(pk)

    def candidates_many(self, instances):
        """`candidates(instance)` for each of `instances`, with a few queries in all."""
        similar = _similar_names(self.model, [instance.name for instance in instances])
        found = []
        for n, instance in enumerate(instances):
            pairs = [
                (pk, "similar name")
                for pk in self.by_name.get(normalised(instance.name), [])
            ]
            pairs += [(pk, "similar name") for pk in similar.get(n, [])]
            if instance.name:
                pairs += [
                    (pk, "one of its other names")
                    for pk in self.by_alias.get(instance.name.casefold(), [])
                ]
            pairs += [
                (pk, "same website")
                for pk in self.by_domain.get(domain(instance.website), [])
            ]
            seen, kept = {instance.pk}, []
            for pk, reason in pairs:
                if pk not in seen:
                    seen.add(pk)
                    kept.append((pk, reason))
            found.append(kept[:MAX_CANDIDATES])
        records = self.model._default_manager.in_bulk(
            {pk for kept in found for pk, _ in kept}
        )
        return [
            [Candidate(records[pk], reason) for pk, reason in kept] for kept in found
        ]


def _similar_names(model, names):
    """{position in `names`: [pk]}: pg_trgm's close names, for many names in one query."""
    if connections[model._default_manager.db].vendor != "postgresql" or not names:
        return {}
    table = model._meta.db_table
    # UPPER(name::text) is the expression the trigram index holds.
    sql = f"""
        SELECT given.n, t.id
        FROM unnest(%s::text[]) WITH ORDINALITY AS given(name, n)
        JOIN "{table}" t ON UPPER(t.name::text) %% UPPER(given.name)
        WHERE similarity(UPPER(t.name::text), UPPER(given.name)) >= %s
        ORDER BY given.n, similarity(UPPER(t.name::text), UPPER(given.name)) DESC
    """
    found = {}
    database = model._default_manager.db
    with transaction.atomic(using=database), connections[database].cursor() as cursor:
        # The index yields the names past pg_trgm's threshold (0.3 by default),
        # hundreds for a common word: at ours, only those kept.
        cursor.execute(f"SET LOCAL pg_trgm.similarity_threshold = {SIMILARITY}")
        cursor.execute(sql, [list(names), SIMILARITY])
        for n, pk in cursor.fetchall():
            found.setdefault(n - 1, []).append(pk)
    return {n: pks[:MAX_CANDIDATES] for n, pks in found.items()}
