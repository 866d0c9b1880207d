"""The reasons a clinician can give, for the disagreement form in any page's result."""

from django import template

from disagreements.services import RANKING_REASONS, RED_FLAG_REASONS

register = template.Library()


@register.simple_tag
def disagreement_reasons() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group label, [(value, label), ...]) for the condition reasons and the red-flag ones."""
    return [
        ("About a condition", [(r.value, r.label) for r in RANKING_REASONS]),
        ("About a red flag", [(r.value, r.label) for r in RED_FLAG_REASONS]),
    ]
