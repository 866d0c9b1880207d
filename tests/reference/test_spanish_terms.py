"""Banned Spanish renderings, checked against the English each text translates.

A lip twitch is a "contracción" (or "espasmo", "tic"), never a "temblor" (tremor) unless
the English really says tremor, tremble, jitter, shake or quiver; "treat" is "tratar",
never "curar" unless the English says cure; an emergency is an "emergencia", so "ayuda
urgente" is kept only where the English says urgent. Runs over the reference translations
(translations/es.json, paired with beliefs.json and the condition files) and the handout
catalogue (locale/es/LC_MESSAGES/django.po, paired msgid by msgid). No database needed.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "reference"
PO_FILE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"

TREMOR_ES = re.compile(r"\b(temblor\w*|tembl\w*|tiembl\w*)\b", re.I)
TREMOR_EN = re.compile(r"tremor|trembl|jitter|shak|quiver", re.I)
CURE_ES = re.compile(r"\bcur(a|an|ar|arla|arlo|arlos|aron|ará|arán|e|en|ación)\b", re.I)
CURE_EN = re.compile(r"\bcur(e|es|ed|ing)\b", re.I)
URGENT_HELP_ES = re.compile(r"ayuda urgente", re.I)
URGENT_EN = re.compile(r"urgent", re.I)


def problems(where: str, english: str, spanish: str) -> list[str]:
    found = []
    if TREMOR_ES.search(spanish) and not TREMOR_EN.search(english):
        found.append(f"{where}: 'temblor' for an English text with no tremor: {spanish!r}")
    if CURE_ES.search(spanish) and not CURE_EN.search(english):
        found.append(f"{where}: 'curar' where the English does not say cure: {spanish!r}")
    if URGENT_HELP_ES.search(spanish) and not URGENT_EN.search(english):
        found.append(f"{where}: 'ayuda urgente' where the English is not 'urgent': {spanish!r}")
    return found


def _pairs(
    where: str, spanish: Any, english: Any, fallback: str
) -> Iterator[tuple[str, str, str]]:
    """Every Spanish string with its English counterpart at the same path.

    Where the English file has no counterpart (a field the Spanish file carries ahead of
    the English, for example), the whole English record is the counterpart.
    """
    if isinstance(spanish, str):
        yield where, english if isinstance(english, str) else fallback, spanish
    elif isinstance(spanish, dict):
        for key, value in spanish.items():
            sub = english.get(key) if isinstance(english, dict) else None
            yield from _pairs(f"{where}.{key}", value, sub, fallback)
    elif isinstance(spanish, list):
        for n, value in enumerate(spanish):
            sub = english[n] if isinstance(english, list) and n < len(english) else None
            yield from _pairs(f"{where}[{n}]", value, sub, fallback)


def es_json_pairs() -> list[tuple[str, str, str]]:
    es = json.loads((FIXTURES / "translations" / "es.json").read_text())
    beliefs = {b["slug"]: b for b in json.loads((FIXTURES / "beliefs.json").read_text())}
    pairs: list[tuple[str, str, str]] = []
    for slug, fields in es["beliefs"].items():
        pairs += _pairs(f"beliefs.{slug}", fields, beliefs[slug], json.dumps(beliefs[slug]))
    for slug, fields in es["conditions"].items():
        condition = json.loads((FIXTURES / "conditions" / f"{slug}.json").read_text())
        pairs += _pairs(f"conditions.{slug}", fields, condition, json.dumps(condition))
    return pairs


def _po_string(lines: list[str]) -> str:
    return "".join(json.loads(line) for line in lines)


def po_pairs(path: Path = PO_FILE) -> list[tuple[str, str, str]]:
    """(where, msgid, msgstr) for every translated entry of a .po file."""
    pairs: list[tuple[str, str, str]] = []
    current: dict[str, list[str]] = {}
    field = None

    def flush() -> None:
        msgid, msgstr = _po_string(current.get("msgid", [])), _po_string(current.get("msgstr", []))
        if msgid and msgstr:
            pairs.append((f"django.po {msgid[:40]!r}", msgid, msgstr))

    for raw in [*path.read_text().splitlines(), ""]:
        line = raw.strip()
        if line.startswith("msgid "):
            flush()
            current, field = {"msgid": [line[6:]]}, "msgid"
        elif line.startswith("msgstr "):
            current["msgstr"], field = [line[7:]], "msgstr"
        elif line.startswith('"') and field:
            current[field].append(line)
        elif not line or line.startswith("#"):
            field = None if not line else field
    flush()
    return pairs


def test_the_checks_catch_the_renderings_the_review_found():
    assert problems("x", "Sedatives for lip twitching", "Sedantes para el temblor del labio")
    assert problems("x", "Calcium treats lip twitching", "El calcio cura las contracciones")
    assert problems("x", "When to get emergency help", "Cuándo pedir ayuda urgente")
    assert not problems("x", "Essential tremor", "Temblor esencial")
    assert not problems("x", "An operation can cure it", "Una operación puede curarlo")
    assert not problems("x", "Get urgent help", "Pida ayuda urgente")


def test_po_parser_reads_every_entry():
    pairs = po_pairs()
    assert len(pairs) >= 30
    assert "When to get emergency help" in {msgid for _, msgid, _ in pairs}


@pytest.mark.parametrize("source", ["es.json", "django.po"])
def test_no_banned_spanish_renderings(source):
    pairs = es_json_pairs() if source == "es.json" else po_pairs()
    assert pairs
    found = [p for where, english, spanish in pairs for p in problems(where, english, spanish)]
    assert found == []


def test_the_emergency_heading_says_emergency():
    heading = {msgid: msgstr for _, msgid, msgstr in po_pairs()}["When to get emergency help"]
    assert "emergencia" in heading.lower()


def test_every_belief_has_spanish_and_the_twitch_is_a_contraction():
    es = json.loads((FIXTURES / "translations" / "es.json").read_text())["beliefs"]
    beliefs = json.loads((FIXTURES / "beliefs.json").read_text())
    assert sorted(es) == sorted(b["slug"] for b in beliefs)
    for b in beliefs:
        assert es[b["slug"]].get("claim") and es[b["slug"]].get("patient_text"), b["slug"]
        if re.search(r"\btwitch", b["claim"], re.I) and not TREMOR_EN.search(b["claim"]):
            assert re.search(r"contracc|contra[ei]|espasmo|\btic", es[b["slug"]]["claim"], re.I), (
                b["slug"]
            )
