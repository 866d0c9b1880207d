"""Every source links to PubMed, PMC, the DOI or whoever issued the work (issue 9, section 4).

Never to a mirror, an aggregator, a document-sharing site or a library catalogue: their
copies move, vanish or differ from the version of record, and a clinician cannot tell
which version they are reading. Checked in the shipped fixture file and in the database
the release is loaded into, both for the stored URL and for `Source.link`.
"""

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings

from reference.loading import reference_read
from reference.models import Source

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.REFERENCE_FIXTURES_DIR)

# Always fine: NCBI's PubMed and PMC, and the DOI resolver.
TRUSTED_HOSTS = frozenset(
    {
        "pubmed.ncbi.nlm.nih.gov",
        "pubmed.gov",
        "www.pubmed.gov",
        "pmc.ncbi.nlm.nih.gov",
        "doi.org",
        "www.doi.org",
        "dx.doi.org",
    }
)
TRUSTED_NCBI_PATHS = ("/pubmed", "/pmc")  # on www.ncbi.nlm.nih.gov

# Hosts that re-host or index other people's work. An entry matches a host when its labels
# (split on "." and "-") appear in a row in the host's labels: "doczz" matches
# deploy.doczz.net, "vufind" matches vufind-test.katalog.k.utb.cz.
DENIED_HOSTS = (
    # Document-sharing mirrors of journal PDFs.
    "doczz",
    "docslib",
    "studyres",
    "coek",
    "abcdocz",
    "studylib",
    "dokumen",
    "scribd",
    "yumpu",
    "fdocuments",
    "pdfcoffee",
    "pdfslide",
    "vdocument",
    "kipdf",
    "pdfcookie",
    # Aggregators, indexes and abstract re-publishers.
    "safetylit",
    "researchgate",
    "academia.edu",
    "semanticscholar",
    "researcher.life",  # R Discovery
    "scienceopen",
    "scilit",
    "doaj.org",
    "wilddata",  # suppr.wilddata.cn, a PubMed re-publisher
    "uptodate.com",  # its abstract pages reprint PubMed records
    "psychdb.com",  # third-party summary of the DSM criteria
    "neurologyadvisor.com",  # news coverage, not the guideline
    # Library catalogues, web archives and defunct mirrors.
    "vufind",
    "katalog",
    "collections.lib.utah.edu",
    "webarchive",
    "web.archive.org",
    "pubmedcentralcanada",  # PMC Canada, closed in 2018
    "jesse.tg",  # a copy of the defunct National Guideline Clearinghouse
    # Institutional repositories and research-profile portals.
    "pure.elsevier.com",
    "scholars.duke.edu",
    "cris.tau.ac.il",
    "ecite.utas.edu.au",
    "touroscholar",
)

# Sources for which no PubMed, DOI or publisher page has been seen yet (issue 9, section 4).
# Each is expected to fail until a curator finds the version of record; strict, so fixing
# one makes this test fail until the entry is removed here.
UNRESOLVED = {
    "banik-miller-eyelid-myokymia-2004": "looked for again: the University of Utah NOVEL copy, "
    "a Johns Hopkins portal record and a DOI on Scilit, but no PubMed or publisher page seen",
    "hujoel-chvostek-2016": "looked for again: only the R Discovery abstract; journal not confirmed",
    "lee-cpa-tumor-hfs-2010": "looked for again: library catalogues give Acta Neurochir "
    "152(11):1901-8, but no PubMed, DOI or Springer page seen",
    "nanos-eyelid-myokymia-2016": "looked for again: only the studyres copy of the NANOS brochure",
    "shuper-jitteriness-1991": "looked for again: only the Tel Aviv University portal (J Child "
    "Neurol 1991;6:243-5); no PubMed, DOI or SAGE page seen",
}


def _labels(text: str) -> list[str]:
    return [part for part in re.split(r"[.\-]", text.lower()) if part]


def denied_entry(url: str) -> str | None:
    """The deny-list entry the URL's host matches, or None when the link is acceptable."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if host in TRUSTED_HOSTS:
        return None
    if host == "www.ncbi.nlm.nih.gov" and parsed.path.startswith(TRUSTED_NCBI_PATHS):
        return None
    labels = _labels(host)
    for entry in DENIED_HOSTS:
        wanted = _labels(entry)
        for start in range(len(labels) - len(wanted) + 1):
            if labels[start : start + len(wanted)] == wanted:
                return entry
    return None


def _fixture_sources() -> list[dict[str, Any]]:
    return sorted(reference_read(directory=FIXTURES).sources.values(), key=lambda s: s["key"])


def _cases() -> list[Any]:
    return [
        pytest.param(
            src,
            id=src["key"],
            marks=[pytest.mark.xfail(strict=True, reason=UNRESOLVED[src["key"]])]
            if src["key"] in UNRESOLVED
            else [],
        )
        for src in _fixture_sources()
    ]


@pytest.mark.parametrize(
    ("url", "denied"),
    [
        ("https://doczz.net/doc/1/x", True),
        ("https://deploy.abcdocz.com/doc/2", True),
        ("https://c.coek.info/pdf-x.html", True),
        ("https://vufind-test.katalog.k.utb.cz/Record/3", True),
        ("https://einstein.pure.elsevier.com/en/publications/x", True),
        ("http://pubmedcentralcanada.ca/pmcc/articles/PMC1/", True),
        ("https://www.ncbi.nlm.nih.gov/pubmed/22884006", False),
        ("https://www.ncbi.nlm.nih.gov/books/NBK482117/", False),
        ("https://pubmed.ncbi.nlm.nih.gov/8874251/", False),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC1079528/", False),
        ("https://doi.org/10.1378/chest.110.4.952", False),
        ("https://n.neurology.org/content/92/19/896.abstract", False),
        ("https://www.nice.org.uk/guidance/ng127", False),
    ],
)
def test_the_deny_list_matches_mirrors_and_spares_pubmed_pmc_doi_and_publishers(url, denied):
    assert (denied_entry(url) is not None) is denied


@pytest.mark.parametrize("source", _cases())
def test_a_fixture_source_links_to_pubmed_pmc_the_doi_or_the_publisher(source):
    for link in (source["url"], Source(**source).link):
        if not link:
            continue
        assert urlparse(link).scheme in {"http", "https"}, link
        assert denied_entry(link) is None, f"{source['key']}: {link} is a mirror or aggregator"


def test_every_loaded_source_and_its_link_avoid_mirrors_and_aggregators():
    offending = {
        source.key
        for source in Source.objects.all()
        for link in (source.url, source.link)
        if link and denied_entry(link) is not None
    }
    assert Source.objects.exists()
    assert offending == set(UNRESOLVED), (
        f"new mirror links: {sorted(offending - set(UNRESOLVED))}; "
        f"resolved, remove from UNRESOLVED: {sorted(set(UNRESOLVED) - offending)}"
    )


def test_every_source_without_a_url_still_has_a_pmid_or_doi():
    for source in _fixture_sources():
        assert source["url"] or source["pmid"] or source["doi"], source["key"]


def _conditions() -> dict[str, dict[str, Any]]:
    return {c["slug"]: c for c in reference_read(directory=FIXTURES).conditions}


def test_the_retired_first_seizure_parameter_is_not_cited_for_seizure_semiology():
    """AAN/AES 2007 (retired) is about investigations, not what a seizure looks like."""
    links = _conditions()["focal-seizure"]["evidence"]
    assert all("aan-first-seizure-2007" not in e["sources"] for e in links)
    assert any("brodie-ilae-classification-2018" in e["sources"] for e in links)


def test_the_cdc_tetanus_summary_that_could_not_be_found_is_no_longer_cited():
    content = reference_read(directory=FIXTURES)
    assert "cdc-tetanus-inshort-2009" not in content.sources
    tetanus = _conditions()["tetanus"]
    assert "msd-tetanus-2023" in tetanus["sources"]
    assert all(
        "CDC" not in e["basis"] or "no longer cited" in e["basis"] for e in tetanus["evidence"]
    )
