"""One search over every kind of record: investors, people, companies, rounds, deal notes.

Each kind the user may view is one query: the records whose text contains the
words typed (case-insensitive; on PostgreSQL the `icontains` trigram indexes
of the migrations serve it), best matches first, at most `limit` of them.
Best first: an exact match, then a match at the start, then one anywhere; on
PostgreSQL, trigram similarity orders the records within each of these. The
walls apply (`visible_to`): nothing of a confidential round the user may not
see is found, and nothing is counted.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Case, CharField, F, Q, TextField, Value, When
from django.db.models.functions import Cast, Concat, Greatest
from django.utils.translation import gettext_lazy as _

from crm.investors.models import Contact, Investor
from crm.investors.names import name_expressions
from crm.notes.models import DealNote
from crm.portfolio.models import Company, FundingRound

MIN_LENGTH = 2
MAX_LENGTH = 200
EXACT, PREFIX, ANYWHERE = 3, 2, 1


@dataclass(frozen=True)
class Result:
    kind: str
    id: int
    title: str
    subtitle: str


@dataclass(frozen=True)
class Kind:
    """A kind of record the search finds, and how it reads in the results."""

    name: str  # as the API's resource: "investor" is at /api/v1/investors/
    label: str
    model: type
    api_basename: str
    # The texts the typed words are looked for in (which may depend on the
    # words: a website only for a domain).
    matches: Callable[[str], list["Match"]]
    select_related: tuple[str, ...]
    subtitle: Callable[[object], str]

    @property
    def permission(self):
        return f"{self.model._meta.app_label}.view_{self.model._meta.model_name}"

    @property
    def admin_url_name(self):
        return (
            f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change"
        )

    @property
    def changelist_url_name(self):
        return f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"


@dataclass(frozen=True)
class Match:
    """One text of a record that the typed words are looked for in."""

    expression: object
    # A JSON list of names (aliases): a whole alias is an exact match.
    is_list: bool = False

    def conditions(self, name, text):
        """Q objects for: found anywhere, an exact match, a match at the start."""
        if self.is_list:
            # In '["Face++", "旷视"]', '"Face++"' is a whole alias.
            return (
                Q(**{f"{name}__icontains": text}),
                Q(**{f"{name}__icontains": f'"{text}"'}),
                Q(**{f"{name}__icontains": f'"{text}'}),
            )
        return (
            Q(**{f"{name}__icontains": text}),
            Q(**{f"{name}__iexact": text}),
            Q(**{f"{name}__istartswith": text}),
        )


def _join(*parts):
    return " · ".join(part for part in parts if part)


def _investor_subtitle(investor):
    place = ", ".join(part for part in (investor.city, investor.country.name) if part)
    return _join(investor.get_kind_display(), place)


def _contact_subtitle(contact):
    where = (
        _("%(title)s at %(investor)s")
        % {"title": contact.title, "investor": contact.investor}
        if contact.title
        else str(contact.investor)
    )
    return _join(where, contact.email)


def _company_subtitle(company):
    aliases = ", ".join(company.aliases)
    return _join(
        _("also %(aliases)s") % {"aliases": aliases} if aliases else "",
        company.city,
        company.country.name,
    )


def _round_subtitle(funding_round):
    announced = funding_round.announced_on
    return _join(
        funding_round.get_stage_display(),
        funding_round.get_status_display(),
        _("announced %(day)s") % {"day": f"{announced:%Y-%m-%d}"} if announced else "",
    )


def _note_subtitle(note):
    about = note.round or note.company or note.investor
    return _join(_("about %(subject)s") % {"subject": about}, note.body[:120])


def _website_matches(text):
    # A domain ("sensetime.com"), not any word: every website contains "https".
    return [Match(F("website"))] if "." in text else []


KINDS = [
    Kind(
        name="investor",
        label=_("Investors"),
        model=Investor,
        api_basename="investor",
        # The aliases hold other names, e.g. the Chinese one (阿里巴巴).
        matches=lambda text: [
            Match(F("name")),
            Match(F("aliases"), is_list=True),
            *_website_matches(text),
        ],
        select_related=(),
        subtitle=_investor_subtitle,
    ),
    Kind(
        name="contact",
        label=_("People"),
        model=Contact,
        api_basename="contact",
        # "Oliver Grant" and 王军, family name first (crm.investors.names).
        matches=lambda text: [
            *(Match(expression) for expression in name_expressions()),
            Match(F("email")),
        ],
        select_related=("investor",),
        subtitle=_contact_subtitle,
    ),
    Kind(
        name="company",
        label=_("Companies"),
        model=Company,
        api_basename="company",
        matches=lambda text: [
            Match(F("name")),
            Match(F("aliases"), is_list=True),
        ],
        select_related=(),
        subtitle=_company_subtitle,
    ),
    Kind(
        name="round",
        label=_("Funding rounds"),
        model=FundingRound,
        api_basename="round",
        # "SenseTime Series D", as the round reads everywhere.
        matches=lambda text: [
            Match(
                Concat("company__name", Value(" "), "name", output_field=CharField())
            ),
            Match(F("name")),
        ],
        select_related=("company",),
        subtitle=_round_subtitle,
    ),
    Kind(
        name="note",
        label=_("Deal notes"),
        model=DealNote,
        api_basename="note",
        matches=lambda text: [Match(F("title")), Match(F("body"))],
        select_related=("investor", "company", "round__company"),
        subtitle=_note_subtitle,
    ),
]
KINDS_BY_NAME = {kind.name: kind for kind in KINDS}


def kinds_for(user, names=None):
    """The kinds `user` may view (of `names`, if given), in the order results show."""
    return [
        kind
        for kind in KINDS
        if (names is None or kind.name in names) and user.has_perm(kind.permission)
    ]


def _ranked(kind, queryset, text):
    """`queryset` narrowed to records matching `text`, best first."""
    matches = kind.matches(text)
    names = [f"search_text_{number}" for number in range(len(matches))]
    found, exact, prefix = Q(), Q(), Q()
    for name, match in zip(names, matches, strict=True):
        anywhere, whole, start = match.conditions(name, text)
        found, exact, prefix = found | anywhere, exact | whole, prefix | start
    queryset = queryset.alias(
        **{name: match.expression for name, match in zip(names, matches, strict=True)}
    )
    tier = Case(When(exact, then=EXACT), When(prefix, then=PREFIX), default=ANYWHERE)
    order = [F("search_tier").desc()]
    queryset = queryset.filter(found).annotate(search_tier=tier)
    if connection.vendor == "postgresql":
        similarities = [
            TrigramSimilarity(Cast(match.expression, TextField()), text)
            for match in matches
        ]
        similarity = (
            similarities[0] if len(similarities) == 1 else Greatest(*similarities)
        )
        queryset = queryset.annotate(search_similarity=similarity)
        order.append(F("search_similarity").desc())
    return queryset.order_by(*order, *kind.model._meta.ordering, "pk")


def search(user, text, *, kinds=None, limit=10):
    """{kind: [Result, ...]} for each kind `user` may view, at most `limit` each, best first.

    One query per kind, whatever is found. Kinds without a match are left out.
    """
    text = text.strip()
    # PostgreSQL text cannot hold a NUL character: nothing contains one.
    if len(text) < MIN_LENGTH or "\x00" in text:
        return {}
    found = {}
    for kind in kinds if kinds is not None else kinds_for(user):
        queryset = kind.model.objects.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        if kind.select_related:
            queryset = queryset.select_related(*kind.select_related)
        records = _ranked(kind, queryset, text)[:limit]
        results = [
            Result(
                kind=kind.name,
                id=record.pk,
                title=str(record),
                subtitle=kind.subtitle(record),
            )
            for record in records
        ]
        if results:
            found[kind] = results
    return found
