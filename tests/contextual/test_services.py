"""Places, persons of concern, graded links, concerns about contexts and disruption actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.contextual import selectors, services
from safeguard.contextual.models import (
    ContextKind,
    DisruptionOutcome,
    DisruptionTool,
    Link,
    LinkKind,
    LinkStatus,
    TriageOutcome,
)
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AuditEvent
from safeguard.work.models import WorkItem, WorkKind

from .conftest import grade, link, place

pytestmark = pytest.mark.django_db


class TestPlacesAndPersons:
    def test_a_place_records_its_point_and_the_agencies_that_hold_information(self, world):
        found = services.place_create(
            by=world.officer,
            name="Piccadilly bus stop",
            kind="transport_hub",
            location="53.9576,-1.0805",
            agencies=[world.csc],
        )
        assert found.location == "53.95760, -1.08050"
        assert set(found.agencies.values_list("name", flat=True)) == {
            world.police.name,
            world.csc.name,
        }

    def test_a_location_that_is_not_latitude_and_longitude_is_refused(self, world):
        with pytest.raises(InvalidRequest) as caught:
            services.place_create(
                by=world.officer, name="Park", kind="park", location="by the river"
            )
        assert "latitude" in caught.value.errors["location"]

    def test_a_school_cannot_record_places(self, world):
        with pytest.raises(Forbidden):
            services.place_create(by=world.teacher, name="Park", kind="park")

    def test_only_the_police_write_the_police_only_notes(self, world):
        with pytest.raises(InvalidRequest) as caught:
            services.person_of_concern_create(
                by=world.social_worker, name="Dee", intelligence_notes="Known to carry a knife"
            )
        assert "police only" in caught.value.errors["intelligence_notes"]
        person = services.person_of_concern_create(
            by=world.officer,
            name="Dee",
            aliases="D\nDeeDee",
            intelligence_notes="Known to carry a knife",
        )
        assert person.alias_list == ["D", "DeeDee"]

    def test_another_agency_asking_for_the_police_only_notes_is_refused_and_audited(self, world):
        person = services.person_of_concern_create(
            by=world.officer, name="Dee", intelligence_notes="Knife"
        )
        with pytest.raises(Forbidden, match="police only"):
            services.police_only_read(by=world.social_worker, person=person)
        assert AuditEvent.objects.filter(action="deny", object_id=str(person.pk)).exists()
        assert services.police_only_read(by=world.officer, person=person) == "Knife"


class TestLinks:
    def test_a_link_carries_its_source_date_and_grade(self, world):
        found = link(
            world,
            LinkKind.CHILD_PLACE,
            child=world.ava,
            place=place(world),
            source_evaluation="1",
            assessment="A",
        )
        assert found.grade == "1-A-P"
        assert found.rank == 15
        assert found.ends == (f"child:{world.ava.pk}", f"place:{found.place_id}")

    def test_a_link_without_a_source_or_grade_is_refused_with_a_message_for_each(self, world):
        with pytest.raises(InvalidRequest) as caught:
            services.link_record(
                by=world.officer,
                kind=LinkKind.CHILD_CHILD,
                child=world.ava,
                other_child=world.ben,
                source_agency=None,
                **grade(source_evaluation="", assessment="", handling_code=""),
            )
        assert set(caught.value.errors) >= {
            "source_agency",
            "source_evaluation",
            "assessment",
            "handling_code",
        }
        assert not Link.objects.exists()

    def test_a_grade_outside_the_scheme_is_refused(self, world):
        with pytest.raises(InvalidRequest) as caught:
            link(
                world,
                LinkKind.CHILD_CHILD,
                child=world.ava,
                other_child=world.ben,
                source_evaluation="5",
            )
        assert caught.value.errors["source_evaluation"] == "Source evaluation must be 1, 2 or 3"

    def test_handling_code_c_without_conditions_is_refused(self, world):
        with pytest.raises(InvalidRequest) as caught:
            link(
                world,
                LinkKind.CHILD_CHILD,
                child=world.ava,
                other_child=world.ben,
                handling_code="C",
            )
        assert "handling_conditions" in caught.value.errors

    def test_the_ends_the_kind_needs_must_be_given(self, world):
        with pytest.raises(InvalidRequest) as caught:
            link(world, LinkKind.PERSON_VEHICLE, person=None)
        assert set(caught.value.errors) == {"person", "vehicle_registration"}

    def test_a_vehicle_is_found_again_by_its_registration(self, world):
        dee = services.person_of_concern_create(by=world.officer, name="Dee")
        one = link(world, LinkKind.PERSON_VEHICLE, person=dee, vehicle_registration="ab12 cde")
        two = link(world, LinkKind.PERSON_VEHICLE, person=dee, vehicle_registration="AB12CDE")
        assert one.vehicle_id == two.vehicle_id
        assert str(one.vehicle) == "AB12CDE"

    def test_a_child_the_recorder_cannot_see_cannot_be_linked(self, world):
        from tests.factories import PersonFactory

        stranger = PersonFactory()
        with pytest.raises(InvalidRequest) as caught:
            link(world, LinkKind.CHILD_CHILD, child=world.ava, other_child=stranger)
        assert "cannot see" in caught.value.errors["other_child"]

    def test_a_withdrawn_link_stays_in_history_and_leaves_the_network(self, world):
        found = link(world, LinkKind.CHILD_CHILD, child=world.ava, other_child=world.ben)
        services.link_status_change(
            by=world.officer, link=found, status=LinkStatus.DISPUTED, reason="Family say not"
        )
        view = selectors.network_for(user=world.officer, start=f"child:{world.ava.pk}", steps=1)
        assert "Ben Tester" in view.labels.values()
        services.link_status_change(
            by=world.officer, link=found, status=LinkStatus.WITHDRAWN, reason="Wrong child"
        )
        found.refresh_from_db()
        assert found.status == LinkStatus.WITHDRAWN
        assert [c.status for c in found.changes.all()] == ["disputed", "withdrawn"]
        view = selectors.network_for(user=world.officer, start=f"child:{world.ava.pk}", steps=1)
        assert view.links == []
        assert list(selectors.links_about(key=f"child:{world.ava.pk}")) == [found]

    def test_a_status_change_needs_a_reason(self, world):
        found = link(world, LinkKind.CHILD_CHILD, child=world.ava, other_child=world.ben)
        with pytest.raises(InvalidRequest) as caught:
            services.link_status_change(
                by=world.officer, link=found, status=LinkStatus.WITHDRAWN, reason=" "
            )
        assert caught.value.errors == {"reason": "Enter the reason"}


class TestConcernsAboutContexts:
    def test_a_school_reports_a_concern_without_naming_a_child_and_the_team_gets_it(self, world):
        concern = services.context_concern_report(
            by=world.teacher,
            context_kind=ContextKind.PLACE,
            where="The number 6 bus after school",
            what_happened="Older men offering pupils free vapes",
        )
        assert concern.reference.startswith("CTX-")
        item = WorkItem.objects.get(subject_id=concern.reference)
        assert item.team == world.team
        assert item.kind == WorkKind.TRIAGE_CONTEXT_CONCERN
        assert concern.reference in item.subject_label
        assert "vape" not in item.title

    def test_a_concern_must_say_where(self, world):
        with pytest.raises(InvalidRequest) as caught:
            services.context_concern_report(
                by=world.teacher, context_kind=ContextKind.ONLINE, what_happened="Group chat"
            )
        assert "where" in caught.value.errors

    def test_triage_closes_the_work_item_and_children_are_linked_later(self, world):
        concern = services.context_concern_report(
            by=world.teacher,
            context_kind=ContextKind.PEER_GROUP,
            where="Skate park group",
            what_happened="Fights",
        )
        services.context_concern_triage(
            by=world.social_worker, concern=concern, outcome=TriageOutcome.DISRUPTION_MEETING
        )
        assert WorkItem.objects.get(subject_id=concern.reference).status == "done"
        with pytest.raises(InvalidRequest):
            services.context_concern_triage(
                by=world.social_worker, concern=concern, outcome=TriageOutcome.NO_FURTHER_ACTION
            )
        services.context_concern_link_child(
            by=world.social_worker, concern=concern, person=world.ava
        )
        assert list(concern.children.values_list("person_id", flat=True)) == [world.ava.pk]

    def test_a_context_assessment_needs_all_three_sides(self, world):
        spot = place(world)
        with pytest.raises(InvalidRequest) as caught:
            services.context_assessment_record(
                by=world.social_worker,
                context="neighbourhood",
                harm="Dealing",
                guardians="",
                conditions="",
                plan="Patrols",
                place=spot,
            )
        assert set(caught.value.errors) == {"guardians"}
        found = services.context_assessment_record(
            by=world.social_worker,
            context="neighbourhood",
            harm="Dealing",
            guardians="Security staff",
            conditions="Poor lighting",
            plan="Patrols",
            place=spot,
        )
        assert found.get_context_display() == "Neighbourhood"

    def test_context_weighting_names_the_context_that_must_change_first(self, world):
        found = services.context_weighting_record(
            by=world.social_worker,
            person=world.ava,
            first="peer_group",
            then=["school", "peer_group"],
            why="Older group",
        )
        assert found.get_first_display() == "Peer group"
        assert found.then == "school"


class TestDisruption:
    def test_an_action_lands_in_the_owning_agencys_queue_and_its_outcome_closes_it(self, world):
        spot = place(world)
        action = services.disruption_action_agree(
            by=world.social_worker,
            tool=DisruptionTool.PATROLS,
            description="Evening patrols Thursday to Saturday",
            owner_agency=world.police,
            due_on=timezone.localdate() + dt.timedelta(days=14),
            place=spot,
            children_at_risk_before=3,
        )
        item = WorkItem.objects.get(subject_id=action.reference)
        assert item.team.agency == world.police
        assert item.kind == WorkKind.DISRUPTION_ACTION
        services.disruption_action_outcome(
            by=world.officer,
            action=action,
            outcome=DisruptionOutcome.NETWORK_DISRUPTED,
            notes="Two adults moved on",
            children_at_risk_after=1,
        )
        item.refresh_from_db()
        assert item.status == "done"
        today = timezone.localdate()
        figures = selectors.figures(today - dt.timedelta(days=1), today)
        assert figures["networks_disrupted"] == 1
        assert figures["children_at_risk_before"] == 3
        assert figures["children_at_risk_after"] == 1
        assert figures["disruption_actions_agreed"] == 1
        assert figures["places_recorded"] == 1

    def test_an_action_needs_an_owner_a_date_and_a_target(self, world):
        with pytest.raises(InvalidRequest) as caught:
            services.disruption_action_agree(
                by=world.social_worker,
                tool="cawn",
                description="Serve a notice",
                owner_agency=None,
                due_on=None,
            )
        assert set(caught.value.errors) == {"owner_agency", "due_on", "place"}
