"""Which records' API representation a change of another record changes.

An investor shows its stake figures and its latest contact; a company its
rounds' figures; both show their sectors' slugs; who may see a confidential
round decides what the investors' figures add up to. When the source
changes, these records change too (crm.integrations.outbox.touch).
"""

from crm.core.models import Sector
from crm.investors.models import Investor
from crm.notes.models import Interaction
from crm.portfolio.models import Company, FundingRound, Stake

# What a round hides along with itself (crm.portfolio.walls), by resource.
ROUND_DEPENDANTS = ("stakes", "interactions", "notes")

# model: (the relation to the record showing it, the fields it reads).
SHOWN_ON = {
    Stake: (
        "investor",
        ["investor_id", "company_id", "round_id", "amount_usd", "status"],
    ),
    Interaction: ("investor", ["investor_id", "round_id", "occurred_at"]),
    FundingRound: (
        "company",
        [
            "company_id",
            "status",
            "raised_amount_usd",
            "post_money_valuation_usd",
            "announced_on",
            "confidential",
        ],
    ),
}


def needs_previous(instance):
    return type(instance) in SHOWN_ON or isinstance(instance, Sector)


def shown_on(instance, action, previous):
    """[(model, ids)] of the records whose representation `instance`'s change changes."""
    if isinstance(instance, Sector):
        if action == "updated" and (
            previous is None
            or (previous.name, previous.slug) != (instance.name, instance.slug)
        ):
            return list(sector_holders(instance))
        return []
    if type(instance) not in SHOWN_ON:
        return []
    relation, fields = SHOWN_ON[type(instance)]
    if (
        action == "updated"
        and previous is not None
        and all(getattr(previous, f) == getattr(instance, f) for f in fields)
    ):
        return []
    field = type(instance)._meta.get_field(relation)
    attname = field.attname
    ids = {getattr(instance, attname), getattr(previous, attname, None)}
    return [(field.related_model, ids)]


def sector_holders(sector):
    """The investors and companies showing `sector`."""
    return (
        (
            Investor,
            Investor.sectors.through.objects.filter(sector=sector).values_list(
                "investor_id", flat=True
            ),
        ),
        (Company, Company.objects.filter(sector=sector).values_list("pk", flat=True)),
    )


def investors_with_stakes_in(round_id):
    return Investor, Stake.objects.filter(round_id=round_id).values_list(
        "investor_id", flat=True
    )


def confidential_rounds_of(team):
    return FundingRound.objects.filter(teams=team, confidential=True).values_list(
        "pk", flat=True
    )
