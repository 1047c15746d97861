"""Keyworkers, re-allocation when one is away, consent and engagement, internet safety, lessons."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import Role as UserRole
from safeguard.core.models import TeamMembership
from safeguard.hsb import selectors, services
from safeguard.hsb.models import (
    CaseType,
    Consent,
    LessonsFlag,
    LessonsReason,
    Pathway,
    PathwayStatus,
    Role,
)
from safeguard.work.models import AbsenceKind, WorkItem, WorkKind, WorkStatus
from safeguard.work.services import absence_record, lead_practitioner_reallocate

from .conftest import record

pytestmark = pytest.mark.django_db


def _harming(p) -> Pathway:
    record(p)
    return Pathway.objects.get(person=p.leo, role=Role.HARMING)


class TestAllocatingAKeyworker:
    def test_the_referral_closes_when_the_manager_allocates_a_keyworker(self, p):
        pathway = _harming(p)
        services.pathway_keyworker_set(by=p.yjs_manager, pathway=pathway, keyworker=p.yjs_worker)
        pathway.refresh_from_db()
        assert pathway.status == PathwayStatus.OPEN
        assert pathway.involvement.lead_practitioner == p.yjs_worker
        assert pathway.involvement.agency == p.yjs
        referral = WorkItem.objects.get(kind=WorkKind.HSB_REFERRAL, person=p.leo)
        assert referral.status == WorkStatus.DONE

    def test_only_the_teams_managers_allocate(self, p):
        pathway = _harming(p)
        with pytest.raises(Forbidden):
            services.pathway_keyworker_set(by=p.yjs_worker, pathway=pathway, keyworker=p.yjs_worker)


class TestAnAbsentKeyworkersFamiliesAreReallocated:
    def test_the_manager_is_asked_at_once_and_the_change_is_counted(self, p, make_user, signed_in):
        pathway = _harming(p)
        services.pathway_keyworker_set(by=p.yjs_manager, pathway=pathway, keyworker=p.yjs_worker)
        colleague = make_user(
            UserRole.PRACTITIONER, agency=p.yjs, first_name="Kit", last_name="New"
        )
        TeamMembership.objects.create(team=p.hsb_team, user=colleague, since=timezone.localdate())
        absence_record(
            by=p.yjs_manager,
            user=p.yjs_worker,
            kind=AbsenceKind.SICKNESS,
            starts_on=timezone.localdate(),
        )
        ask = WorkItem.objects.get(kind=WorkKind.REALLOCATE_CHILD, person=p.leo)
        assert ask.team == p.hsb_team
        assert ask.assignee == p.yjs_manager
        lead_practitioner_reallocate(by=p.yjs_manager, item=ask, lead=colleague)
        pathway.refresh_from_db()
        view = selectors.child_page(person=p.leo).pathways[Role.HARMING]
        assert view.keyworker == colleague
        assert view.changes == 1
        page = signed_in(p.yjs_manager).get(reverse("hsb:child", args=[p.leo.pk]))
        text = page.content.decode()
        assert "Kit New" in text
        assert "Changes of keyworker" in text

    def test_two_changes_are_flagged_as_not_a_stable_team(self, p, make_user, signed_in):
        pathway = _harming(p)
        services.pathway_keyworker_set(by=p.yjs_manager, pathway=pathway, keyworker=p.yjs_worker)
        other = make_user(UserRole.PRACTITIONER, agency=p.yjs)
        services.pathway_keyworker_set(by=p.yjs_manager, pathway=pathway, keyworker=other)
        services.pathway_keyworker_set(by=p.yjs_manager, pathway=pathway, keyworker=p.yjs_worker)
        page = signed_in(p.yjs_manager).get(reverse("hsb:child", args=[p.leo.pk]))
        assert b"Not a stable team" in page.content


class TestConsentAndEngagement:
    def test_consent_of_the_child_and_parents_is_recorded(self, p):
        pathway = _harming(p)
        services.pathway_consent_record(
            by=p.yjs_worker,
            pathway=pathway,
            case_type=CaseType.PREVENTATIVE,
            child_consent=Consent.GIVEN,
            parents_consent=Consent.REFUSED,
            engagement="Dad feels ashamed; mum wants help.",
        )
        pathway.refresh_from_db()
        assert (pathway.child_consent, pathway.parents_consent) == (Consent.GIVEN, Consent.REFUSED)
        assert pathway.consent_recorded_by == p.yjs_worker

    def test_someone_outside_the_team_cannot_record_it(self, p):
        pathway = _harming(p)
        with pytest.raises(Forbidden):
            services.pathway_consent_record(
                by=p.teacher,
                pathway=pathway,
                case_type=CaseType.PREVENTATIVE,
                child_consent=Consent.GIVEN,
                parents_consent=Consent.GIVEN,
            )


class TestInternetSafetyAtHome:
    def test_the_advice_is_recorded_with_the_date_and_who_gave_it(self, p, signed_in):
        _harming(p)
        services.internet_advice_record(
            by=p.yjs_worker,
            person=p.leo,
            given_on=timezone.localdate(),
            given_to="Mother and stepfather",
            parental_controls=True,
            monitoring=True,
            devices="Phone, games console",
        )
        page = signed_in(p.yjs_worker).get(reverse("hsb:child", args=[p.leo.pk]))
        assert b"advised Mother and stepfather; parental controls; monitoring" in page.content

    def test_advice_needs_the_devices(self, p):
        _harming(p)
        with pytest.raises(InvalidRequest) as caught:
            services.internet_advice_record(
                by=p.yjs_worker,
                person=p.leo,
                given_on=timezone.localdate(),
                given_to="Mother",
                parental_controls=True,
                monitoring=False,
                devices="",
            )
        assert "devices" in caught.value.errors


class TestMissedOnlineSafetyLessons:
    def test_the_school_is_asked_and_its_confirmation_closes_the_work(self, p):
        _harming(p)
        flag = services.lessons_flag(
            by=p.yjs_worker, person=p.leo, school=p.school, reason=LessonsReason.LOW_ATTENDANCE
        )
        item = WorkItem.objects.get(kind=WorkKind.HSB_ONLINE_SAFETY_LESSONS)
        assert item.team.agency == p.school
        assert "Leo" not in item.title
        services.lessons_confirm(by=p.teacher, flag=flag, confirmation="Two lessons in March.")
        flag.refresh_from_db()
        item.refresh_from_db()
        assert flag.status == LessonsFlag.CONFIRMED
        assert item.status == WorkStatus.DONE

    def test_only_a_school_working_with_the_child_can_be_asked(self, p):
        _harming(p)
        with pytest.raises(InvalidRequest):
            services.lessons_flag(
                by=p.yjs_worker, person=p.leo, school=p.health, reason=LessonsReason.EDUCATION_GAP
            )

    def test_another_agency_cannot_confirm(self, p):
        _harming(p)
        flag = services.lessons_flag(
            by=p.yjs_worker, person=p.leo, school=p.school, reason=LessonsReason.EDUCATION_GAP
        )
        with pytest.raises(Forbidden):
            services.lessons_confirm(by=p.nurse, flag=flag, confirmation="Done.")
