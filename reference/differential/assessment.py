"""Raw input (JSON or a form) validated into an Assessment, naming every problem."""

import re
from collections.abc import Mapping

from reference.differential.types import Assessment, AssessmentError
from reference.snapshot import Snapshot

# What a slug or a field name looks like; other strings are never echoed in errors.
SLUG_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,80}")


def assessment_parse(
    *, snapshot: Snapshot, present: object, absent: object, age_years: object
) -> Assessment:
    """Validate raw input (from JSON or a form) into an Assessment, naming every problem."""
    errors: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {}
    limit = len(snapshot.findings)
    for name, raw in (("present", present), ("absent", absent)):
        problems: list[str] = []
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            errors[name] = [f"Expected a list of finding slugs, got {type(raw).__name__}."]
            continue
        if len(raw) > limit:
            problems.append(f"At most {limit} findings (the size of the vocabulary).")
        bad_types = [i for i, x in enumerate(raw) if not isinstance(x, str)]
        if bad_types:
            problems.append(f"Items must be strings; not at positions {bad_types[:10]}.")
        slugs = [x for x in raw if isinstance(x, str)]
        unknown = [i for i, x in enumerate(slugs) if x not in snapshot.findings]
        if unknown:
            problems.append(_unknown_slugs_message([slugs[i] for i in unknown], unknown))
        dupes = sorted({x for x in slugs if x in snapshot.findings and slugs.count(x) > 1})
        if dupes:
            problems.append("Listed more than once: " + ", ".join(dupes) + ".")
        if problems:
            errors[name] = problems
        lists[name] = slugs
    both = sorted(
        set(lists.get("present", [])) & set(lists.get("absent", [])) & snapshot.findings.keys()
    )
    if both:
        errors.setdefault("absent", []).append(
            "Marked both present and absent: " + ", ".join(both) + "."
        )
    age: float | None = None
    if age_years is not None:
        if isinstance(age_years, bool) or not isinstance(age_years, int | float):
            errors["age_years"] = ["Must be a number of years from 0 to 120."]
        elif not 0 <= age_years <= 120:
            # Compared, never converted or printed: an integer of 10**309 overflows a float
            # and one of 5,000 digits cannot be turned into a string. NaN fails the test.
            errors["age_years"] = ["Must be a number of years from 0 to 120."]
        else:
            age = float(age_years)
    if errors:
        raise AssessmentError(errors)
    return Assessment(
        present=frozenset(lists.get("present", [])),
        absent=frozenset(lists.get("absent", [])),
        age_years=age,
    )


def _unknown_slugs_message(unknown: list[str], positions: list[int]) -> str:
    # Echo only what looks like a slug: anything else may be text a person typed (a name,
    # a note) or an unprintable string, and neither belongs in an error message.
    shown = sorted({x for x in unknown if SLUG_SHAPE.fullmatch(x)})
    hidden = [p for x, p in zip(unknown, positions, strict=True) if not SLUG_SHAPE.fullmatch(x)]
    parts = []
    if shown:
        parts.append("Unknown finding slugs: " + ", ".join(shown[:20]) + ".")
    if hidden:
        parts.append(f"Items at positions {hidden[:10]} are not finding slugs.")
    return " ".join(parts)


def assessment_from_form(
    *, data: Mapping[str, str], snapshot: Snapshot
) -> tuple[Assessment, dict[str, list[str]]]:
    """Read the checklist form (`<slug>=present|absent`, `age`); unknown keys are ignored.

    Returns the assessment and any errors; with errors, the findings are kept and the age
    dropped, so the clinician loses nothing they ticked.
    """
    present = [s for s in snapshot.findings if data.get(s) == "present"]
    absent = [s for s in snapshot.findings if data.get(s) == "absent"]
    raw_age = (data.get("age") or "").strip()
    age: object = None
    errors: dict[str, list[str]] = {}
    if raw_age:
        try:
            age = float(raw_age)
        except ValueError:
            errors["age_years"] = ["Age must be a number of years from 0 to 120."]
    try:
        return assessment_parse(
            snapshot=snapshot, present=present, absent=absent, age_years=age
        ), errors
    except AssessmentError as exc:
        errors.update(exc.errors)
        return Assessment(present=frozenset(present), absent=frozenset(absent)), errors
