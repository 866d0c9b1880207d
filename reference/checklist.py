"""The checklist page's presentation: findings grouped by category with their state."""

from dataclasses import dataclass

from reference.differential import Assessment
from reference.search import search_words
from reference.snapshot import Snapshot


@dataclass(frozen=True)
class ChecklistItem:
    slug: str
    label: str
    question: str
    how_to_elicit: str
    state: str  # "present", "absent" or "" (not assessed)
    synonyms: tuple[str, ...] = ()
    terms: str = ""  # the words the type-to-filter box matches, as reference.search forms them


@dataclass(frozen=True)
class ChecklistGroup:
    category: str
    label: str
    items: tuple[ChecklistItem, ...]

    @property
    def present(self) -> int:
        return sum(i.state == "present" for i in self.items)

    @property
    def absent(self) -> int:
        return sum(i.state == "absent" for i in self.items)

    @property
    def count_label(self) -> str:
        """What the collapsed category shows: its size and what is ticked in it."""
        ticked = [
            f"{n} {state}"
            for n, state in ((self.present, "present"), (self.absent, "absent"))
            if n
        ]
        return f"{len(self.items)} findings" + (f": {', '.join(ticked)}" if ticked else "")


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
                synonyms=f.synonyms,
                terms=" ".join(
                    dict.fromkeys(search_words(" ".join((f.label, f.question, *f.synonyms))))
                ),
            )
            for f in ordered
            if f.category == category
        )
        if items:
            groups.append(ChecklistGroup(category, label, items))
    return tuple(groups)
