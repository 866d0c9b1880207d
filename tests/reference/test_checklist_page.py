import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/differential/"


def test_checklist_groups_findings_with_tri_state_controls_and_age(client: Client):
    html = client.get(URL).content.decode()
    for group in (
        "Onset and course",
        "Character of the movement",
        "Distribution",
        "Weakness and other deficits",
        "Sensation and pain",
        "Signs",
        "Context and exposures",
    ):
        assert f'-label">{group}</span>' in html
    assert html.count('type="radio" name="chvostek-sign"') == 3
    assert 'name="age"' in html and "How to elicit" in html


def test_ticked_findings_give_a_ranked_explained_result_with_the_red_flag_banner(client: Client):
    html = client.get(
        URL, {"onset-sudden": "present", "facial-weakness": "present", "age": "71"}
    ).content.decode()
    assert 'class="redflags" role="alert"' in html
    assert html.index("Red flags") < html.index("<h2>Differential</h2>")
    first = html.index('class="cname"')
    assert "Stroke or TIA" in html[first : first + 200]
    assert "Why this place" in html
    # The effect against the other conditions, then the evidence link's own ratio and grade.
    assert re.search(
        r'Sudden onset ×[0-9.]+ <a class="lr" href="/conditions/stroke/#evidence-onset-sudden">'
        r"\(LR 5\*, grade C\)</a>",
        html,
    )
    assert "Suggested workup" in html and "Immediate" in html
    assert 'value="present" checked' in html


def test_without_javascript_the_form_submits_by_get(client: Client):
    html = client.get(URL).content.decode()
    assert 'method="get"' in html and 'type="submit"' in html


def test_fragment_returns_only_the_result(client: Client):
    html = client.get(URL, {"fever": "present", "fragment": "1"}).content.decode()
    assert "<html" not in html and "<h2>Differential</h2>" in html


def test_next_questions_are_one_click_ticks(client: Client):
    html = client.get(URL, {"flickering-twitch": "present"}).content.decode()
    assert 'class="tick" href="?flickering-twitch=present&amp;' in html
    assert 'data-state="absent"' in html


def test_a_bad_age_is_explained_not_a_500(client: Client):
    for age in ("abc", "-3", "500", "nan"):
        response = client.get(URL, {"age": age, "fever": "present"})
        assert response.status_code == 200
        assert "from 0 to 120" in response.content.decode()


def test_unknown_parameters_and_values_are_ignored(client: Client):
    response = client.get(URL, {"no-such-finding": "present", "fever": "maybe"})
    assert response.status_code == 200


def test_page_makes_one_query_once_the_snapshot_is_built(
    client: Client, django_assert_max_num_queries
):
    client.get(URL)
    # The one query is the content-state read that keeps every worker on the same content.
    with django_assert_max_num_queries(1) as queries:
        client.get(URL, {"fever": "present"})
    assert "reference_contentstate" in queries.captured_queries[0]["sql"]


def test_anonymous_save_link_returns_to_the_same_checklist_after_sign_in(client: Client):
    html = client.get(URL, {"fever": "present", "age": "40"}).content.decode()
    assert "Sign in to save as note" in html
    assert 'href="/accounts/login/?next=%2Fdifferential%2F%3Ffever%3Dpresent%26age%3D40"' in html


def test_a_pinned_summary_names_the_red_flags_for_narrow_screens(client: Client):
    html = client.get(
        URL, {"lip-or-tongue-swelling": "present", "breathing-difficulty": "present"}
    ).content.decode()
    start = html.index('class="ddx-summary has-flags"')
    assert "Angioedema (emergency)" in html[start : start + 600]


def test_why_this_place_names_the_findings_a_condition_does_not_explain(client: Client):
    html = client.get(URL, {"trismus-or-risus": "present"}).content.decode()
    assert "Does not explain: Trismus or fixed grin ×" in html


def test_categories_collapse_and_count_what_is_ticked_in_them(client: Client):
    html = client.get(URL).content.decode()
    assert (
        html.count('<details class="group"') == 7
        and '<details class="group" id="group-onset" open' not in html
    )
    html = client.get(
        URL, {"onset-sudden": "present", "onset-gradual": "absent", "fever": "present"}
    ).content.decode()
    assert '<details class="group" id="group-onset" open>' in html
    assert '<details class="group" id="group-deficit">' in html  # nothing ticked: closed
    onset = html[html.index('id="group-onset"') :]
    assert "11 findings: 1 present, 1 absent</span>" in onset[:400]


def test_each_finding_carries_its_filter_words_and_the_filter_box_sends_nothing(client: Client):
    html = client.get(URL).content.decode()
    start = html.index('id="f-facial-weakness"')
    terms = html[start : start + 400]
    assert "droop" in terms and "bell palsy" in terms  # synonyms, as the search forms words
    box = html[html.index('<input id="finding-filter"') :][:200]
    assert "name=" not in box.split(">")[0]  # typed text never reaches the URL (decision 5)
    assert '<div class="filter-row" id="filter-row" hidden>' in html  # shown by the script


def test_the_next_questions_sit_beside_the_checklist_and_return_there_without_javascript(
    client: Client,
):
    html = client.get(URL, {"onset-sudden": "present"}).content.decode()
    assert html.index('id="next-box"') < html.index('id="group-onset"')
    assert 'href="?onset-sudden=present&amp;' in html and '=present#next-box"' in html


def test_a_skip_link_leads_to_the_result_which_takes_focus(client: Client):
    html = client.get(URL).content.decode()
    assert '<a class="skip-result" href="#result">' in html
    assert '<section id="result" class="result" aria-label="Differential" tabindex="-1">' in html
    assert html.index('class="skip-result"') < html.index('id="checklist"')


def test_without_javascript_the_page_does_not_promise_live_updates_and_can_mark_staleness(
    client: Client,
):
    html = client.get(URL, {"fever": "present"}).content.decode()
    # The "updates as you go" sentence is shown only once the script has run (html.js).
    assert '<span class="if-js">The differential updates as you go.</span>' in html
    assert 'class="if-no-js">Press “Update differential”' in html
    # The stale notice is in the page; CSS shows it when a tick differs from the submitted
    # one (the checked radios carry the checked attribute, so :default is what was sent).
    assert 'class="stale-note if-no-js"' in html
    assert 'name="fever" value="present" checked' in html


def test_the_live_update_returns_the_result_and_the_next_questions(client: Client):
    html = client.get(URL, {"fever": "present", "fragment": "1"}).content.decode()
    assert html.index('id="update-result"') < html.index('id="update-next"')
    assert 'id="next-box"' in html
