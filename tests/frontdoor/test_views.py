import pytest
from django.core import mail
from django.urls import reverse

from safeguard.core.models import AuditEvent, Role
from safeguard.frontdoor import services
from safeguard.frontdoor.models import Contact, ContactDraft, ContactStatus, Outcome, PoliceForm
from tests.factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db

STEPS = [
    ("concern", {"categories": ["neglect", "online_harm"]}),
    (
        "what-happened",
        {
            "what_happened": "Arrived hungry.",
            "happened_on_day": "3",
            "happened_on_month": "2",
            "happened_on_year": "2024",
        },
    ),
    ("child-voice", {"child_voice": "Said: 'there is never any food'."}),
    ("danger", {"immediate_danger": "no"}),
    ("family", {"family_knows": "Mum knows."}),
    ("consent", {"consent": "given"}),
    ("others", {"others_involved": ""}),
    (
        "you",
        {
            "referrer_name": "Alex Mercer",
            "referrer_role": "DSL",
            "referrer_phone": "01904 000",
            "referrer_email": "alex@example.invalid",
        },
    ),
]


def walk_to_check(client):
    assert client.post(reverse("frontdoor:report-start"), {"action": "continue"}).status_code == 302
    response = client.post(
        reverse("frontdoor:report-child-new"),
        {
            "given_name": "Rowan",
            "family_name": "Testerly",
            "date_of_birth_day": "1",
            "date_of_birth_month": "6",
            "date_of_birth_year": "2016",
            "sex": "unknown",
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("frontdoor:report-children"), {"action": "continue"})
    assert response.url == reverse("frontdoor:report-step", kwargs={"step": "concern"})
    for step, data in STEPS:
        response = client.post(reverse("frontdoor:report-step", kwargs={"step": step}), data)
        assert response.status_code == 302, (step, response.content.decode()[:3000])
    assert response.url == reverse("frontdoor:report-check")


class TestReportAConcern:
    def test_the_whole_journey_gives_a_reference_and_a_receipt(
        self, signed_in, referrer, mash_agency, django_capture_on_commit_callbacks
    ):
        client = signed_in(referrer)
        walk_to_check(client)
        page = client.get(reverse("frontdoor:report-check"))
        assert b"Check your answers" in page.content
        assert b"Rowan Testerly" in page.content
        with django_capture_on_commit_callbacks(execute=True):  # the receipt leaves after commit
            response = client.post(reverse("frontdoor:report-check"))
        contact = Contact.objects.get()
        assert response.url == reverse(
            "frontdoor:report-sent", kwargs={"reference": contact.reference}
        )
        sent = client.get(response.url)
        assert contact.reference.encode() in sent.content
        assert b"govuk-panel--confirmation" in sent.content
        assert contact.reference in mail.outbox[0].body
        assert not ContactDraft.objects.filter(user=referrer).exists()

    def test_each_answer_is_saved_as_a_draft(self, signed_in, referrer):
        client = signed_in(referrer)
        client.post(reverse("frontdoor:report-start"), {"action": "continue"})
        client.post(
            reverse("frontdoor:report-child-new"),
            {"given_name": "Ash", "family_name": "Draft", "sex": "unknown"},
        )
        client.post(
            reverse("frontdoor:report-step", kwargs={"step": "concern"}),
            {"categories": ["neglect"]},
        )
        draft = ContactDraft.objects.get(user=referrer)
        assert draft.data["answers"]["concern"] == {"categories": ["neglect"]}
        # A new session (after a time-out) picks up where it stopped.
        again = signed_in(referrer)
        assert b"Continue your report" in again.get(reverse("frontdoor:report-start")).content
        response = again.post(reverse("frontdoor:report-start"), {"action": "continue"})
        assert response.url == reverse("frontdoor:report-step", kwargs={"step": "what-happened"})
        page = again.get(reverse("frontdoor:report-step", kwargs={"step": "concern"}))
        assert b'value="neglect" checked' in page.content

    def test_immediate_danger_tells_them_to_call_999(self, signed_in, referrer):
        client = signed_in(referrer)
        client.post(
            reverse("frontdoor:report-child-new"),
            {"given_name": "A", "family_name": "B", "sex": "unknown"},
        )
        response = client.post(
            reverse("frontdoor:report-step", kwargs={"step": "danger"}), {"immediate_danger": "yes"}
        )
        page = client.get(response.url)
        assert b"Call 999 now" in page.content
        assert b"0300 131 2131" in page.content or b"01904 551900" in page.content

    def test_out_of_hours_shows_the_emergency_duty_team(self, signed_in, referrer, settings):
        settings.OFFICE_HOURS = "00:00-00:01"
        page = signed_in(referrer).get(reverse("frontdoor:report-start"))
        assert b"Emergency Duty Team on 0300 131 2131" in page.content

    def test_an_existing_child_is_found_and_linked(self, signed_in, referrer):
        child = PersonFactory(given_name="Jayden", family_name="Smith")
        InvolvementFactory(person=child, agency=referrer.agency)
        client = signed_in(referrer)
        page = client.get(reverse("frontdoor:report-children"), {"q": "Jayden Smith"})
        assert b"Jayden Smith" in page.content
        client.post(
            reverse("frontdoor:report-children"), {"action": "add", "person_id": str(child.pk)}
        )
        assert ContactDraft.objects.get(user=referrer).data["children"] == [
            {"person_id": str(child.pk)}
        ]

    def test_a_child_you_cannot_see_cannot_be_added(self, signed_in, referrer):
        stranger = PersonFactory()
        response = signed_in(referrer).post(
            reverse("frontdoor:report-children"), {"action": "add", "person_id": str(stranger.pk)}
        )
        assert response.status_code == 404

    def test_continuing_without_a_child_is_an_error(self, signed_in, referrer):
        page = signed_in(referrer).post(
            reverse("frontdoor:report-children"), {"action": "continue"}
        )
        assert b"govuk-error-summary" in page.content
        assert b"Add at least one child" in page.content


class TestMash:
    def test_queue_shows_timer_rag_and_re_referral(self, signed_in, submit, mash_worker):
        submit()
        submit()
        page = signed_in(mash_worker).get(reverse("frontdoor:mash-queue"))
        assert page.status_code == 200
        assert b"Re-referral" in page.content
        assert b"govuk-tag--" in page.content
        assert b"Multi-Agency Safeguarding Hub (MASH)" in page.content
        assert AuditEvent.objects.filter(action="list", object_type="mash_queue").exists()

    def test_queue_is_not_found_for_others(self, signed_in, referrer):
        assert signed_in(referrer).get(reverse("frontdoor:mash-queue")).status_code == 404
        assert (
            signed_in(referrer).get(reverse("frontdoor:contact", args=["MASH-X"])).status_code
            == 404
        )

    def test_queue_queries_are_bounded(
        self, signed_in, submit, mash_worker, django_assert_max_num_queries
    ):
        for _ in range(12):
            submit()
        client = signed_in(mash_worker)
        client.get(reverse("frontdoor:mash-queue"))
        with django_assert_max_num_queries(20):
            client.get(reverse("frontdoor:mash-queue"))

    def test_triage_decide_and_the_referrer_sees_the_outcome(
        self, signed_in, submit, mash_worker, referrer, police_agency
    ):
        contact = submit()
        worker = signed_in(mash_worker)
        page = worker.get(reverse("frontdoor:contact", args=[contact.reference]))
        assert b"Said there is no food" in page.content
        worker.post(
            reverse("frontdoor:information-request", args=[contact.reference]),
            {"agency": police_agency.pk, "question": "Any call-outs?"},
        )
        info = contact.information_requests.get()
        worker.post(
            reverse("frontdoor:information-answer", args=[contact.reference, info.pk]),
            {"answer": "One in March."},
        )
        page = worker.get(reverse("frontdoor:decide", args=[contact.reference]))
        assert (
            b"single agency response" in page.content
        )  # level descriptions shown beside the choice
        response = worker.post(
            reverse("frontdoor:decide", args=[contact.reference]),
            {
                "level": "2",
                "outcome": Outcome.EARLY_HELP_ASSESSMENT,
                "rationale": "Needs a plan.",
                "message_to_referrer": "An early help worker will contact the family.",
            },
        )
        assert response.status_code == 302
        contact.refresh_from_db()
        assert contact.status == ContactStatus.DECIDED
        mine = signed_in(referrer).get(reverse("frontdoor:my-referral", args=[contact.reference]))
        assert b"An early help worker will contact the family." in mine.content
        assert b"Needs a plan." not in mine.content  # the rationale is not shared

    def test_sign_off_page_for_managers_only(self, signed_in, submit, mash_worker, mash_manager):
        contact = submit()
        services.threshold_decide(
            by=mash_worker,
            contact=contact,
            level=4,
            outcome=Outcome.SECTION_47,
            rationale="Significant harm.",
            message_to_referrer="Strategy discussion.",
        )
        assert (
            signed_in(mash_worker)
            .get(reverse("frontdoor:sign-off", args=[contact.reference]))
            .status_code
            == 404
        )
        manager = signed_in(mash_manager)
        response = manager.post(
            reverse("frontdoor:sign-off", args=[contact.reference]), {"action": "approve"}
        )
        assert response.status_code == 302
        contact.refresh_from_db()
        assert contact.status == ContactStatus.DECIDED

    def test_referrers_see_only_their_own_referrals(self, signed_in, submit, make_user):
        contact = submit()
        other = make_user(Role.PRACTITIONER)
        assert (
            signed_in(other)
            .get(reverse("frontdoor:my-referral", args=[contact.reference]))
            .status_code
            == 404
        )
        assert (
            signed_in(other)
            .get(reverse("frontdoor:report-sent", args=[contact.reference]))
            .status_code
            == 404
        )


class TestPoliceFormsPages:
    def test_missing_person_gives_a_reference_on_screen(
        self, signed_in, referrer, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):  # the receipt leaves after commit
            response = signed_in(referrer).post(
                reverse("frontdoor:police-form", args=["missing-person"]),
                {
                    "kind": "missing_returned",
                    "subject_name": "Jo Example",
                    "details": "Came home at 2am.",
                    "contact_name": "Alex",
                    "contact_email": "alex@example.invalid",
                },
            )
        sent = PoliceForm.objects.get()
        assert sent.kind == "missing_returned"
        page = signed_in(referrer).get(response.url)
        assert sent.reference.encode() in page.content
        assert sent.reference in mail.outbox[0].body

    def test_intelligence_queue_only_for_intelligence_users(
        self, signed_in, make_user, police_agency, referrer
    ):
        officer = make_user(Role.PRACTITIONER, agency=police_agency)
        assert signed_in(officer).get(reverse("frontdoor:police-queue")).status_code == 200
        assert (
            signed_in(officer).get(reverse("frontdoor:police-intelligence-queue")).status_code
            == 404
        )
        assert signed_in(referrer).get(reverse("frontdoor:police-queue")).status_code == 404
        services.police_intelligence_user_set(by=None, user=officer, enabled=True)
        assert (
            signed_in(officer).get(reverse("frontdoor:police-intelligence-queue")).status_code
            == 200
        )


class TestQueryBounds:
    def test_queue_queries_do_not_grow_with_the_number_of_contacts(
        self, signed_in, submit, mash_worker
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = signed_in(mash_worker)

        def count():
            client.get(reverse("frontdoor:mash-queue"))
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("frontdoor:mash-queue")).status_code == 200
            return len(captured.captured_queries)

        submit()
        few = count()
        for _ in range(8):
            submit()
        assert count() == few

    def test_contact_page_queries_are_bounded(
        self, signed_in, submit, mash_worker, django_assert_max_num_queries
    ):
        contact = submit()
        client = signed_in(mash_worker)
        client.get(reverse("frontdoor:contact", args=[contact.reference]))
        with django_assert_max_num_queries(30):
            client.get(reverse("frontdoor:contact", args=[contact.reference]))


ALL_URLS = [
    ("frontdoor:report-start", []),
    ("frontdoor:report-children", []),
    ("frontdoor:report-child-new", []),
    ("frontdoor:report-danger", []),
    ("frontdoor:report-check", []),
    ("frontdoor:report-step", ["concern"]),
    ("frontdoor:my-referrals", []),
    ("frontdoor:mash-queue", []),
    ("frontdoor:police-forms", []),
    ("frontdoor:police-queue", []),
    ("frontdoor:police-intelligence-queue", []),
    ("frontdoor:police-form", ["welfare-check"]),
]


@pytest.mark.parametrize(("name", "args"), ALL_URLS)
def test_every_page_needs_signing_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert "/sign-in/" in response.url


@pytest.mark.parametrize(("name", "args"), ALL_URLS)
def test_system_administrators_see_none_of_the_front_door(signed_in, make_user, name, args):
    admin = make_user(Role.SYSTEM_ADMINISTRATOR)
    assert signed_in(admin).get(reverse(name, args=args)).status_code == 404


def test_no_missing_migrations(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "frontdoor", "api", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_my_work_shows_the_front_door(signed_in, submit, mash_worker, referrer):
    submit()
    page = signed_in(mash_worker).get(reverse("home"))
    assert b"1 waiting for a decision" in page.content
    assert b"MASH queue</a>:" in page.content
    mine = signed_in(referrer).get(reverse("home"))
    assert b"My referrals</a> (1 waiting for a decision)" in mine.content
