import pytest
from django.test import Client
from django.urls import reverse

from reference.models import Condition

pytestmark = pytest.mark.django_db


def test_index_groups_conditions_by_urgency_with_grades(client: Client):
    response = client.get(reverse("reference:index"))
    html = response.content.decode()
    assert response.status_code == 200
    for heading in ("Emergency", "Urgent", "Soon", "Routine"):
        assert f">{heading}</h2>" in html
    assert "Stroke or TIA" in html and "Grade A" in html


def test_search_finds_conditions_by_synonym_and_findings_by_label(client: Client):
    html = client.post(reverse("reference:index"), {"q": "Chvostek"}).content.decode()
    assert "Chvostek sign" in html
    html = client.post(reverse("reference:index"), {"q": "tic douloureux"}).content.decode()
    assert "Trigeminal neuralgia" in html


def test_search_words_never_go_into_a_url(client: Client):
    html = client.get(reverse("reference:index")).content.decode()
    assert 'method="post"' in html and 'role="search"' in html
    # A search in the URL is ignored: nothing typed is taken from there.
    assert "Chvostek sign" not in client.get("/", {"q": "Chvostek"}).content.decode()


def test_every_condition_page_renders_with_its_sections(client: Client):
    for slug in Condition.objects.values_list("slug", flat=True):
        response = client.get(reverse("reference:condition", args=[slug]))
        html = response.content.decode()
        assert response.status_code == 200, slug
        for section in ("Distinguishing features", "Workup", "Management", "Sources"):
            assert section in html, (slug, section)


def test_condition_page_shows_red_flags_with_action_and_basis(client: Client):
    html = client.get(reverse("reference:condition", args=["stroke"])).content.decode()
    # DECISIONS 6: an action is a recommendation with its basis beside it.
    assert "Red flags" in html and "Recommended now: call emergency services" in html
    assert "Basis:" in html


def test_unknown_condition_is_404(client: Client):
    assert client.get("/conditions/no-such-thing/").status_code == 404


def test_condition_page_query_count_is_constant(client: Client, django_assert_max_num_queries):
    with django_assert_max_num_queries(17):  # constant: one query per relation
        client.get(reverse("reference:condition", args=["bells-palsy"]))


@pytest.mark.parametrize("name", ["reference:findings", "reference:beliefs", "reference:sources"])
def test_glossary_beliefs_and_sources_pages_render(client: Client, name: str):
    response = client.get(reverse(name))
    assert response.status_code == 200


def test_findings_glossary_explains_how_to_elicit_signs(client: Client):
    html = client.get(reverse("reference:findings")).content.decode()
    assert 'id="chvostek-sign"' in html and "How to elicit" in html


def test_sources_page_shows_the_content_version_and_date(client: Client):
    html = client.get(reverse("reference:sources")).content.decode()
    assert "2026.1" in html and "PMID" in html


def test_pages_load_nothing_from_another_host(client: Client):
    for url in ("/", "/conditions/stroke/", "/api/v1/docs/"):
        html = client.get(url).content.decode()
        for tag in ('src="http', 'href="http://', 'src="//', '<link rel="stylesheet" href="http'):
            assert tag not in html, (url, tag)
