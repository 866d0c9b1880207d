from django import template

register = template.Library()


@register.filter
def percent(value: float) -> str:
    """A probability as a percentage a clinician reads at a glance: '<1%', '12%'."""
    pct = value * 100
    if 0 < pct < 1:
        return "<1%"
    return f"{pct:.0f}%"


@register.filter
def ratio(value: float) -> str:
    """A likelihood ratio with no needless decimals: 10, 2.5, 0.25."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
