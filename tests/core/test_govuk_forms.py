"""Forms that meet GOV.UK and WCAG 2.2 AA (issue 10, item 8).

Autocomplete and input types on the details a user gives about themselves, error
messages that name the thing rather than paste the question, a date input that
highlights only the wrong boxes, follow-up questions as conditional reveals, and
codes shown as the words people chose.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from safeguard.core.forms import GovukDateField
from safeguard.core.models import Role
from safeguard.core.templatetags.govuk import error_summary
from safeguard.frontdoor.forms import (
    ConsentForm,
    MissingPersonForm,
    ReferrerForm,
    SignOffForm,
    WhatHappenedForm,
    police_answers_shown,
)
from safeguard.frontdoor.services import police_form_submit

from ..factories import AgencyFactory


def _input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input named {name}"
    return match.group(0)


class DateForm(forms.Form):
    when = GovukDateField(label="When did it happen?", noun="the date it happened", past_only=True)


def _date_form(day: str, month: str, year: str) -> str:
    form = DateForm({"when_day": day, "when_month": month, "when_year": year})
    form.is_valid()
    return str(form)


def _boxes_in_error(html: str) -> set[str]:
    return {
        part
        for part in ("day", "month", "year")
        if "govuk-input--error" in _input(html, f"when_{part}")
    }


class TestReferrerDetails:
    """WCAG 2.2 success criterion 1.3.5: fields about the user say what they are."""

    def test_name_phone_and_email_have_autocomplete_and_the_right_types(self):
        html = str(ReferrerForm())
        name = _input(html, "referrer_name")
        phone = _input(html, "referrer_phone")
        email = _input(html, "referrer_email")
        assert 'autocomplete="name"' in name
        assert 'spellcheck="false"' in name
        assert 'type="tel"' in phone
        assert 'autocomplete="tel"' in phone
        assert 'type="email"' in email
        assert 'autocomplete="email"' in email
        assert 'spellcheck="false"' in email
        assert 'autocomplete="organization-title"' in _input(html, "referrer_role")

    def test_the_police_forms_ask_the_same_way(self):
        html = str(MissingPersonForm())
        assert 'autocomplete="name"' in _input(html, "contact_name")
        assert 'type="tel"' in _input(html, "contact_phone")
        assert 'autocomplete="email"' in _input(html, "contact_email")
        # The person the form is about is not the user: no autocomplete from the user's details.
        assert "autocomplete" not in _input(html, "subject_name")


class TestErrorWording:
    def test_a_missing_date_names_the_date_not_the_question(self):
        form = WhatHappenedForm({"what_happened": "x"})
        assert not form.is_valid()
        assert form.errors["happened_on"] == ["Enter the date it happened"]

    @pytest.mark.parametrize(
        ("parts", "message"),
        [
            (("31", "2", "2020"), "The date it happened must be a real date"),
            (("1", "", "2020"), "The date it happened must include a month"),
            (("1", "1", "2999"), "The date it happened must be today or in the past"),
        ],
    )
    def test_date_messages_use_the_name(self, parts, message):
        form = DateForm(dict(zip(("when_day", "when_month", "when_year"), parts, strict=True)))
        assert not form.is_valid()
        assert form.errors["when"] == [message]
        assert "?" not in message

    def test_a_long_answer_to_a_question_is_not_pasted_into_the_message(self):
        form = WhatHappenedForm({"what_happened": "x" * 10_001, "happened_on_day": "1"})
        form.is_valid()
        assert form.errors["what_happened"] == ["What happened must be 10,000 characters or fewer"]

    def test_a_custom_required_message_is_used(self):
        class Meeting(forms.Form):
            held_on = GovukDateField(
                label="Date of the meeting",
                error_messages={"required": "Enter the date of the meeting"},
            )

        form = Meeting({})
        assert not form.is_valid()
        assert form.errors["held_on"] == ["Enter the date of the meeting"]


class TestDateErrorHighlighting:
    """GOV.UK date input: highlight only the boxes with errors, all three when the whole date is."""

    def test_a_wrong_day_highlights_only_the_day(self):
        html = _date_form("32", "3", "2020")
        assert _boxes_in_error(html) == {"day"}

    def test_a_wrong_month_highlights_only_the_month(self):
        assert _boxes_in_error(_date_form("3", "13", "2020")) == {"month"}

    def test_a_short_year_highlights_only_the_year(self):
        assert _boxes_in_error(_date_form("3", "3", "20")) == {"year"}

    def test_missing_parts_highlight_only_those(self):
        assert _boxes_in_error(_date_form("3", "", "")) == {"month", "year"}

    def test_letters_highlight_the_boxes_with_letters(self):
        assert _boxes_in_error(_date_form("3", "March", "2020")) == {"month"}

    def test_a_date_in_the_future_highlights_all_three(self):
        future = timezone.localdate() + dt.timedelta(days=30)
        html = _date_form(str(future.day), str(future.month), str(future.year))
        assert _boxes_in_error(html) == {"day", "month", "year"}

    def test_a_missing_date_highlights_all_three(self):
        form = DateForm({})
        form.is_valid()
        assert _boxes_in_error(str(form)) == {"day", "month", "year"}

    def test_no_error_no_highlight(self):
        assert _boxes_in_error(str(DateForm())) == set()

    def test_the_error_summary_links_to_the_first_wrong_box(self):
        form = DateForm({"when_day": "3", "when_month": "13", "when_year": "2020"})
        form.is_valid()
        assert error_summary(form)["items"][0]["href"] == "#id_when_month"


class TestConditionalReveals:
    def test_the_reason_for_not_asking_is_revealed_by_not_asked(self):
        html = str(ConsentForm())
        opener = (
            '<div class="govuk-radios__conditional govuk-radios__conditional--hidden" '
            'id="conditional-id_consent_2">'
        )
        assert 'value="not_asked" data-aria-controls="conditional-id_consent_2"' in html
        assert opener in html
        # Rendered once, inside the reveal, not again after the question.
        reasons = len(ConsentForm.base_fields["no_consent_reason"].choices)
        assert html.count('name="no_consent_reason"') == reasons
        assert html.index(opener) < html.index('name="no_consent_reason"')

    def test_a_chosen_answer_shows_its_follow_up_without_javascript(self):
        form = ConsentForm({"consent": "not_asked"})
        form.is_valid()
        html = str(form)
        assert "govuk-radios__conditional--hidden" not in html
        assert "Select why you did not ask the family" in html

    def test_radios_with_reveals_are_never_inline(self):
        html = str(SignOffForm())
        assert "govuk-radios--inline" not in html
        assert 'data-aria-controls="conditional-id_action_1"' in html


class TestReadableCodes:
    def test_police_form_answers_show_labels_not_codes(self):
        assert police_answers_shown({"source_grading": "told_reliable"}) == [
            ("How do you know this?", "Someone I trust told me")
        ]

    def test_the_police_form_page_shows_the_label(self, signed_in, make_user):
        from safeguard.core.models import AgencyKind

        school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL)
        sender = make_user(Role.PRACTITIONER, agency=school)
        sent = police_form_submit(
            by=sender,
            kind="partner_intelligence",
            subject_name="Test Subject",
            subject_date_of_birth=None,
            location="",
            details="Seen at the park late at night.",
            contact_name="Alex Mercer",
            contact_email="alex@example.invalid",
            answers={"source_grading": "told_reliable"},
            send_receipt=False,
        )
        html = (
            signed_in(sender)
            .get(reverse("frontdoor:police-form-detail", args=[sent.reference]))
            .content.decode()
        )
        assert "Someone I trust told me" in html
        assert "told_reliable" not in html


class TestTheAxeHelperLetsThroughOnlyGovukConditionalReveals:
    """axe reports GOV.UK's deliberate aria-expanded on reveal radios (govuk-frontend#979)."""

    def _violation(self, html: str, summary: str) -> list[dict]:
        return [
            {
                "id": "aria-allowed-attr",
                "nodes": [{"target": ["#x"], "html": html, "summary": summary}],
            }
        ]

    def test_a_govuk_reveal_radio_is_let_through(self):
        from tests.e2e.axe import _known_govuk_issues_removed

        html = '<input class="govuk-radios__input" aria-controls="c" aria-expanded="false">'
        summary = (
            'Fix all of the following:\n  ARIA attribute is not allowed: aria-expanded="false"'
        )
        assert _known_govuk_issues_removed(self._violation(html, summary)) == []

    def test_anything_else_is_still_reported(self):
        from tests.e2e.axe import _known_govuk_issues_removed

        html = '<input class="govuk-radios__input" aria-controls="c" aria-pressed="false">'
        summary = 'Fix all of the following:\n  ARIA attribute is not allowed: aria-pressed="false"'
        assert len(_known_govuk_issues_removed(self._violation(html, summary))) == 1
        other = '<div aria-controls="c" aria-expanded="false">'
        summary = (
            'Fix all of the following:\n  ARIA attribute is not allowed: aria-expanded="false"'
        )
        assert len(_known_govuk_issues_removed(self._violation(other, summary))) == 1
