"""Closing a pathway and changing a concern: reasons required, history kept, GOV.UK errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditEvent
from safeguard.hsb import services
from safeguard.hsb.models import Concern, ConcernChange, Level, Pathway, PathwayStatus, Role
from safeguard.hsb.services import NamedChild
from safeguard.work.models import WorkItem, WorkKind, WorkStatus

from .conftest import record
from .test_views import _date

pytestmark = pytest.mark.django_db


def _harming(p) -> Pathway:
    record(p)
    return Pathway.objects.get(person=p.leo, role=Role.HARMING)


def _change(p, concern, **kw):
    values = {
        "by": p.teacher,
        "concern": concern,
        "noticed_at": concern.noticed_at,
        "what_happened": concern.what_happened,
        "level": concern.level,
        "light": concern.light,
        "evidence": concern.evidence,
        "immediate_response": concern.immediate_response,
        "reason": "The pupil's account came in after.",
    }
    values.update(kw)
    return services.concern_update(**values)


class TestClosingAPathway:
    def test_the_manager_closes_it_with_a_reason_and_its_waiting_work_is_cancelled(self, p):
        pathway = _harming(p)
        services.pathway_close(by=p.yjs_manager, pathway=pathway, reason="Family moved to Leeds.")
        pathway.refresh_from_db()
        assert pathway.status == PathwayStatus.CLOSED
        assert pathway.closed_by == p.yjs_manager
        assert pathway.close_reason == "Family moved to Leeds."
        referral = WorkItem.objects.get(kind=WorkKind.HSB_REFERRAL, person=p.leo)
        assert referral.status == WorkStatus.CANCELLED
        assert AuditEvent.objects.filter(
            object_type="hsb_pathway", object_id=str(pathway.pk), reason="Family moved to Leeds."
        ).exists()

    def test_the_keyworker_may_close_it_and_the_teams_involvement_ends(self, p):
        pathway = _harming(p)
        services.pathway_keyworker_set(by=p.yjs_manager, pathway=pathway, keyworker=p.yjs_worker)
        pathway.refresh_from_db()
        services.pathway_close(by=p.yjs_worker, pathway=pathway, reason="Goals met.")
        pathway.involvement.refresh_from_db()
        assert pathway.involvement.ended == timezone.localdate()

    def test_a_reason_is_required_and_nothing_changes_without_one(self, p):
        pathway = _harming(p)
        with pytest.raises(InvalidRequest) as caught:
            services.pathway_close(by=p.yjs_manager, pathway=pathway, reason="  ")
        assert caught.value.errors == {"reason": "Enter why the pathway is closing"}
        pathway.refresh_from_db()
        assert pathway.status == PathwayStatus.REFERRED

    def test_someone_outside_the_team_cannot_close_it(self, p):
        pathway = _harming(p)
        with pytest.raises(Forbidden):
            services.pathway_close(by=p.teacher, pathway=pathway, reason="Not needed")
        with pytest.raises(Forbidden):
            services.pathway_close(by=p.yjs_worker, pathway=pathway, reason="Not the keyworker")

    def test_a_closed_pathway_cannot_be_closed_again(self, p):
        pathway = _harming(p)
        services.pathway_close(by=p.yjs_manager, pathway=pathway, reason="Done.")
        with pytest.raises(InvalidRequest):
            services.pathway_close(by=p.yjs_manager, pathway=pathway, reason="Again")

    def test_the_page_shows_a_govuk_error_then_closes_it(self, p, signed_in):
        pathway = _harming(p)
        client = signed_in(p.yjs_manager)
        url = reverse("hsb:pathway-close", args=[pathway.pk])
        bad = client.post(url, {"reason": ""})
        assert bad.status_code == 200
        assert b"govuk-error-summary" in bad.content
        assert b"Enter why the pathway is closing" in bad.content
        good = client.post(url, {"reason": "Plan complete."}, follow=True)
        text = good.content.decode()
        assert "Pathway closed" in text
        assert "Plan complete." in text
        pathway.refresh_from_db()
        assert pathway.status == PathwayStatus.CLOSED

    def test_the_close_link_is_offered_only_to_those_who_may_close(self, p, signed_in):
        pathway = _harming(p)
        url = reverse("hsb:pathway-close", args=[pathway.pk])
        manager = signed_in(p.yjs_manager).get(reverse("hsb:child", args=[p.leo.pk]))
        assert url in manager.content.decode()
        teacher = signed_in(p.teacher).get(reverse("hsb:child", args=[p.leo.pk]))
        assert url not in teacher.content.decode()

    def test_another_team_gets_a_govuk_error_on_the_page(self, p, signed_in):
        pathway = _harming(p)
        response = signed_in(p.teacher).post(
            reverse("hsb:pathway-close", args=[pathway.pk]), {"reason": "Not mine"}
        )
        assert b"govuk-error-summary" in response.content
        pathway.refresh_from_db()
        assert pathway.status == PathwayStatus.REFERRED


class TestChangingAConcern:
    def test_a_change_keeps_what_it_was_with_the_reason(self, p):
        concern = record(p)
        _change(p, concern, evidence="Repeated three times; coercion.")
        concern.refresh_from_db()
        assert concern.evidence == "Repeated three times; coercion."
        change = ConcernChange.objects.get(concern=concern)
        assert change.before == {"evidence": "Repeated after being told to stop; two years older."}
        assert change.after == {"evidence": "Repeated three times; coercion."}
        assert change.reason == "The pupil's account came in after."
        assert (
            AuditEvent.objects.filter(
                object_type="hsb_concern", object_id=concern.reference, action="update"
            ).count()
            == 2
        )  # one per child

    def test_raising_the_level_to_problematic_refers_the_concern_then(self, p):
        concern = record(p, level=Level.INAPPROPRIATE)
        assert not WorkItem.objects.filter(kind=WorkKind.HSB_REFERRAL).exists()
        _change(p, concern, level=Level.PROBLEMATIC)
        concern.refresh_from_db()
        assert concern.is_referred
        assert WorkItem.objects.filter(kind=WorkKind.HSB_SAFEGUARDING_RESPONSE).count() == 2
        assert WorkItem.objects.filter(kind=WorkKind.HSB_REFERRAL).count() == 2

    def test_bad_input_is_refused_and_nothing_is_saved(self, p):
        concern = record(p)
        with pytest.raises(InvalidRequest) as caught:
            _change(p, concern, reason="", evidence="New")
        assert "reason" in caught.value.errors
        with pytest.raises(InvalidRequest) as caught:
            _change(p, concern, evidence="  ")
        assert "evidence" in caught.value.errors
        with pytest.raises(InvalidRequest):
            _change(p, concern)  # nothing changed
        with pytest.raises(InvalidRequest):
            _change(p, concern, noticed_at=timezone.now() + dt.timedelta(days=1))
        concern.refresh_from_db()
        assert concern.evidence == "Repeated after being told to stop; two years older."
        assert not ConcernChange.objects.exists()

    def test_another_agency_cannot_change_it(self, p):
        concern = record(p)
        with pytest.raises(Forbidden):
            _change(p, concern, by=p.officer, evidence="Police view")

    def test_the_page_shows_errors_then_the_history(self, p, signed_in):
        concern = record(p, children=[NamedChild(p.leo, Role.HARMING, "A game.")])
        client = signed_in(p.teacher)
        url = reverse("hsb:concern-edit", args=[concern.reference])
        assert client.get(url).status_code == 200
        data = {
            **_date("noticed_on", timezone.localdate()),
            "noticed_time": "",
            "what_happened": concern.what_happened,
            "level": "abusive",
            "light": "red",
            "evidence": concern.evidence,
            "immediate_response": concern.immediate_response,
            "reason": "",
        }
        bad = client.post(url, data)
        assert b"govuk-error-summary" in bad.content
        assert b"Enter why you are changing the concern" in bad.content
        assert Concern.objects.get(pk=concern.pk).level == Level.PROBLEMATIC
        good = client.post(url, {**data, "reason": "Force was used."}, follow=True)
        text = good.content.decode()
        assert "Concern changed" in text
        assert "Force was used." in text
        assert "was “Problematic”, now “Abusive”" in text

    def test_the_page_is_not_offered_to_another_agency(self, p, signed_in):
        concern = record(p)
        response = signed_in(p.officer).get(reverse("hsb:concern-edit", args=[concern.reference]))
        assert response.status_code == 404
