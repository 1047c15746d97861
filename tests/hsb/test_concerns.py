"""Concerns on the continuum: referral at the time of concern, both roles, and who sees which child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.errors import InvalidRequest
from safeguard.core.models import Role as UserRole
from safeguard.hsb import selectors, services
from safeguard.hsb.models import Concern, Level, Pathway, Role
from safeguard.hsb.services import NamedChild
from safeguard.people.access import can_view_person
from safeguard.work.models import Priority, WorkItem, WorkKind

from .conftest import record

pytestmark = pytest.mark.django_db


class TestAConcernAtProblematicOrAbove:
    def test_every_child_gets_a_safeguarding_response_from_the_mash_first(self, p):
        concern = record(p)
        items = WorkItem.objects.filter(kind=WorkKind.HSB_SAFEGUARDING_RESPONSE)
        assert {(i.team, i.person) for i in items} == {(p.mash_team, p.leo), (p.mash_team, p.mia)}
        assert all(i.subject_label == concern.reference for i in items)
        assert all("Leo" not in i.title and "Mia" not in i.title for i in items)

    def test_each_role_is_referred_at_once_to_its_own_team(self, p):
        record(p)
        referrals = {i.person: i.team for i in WorkItem.objects.filter(kind=WorkKind.HSB_REFERRAL)}
        assert referrals == {p.leo: p.hsb_team, p.mia: p.csc_team}
        assert Pathway.objects.get(person=p.leo).role == Role.HARMING
        assert Pathway.objects.get(person=p.mia).role == Role.HARMED

    def test_the_time_from_noticing_to_referral_is_measured(self, p):
        concern = record(p, noticed_hours=3)
        delta = selectors.time_to_referral(concern)
        assert dt.timedelta(hours=2, minutes=59) < delta < dt.timedelta(hours=3, minutes=1)

    def test_a_violent_concern_is_immediate_danger(self, p):
        record(p, level=Level.VIOLENT)
        items = WorkItem.objects.filter(kind=WorkKind.HSB_SAFEGUARDING_RESPONSE)
        assert {i.priority for i in items} == {Priority.IMMEDIATE}

    def test_the_hsb_service_can_open_the_child_who_harmed_once_referred(self, p):
        assert not can_view_person(p.yjs_worker, p.leo)
        record(p)
        assert can_view_person(p.yjs_worker, p.leo)


class TestAConcernBelowProblematic:
    def test_is_recorded_with_the_practitioners_response_but_not_referred(self, p):
        concern = record(p, level=Level.INAPPROPRIATE)
        assert concern.referred_at is None
        assert selectors.time_to_referral(concern) is None
        assert not WorkItem.objects.exists()
        assert concern.immediate_response


class TestBadInputSavesNothing:
    def _refused(self, p, field, **kw):
        with pytest.raises(InvalidRequest) as caught:
            record(p, **kw)
        assert field in caught.value.errors
        assert not Concern.objects.exists()
        assert not WorkItem.objects.exists()
        return caught.value.errors[field]

    def test_a_level_without_evidence_is_refused(self, p):
        message = self._refused(p, "evidence", evidence="  ")
        assert message == "Enter the evidence for placing the behaviour at 'problematic'"

    def test_the_childs_voice_is_required(self, p):
        children = [NamedChild(p.leo, Role.HARMING, "")]
        self._refused(p, "child_voice", children=children)

    def test_naming_a_child_the_practitioner_may_not_see_is_refused(self, p):
        children = [
            NamedChild(p.leo, Role.HARMING, "Said sorry."),
            NamedChild(p.outsider_child, Role.HARMED, "Upset."),
        ]
        message = self._refused(p, "other_child", children=children)
        assert "cannot see" in message

    def test_the_form_refuses_a_child_the_practitioner_may_not_see(self, p, signed_in):
        response = signed_in(p.teacher).post(
            reverse("hsb:concern-new"),
            {"child": str(p.outsider_child.pk), "child_role": "harmed", "child_voice": "x"},
        )
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert b"You cannot name a child whose record you cannot see" in response.content
        assert not Concern.objects.exists()


class TestVisibilityBetweenLinkedChildren:
    def test_the_hsb_service_sees_the_child_who_harmed_and_only_that_another_child_was_harmed(
        self, p, signed_in
    ):
        concern = record(p)
        rows = selectors.concern_children(user=p.yjs_worker, concern=concern)
        shown = {(r.role, r.person) for r in rows}
        assert shown == {(Role.HARMING, p.leo), (Role.HARMED, None)}
        page = signed_in(p.yjs_worker).get(reverse("hsb:concern", args=[concern.reference]))
        assert page.status_code == 200
        assert b"Leo Hart" in page.content
        assert b"Mia Shaw" not in page.content
        assert b"Felt scared" not in page.content
        assert b"felt scared" not in page.content
        assert b"Another child (you cannot see their record)" in page.content

    def test_the_hsb_service_cannot_open_the_harmed_childs_page(self, p, signed_in):
        record(p)
        page = signed_in(p.yjs_worker).get(reverse("hsb:child", args=[p.mia.pk]))
        assert page.status_code == 404

    def test_the_mash_sees_both_children(self, p):
        concern = record(p)
        rows = selectors.concern_children(user=p.mash_worker, concern=concern)
        assert {r.person for r in rows} == {p.leo, p.mia}

    def test_someone_who_sees_neither_child_cannot_find_the_concern(self, p, make_user, signed_in):
        concern = record(p)
        stranger = make_user(UserRole.PRACTITIONER, agency=p.health)
        assert selectors.concern_get_visible(user=stranger, reference=concern.reference) is None
        page = signed_in(stranger).get(reverse("hsb:concern", args=[concern.reference]))
        assert page.status_code == 404
        assert concern not in selectors.concerns_visible_to(stranger)


class TestOneChildInBothRoles:
    def _both(self, p):
        record(p)
        services.concern_record(
            by=p.teacher,
            noticed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2),
            what_happened="An older boy sent him sexual images and asked for some back.",
            level=Level.ABUSIVE,
            light="red",
            evidence="Coercion, four years older, secrecy asked for.",
            immediate_response="Phone kept safe, parents told.",
            children=[NamedChild(p.leo, Role.HARMED, "Said he was frightened to say no.")],
        )

    def test_each_role_has_its_own_pathway_and_team(self, p):
        self._both(p)
        pathways = {pw.role: pw.team for pw in Pathway.objects.filter(person=p.leo)}
        assert pathways == {Role.HARMING: p.hsb_team, Role.HARMED: p.csc_team}

    def test_the_childs_page_shows_both_roles_without_confusion(self, p, signed_in):
        self._both(p)
        page = signed_in(p.teacher).get(reverse("hsb:child", args=[p.leo.pk]))
        text = page.content.decode()
        assert "Leo has been harmed and has also harmed someone" in text
        harmed = text.index('id="role-harmed"')
        harming = text.index('id="role-harming"')
        assert text.index("Safeguarding response first") < harmed < harming
        assert "Assessment team" in text[harmed:harming]
        assert "Harmful sexual behaviour service" in text[harming:]
        assert "Harmful sexual behaviour service" not in text[harmed:harming]

    def test_the_figures_count_the_child_once_as_both(self, p):
        self._both(p)
        today = timezone.localdate()
        figures = selectors.figures(today - dt.timedelta(days=30), today + dt.timedelta(days=1))
        assert figures["both_roles"] == 1
        assert dict((c, n) for c, _l, n in figures["concerns_by_level"])["abusive"] == 1

    def test_the_data_set_gets_the_same_figures_as_whole_numbers(self, p):
        self._both(p)
        today = timezone.localdate()
        counts = selectors.figures_counts(
            today - dt.timedelta(days=30), today + dt.timedelta(days=1)
        )
        assert counts["children_both_roles"] == 1
        assert counts["concerns_abusive"] == 1
        assert counts["concerns"] == 2
        assert counts["concerns_referred"] == 2
        assert counts["referral_minutes_median"] > 0
        assert counts["aim_assessments_aim3_statutory"] == 0
        assert all(isinstance(value, int) for value in counts.values())
