"""Forgiving search over the in-memory snapshot: conditions and findings, by name and synonym.

It runs in Python over the snapshot rather than in SQL, so it answers the same on SQLite
and PostgreSQL. Matching forgives case, accents, punctuation and apostrophes ("Bell's" is
"bells"), plurals and common endings ("drooping" is "droop"), word order, words such as
"of" and "the", and a small typo (one letter wrong, missing, extra or swapped in a word of
four letters or more, two in a word of eight or more) when the word as typed is found
nowhere. Every word typed must match.
"""

import threading
import unicodedata
from dataclasses import dataclass

from reference.snapshot import Snapshot

STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "at", "by", "for", "from", "has", "have", "in", "is", "it"}
    | {"of", "on", "or", "the", "to", "with"}
)
# Apostrophes join ("Bell's" -> "bells"); every other non-letter separates words.
APOSTROPHES = str.maketrans("", "", "'\u2019\u2018`\u00b4")

EXACT, PREFIX, TYPO = 1.0, 0.8, 0.6
# The fields a record is found by, and their weights.
WEIGHTS = {"name": 3.0, "synonym": 3.0, "slug": 2.0, "text": 1.0}


def text_normalise(text: str) -> str:
    """Lower case, no accents or apostrophes, one space between runs of letters and digits."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(APOSTROPHES))
    plain = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())


def word_stem(word: str) -> str:
    """A light English stem: plurals and -ing/-ed endings, so inflected forms meet."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def search_words(text: str) -> tuple[str, ...]:
    """The stemmed words of a text, without stop words, as the search compares them."""
    return tuple(word_stem(w) for w in text_normalise(text).split() if w not in STOP_WORDS)


def _within(a: str, b: str, limit: int) -> bool:
    """Whether a and b are at most `limit` edits apart (insert, delete, replace, swap)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return False
        prev2, prev = prev, row
    return prev[-1] <= limit


def word_match(typed: str, word: str) -> float:
    """How well a typed word matches a word of the text: exact, a prefix, a typo, or 0."""
    if typed == word:
        return EXACT
    if len(typed) >= 3 and word.startswith(typed):
        return PREFIX
    limit = 2 if len(typed) >= 8 else 1 if len(typed) >= 4 else 0
    if limit and (_within(typed, word, limit) or _within(typed, word[: len(typed)], limit)):
        return TYPO
    return 0.0


@dataclass(frozen=True)
class _Field:
    role: str  # a key of WEIGHTS
    weight: float
    text: str
    words: tuple[str, ...]
    forgiving: bool = True  # long running text matches exactly or by prefix only


@dataclass(frozen=True)
class _Record:
    kind: str  # "condition" or "finding"
    slug: str
    title: str
    detail: str
    order: int
    fields: tuple[_Field, ...]


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    detail: str  # a finding's question, or the synonym that matched
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    conditions: tuple[SearchHit, ...]
    findings: tuple[SearchHit, ...]

    @property
    def empty(self) -> bool:
        return not self.conditions and not self.findings


def _field(role: str, text: str, *, forgiving: bool = True) -> _Field:
    return _Field(role, WEIGHTS[role], text, search_words(text), forgiving)


def _records(snapshot: Snapshot) -> tuple[_Record, ...]:
    names = snapshot.condition_names
    conditions = [
        _Record(
            "condition",
            slug,
            name,
            "",
            0,
            (
                _field("name", name),
                _field("slug", slug.replace("-", " ")),
                *(_field("synonym", s) for s in snapshot.condition_synonyms.get(slug, ())),
                _field("text", snapshot.condition_summaries.get(slug, ""), forgiving=False),
            ),
        )
        for slug, name in names.items()
    ]
    findings = [
        _Record(
            "finding",
            f.slug,
            f.label,
            f.question,
            f.order,
            (
                _field("name", f.label),
                _field("slug", f.slug.replace("-", " ")),
                *(_field("synonym", s) for s in f.synonyms),
                _field("text", f.question),
            ),
        )
        for f in snapshot.findings.values()
    ]
    return (*conditions, *findings)


_lock = threading.Lock()
_index: tuple[Snapshot, tuple[_Record, ...]] | None = None


def _records_for(snapshot: Snapshot) -> tuple[_Record, ...]:
    # Built once per snapshot: a new snapshot (a content change) builds a new index.
    global _index
    current = _index
    if current is not None and current[0] is snapshot:
        return current[1]
    records = _records(snapshot)
    with _lock:
        _index = (snapshot, records)
    return records


def _matches(typed: tuple[str, ...], records: tuple[_Record, ...]) -> dict[str, dict[str, float]]:
    """For each typed word, how well it matches each distinct word of the index (nonzero only)."""
    vocabulary = {w for r in records for f in r.fields for w in f.words}
    table: dict[str, dict[str, float]] = {}
    for t in typed:
        scores = {w: m for w, m in ((w, word_match(t, w)) for w in vocabulary) if m}
        # A word found as typed is what was meant: near spellings only when it is not.
        if any(m > TYPO for m in scores.values()):
            scores = {w: m for w, m in scores.items() if m > TYPO}
        table[t] = scores
    return table


def _score(
    record: _Record, typed: tuple[str, ...], table: dict[str, dict[str, float]]
) -> tuple[float, str]:
    """The record's score (0: some typed word matched nothing) and the synonym that matched."""

    def match(t: str, f: _Field) -> float:
        best = max((table[t].get(w, 0.0) for w in f.words), default=0.0)
        return 0.0 if best == TYPO and not f.forgiving else best

    total = 0.0
    for t in typed:
        best = max(f.weight * match(t, f) for f in record.fields)
        if not best:
            return 0.0, ""
        total += best
    # A field holding every typed word (a phrase, in any order) beats words found apart,
    # and a field that is exactly the words typed beats one that holds more besides.
    whole = [f for f in record.fields if f.forgiving and all(match(t, f) for t in typed)]
    if whole:
        total += max(f.weight + (set(f.words) == set(typed)) for f in whole)
    # Name the synonym that found it, unless the name itself did.
    roles = {f.role for f in whole}
    matched = "" if "name" in roles else next((f.text for f in whole if f.role == "synonym"), "")
    return total, matched


def reference_search(*, snapshot: Snapshot, query: str, limit: int = 20) -> SearchResult:
    """Conditions and findings matching every word of `query`, best first."""
    typed = search_words(query[:100])
    hits: dict[str, list[SearchHit]] = {"condition": [], "finding": []}
    if typed:
        records = _records_for(snapshot)
        table = _matches(typed, records)
        ranked = []
        for r in records:
            score, matched = _score(r, typed, table)
            if score:
                ranked.append((r, score, matched))
        ranked.sort(key=lambda x: (-x[1], x[0].order, x[0].title))
        for r, score, matched in ranked:
            detail = r.detail or (f"also called {matched}" if matched else "")
            hits[r.kind].append(SearchHit(r.slug, r.title, detail, round(score, 2)))
    return SearchResult(
        query=query,
        conditions=tuple(hits["condition"][:limit]),
        findings=tuple(hits["finding"][:limit]),
    )
