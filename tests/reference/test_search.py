"""The forgiving reference search: its word matching, and the index page that uses it."""

import pytest
from django.test import Client
from django.urls import reverse

from reference.search import reference_search, search_words, text_normalise, word_match
from reference.snapshot import snapshot_get

# The matcher tests need no database; those over the shipped content read the snapshot.
pytestmark = pytest.mark.django_db


def test_text_is_compared_without_case_accents_punctuation_or_apostrophes():
    assert text_normalise("Bell’s PALSY!") == "bells palsy"
    assert text_normalise("Guillain-Barré") == "guillain barre"
    assert text_normalise("  face--drooping ") == "face drooping"


def test_plurals_endings_and_small_words_do_not_stop_a_match():
    assert search_words("Bell's palsy") == search_words("bell palsy")
    assert search_words("twitching of the eyelids") == ("twitch", "eyelid")
    assert search_words("drooping face") == ("droop", "face")
    assert search_words("seizures") == search_words("seizure")
    assert search_words("injuries") == ("injury",)


@pytest.mark.parametrize(
    ("typed", "word"),
    [("twich", "twitch"), ("palys", "palsy"), ("tremour", "tremor"), ("parkinsn", "parkinson")],
)
def test_one_small_typo_is_forgiven_in_a_word_of_four_letters_or_more(typed, word):
    assert word_match(typed, word) > 0


def test_short_words_must_match_exactly_or_as_a_prefix():
    assert word_match("arm", "arm") == 1.0
    assert word_match("fac", "facial") > 0  # a prefix
    assert word_match("arm", "harm") == 0.0
    assert word_match("lip", "hip") == 0.0
    assert word_match("eye", "face") == 0.0


def titles(query: str) -> tuple[list[str], list[str]]:
    result = reference_search(snapshot=snapshot_get(), query=query)
    return [h.title for h in result.conditions], [h.title for h in result.findings]


@pytest.mark.parametrize(
    "query",
    ["Bell palsy", "bells palsy", "BELL'S PALSY", "palsy bell", "bel palsy", "belll palsey"],
)
def test_bell_palsy_is_found_however_it_is_typed(query):
    conditions, findings = titles(query)
    assert conditions[0] == "Bell's palsy"
    assert "Facial weakness" in findings


@pytest.mark.parametrize("query", ["eyelid twitch", "twitching eyelids", "twitch of the eyelid"])
def test_eyelid_twitch_finds_the_findings(query):
    _, findings = titles(query)
    assert "Began around the eye" in findings and "Fine flickering twitch" in findings


@pytest.mark.parametrize("query", ["face drooping", "drooping face", "Face-drooping!"])
def test_face_drooping_finds_facial_weakness_and_stroke(query):
    conditions, findings = titles(query)
    assert findings[0] == "Facial weakness"
    assert "Stroke or TIA" in conditions


def test_every_word_typed_must_match_somewhere():
    assert titles("lockjaw") == (["Tetanus"], ["Trismus or fixed grin"])
    assert titles("lockjaw xyzzy") == ([], [])
    assert titles("of the") == ([], [])


def test_a_synonym_that_found_a_condition_is_named():
    result = reference_search(snapshot=snapshot_get(), query="tic douloureux")
    assert result.conditions[0].title == "Trigeminal neuralgia"
    assert result.conditions[0].detail == "also called tic douloureux"


@pytest.mark.parametrize("query", ["Bell palsy", "eyelid twitch", "face drooping"])
def test_the_index_page_search_finds_the_three_terms(client: Client, query):
    html = client.post(reverse("reference:index"), {"q": query}).content.decode()
    assert 'id="results"' in html and "Nothing matched" not in html
    assert ("Facial weakness" if query != "eyelid twitch" else "Began around the eye") in html


def test_a_search_that_finds_nothing_says_so(client: Client):
    html = client.post(reverse("reference:index"), {"q": "xyzzy"}).content.decode()
    assert "Nothing matched" in html
