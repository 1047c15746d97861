"""The MASH's decision pages (issue 9): evidence on the page, GOV.UK errors, amendment, drafts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safeguard.core.models import Role
from safeguard.frontdoor import services
from safeguard.frontdoor.models import ContactDraft, ContactStatus, Outcome, Urgency

pytestmark = pytest.mark.django_db


def decide(by, contact, level=4, outcome=Outcome.SECTION_17):
    return services.threshold_decide(
        by=by,
        contact=contact,
        level=level,
        outcome=outcome,
        rationale="Private reasons of the MASH.",
        message_to_referrer="A social worker will be in touch.",
    )


@pytest.fixture
def asked(submit, mash_worker, police_agency):
    """A contact with one answered request and one still awaited."""
    contact = submit()
    answered = services.information_request_create(
        by=mash_worker, contact=contact, agency=police_agency, question="Any call-outs?"
    )
    services.information_request_answer(
        by=mash_worker, request=answered, answer="One domestic incident in March."
    )
    awaited = services.information_request_create(
        by=mash_worker, contact=contact, agency=police_agency, question="Any warnings?"
    )
    return contact, answered, awaited


class TestTheDecidePage:
    def test_shows_the_concern_and_every_answer_and_asks_to_confirm(
        self, signed_in, asked, mash_worker
    ):
        contact, _answered, _awaited = asked
        page = signed_in(mash_worker).get(reverse("frontdoor:decide", args=[contact.reference]))
        text = page.content.decode()
        assert "Came to school hungry three days running." in text
        assert "Said there is no food at home" in text
        assert "One domestic incident in March." in text
        assert "Not answered yet" in text
        assert "Decide without waiting for the agencies that have not answered" in text

    def test_deciding_while_waiting_without_confirming_is_a_govuk_error(
        self, signed_in, asked, mash_worker
    ):
        contact, _answered, _awaited = asked
        data = {
            "level": "2",
            "outcome": Outcome.SIGNPOST,
            "rationale": "Needs met by school.",
            "message_to_referrer": "Thank you.",
        }
        client = signed_in(mash_worker)
        url = reverse("frontdoor:decide", args=[contact.reference])
        response = client.post(url, data)
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert b"has not answered yet" in response.content
        assert client.post(url, {**data, "confirm_awaited": "on"}).status_code == 302
        contact.refresh_from_db()
        assert contact.status == ContactStatus.DECIDED

    def test_an_incoherent_pair_is_a_govuk_error_not_a_failure(
        self, signed_in, submit, mash_worker
    ):
        contact = submit()
        response = signed_in(mash_worker).post(
            reverse("frontdoor:decide", args=[contact.reference]),
            {
                "level": "1",
                "outcome": Outcome.SECTION_47,
                "rationale": "x",
                "message_to_referrer": "y",
            },
        )
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert b"does not fit level 1" in response.content


class TestSignOffAndSendBack:
    def test_the_sign_off_page_shows_the_concern_and_every_answer(
        self, signed_in, asked, mash_worker, mash_manager
    ):
        contact, _answered, awaited = asked
        services.information_request_answer(by=mash_worker, request=awaited, answer="None held.")
        decide(mash_worker, contact)
        page = signed_in(mash_manager).get(reverse("frontdoor:sign-off", args=[contact.reference]))
        text = page.content.decode()
        assert "Came to school hungry three days running." in text
        assert "One domestic incident in March." in text
        assert "None held." in text

    def test_the_worker_sees_why_it_came_back(self, signed_in, submit, mash_worker, mash_manager):
        contact = submit()
        decide(mash_worker, contact)
        signed_in(mash_manager).post(
            reverse("frontdoor:sign-off", args=[contact.reference]),
            {"action": "return", "note": "Speak to the health visitor first."},
        )
        page = signed_in(mash_worker).get(reverse("frontdoor:contact", args=[contact.reference]))
        assert b"Sent back" in page.content
        assert b"Speak to the health visitor first." in page.content
        assert b"Decide again: a manager sent the decision back" in page.content  # its work item


class TestAnswersAfterTheDecision:
    def test_the_answer_url_refuses_to_overwrite_after_sign_off(
        self, signed_in, asked, mash_worker, mash_manager
    ):
        contact, answered, awaited = asked
        services.information_request_answer(by=mash_worker, request=awaited, answer="None held.")
        decide(mash_worker, contact)
        services.threshold_sign_off(by=mash_manager, contact=contact)
        url = reverse("frontdoor:information-answer", args=[contact.reference, answered.pk])
        response = signed_in(mash_worker).post(url, {"answer": "Nothing at all."})
        assert response.status_code == 200
        assert b"cannot be changed" in response.content
        answered.refresh_from_db()
        assert answered.answer == "One domestic incident in March."

    def test_a_correction_appears_beside_the_original(
        self, signed_in, asked, mash_worker, mash_manager
    ):
        contact, answered, awaited = asked
        services.information_request_answer(by=mash_worker, request=awaited, answer="None held.")
        decide(mash_worker, contact)
        client = signed_in(mash_worker)
        url = reverse("frontdoor:information-correct", args=[contact.reference, answered.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, {"correction": "Two incidents, not one."}).status_code == 302
        page = client.get(reverse("frontdoor:contact", args=[contact.reference])).content
        assert b"One domestic incident in March." in page
        assert b"Two incidents, not one." in page


class TestAmendment:
    def test_a_manager_amends_with_a_reason_and_the_history_shows_both(
        self, signed_in, submit, mash_worker, mash_manager, referrer
    ):
        contact = submit()
        decide(mash_worker, contact)
        services.threshold_sign_off(by=mash_manager, contact=contact)
        client = signed_in(mash_manager)
        url = reverse("frontdoor:amend", args=[contact.reference])
        assert b"Amend the decision" in client.get(url).content
        data = {
            "level": "4",
            "outcome": Outcome.SECTION_47,
            "rationale": "New information: significant harm.",
            "message_to_referrer": "A strategy discussion is being held.",
        }
        missing_reason = client.post(url, data)
        assert b"Enter why you are amending the decision" in missing_reason.content
        assert client.post(url, {**data, "reason": "Police disclosure."}).status_code == 302
        page = client.get(reverse("frontdoor:contact", args=[contact.reference])).content
        assert b"Earlier versions of the decision" in page
        assert b"Private reasons of the MASH." in page  # version 1 stays visible
        assert b"Police disclosure." in page
        mine = signed_in(referrer).get(reverse("frontdoor:my-referral", args=[contact.reference]))
        assert b"A strategy discussion is being held." in mine.content
        assert b"Police disclosure." not in mine.content
        assert b"Private reasons" not in mine.content

    def test_only_managers_open_the_amend_page(
        self, signed_in, submit, mash_worker, mash_manager, referrer
    ):
        contact = submit()
        decide(mash_worker, contact, level=2, outcome=Outcome.SIGNPOST)
        url = reverse("frontdoor:amend", args=[contact.reference])
        assert signed_in(mash_worker).get(url).status_code == 404
        assert signed_in(referrer).get(url).status_code == 404
        assert signed_in(mash_manager).get(url).status_code == 200


class TestUrgencyPage:
    def test_the_mash_changes_urgency_with_a_reason(self, signed_in, submit, mash_worker):
        contact = submit()
        url = reverse("frontdoor:urgency", args=[contact.reference])
        client = signed_in(mash_worker)
        refused = client.post(url, {"urgency": "2", "reason": ""})
        assert refused.status_code == 200
        assert b"Enter why the urgency has changed" in refused.content
        assert client.post(url, {"urgency": "2", "reason": "Police call."}).status_code == 302
        contact.refresh_from_db()
        assert contact.urgency == Urgency.URGENT

    def test_others_cannot(self, signed_in, submit, referrer):
        contact = submit()
        url = reverse("frontdoor:urgency", args=[contact.reference])
        assert signed_in(referrer).post(url, {"urgency": "1", "reason": "x"}).status_code == 404


class TestDrafts:
    def test_an_unsent_immediate_danger_draft_shows_on_my_work(self, signed_in, referrer):
        services.contact_draft_save(
            by=referrer,
            data={"children": [], "answers": {"danger": {"immediate_danger": "yes"}}},
        )
        page = signed_in(referrer).get(reverse("home"))
        assert b"You have not sent a report that says a child is in immediate danger" in (
            page.content
        )

    def test_an_ordinary_draft_shows_too(self, signed_in, referrer):
        services.contact_draft_save(by=referrer, data={"children": [], "answers": {}})
        page = signed_in(referrer).get(reverse("home"))
        assert b"You have a report you have not sent yet" in page.content

    def test_start_again_asks_before_deleting(self, signed_in, referrer):
        services.contact_draft_save(
            by=referrer,
            data={"children": [], "answers": {"danger": {"immediate_danger": "yes"}}},
        )
        client = signed_in(referrer)
        asked = client.post(reverse("frontdoor:report-start"), {"action": "restart"})
        assert asked.status_code == 200
        assert b"Are you sure you want to delete your unsent report?" in asked.content
        assert b"says a child is in immediate danger" in asked.content
        assert ContactDraft.objects.get(user=referrer).data["answers"]  # nothing deleted yet
        client.post(reverse("frontdoor:report-start"), {"action": "restart-confirmed"})
        assert ContactDraft.objects.get(user=referrer).data["answers"] == {}


NEW_URLS = [
    ("frontdoor:amend", ["MASH-0000-0000-0"]),
    ("frontdoor:urgency", ["MASH-0000-0000-0"]),
    ("frontdoor:information-correct", ["MASH-0000-0000-0", 1]),
]


@pytest.mark.parametrize(("name", "args"), NEW_URLS)
def test_new_pages_need_signing_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert "/sign-in/" in response.url


@pytest.mark.parametrize(("name", "args"), NEW_URLS)
def test_new_pages_are_not_found_for_other_agencies(signed_in, submit, make_user, name, args):
    contact = submit()
    outsider = make_user(Role.PRACTITIONER)
    url = reverse(name, args=[contact.reference, *args[1:]])
    assert signed_in(outsider).post(url, {}).status_code == 404
