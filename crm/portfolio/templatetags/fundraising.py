"""The progress bar of a round's fundraising (crm.portfolio.fundraising)."""

from django import template

from crm.portfolio.fundraising import percent_of_target

register = template.Library()


@register.inclusion_tag("admin/portfolio/fundinground/progress.html")
def round_progress(round_, held_usd, in_talks_usd):
    """Held against target as a <progress> bar (no inline style: the CSP forbids it)."""
    percent = percent_of_target(held_usd, round_.target_amount_usd)
    return {
        "round": round_,
        "held_usd": held_usd,
        "in_talks_usd": in_talks_usd,
        "percent": percent,
        # The bar stops at full; the text says 130%.
        "bar_value": min(percent, 100) if percent is not None else 0,
    }
