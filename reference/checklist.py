"""The checklist page's presentation: findings grouped by category with their state."""

from dataclasses import dataclass

from reference.differential import Assessment
from reference.snapshot import Snapshot


@dataclass(frozen=True)
class ChecklistItem:
    slug: str
    label: str
    question: str
    how_to_elicit: str
    state: str  # "present", "absent" or "" (not assessed)


@dataclass(frozen=True)
class ChecklistGroup:
    category: str
    label: str
    items: tuple[ChecklistItem, ...]


CATEGORY_LABELS = (
    ("onset", "Onset and course"),
    ("character", "Character of the movement"),
    ("distribution", "Distribution"),
    ("deficit", "Weakness and other deficits"),
    ("sensation", "Sensation and pain"),
    ("sign", "Signs"),
    ("exposure", "Context and exposures"),
)


def differential_checklist(
    *, snapshot: Snapshot, assessment: Assessment
) -> tuple[ChecklistGroup, ...]:
    """Findings grouped by category with their current tri-state, for the checklist page."""
    ordered = sorted(snapshot.findings.values(), key=lambda f: f.order)
    groups = []
    for category, label in CATEGORY_LABELS:
        items = tuple(
            ChecklistItem(
                slug=f.slug,
                label=f.label,
                question=f.question,
                how_to_elicit=f.how_to_elicit,
                state="present"
                if f.slug in assessment.present
                else "absent"
                if f.slug in assessment.absent
                else "",
            )
            for f in ordered
            if f.category == category
        )
        if items:
            groups.append(ChecklistGroup(category, label, items))
    return tuple(groups)
