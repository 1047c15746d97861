"""Safe subject access: nothing is released until identity, standing, every record and a sign-off.

Issue 10, item 6, and the security review's "identities without a reason" for the
subject-access search.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditAction, AuditEvent, Role
from safeguard.people.models import ChronologyEvent
from safeguard.rights import services
from safeguard.rights import subject_access as sa
from safeguard.rights.models import SubjectAccessItem, SubjectAccessRequest
from tests.factories import PersonFactory
from tests.rights.test_subject_access import PARENT_NAME, Subject, build_subject

Status = SubjectAccessRequest.Status
Decision = SubjectAccessItem.Decision


@pytest.fixture
def subject(make_user) -> Subject:
    return build_subject(make_user)


@pytest.fixture
def second_manager(subject, make_user):
    return make_user(Role.MASH_MANAGER, agency=subject.mash_manager.agency)


def check_identity_and_standing(subject: Subject) -> SubjectAccessRequest:
    sar = subject.request
    services.subject_access_identity_record(
        by=subject.mash_manager, request=sar, evidence="Passport and council tax bill"
    )
    services.subject_access_standing_record(
        by=subject.mash_manager,
        request=sar,
        parental_responsibility_evidence="Birth certificate names her as mother",
        child_competent=SubjectAccessRequest.Competence.NOT_COMPETENT,
    )
    return sar


def decide_all(subject: Subject, *, decision: str = Decision.RELEASE) -> SubjectAccessRequest:
    sar = subject.request
    services.subject_access_items_gather(by=subject.mash_manager, request=sar)
    for item in sar.items.all():
        services.subject_access_item_decide(
            by=subject.mash_manager,
            item=item,
            decision=decision,
            note="Mother asked; reasonable to release to her",
        )
    return sar


def ready_for_sign_off(subject: Subject) -> SubjectAccessRequest:
    check_identity_and_standing(subject)
    return decide_all(subject)


class TestTheIdentityCheck:
    def test_records_the_proof_seen_who_checked_and_when_in_utc(self, subject):
        sar = services.subject_access_identity_record(
            by=subject.mash_manager, request=subject.request, evidence="Passport seen at reception"
        )
        sar.refresh_from_db()
        assert sar.identity_evidence == "Passport seen at reception"
        assert sar.identity_checked_by == subject.mash_manager
        assert sar.identity_checked_at.utcoffset() == dt.timedelta(0)
        event = AuditEvent.objects.filter(object_type="subject_access_identity").get()
        assert event.person_id == subject.person.pk

    def test_proof_asked_for_later_starts_the_clock_when_it_arrives(self, subject):
        sar = subject.request  # received 31 January 2026
        services.subject_access_identity_record(
            by=subject.mash_manager,
            request=sar,
            evidence="Passport posted after we asked",
            evidence_received_on=dt.date(2026, 2, 10),
        )
        assert sar.clock_starts_on == dt.date(2026, 2, 10)
        assert sar.due_on == dt.date(2026, 3, 10)

    def test_blank_or_invisible_evidence_is_refused(self, subject):
        with pytest.raises(InvalidRequest, match="proof of identity"):
            services.subject_access_identity_record(
                by=subject.mash_manager, request=subject.request, evidence="\u200b\u200b "
            )

    def test_proof_before_the_request_arrived_is_refused(self, subject):
        with pytest.raises(InvalidRequest, match="on or after"):
            services.subject_access_identity_record(
                by=subject.mash_manager,
                request=subject.request,
                evidence="Passport",
                evidence_received_on=dt.date(2026, 1, 1),
            )


class TestTheStandingCheck:
    def _request(self, subject, *, kind, born):
        subject.person.date_of_birth = born
        subject.person.save()
        return sa.subject_access_request_create(
            by=subject.mash_manager,
            person=subject.person,
            requester_kind=kind,
            requester_name="Someone",
            received_on=dt.date(2026, 1, 31),
        )

    def test_a_parent_must_show_parental_responsibility(self, subject):
        with pytest.raises(InvalidRequest, match="parental responsibility"):
            services.subject_access_standing_record(
                by=subject.mash_manager,
                request=subject.request,
                child_competent=SubjectAccessRequest.Competence.NOT_COMPETENT,
            )

    def test_a_parent_cannot_ask_for_an_adult(self, subject):
        sar = self._request(subject, kind="parent", born=dt.date(2000, 1, 1))
        with pytest.raises(InvalidRequest, match="is an adult"):
            services.subject_access_standing_record(
                by=subject.mash_manager,
                request=sar,
                parental_responsibility_evidence="Birth certificate",
                child_competent=SubjectAccessRequest.Competence.NOT_COMPETENT,
            )

    def test_a_child_of_twelve_or_over_must_be_asked(self, subject):
        sar = self._request(subject, kind="parent", born=dt.date(2013, 6, 1))
        with pytest.raises(InvalidRequest, match="child was asked"):
            services.subject_access_standing_record(
                by=subject.mash_manager,
                request=sar,
                parental_responsibility_evidence="Birth certificate names him as father",
                child_competent=SubjectAccessRequest.Competence.NOT_COMPETENT,
            )

    def test_a_competent_child_who_objects_stops_the_release(self, subject):
        sar = self._request(subject, kind="parent", born=dt.date(2011, 6, 1))
        services.subject_access_standing_record(
            by=subject.mash_manager,
            request=sar,
            parental_responsibility_evidence="Birth certificate names him as father",
            child_competent=SubjectAccessRequest.Competence.COMPETENT,
            child_view=SubjectAccessRequest.ChildView.OBJECTS,
            child_view_notes="Does not want her father to read it",
        )
        sar.refresh_from_db()
        assert sar.child_view == "objects"
        assert "does not agree" in services.standing_problem(sar)
        assert any("does not agree" in p for p in services.release_problems(sar))

    def test_a_representative_needs_written_authority(self, subject):
        sar = self._request(subject, kind="representative", born=dt.date(1990, 1, 1))
        with pytest.raises(InvalidRequest, match="written authority"):
            services.subject_access_standing_record(by=subject.mash_manager, request=sar)
        services.subject_access_standing_record(
            by=subject.mash_manager, request=sar, authority_evidence="Signed letter of authority"
        )
        assert services.standing_problem(sar) == ""

    def test_a_child_asking_for_themselves_must_be_competent(self, subject):
        sar = self._request(subject, kind="subject", born=dt.date(2019, 1, 1))
        services.subject_access_standing_record(
            by=subject.mash_manager,
            request=sar,
            child_competent=SubjectAccessRequest.Competence.NOT_COMPETENT,
        )
        assert "cannot ask for themselves" in services.standing_problem(sar)


class TestTheDeadline:
    @given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
    def test_one_month_is_the_corresponding_date_or_the_last_day_of_the_month(self, received):
        due = sa.due_date_for(received)
        assert (due.year * 12 + due.month) - (received.year * 12 + received.month) == 1
        next_month_end = (due.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(
            days=1
        )
        assert due.day == min(received.day, next_month_end.day)

    @given(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
        st.integers(min_value=0, max_value=2),
    )
    def test_an_extension_never_shortens_and_adds_at_most_two_months(self, received, months):
        plain = sa.due_date_for(received)
        extended = sa.due_date_for(received, months)
        assert plain <= extended
        assert (extended.year * 12 + extended.month) - (plain.year * 12 + plain.month) == months
        assert (extended - received).days <= 92

    @given(
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 30)),
        st.integers(min_value=0, max_value=2),
    )
    def test_a_later_receipt_is_never_due_earlier(self, received, months):
        later = received + dt.timedelta(days=1)
        assert sa.due_date_for(later, months) >= sa.due_date_for(received, months)

    def test_more_than_two_further_months_is_refused(self):
        with pytest.raises(InvalidRequest, match="at most 2"):
            sa.due_date_for(dt.date(2026, 1, 31), 3)

    def test_an_extension_from_31_january_is_due_30_april(self, subject):
        sar = services.subject_access_extend(
            by=subject.mash_manager,
            request=subject.request,
            months=2,
            reason="Records from five agencies, some on paper",
            told_on=dt.date(2026, 2, 20),
        )
        assert sar.due_on == dt.date(2026, 4, 30)
        event = AuditEvent.objects.filter(object_type="subject_access_extension").get()
        assert event.reason == "Records from five agencies, some on paper"

    def test_telling_the_requester_after_the_first_month_is_too_late(self, subject):
        with pytest.raises(InvalidRequest, match="within the first month"):
            services.subject_access_extend(
                by=subject.mash_manager,
                request=subject.request,
                months=1,
                reason="Records from five agencies",
                told_on=dt.date(2026, 3, 2),
            )


class TestTheRecordDecisions:
    def test_every_record_of_the_copy_is_put_on_the_review(self, subject):
        services.subject_access_items_gather(by=subject.mash_manager, request=subject.request)
        export = sa.subject_access_collect(person=subject.person)
        expected = sum(
            1 if s.name in services.WHOLE_SECTIONS else len(s.items)
            for s in export.sections
            if s.items
        )
        assert subject.request.items.count() == expected
        assert subject.request.items.filter(third_party=True).exists()

    def test_releasing_information_about_others_in_full_needs_a_reason(self, subject):
        services.subject_access_items_gather(by=subject.mash_manager, request=subject.request)
        item = subject.request.items.filter(third_party=True).first()
        with pytest.raises(InvalidRequest, match="information about other people"):
            services.subject_access_item_decide(
                by=subject.mash_manager, item=item, decision=Decision.RELEASE
            )

    def test_a_redaction_names_the_parts_redacted(self, subject):
        services.subject_access_items_gather(by=subject.mash_manager, request=subject.request)
        item = subject.request.items.filter(record_type="Relationship").first()
        with pytest.raises(InvalidRequest, match="Select the parts"):
            services.subject_access_item_decide(
                by=subject.mash_manager, item=item, decision=Decision.REDACT, note="Mother's name"
            )
        services.subject_access_item_decide(
            by=subject.mash_manager,
            item=item,
            decision=Decision.REDACT,
            redacted_fields=["Related person"],
            note="The related person's name: not the requester",
        )
        item.refresh_from_db()
        assert item.redacted_fields == ["Related person"]

    def test_serious_harm_needs_a_recent_professional_opinion(self, subject):
        services.subject_access_items_gather(by=subject.mash_manager, request=subject.request)
        item = subject.request.items.filter(record_type__startswith="Chronology").first()
        common = {
            "by": subject.mash_manager,
            "item": item,
            "decision": Decision.SERIOUS_HARM,
            "data_kind": SubjectAccessItem.DataKind.HEALTH,
            "professional_name": "Dr Imogen Fairweather",
            "professional_role": "Consultant child psychiatrist",
            "note": "Release likely to cause serious harm to the child's mental health",
        }
        with pytest.raises(InvalidRequest, match="last 6 months"):
            services.subject_access_item_decide(
                **common, opinion_on=timezone.localdate() - dt.timedelta(days=200)
            )
        with pytest.raises(InvalidRequest, match="name of the professional"):
            services.subject_access_item_decide(
                **{**common, "professional_name": ""}, opinion_on=timezone.localdate()
            )
        services.subject_access_item_decide(**common, opinion_on=timezone.localdate())
        item.refresh_from_db()
        assert item.decision == Decision.SERIOUS_HARM
        assert item.professional_role == "Consultant child psychiatrist"

    def test_another_exemption_needs_its_reason(self, subject):
        services.subject_access_items_gather(by=subject.mash_manager, request=subject.request)
        item = subject.request.items.first()
        with pytest.raises(InvalidRequest, match="Select the exemption"):
            services.subject_access_item_decide(
                by=subject.mash_manager, item=item, decision=Decision.EXEMPT, note="Crime"
            )

    def test_a_record_changed_after_its_decision_must_be_decided_again(
        self, subject, second_manager
    ):
        sar = ready_for_sign_off(subject)
        ChronologyEvent.objects.filter(person=subject.person).update(title="Changed afterwards")
        with pytest.raises(InvalidRequest, match="changed after they were decided"):
            services.subject_access_sign_off(by=second_manager, request=sar)

    def test_a_record_added_after_the_review_started_must_be_decided(self, subject, second_manager):
        sar = ready_for_sign_off(subject)
        PersonFactory()  # someone else: not in the copy
        sa.subject_access_request_create(
            by=subject.mash_manager,
            person=subject.person,
            requester_kind="subject",
            requester_name="Marigold Thistlewood",
            received_on=timezone.localdate(),
        )
        with pytest.raises(InvalidRequest, match="added after the review started"):
            services.subject_access_sign_off(by=second_manager, request=sar)


class TestSignOffAndRelease:
    def test_nothing_is_released_before_every_check(self, subject, second_manager):
        sar = subject.request
        with pytest.raises(InvalidRequest) as refused:
            services.subject_access_release(by=second_manager, request=sar)
        for words in ("identity", "may have this information", "Gather the records"):
            assert words in str(refused.value)
        with pytest.raises(InvalidRequest, match="identity"):
            services.subject_access_sign_off(by=second_manager, request=sar)
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    def test_the_person_who_did_the_checks_cannot_sign_off(self, subject):
        sar = ready_for_sign_off(subject)
        assert not subject.mash_manager.has_perm("rights.sign_off_subject_access", sar)
        with pytest.raises(InvalidRequest, match="different manager"):
            services.subject_access_sign_off(by=subject.mash_manager, request=sar)

    def test_released_copy_holds_only_released_and_redacted_records(
        self, subject, second_manager, tmp_path
    ):
        from tests.rights.test_subject_access import pdf_text

        sar = check_identity_and_standing(subject)
        services.subject_access_items_gather(by=subject.mash_manager, request=sar)
        withheld_title = subject.event_titles["general"]
        for item in sar.items.all():
            decision, extra = Decision.RELEASE, {"note": "Reasonable to release to the mother"}
            if item.record_type == "Relationship":
                decision = Decision.REDACT
                extra = {"redacted_fields": ["Related person"], "note": "Names another person"}
            elif item.summary.startswith("Chronology") and item.item_key.endswith(
                str(ChronologyEvent.objects.get(title=withheld_title).pk)
            ):
                decision = Decision.EXEMPT
                extra = {"exemption": "crime", "note": "Part of a police investigation"}
            services.subject_access_item_decide(
                by=subject.mash_manager, item=item, decision=decision, **extra
            )
        services.subject_access_sign_off(by=second_manager, request=sar)
        assert sar.status == Status.SIGNED_OFF
        services.subject_access_release(by=subject.mash_manager, request=sar)
        sar.refresh_from_db()
        assert sar.status == Status.RELEASED
        data = json.loads(bytes(sar.copy_json))
        flat = json.dumps(data)
        assert data["reviewed_for_release"] is True
        assert withheld_title not in flat
        relationship = next(
            i for s in data["sections"] for i in s["items"] if i["record_type"] == "Relationship"
        )
        related = next(f for f in relationship["fields"] if f["label"] == "Related person")
        assert related["value"] is None
        assert related["withheld_reason"] == services.REDACTED_REASON
        assert "review for redaction" not in flat  # reviewers' notes are not sent
        text = pdf_text(bytes(sar.copy_pdf), tmp_path)
        assert withheld_title not in text
        assert "Marigold" in text
        assert sar.pdf_sha256 == sa.sha256(bytes(sar.copy_pdf))
        release = AuditEvent.objects.filter(action=AuditAction.EXPORT).get()
        assert release.changes["signed_off_by"] == second_manager.pk
        assert release.changes["withheld"] == 1

    def test_a_change_after_sign_off_needs_a_new_sign_off(self, subject, second_manager):
        sar = ready_for_sign_off(subject)
        services.subject_access_sign_off(by=second_manager, request=sar)
        services.subject_access_identity_record(
            by=subject.mash_manager, request=sar, evidence="Driving licence instead"
        )
        sar.refresh_from_db()
        assert sar.signed_off_by is None
        assert sar.status == Status.RECEIVED
        with pytest.raises(InvalidRequest, match="second manager"):
            services.subject_access_release(by=subject.mash_manager, request=sar)

    def test_the_reply_is_marked_sent_only_after_release(self, subject):
        with pytest.raises(InvalidRequest, match="Release the copy"):
            sa.subject_access_request_complete(by=subject.mash_manager, request=subject.request)

    def test_a_request_can_be_closed_without_a_copy(self, subject):
        services.subject_access_request_refuse(
            by=subject.mash_manager,
            request=subject.request,
            reason="The child is competent and does not agree",
        )
        assert subject.request.status == Status.REFUSED
        assert not subject.request.is_open


class TestIdentitiesWithoutAReason:
    """Security review: the subject-access search showed people outside the MASH's access."""

    def test_identities_without_a_reason_subject_access_search_names_nobody_without_a_reason(
        self, signed_in, make_user
    ):
        from safeguard.core.models import AgencyKind
        from tests.factories import AgencyFactory

        mash = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)
        handler = make_user(Role.MASH_MANAGER, agency=mash)
        stranger = PersonFactory(given_name="Perpetua", family_name="Quenby")
        client = signed_in(handler)
        url = reverse("rights:subject-access")
        response = client.get(url, {"q": "Perpetua Quenby"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Enter why you are looking for this person" in body
        assert "Quenby" not in body.replace('value="Perpetua Quenby"', "")
        assert not AuditEvent.objects.filter(person_id=stranger.pk, action=AuditAction.LIST)
        # The person's page cannot be opened without the reason either.
        person_url = reverse("rights:person-subject-access", args=[stranger.pk])
        assert client.get(person_url).status_code == 404
        assert client.post(person_url, {"open_reason": "x"}).status_code == 404
        assert AuditEvent.objects.filter(
            person_id=stranger.pk, action=AuditAction.DENY, outcome="refused"
        ).exists()

        reason = "Letter from her mother asking for a copy"
        found = client.get(url, {"q": "Perpetua Quenby", "reason": reason}).content.decode()
        assert "Perpetua Quenby" in found
        listed = AuditEvent.objects.filter(person_id=stranger.pk, action=AuditAction.LIST).get()
        assert listed.reason == reason
        search = AuditEvent.objects.filter(action=AuditAction.SEARCH).get()
        assert search.reason == reason
        opened = client.post(person_url, {"open_reason": reason})
        assert opened.status_code == 200
        assert AuditEvent.objects.filter(
            person_id=stranger.pk, action=AuditAction.VIEW, reason=reason
        ).exists()

    def test_a_search_result_for_someone_already_visible_opens_the_form_without_errors(
        self, subject, signed_in
    ):
        client = signed_in(subject.mash_manager)
        url = reverse("rights:person-subject-access", args=[subject.person.pk])
        response = client.post(url, {"open_reason": "Letter from her mother asking for a copy"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "Record a new request" in body
        assert "There is a problem" not in body

    def test_the_service_refuses_a_request_about_someone_unseen_without_a_reason(self, make_user):
        from safeguard.core.models import AgencyKind
        from tests.factories import AgencyFactory

        handler = make_user(
            Role.MASH_MANAGER,
            agency=AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True),
        )
        with pytest.raises(InvalidRequest, match="why you are looking"):
            sa.subject_access_request_create(
                by=handler,
                person=PersonFactory(),
                requester_kind="subject",
                requester_name="A",
                received_on=timezone.localdate(),
            )


REQUEST_PAGES = [
    ("rights:subject-access-request", "get"),
    ("rights:subject-access-identity", "get"),
    ("rights:subject-access-standing", "get"),
    ("rights:subject-access-extend", "get"),
    ("rights:subject-access-items", "get"),
    ("rights:subject-access-sign-off", "post"),
    ("rights:subject-access-release", "post"),
    ("rights:subject-access-refuse", "post"),
    ("rights:subject-access-complete", "post"),
]


class TestWhoMayOpenThePages:
    @pytest.mark.parametrize(("name", "method"), REQUEST_PAGES)
    def test_the_handler_opens_every_page_of_an_open_request(
        self, subject, signed_in, name, method
    ):
        client = signed_in(subject.mash_manager)
        response = getattr(client, method)(reverse(name, args=[subject.request.pk]))
        assert response.status_code in (200, 302)

    @pytest.mark.parametrize("page", REQUEST_PAGES)
    @pytest.mark.parametrize(
        "role",
        [
            Role.PRACTITIONER,
            Role.MASH_WORKER,
            Role.PANEL_CHAIR,
            Role.ANALYST,
            Role.BUSINESS_UNIT,
            Role.SYSTEM_ADMINISTRATOR,
        ],
    )
    def test_everyone_else_gets_page_not_found(self, subject, signed_in, make_user, page, role):
        name, method = page
        client = signed_in(make_user(role, agency=subject.mash_manager.agency))
        response = getattr(client, method)(reverse(name, args=[subject.request.pk]))
        assert response.status_code == 404

    def test_the_record_decision_page_opens_for_the_handler_only(
        self, subject, signed_in, make_user
    ):
        services.subject_access_items_gather(by=subject.mash_manager, request=subject.request)
        item = subject.request.items.filter(record_type="Relationship").first()
        url = reverse("rights:subject-access-item", args=[subject.request.pk, item.pk])
        page = signed_in(subject.mash_manager).get(url)
        assert page.status_code == 200
        assert PARENT_NAME in page.content.decode()
        worker = make_user(Role.MASH_WORKER, agency=subject.mash_manager.agency)
        assert signed_in(worker).get(url).status_code == 404

    def test_a_closed_request_opens_for_nobody(self, subject, signed_in, make_user):
        services.subject_access_request_refuse(
            by=subject.mash_manager, request=subject.request, reason="Requester withdrew it"
        )
        # The handler's agency still has a grant for the person: a manager elsewhere has none.
        from safeguard.core.models import AgencyKind
        from tests.factories import AgencyFactory

        other = make_user(
            Role.MASH_MANAGER,
            agency=AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True),
        )
        url = reverse("rights:subject-access-request", args=[subject.request.pk])
        assert signed_in(other).get(url).status_code == 404

    def test_refusals_show_as_gov_uk_errors(self, subject, signed_in):
        client = signed_in(subject.mash_manager)
        response = client.post(reverse("rights:subject-access-release", args=[subject.request.pk]))
        body = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in body
        assert "Record the check of the requester&#x27;s identity" in body

    def test_the_identity_form_shows_errors_inline(self, subject, signed_in):
        client = signed_in(subject.mash_manager)
        response = client.post(
            reverse("rights:subject-access-identity", args=[subject.request.pk]),
            {"evidence": "", "evidence_received_on_day": "40"},
        )
        body = response.content.decode()
        assert "There is a problem" in body
        assert "Enter the proof of identity you saw" in body

    def test_service_refuses_a_practitioner(self, subject, make_user):
        worker = make_user(Role.PRACTITIONER, agency=subject.agency)
        with pytest.raises(Forbidden):
            services.subject_access_identity_record(
                by=worker, request=subject.request, evidence="Passport"
            )


class TestTheDemo:
    def test_the_demo_has_a_request_part_way_through_its_checks(self, settings, db):
        from safeguard.people.demo import seed_demo

        settings.DEMO_MODE = True
        seed_demo(children=8, seed=2)
        sar = SubjectAccessRequest.objects.exclude(identity_checked_at=None).get()
        assert sar.standing_checked_at is not None
        assert services.standing_problem(sar) == ""
        decided = sar.items.exclude(decision="").count()
        assert 0 < decided < sar.items.count()
        assert "Decide every record" in " ".join(services.release_problems(sar))


class TestTheRequestPage:
    def test_its_queries_are_bounded(self, subject, signed_in, django_assert_max_num_queries):
        services.subject_access_items_gather(by=subject.mash_manager, request=subject.request)
        client = signed_in(subject.mash_manager)
        url = reverse("rights:subject-access-request", args=[subject.request.pk])
        with django_assert_max_num_queries(26):
            assert client.get(url).status_code == 200
