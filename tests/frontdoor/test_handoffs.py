"""Front door hand-offs: requests for information reach the asked agency; police forms reach the police."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguard.core.clock import Clock
from safeguard.core.models import Role, TeamMembership, TeamPurpose
from safeguard.frontdoor import services
from safeguard.frontdoor.models import PoliceFormKind, PoliceFormStatus
from safeguard.frontdoor.selectors import police_queue
from safeguard.people.access import AccessDenied
from safeguard.people.models import ChronologyEvent, Visibility
from safeguard.work.models import Priority, WorkItem, WorkKind, WorkStatus
from safeguard.work.selectors import my_work_items
from tests.factories import TeamFactory


@pytest.fixture
def police_team(police_agency, make_user):
    team = TeamFactory(
        agency=police_agency,
        name="Police safeguarding hub",
        purpose=TeamPurpose.POLICE_SAFEGUARDING,
        receives_for_agency=True,
    )
    officer = make_user(
        Role.PRACTITIONER, agency=police_agency, first_name="Chris", last_name="Bell"
    )
    TeamMembership.objects.create(team=team, user=officer, since=timezone.localdate())
    team.officer = officer
    return team


def _ask(contact, mash_worker, agency, question="Any call-outs to the address?"):
    return services.information_request_create(
        by=mash_worker, contact=contact, agency=agency, question=question
    )


@pytest.mark.django_db
class TestRequestForInformation:
    def test_lands_in_the_asked_agencys_queue_with_four_working_hours(
        self, submit, mash_worker, police_agency, police_team
    ):
        contact = submit()
        request = _ask(contact, mash_worker, police_agency)
        item = WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST)
        assert item.team == police_team
        assert item.subject_url == reverse("frontdoor:request-answer", args=[request.pk])
        assert item.clock == Clock.WORKING_HOURS
        assert item.priority == Priority.STANDARD
        assert "Request for information" in item.title
        assert contact.reference in item.subject_label
        assert "Kai" not in item.title + item.subject_label  # never the child's name

    def test_immediate_danger_gives_one_hour_round_the_clock(
        self, submit, mash_worker, police_agency, police_team
    ):
        contact = submit(immediate_danger=True)
        before = timezone.now()
        _ask(contact, mash_worker, police_agency)
        item = WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST)
        assert item.priority == Priority.IMMEDIATE
        assert item.clock == Clock.ROUND_THE_CLOCK
        assert item.due_at - before <= dt.timedelta(hours=1, seconds=5)

    def test_the_deadline_is_configurable(
        self, submit, mash_worker, police_agency, police_team, settings
    ):
        settings.WORK_DEADLINES = {"answer_request": [2, "round_the_clock"]}
        before = timezone.now()
        _ask(submit(), mash_worker, police_agency)
        item = WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST)
        assert dt.timedelta(hours=2) <= item.due_at - before <= dt.timedelta(hours=2, seconds=5)

    def test_an_agency_without_a_team_gets_one(self, submit, mash_worker, referrer):
        _ask(submit(), mash_worker, referrer.agency)
        item = WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST)
        assert item.team.agency == referrer.agency
        assert item.team.receives_for_agency

    def test_the_police_see_it_in_my_work(self, submit, mash_worker, police_agency, police_team):
        _ask(submit(), mash_worker, police_agency)
        waiting = my_work_items(user=police_team.officer)["work_waiting"]
        assert [i.kind for i in waiting] == [WorkKind.ANSWER_REQUEST]

    def test_the_asked_agency_answers_and_the_item_closes(
        self, submit, mash_worker, police_agency, police_team
    ):
        contact = submit()
        request = _ask(contact, mash_worker, police_agency)
        services.information_request_reply(
            by=police_team.officer, request=request, answer="Two domestic call-outs in May."
        )
        request.refresh_from_db()
        assert request.answer == "Two domestic call-outs in May."
        assert request.answered_by == police_team.officer
        assert request.answered_at is not None
        item = WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST)
        assert item.status == WorkStatus.DONE
        assert "Chris Bell" in item.outcome
        assert ChronologyEvent.objects.filter(
            person=contact.children.get(), title__contains="answered the Multi-Agency"
        ).exists()
        # What the agency told the MASH is for the MASH and social care only (issue 10).
        assert set(
            ChronologyEvent.objects.filter(
                person=contact.children.get(), source_type="frontdoor.information_request"
            ).values_list("visibility", flat=True)
        ) == {Visibility.MASH_AND_SOCIAL_CARE}

    def test_an_answer_is_given_once(self, submit, mash_worker, police_agency, police_team):
        request = _ask(submit(), mash_worker, police_agency)
        services.information_request_reply(by=police_team.officer, request=request, answer="One.")
        with pytest.raises(ValidationError):
            services.information_request_reply(
                by=police_team.officer, request=request, answer="Changed."
            )
        request.refresh_from_db()
        assert request.answer == "One."

    def test_only_the_asked_agency_answers(
        self, submit, mash_worker, police_agency, police_team, referrer
    ):
        request = _ask(submit(), mash_worker, police_agency)
        for other in (referrer, mash_worker):
            with pytest.raises(AccessDenied):
                services.information_request_reply(by=other, request=request, answer="Nothing.")

    def test_an_answer_the_mash_records_by_phone_closes_the_item(
        self, submit, mash_worker, police_agency, police_team
    ):
        request = _ask(submit(), mash_worker, police_agency)
        services.information_request_answer(by=mash_worker, request=request, answer="By phone.")
        assert WorkItem.objects.get(kind=WorkKind.ANSWER_REQUEST).status == WorkStatus.DONE


@pytest.mark.django_db
class TestRequestAnswerPage:
    def test_the_police_answer_and_the_mash_sees_it_on_the_contact(
        self, signed_in, submit, mash_worker, police_agency, police_team
    ):
        contact = submit()
        request = _ask(contact, mash_worker, police_agency)
        officer = signed_in(police_team.officer)
        url = reverse("frontdoor:request-answer", args=[request.pk])
        page = officer.get(url)
        assert page.status_code == 200
        assert b"Any call-outs to the address?" in page.content
        assert b"Kai Testchild" in page.content  # the police need the name to look the child up
        assert b"Said there is no food" not in page.content  # but not the concern itself
        empty = officer.post(url, {"answer": ""})
        assert empty.status_code == 400
        assert b"Enter what your agency knows" in empty.content
        officer.post(url, {"answer": "One domestic incident in March."})
        assert b"Answered by Chris Bell" in officer.get(url).content
        mash_page = signed_in(mash_worker).get(
            reverse("frontdoor:contact", args=[contact.reference])
        )
        assert b"One domestic incident in March." in mash_page.content
        assert b"Chris Bell (Test Police)" in mash_page.content

    def test_the_police_list_their_requests(
        self, signed_in, submit, mash_worker, police_agency, police_team
    ):
        contact = submit()
        request = _ask(contact, mash_worker, police_agency)
        client = signed_in(police_team.officer)
        page = client.get(reverse("sharing:requests"))
        assert contact.reference.encode() in page.content
        assert reverse("frontdoor:request-answer", args=[request.pk]).encode() in page.content
        home = client.get(reverse("home"))
        assert b"1 request for information waiting for your agency" in home.content
        assert b"Answer a request for information" in home.content

    @pytest.mark.parametrize("who", ["referrer", "mash_worker", "other_police", "admin"])
    def test_nobody_else_opens_the_answer_page(
        self, signed_in, submit, police_agency, request, who
    ):
        mash_worker = request.getfixturevalue("mash_worker")
        asked = _ask(submit(), mash_worker, police_agency)
        make_user = request.getfixturevalue("make_user")
        user = {
            "referrer": request.getfixturevalue("referrer"),
            "mash_worker": mash_worker,
            "other_police": make_user(Role.ANALYST, agency=police_agency),
            "admin": make_user(Role.SYSTEM_ADMINISTRATOR),
        }[who]
        response = signed_in(user).get(reverse("frontdoor:request-answer", args=[asked.pk]))
        assert response.status_code == 404

    def test_signing_in_is_needed(self, client, submit, mash_worker, police_agency):
        request = _ask(submit(), mash_worker, police_agency)
        response = client.get(reverse("frontdoor:request-answer", args=[request.pk]))
        assert response.status_code == 302


def _form(by, kind=PoliceFormKind.WELFARE_CHECK, **extra):
    values = {
        "by": by,
        "kind": kind,
        "subject_name": "Jo Example",
        "subject_date_of_birth": None,
        "location": "York",
        "details": "Not seen for two days.",
        "contact_name": "Alex",
        "contact_email": "alex@example.invalid",
    }
    values.update(extra)
    return services.police_form_submit(**values)


@pytest.mark.django_db
class TestPoliceFormsReachThePolice:
    def test_each_form_lands_in_the_police_teams_queue(self, referrer, police_team):
        form = _form(referrer)
        item = WorkItem.objects.get(kind=WorkKind.ACTION_POLICE_FORM)
        assert item.team == police_team
        assert item.priority == Priority.STANDARD
        assert item.clock == Clock.WORKING_DAYS
        assert item.subject_url == reverse("frontdoor:police-form-detail", args=[form.reference])
        assert "Jo Example" not in item.title + item.subject_label

    def test_missing_now_is_urgent_round_the_clock(self, referrer, police_team):
        before = timezone.now()
        _form(referrer, kind=PoliceFormKind.MISSING_PERSON)
        item = WorkItem.objects.get(kind=WorkKind.ACTION_POLICE_FORM)
        assert item.priority == Priority.IMMEDIATE
        assert item.clock == Clock.ROUND_THE_CLOCK
        assert item.due_at - before <= dt.timedelta(hours=1, seconds=5)

    def test_actioning_the_form_closes_the_item(self, referrer, police_team):
        form = _form(referrer)
        services.police_form_acknowledge(by=police_team.officer, form=form)
        assert WorkItem.objects.get(kind=WorkKind.ACTION_POLICE_FORM).status == WorkStatus.DONE

    def test_the_queue_lists_unactioned_first_missing_now_first_then_oldest(
        self, referrer, police_team
    ):
        now = timezone.now()
        old = _form(referrer, received_at=now - dt.timedelta(hours=30))
        handled = _form(referrer, received_at=now - dt.timedelta(minutes=5))
        services.police_form_acknowledge(by=police_team.officer, form=handled)
        newer = _form(referrer, received_at=now - dt.timedelta(hours=2))
        missing = _form(referrer, kind=PoliceFormKind.MISSING_PERSON, received_at=now)
        rows = police_queue(user=police_team.officer)
        assert [r.form for r in rows] == [missing, old, newer, handled]
        assert rows[0].urgent
        assert rows[1].waiting.startswith("1 day")
        assert rows[3].actioned

    def test_the_receipt_says_what_happens_and_to_call_999(self, referrer, police_team):
        form = _form(referrer)
        text = services.police_receipt_text(form)
        assert "101" not in text
        assert "by the end of the next working day" in text
        assert "call 999" in text
        missing = _form(referrer, kind=PoliceFormKind.MISSING_PERSON)
        assert "within the hour" in services.police_receipt_text(missing)

    def test_the_queue_page_and_navigation(self, signed_in, referrer, police_team):
        form = _form(referrer, kind=PoliceFormKind.MISSING_PERSON)
        client = signed_in(police_team.officer)
        page = client.get(reverse("frontdoor:police-queue"))
        assert b"Urgent: missing now" in page.content
        assert b"Not yet actioned" in page.content
        header = client.get(reverse("home")).content.split(b"<main")[0]
        assert b'href="/police/queue/"' in header
        assert b"Partner forms" in header
        client.post(reverse("frontdoor:police-form-detail", args=[form.reference]))
        form.refresh_from_db()
        assert form.status == PoliceFormStatus.ACKNOWLEDGED
        assert (
            b"Partner forms"
            not in signed_in(referrer).get(reverse("home")).content.split(b"<main")[0]
        )
