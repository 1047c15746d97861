"""Professional challenge (issue 9, item 7): worker, then team manager, then head of service."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguard.core.models import Role
from safeguard.frontdoor import services
from safeguard.frontdoor.models import ChallengeStage, Outcome
from safeguard.frontdoor.selectors import challenge_counts
from safeguard.people.access import AccessDenied
from safeguard.work.models import WorkItem, WorkKind, WorkStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(submit, mash_worker):
    contact = submit()
    services.threshold_decide(
        by=mash_worker,
        contact=contact,
        level=2,
        outcome=Outcome.SIGNPOST,
        rationale="Needs met by school.",
        message_to_referrer="Signposted to a parenting course.",
    )
    contact.refresh_from_db()
    return contact


def challenge_items(challenge):
    return WorkItem.objects.filter(
        kind=WorkKind.RESOLVE_CHALLENGE, subject_id=str(challenge.pk)
    ).order_by("created_at")


class TestTheEscalationPathway:
    def test_each_stage_is_a_work_item_with_a_deadline_and_a_recorded_resolution(  # noqa: PLR0917
        self,
        decided,
        referrer,
        mash_worker,
        mash_manager,
        make_user,
        mash_team,
        django_capture_on_commit_callbacks,
    ):
        from safeguard.core.models import TeamMembership

        head = make_user(Role.MASH_MANAGER, Role.MASH_WORKER, agency=mash_team.agency)
        TeamMembership.objects.create(
            team=mash_team, user=head, is_manager=True, since=mash_manager.date_joined.date()
        )
        challenge = services.challenge_raise(
            by=referrer, contact=decided, reason="Three incidents this term; this is level 3."
        )
        first = challenge_items(challenge).get()
        assert first.assignee == mash_worker  # stage 1: the worker who decided
        assert first.due_at is not None
        with pytest.raises(ValidationError):  # wait for the answer before escalating
            services.challenge_escalate(by=referrer, challenge=challenge, reason="Still worried")
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.challenge_resolve(
                by=mash_worker,
                challenge=challenge,
                resolution="The incidents were known; the course is the right help.",
                decision_changed=False,
            )
        assert "the course is the right help" in mail.outbox[0].body
        first.refresh_from_db()
        assert first.status == WorkStatus.DONE

        services.challenge_escalate(by=referrer, challenge=challenge, reason="Still worried.")
        second = challenge_items(challenge).last()
        assert challenge.stage == ChallengeStage.TEAM_MANAGER
        assert second.assignee == mash_manager
        with pytest.raises(AccessDenied):  # a worker does not resolve a manager's stage
            services.challenge_resolve(
                by=mash_worker, challenge=challenge, resolution="x", decision_changed=False
            )
        services.challenge_resolve(
            by=mash_manager,
            challenge=challenge,
            resolution="Agreed with stage 1.",
            decision_changed=False,
        )
        services.challenge_escalate(by=referrer, challenge=challenge, reason="Head of service.")
        assert challenge.stage == ChallengeStage.HEAD_OF_SERVICE
        with pytest.raises(AccessDenied):  # not the manager who answered stage 2
            services.challenge_resolve(
                by=mash_manager, challenge=challenge, resolution="x", decision_changed=False
            )
        services.challenge_resolve(
            by=head, challenge=challenge, resolution="Amend to level 3.", decision_changed=True
        )
        with pytest.raises(ValidationError):  # every stage has been used
            services.challenge_escalate(by=referrer, challenge=challenge, reason="More.")
        assert challenge_items(challenge).count() == 3
        assert challenge_counts() == {
            "raised": 1,
            "reached_stage_2": 1,
            "reached_stage_3": 1,
            "open": 0,
            "decision_changed": 1,
        }

    def test_only_the_referrer_or_an_agency_asked_may_challenge(
        self, decided, make_user, mash_worker, police_agency
    ):
        stranger = make_user(Role.PRACTITIONER)
        with pytest.raises(AccessDenied):
            services.challenge_raise(by=stranger, contact=decided, reason="I disagree.")
        officer = make_user(Role.PRACTITIONER, agency=police_agency)
        with pytest.raises(AccessDenied):
            services.challenge_raise(by=officer, contact=decided, reason="I disagree.")

    def test_an_undecided_contact_cannot_be_challenged(self, submit, referrer):
        contact = submit()
        with pytest.raises(ValidationError):
            services.challenge_raise(by=referrer, contact=contact, reason="Too slow.")


class TestChallengePages:
    def test_the_referrer_challenges_and_the_mash_resolves_on_the_contact(
        self, signed_in, decided, referrer, mash_worker
    ):
        mine = signed_in(referrer)
        url = reverse("frontdoor:referral-challenge", args=[decided.reference])
        empty = mine.post(url, {"reason": ""})
        assert empty.status_code == 200
        assert b"Enter why you disagree with the decision" in empty.content
        assert mine.post(url, {"reason": "It is level 3."}).status_code == 302
        page = signed_in(mash_worker).get(reverse("frontdoor:contact", args=[decided.reference]))
        assert b"Professional challenges" in page.content
        assert b"It is level 3." in page.content
        challenge = decided.challenges.get()
        resolve = reverse("frontdoor:challenge-resolve", args=[decided.reference, challenge.pk])
        response = signed_in(mash_worker).post(
            resolve, {f"challenge-{challenge.pk}-resolution": "Level 2 stands."}
        )
        assert response.status_code == 302
        back = mine.get(reverse("frontdoor:my-referral", args=[decided.reference]))
        assert b"Level 2 stands." in back.content
        assert b"Escalate the challenge" in back.content

    def test_others_cannot_open_the_challenge_urls(self, signed_in, decided, make_user):
        stranger = signed_in(make_user(Role.PRACTITIONER))
        url = reverse("frontdoor:referral-challenge", args=[decided.reference])
        assert stranger.post(url, {"reason": "x"}).status_code == 404
        resolve = reverse("frontdoor:challenge-resolve", args=[decided.reference, 1])
        assert stranger.post(resolve, {}).status_code == 404
