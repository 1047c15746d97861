"""Correcting contextual records after recording, and who read the police-only notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.contextual import services
from safeguard.contextual.events import ContextualEvent
from safeguard.contextual.models import (
    DisruptionActionChange,
    DisruptionTool,
    LinkCorrection,
    LinkKind,
    PeerGroupChange,
    PersonOfConcernChange,
    PlaceChange,
)
from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.models import AgencyKind, AuditAction, AuditEvent, Role, TeamMembership
from safeguard.work.models import WorkItem
from tests.factories import AgencyFactory, TeamFactory

from .conftest import link, place

pytestmark = pytest.mark.django_db


def _police_manager(world, make_user, agency=None):
    """A manager of a police team: the person who may see who read the notes."""
    agency = agency or world.police
    manager = make_user(Role.PRACTITIONER, agency=agency, first_name="Mo", last_name="Manager")
    team = TeamFactory(agency=agency, name=f"Intelligence {agency.pk}")
    TeamMembership.objects.create(
        team=team, user=manager, is_manager=True, since=timezone.localdate()
    )
    return manager


def _place_answers(spot, **changes):
    answers = {
        "name": spot.name,
        "kind": spot.kind,
        "location": spot.location,
        "times_of_concern": spot.times_of_concern,
        "description": spot.description,
        "agencies": list(spot.agencies.all()),
        "reason": "Checked on a visit",
    }
    answers.update(changes)
    return answers


class TestCorrectingAPlace:
    def test_the_change_keeps_both_values_the_reason_and_an_audit_event(self, world):
        spot = place(world)
        change = services.place_correct(
            by=world.social_worker,
            place=spot,
            **_place_answers(spot, times_of_concern="Weekday evenings", reason="Seen on patrol"),
        )
        spot.refresh_from_db()
        assert spot.times_of_concern == "Weekday evenings"
        assert change.changes == [
            {
                "field": "times_of_concern",
                "label": "Times of concern",
                "before": "",
                "after": "Weekday evenings",
            }
        ]
        assert (change.by, change.agency, change.reason) == (
            world.social_worker,
            world.csc,
            "Seen on patrol",
        )
        event = AuditEvent.objects.filter(
            object_type=ContextualEvent.CONTEXTUAL_PLACE, action=AuditAction.UPDATE
        ).get()
        assert event.object_id == str(spot.pk)
        assert event.changes["fields"] == ["times_of_concern"]
        assert event.reason == "Seen on patrol"

    def test_a_change_needs_a_reason_and_a_difference(self, world):
        spot = place(world)
        with pytest.raises(InvalidRequest) as no_reason:
            services.place_correct(
                by=world.officer, place=spot, **_place_answers(spot, name="New", reason=" ")
            )
        assert no_reason.value.errors == {"reason": "Enter why you are making this change"}
        with pytest.raises(InvalidRequest, match="Nothing has changed"):
            services.place_correct(by=world.officer, place=spot, **_place_answers(spot))
        assert not PlaceChange.objects.exists()

    def test_someone_who_cannot_record_places_cannot_change_them(self, world):
        spot = place(world)
        with pytest.raises(Forbidden):
            services.place_correct(
                by=world.teacher, place=spot, **_place_answers(spot, name="Elsewhere")
            )


class TestCorrectingAPersonOfConcern:
    def test_only_the_police_change_the_notes_and_their_change_is_marked_police_only(self, world):
        kai = services.person_of_concern_create(
            by=world.officer, name="Kai Ward", intelligence_notes="Drives a blue van"
        )
        assert kai.notes_agency == world.police
        with pytest.raises(InvalidRequest, match="police only"):
            services.person_of_concern_correct(
                by=world.social_worker,
                person=kai,
                name="Kai Ward",
                intelligence_notes="Something else",
                reason="Update",
            )
        change = services.person_of_concern_correct(
            by=world.officer,
            person=kai,
            name="Kai Ward",
            intelligence_notes="Drives a red van",
            reason="New sighting",
        )
        assert change.police_only
        assert change.changes[0]["before"] == "Drives a blue van"
        event = AuditEvent.objects.filter(
            object_type=ContextualEvent.CONTEXTUAL_PERSON_OF_CONCERN, action=AuditAction.UPDATE
        ).get()
        assert event.changes["fields"] == ["intelligence_notes"]
        assert event.reason == ""  # the police-only reason stays out of the shared log

    def test_social_care_corrects_the_shared_details_and_the_notes_are_left_alone(self, world):
        kai = services.person_of_concern_create(
            by=world.officer, name="Kai Ward", intelligence_notes="Drives a blue van"
        )
        change = services.person_of_concern_correct(
            by=world.social_worker, person=kai, name="Kai Ward", aliases="K", reason="Known as K"
        )
        kai.refresh_from_db()
        assert kai.intelligence_notes == "Drives a blue van"
        assert not change.police_only
        assert change.fields == ["aliases"]

    def test_the_police_agency_that_first_writes_notes_holds_them(self, world):
        dee = services.person_of_concern_create(by=world.social_worker, name="Dee")
        assert dee.notes_agency is None
        services.person_of_concern_correct(
            by=world.officer, person=dee, name="Dee", intelligence_notes="Note", reason="New"
        )
        dee.refresh_from_db()
        assert dee.notes_agency == world.police


class TestTheChangePages:
    def test_a_change_without_a_reason_shows_the_error_summary_and_the_message(
        self, signed_in, world
    ):
        spot = place(world)
        client = signed_in(world.officer)
        url = reverse("contextual:place-change", kwargs={"pk": spot.pk})
        form = client.get(url)
        assert b"Coppergate Centre" in form.content
        response = client.post(url, {"name": "Coppergate", "kind": spot.kind, "reason": ""})
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert response.content.count(b"Enter why you are making this change") >= 2
        spot.refresh_from_db()
        assert spot.name == "Coppergate Centre"

    def test_the_place_page_shows_who_changed_what_when_and_why(self, signed_in, world):
        spot = place(world)
        client = signed_in(world.officer)
        response = client.post(
            reverse("contextual:place-change", kwargs={"pk": spot.pk}),
            {
                "name": "Coppergate Shopping Centre",
                "kind": spot.kind,
                "location": spot.location,
                "agencies": [str(world.police.pk)],
                "reason": "The full name",
            },
            follow=True,
        )
        text = response.content.decode()
        assert "Place changed" in text
        assert "History of changes" in text
        assert "Pat Officer, North Yorkshire Police" in text
        assert "was “Coppergate Centre”, now “Coppergate Shopping Centre”" in text
        assert "The full name" in text

    def test_social_care_sees_a_notes_change_happened_but_not_the_notes_or_why(
        self, signed_in, world
    ):
        kai = services.person_of_concern_create(
            by=world.officer, name="Kai Ward", intelligence_notes="Drives a blue van"
        )
        services.person_of_concern_correct(
            by=world.officer,
            person=kai,
            name="Kai Ward",
            intelligence_notes="Drives a red van",
            reason="Seen in the red van on Friday",
        )
        client = signed_in(world.social_worker)
        form = client.get(reverse("contextual:person-change", kwargs={"pk": kai.pk}))
        assert b"intelligence_notes" not in form.content
        page = client.get(reverse("contextual:person", kwargs={"pk": kai.pk})).content.decode()
        assert "Intelligence notes (police only)</strong>: was “Not shown: police only”" in page
        assert "van" not in page
        client = signed_in(world.officer)
        page = client.get(reverse("contextual:person", kwargs={"pk": kai.pk})).content.decode()
        assert "was “Drives a blue van”, now “Drives a red van”" in page
        assert "Seen in the red van on Friday" in page

    def test_opening_the_change_form_is_an_audited_read_of_the_notes(self, signed_in, world):
        kai = services.person_of_concern_create(
            by=world.officer, name="Kai Ward", intelligence_notes="Drives a blue van"
        )
        client = signed_in(world.officer)
        form = client.get(reverse("contextual:person-change", kwargs={"pk": kai.pk}))
        assert b"Drives a blue van" in form.content
        assert AuditEvent.objects.filter(
            object_type=ContextualEvent.CONTEXTUAL_POLICE_ONLY,
            action=AuditAction.VIEW,
            actor_id=world.officer.pk,
        ).exists()


class TestWhoReadThePoliceOnlyNotes:
    def test_a_police_manager_sees_each_read_and_each_refusal(self, signed_in, world, make_user):
        kai = services.person_of_concern_create(
            by=world.officer, name="Kai Ward", intelligence_notes="Drives a blue van"
        )
        signed_in(world.officer).get(reverse("contextual:person", kwargs={"pk": kai.pk}))
        signed_in(world.social_worker).get(reverse("contextual:police-only", kwargs={"pk": kai.pk}))
        manager = _police_manager(world, make_user)
        client = signed_in(manager)
        person_page = client.get(reverse("contextual:person", kwargs={"pk": kai.pk}))
        assert b"See who read the police-only notes" in person_page.content
        response = client.get(reverse("contextual:police-only-reads", kwargs={"pk": kai.pk}))
        assert response.status_code == 200
        text = response.content.decode()
        reads = text.split('id="notes-reads"')[1].split("</table>")[0]
        assert "Pat Officer" in reads
        assert "Mo Manager" in reads  # the manager's own look at the person page
        refusals = text.split('id="notes-refusals"')[1].split("</table>")[0]
        assert "Sam Worker" in refusals
        assert "Drives a blue van" not in text
        assert AuditEvent.objects.filter(
            object_type=ContextualEvent.CONTEXTUAL_POLICE_ONLY_READS,
            action=AuditAction.VIEW,
            actor_id=manager.pk,
        ).exists()

    def test_everyone_else_is_refused_and_the_refusal_is_audited(self, signed_in, world, make_user):
        kai = services.person_of_concern_create(
            by=world.officer, name="Kai Ward", intelligence_notes="Drives a blue van"
        )
        url = reverse("contextual:police-only-reads", kwargs={"pk": kai.pk})
        other_force = AgencyFactory(kind=AgencyKind.POLICE, name="West Yorkshire Police")
        csc_manager = make_user(Role.MASH_MANAGER, agency=world.csc)
        for user in (
            world.officer,  # read the notes, but is not a manager
            world.social_worker,
            csc_manager,
            _police_manager(world, make_user, agency=other_force),
        ):
            response = signed_in(user).get(url)
            assert response.status_code == 403, user
            assert b"govuk-error-summary" in response.content
            assert b"Only managers in the police agency that holds the notes" in response.content
            assert b"notes-reads" not in response.content
        assert signed_in(world.analyst).get(url).status_code == 404
        assert signed_in(world.teacher).get(url).status_code == 404
        assert (
            AuditEvent.objects.filter(
                object_type=ContextualEvent.CONTEXTUAL_POLICE_ONLY_READS,
                action=AuditAction.DENY,
            ).count()
            == 4
        )

    def test_notes_no_police_agency_holds_have_no_readers_page(self, signed_in, world, make_user):
        dee = services.person_of_concern_create(by=world.social_worker, name="Dee")
        client = signed_in(_police_manager(world, make_user))
        response = client.get(reverse("contextual:police-only-reads", kwargs={"pk": dee.pk}))
        assert response.status_code == 403
        assert not PersonOfConcernChange.objects.exists()


def _group(world):
    return services.peer_group_create(
        by=world.officer, name="Skate park group", description="Meets after school"
    )


def _action(world, spot=None):
    return services.disruption_action_agree(
        by=world.social_worker,
        tool=DisruptionTool.PATROLS,
        description="Evening patrols Thursday to Saturday",
        owner_agency=world.police,
        due_on=timezone.localdate() + dt.timedelta(days=14),
        place=spot or place(world),
        children_at_risk_before=3,
    )


def _action_answers(action, **changes):
    answers = {
        "tool": action.tool,
        "description": action.description,
        "place": action.place,
        "person": action.person,
        "group": action.group,
        "children_at_risk_before": action.children_at_risk_before,
        "reason": "Agreed wording was wrong",
    }
    answers.update(changes)
    return answers


class TestCorrectingAPeerGroup:
    def test_the_change_keeps_both_values_the_reason_and_an_audit_event(self, world):
        group = _group(world)
        change = services.peer_group_correct(
            by=world.social_worker,
            group=group,
            name="Young people at the skate park",
            description="Meets after school",
            reason="A neutral name",
        )
        assert group.name == "Young people at the skate park"
        assert change.changes == [
            {
                "field": "name",
                "label": "Name for the group",
                "before": "Skate park group",
                "after": "Young people at the skate park",
            }
        ]
        assert (change.by, change.agency, change.reason) == (
            world.social_worker,
            world.csc,
            "A neutral name",
        )
        event = AuditEvent.objects.filter(
            object_type=ContextualEvent.CONTEXTUAL_PEER_GROUP, action=AuditAction.UPDATE
        ).get()
        assert event.object_id == str(group.pk)
        assert event.changes["fields"] == ["name"]
        assert event.reason == "A neutral name"

    def test_a_change_needs_a_name_a_reason_and_a_difference(self, world):
        group = _group(world)
        with pytest.raises(InvalidRequest) as no_reason:
            services.peer_group_correct(by=world.officer, group=group, name="New", reason=" ")
        assert no_reason.value.errors == {"reason": "Enter why you are making this change"}
        with pytest.raises(InvalidRequest) as no_name:
            services.peer_group_correct(by=world.officer, group=group, name=" ", reason="Why")
        assert no_name.value.errors == {"name": "Enter a name for the group"}
        with pytest.raises(InvalidRequest, match="Nothing has changed"):
            services.peer_group_correct(
                by=world.officer,
                group=group,
                name=group.name,
                description=group.description,
                reason="Why",
            )
        group.refresh_from_db()
        assert group.name == "Skate park group"
        assert not PeerGroupChange.objects.exists()

    def test_someone_who_cannot_record_peer_groups_cannot_change_them(self, world):
        group = _group(world)
        for user in (world.teacher, world.analyst):
            with pytest.raises(Forbidden):
                services.peer_group_correct(by=user, group=group, name="Elsewhere", reason="Why")
        assert not PeerGroupChange.objects.exists()


class TestCorrectingADisruptionAction:
    def test_the_change_keeps_both_values_the_reason_and_an_audit_event(self, world):
        action = _action(world)
        group = _group(world)
        change = services.disruption_action_correct(
            by=world.officer,
            action=action,
            **_action_answers(
                action, place=None, group=group, children_at_risk_before=4, reason="Wrong target"
            ),
        )
        assert (action.place, action.group, action.children_at_risk_before) == (None, group, 4)
        assert change.changes == [
            {
                "field": "target",
                "label": "Aimed at",
                "before": "Coppergate Centre",
                "after": "Skate park group",
            },
            {
                "field": "children_at_risk_before",
                "label": "Children assessed at risk before",
                "before": "3",
                "after": "4",
            },
        ]
        assert (change.by, change.agency, change.reason) == (
            world.officer,
            world.police,
            "Wrong target",
        )
        event = AuditEvent.objects.filter(
            object_type=ContextualEvent.CONTEXTUAL_DISRUPTION_ACTION, action=AuditAction.UPDATE
        ).get()
        assert event.object_id == action.reference
        assert event.changes["fields"] == ["target", "children_at_risk_before"]
        assert event.reason == "Wrong target"
        # The owning team's work item is untouched: same team, still open.
        item = WorkItem.objects.get(subject_id=action.reference)
        assert (item.team.agency, item.is_open) == (world.police, True)

    def test_a_change_needs_a_reason_a_target_and_a_difference(self, world):
        action = _action(world)
        with pytest.raises(InvalidRequest) as caught:
            services.disruption_action_correct(
                by=world.officer,
                action=action,
                **_action_answers(action, place=None, description=" ", reason=""),
            )
        assert set(caught.value.errors) == {"description", "place", "reason"}
        with pytest.raises(InvalidRequest, match="Nothing has changed"):
            services.disruption_action_correct(
                by=world.officer, action=action, **_action_answers(action)
            )
        action.refresh_from_db()
        assert action.description == "Evening patrols Thursday to Saturday"
        assert not DisruptionActionChange.objects.exists()

    def test_someone_who_cannot_agree_actions_cannot_change_them(self, world):
        action = _action(world)
        with pytest.raises(Forbidden):
            services.disruption_action_correct(
                by=world.teacher, action=action, **_action_answers(action, description="Other")
            )
        assert not DisruptionActionChange.objects.exists()


class TestTheGroupAndActionChangePages:
    def test_the_group_page_shows_who_changed_what_when_and_why(self, signed_in, world):
        group = _group(world)
        client = signed_in(world.officer)
        page = client.get(reverse("contextual:group", kwargs={"pk": group.pk})).content.decode()
        assert "Change the details of this group" in page
        assert "Not changed since it was recorded" in page
        response = client.post(
            reverse("contextual:group-change", kwargs={"pk": group.pk}),
            {
                "name": "Young people at the skate park",
                "description": "Meets after school",
                "reason": "A neutral name",
            },
            follow=True,
        )
        text = response.content.decode()
        assert "Peer group changed" in text
        assert "History of changes" in text
        assert "Pat Officer, North Yorkshire Police" in text
        assert "was “Skate park group”, now “Young people at the skate park”" in text
        assert "A neutral name" in text

    def test_a_group_change_without_a_reason_shows_the_error_summary(self, signed_in, world):
        group = _group(world)
        client = signed_in(world.social_worker)
        url = reverse("contextual:group-change", kwargs={"pk": group.pk})
        assert b"Skate park group" in client.get(url).content
        response = client.post(url, {"name": "", "reason": ""})
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert response.content.count(b"Enter why you are making this change") >= 2
        assert response.content.count(b"Enter a name for the group") >= 2
        group.refresh_from_db()
        assert group.name == "Skate park group"

    def test_the_action_page_shows_who_changed_what_when_and_why(self, signed_in, world):
        action = _action(world)
        client = signed_in(world.social_worker)
        url = reverse("contextual:action", kwargs={"reference": action.reference})
        assert "Change what was agreed" in client.get(url).content.decode()
        form = client.get(
            reverse("contextual:action-change", kwargs={"reference": action.reference})
        ).content.decode()
        assert "Evening patrols Thursday to Saturday" in form
        assert 'name="owner_agency"' not in form
        response = client.post(
            reverse("contextual:action-change", kwargs={"reference": action.reference}),
            {
                "tool": DisruptionTool.PATROLS,
                "description": "Evening patrols Friday and Saturday",
                "place": str(action.place_id),
                "children_at_risk_before": "3",
                "reason": "The meeting agreed two evenings",
            },
            follow=True,
        )
        text = response.content.decode()
        assert "Disruption action changed" in text
        assert "Sam Worker, Children&#x27;s social care" in text
        assert (
            "was “Evening patrols Thursday to Saturday”, now “Evening patrols Friday and Saturday”"
            in text
        )
        assert "The meeting agreed two evenings" in text

    def test_an_action_change_without_a_target_shows_the_error_summary(self, signed_in, world):
        action = _action(world)
        client = signed_in(world.officer)
        response = client.post(
            reverse("contextual:action-change", kwargs={"reference": action.reference}),
            {
                "tool": DisruptionTool.PATROLS,
                "description": "Patrols",
                "children_at_risk_before": "3",
                "reason": "Why",
            },
        )
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert b"Select the place, person of concern or peer group" in response.content
        action.refresh_from_db()
        assert action.place is not None
        assert not DisruptionActionChange.objects.exists()

    def test_people_outside_contextual_work_cannot_open_the_change_pages(self, signed_in, world):
        group = _group(world)
        action = _action(world)
        urls = (
            reverse("contextual:group-change", kwargs={"pk": group.pk}),
            reverse("contextual:action-change", kwargs={"reference": action.reference}),
        )
        for user in (world.teacher, world.analyst):
            client = signed_in(user)
            for url in urls:
                assert client.get(url).status_code == 404, (user, url)
                assert client.post(url, {"name": "X", "reason": "Y"}).status_code == 404
        assert not PeerGroupChange.objects.exists()
        assert not DisruptionActionChange.objects.exists()


class TestCorrectingALink:
    def test_the_summary_and_date_change_with_the_reason_and_an_audit_event_about_the_child(
        self, world
    ):
        spot = place(world)
        joined = link(world, LinkKind.CHILD_PLACE, child=world.ava, place=spot)
        earlier = joined.known_on
        change = services.link_correct(
            by=world.social_worker,
            link=joined,
            summary="Seen there most Friday evenings",
            known_on=earlier - dt.timedelta(days=1),
            reason="The log gave the wrong day",
        )
        assert (joined.summary, joined.known_on) == (
            "Seen there most Friday evenings",
            earlier - dt.timedelta(days=1),
        )
        assert change.fields == ["summary", "known_on"]
        assert change.changes[0]["before"] == "Seen together several evenings"
        assert change.changes[1]["before"] == f"{earlier:%-d %B %Y}"
        event = AuditEvent.objects.filter(
            object_type=ContextualEvent.CONTEXTUAL_LINK, action=AuditAction.UPDATE
        ).get()
        assert event.object_id == str(joined.pk)
        assert event.person_id == world.ava.pk
        assert event.reason == "The log gave the wrong day"
        assert (joined.kind, joined.child, joined.place, joined.grade) == (
            LinkKind.CHILD_PLACE,
            world.ava,
            spot,
            "2-B-P",
        )

    def test_a_change_needs_a_summary_a_past_date_a_reason_and_a_difference(self, world):
        joined = link(world, LinkKind.CHILD_PLACE, child=world.ava, place=place(world))
        with pytest.raises(InvalidRequest) as caught:
            services.link_correct(
                by=world.officer,
                link=joined,
                summary=" ",
                known_on=timezone.localdate() + dt.timedelta(days=1),
                reason="",
            )
        assert set(caught.value.errors) == {"summary", "known_on", "reason"}
        with pytest.raises(InvalidRequest, match="Nothing has changed"):
            services.link_correct(
                by=world.officer,
                link=joined,
                summary=joined.summary,
                known_on=joined.known_on,
                reason="Why",
            )
        with pytest.raises(Forbidden):
            services.link_correct(
                by=world.teacher,
                link=joined,
                summary="Other",
                known_on=joined.known_on,
                reason="Why",
            )
        assert not LinkCorrection.objects.exists()

    def test_the_link_page_shows_who_changed_what_when_and_why(self, signed_in, world):
        joined = link(world, LinkKind.CHILD_PLACE, child=world.ava, place=place(world))
        client = signed_in(world.officer)
        page = client.get(reverse("contextual:link", kwargs={"pk": joined.pk})).content.decode()
        assert "Change what is known or the date of the information" in page
        url = reverse("contextual:link-change", kwargs={"pk": joined.pk})
        assert b"Seen together several evenings" in client.get(url).content
        empty = client.post(url, {"summary": "", "reason": ""})
        assert empty.status_code == 200
        assert b"govuk-error-summary" in empty.content
        assert b"Enter what is known about the link" in empty.content
        response = client.post(
            url,
            {
                "summary": "Seen there most Friday evenings",
                "known_on_day": str(joined.known_on.day),
                "known_on_month": str(joined.known_on.month),
                "known_on_year": str(joined.known_on.year),
                "reason": "More exact",
            },
            follow=True,
        )
        text = response.content.decode()
        assert "Link changed" in text
        assert "was “Seen together several evenings”, now “Seen there most Friday evenings”" in text
        assert "More exact" in text
        assert signed_in(world.teacher).get(url).status_code == 404
