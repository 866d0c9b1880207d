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
def ratio(value: float | str | None) -> str:
    """A ratio with no needless decimals: 10, 2.5, 0.25, 0.004 (blank when missing, as in
    results stored before the field existed)."""
    if value is None or value == "":
        return ""
    number = float(value)
    if 0 < abs(number) < 0.1:
        return f"{number:.1g}"
    return f"{number:.2f}".rstrip("0").rstrip(".")
