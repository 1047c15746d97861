"""Every form field's bad input gives a GOV.UK error, keeps what was typed and never a 500."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LONG = "x" * 100_000
SCRIPT = "<script>alert('x')</script>"
ESCAPED = b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"

# step: (required text fields, all text fields)
TEXT_STEPS = {
    "what-happened": ["what_happened"],
    "child-voice": ["child_voice"],
    "family": ["family_knows"],
    "others": [],
    "you": ["referrer_name"],
}
LONG_TEXT = {
    "what-happened": "what_happened",
    "child-voice": "child_voice",
    "family": "family_knows",
    "others": "others_involved",
}
CHOICE_STEPS = {"concern": "categories", "danger": "immediate_danger", "consent": "consent"}


@pytest.fixture
def client(signed_in, referrer):
    client = signed_in(referrer)
    client.post(
        reverse("frontdoor:report-child-new"),
        {"given_name": "A", "family_name": "B", "sex": "unknown"},
    )
    return client


def step(client, name, data):
    return client.post(reverse("frontdoor:report-step", kwargs={"step": name}), data)


def assert_govuk_error(response):
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert b"govuk-error-message" in response.content
    assert b"<title>Error:" in response.content


@pytest.mark.parametrize(("name", "fields"), [(k, v) for k, v in TEXT_STEPS.items() if v])
def test_empty_required_answers(client, name, fields):
    response = step(client, name, {f: "   " for f in fields})
    assert_govuk_error(response)


@pytest.mark.parametrize(("name", "field"), list(LONG_TEXT.items()))
def test_100000_characters_is_refused_and_kept(client, name, field):
    response = step(
        client,
        name,
        {field: LONG, "happened_on_day": "1", "happened_on_month": "1", "happened_on_year": "2020"},
    )
    assert_govuk_error(response)
    assert b"10,000 characters or fewer" in response.content
    assert LONG.encode() in response.content


@pytest.mark.parametrize(("name", "field"), list(LONG_TEXT.items()))
def test_html_is_shown_escaped(client, name, field):
    response = step(client, name, {field: SCRIPT})  # invalid elsewhere on the page, so shown again
    if response.status_code == 302:
        response = client.get(reverse("frontdoor:report-step", kwargs={"step": name}))
    assert SCRIPT.encode() not in response.content
    assert ESCAPED in response.content


@pytest.mark.parametrize(("name", "field"), list(CHOICE_STEPS.items()))
def test_choices_must_be_made_from_the_list(client, name, field):
    assert_govuk_error(step(client, name, {}))
    assert_govuk_error(step(client, name, {field: "not-a-choice"}))


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2020", b"must be a real date"),
        ("1", "1", "3000", b"must be today or in the past"),
        ("1", "", "2020", b"must include a month"),
        ("a", "b", "c", b"must be a real date"),
        ("1", "1", "20", b"Year must include 4 numbers"),
    ],
)
def test_bad_dates_on_what_happened(client, day, month, year, message):
    response = step(
        client,
        "what-happened",
        {
            "what_happened": "Text",
            "happened_on_day": day,
            "happened_on_month": month,
            "happened_on_year": year,
        },
    )
    assert_govuk_error(response)
    assert message in response.content
    assert f'value="{day}"'.encode() in response.content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "2999"},
            b"must be today or in the past",
        ),
        (
            {"date_of_birth_day": "30", "date_of_birth_month": "2", "date_of_birth_year": "2015"},
            b"must be a real date",
        ),
        ({"given_name": ""}, b"Enter the child&#x27;s given name"),
        ({"nhs_number": "1234567890"}, b"Enter a real NHS number"),
        ({"postcode": "NOT A POSTCODE"}, b"Enter a real postcode"),
        ({"given_name": LONG}, b"100 characters or fewer"),
        ({"sex": "robot"}, b"Select the child&#x27;s sex"),
    ],
)
def test_new_child_bad_input(signed_in, referrer, data, message):
    body = {"given_name": "Ada", "family_name": "Lovelace", "sex": "unknown", **data}
    response = signed_in(referrer).post(reverse("frontdoor:report-child-new"), body)
    assert_govuk_error(response)
    assert message in response.content


def test_new_child_name_html_is_escaped(signed_in, referrer):
    body = {"given_name": SCRIPT, "family_name": "Lovelace", "sex": "unknown", "nhs_number": "1"}
    response = signed_in(referrer).post(reverse("frontdoor:report-child-new"), body)
    assert ESCAPED in response.content
    assert SCRIPT.encode() not in response.content


def test_consent_not_asked_without_a_reason(client):
    response = step(client, "consent", {"consent": "not_asked"})
    assert_govuk_error(response)
    assert b"Select why you did not ask the family" in response.content
    assert b'value="not_asked" checked' in response.content


def test_referrer_bad_email(client):
    response = step(
        client, "you", {"referrer_name": "A", "referrer_phone": "1", "referrer_email": "nope"}
    )
    assert_govuk_error(response)
    assert b"correct format" in response.content
    assert b'value="nope"' in response.content


def test_decision_bad_input(signed_in, submit, mash_worker):
    contact = submit()
    client = signed_in(mash_worker)
    url = reverse("frontdoor:decide", args=[contact.reference])
    assert_govuk_error(client.post(url, {}))
    response = client.post(
        url, {"level": "9", "outcome": "x", "rationale": LONG, "message_to_referrer": SCRIPT}
    )
    assert_govuk_error(response)
    assert ESCAPED in response.content
    assert LONG.encode() in response.content


def test_police_form_bad_input(signed_in, referrer):
    url = reverse("frontdoor:police-form", args=["welfare-check"])
    client = signed_in(referrer)
    assert_govuk_error(client.post(url, {}))
    response = client.post(
        url,
        {
            "subject_name": SCRIPT,
            "details": LONG,
            "contact_name": "A",
            "contact_email": "bad",
            "subject_date_of_birth_day": "1",
            "subject_date_of_birth_month": "1",
            "subject_date_of_birth_year": "2999",
            "why_police": "x",
        },
    )
    assert_govuk_error(response)
    assert ESCAPED in response.content
    assert b"must be today or in the past" in response.content
