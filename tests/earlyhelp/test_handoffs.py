"""Early help's hand-offs: a lead practitioner to allocate, and stepping up to the MASH."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role, TeamMembership, TeamPurpose
from safeguard.earlyhelp import services
from safeguard.earlyhelp.handoffs import StepUp, allocation_item, episode_lead_allocate
from safeguard.earlyhelp.models import Assessment, Episode
from safeguard.earlyhelp.selectors import can_change_episode
from safeguard.frontdoor import services as frontdoor
from safeguard.frontdoor.models import Contact, ContactDraft, Outcome, Submission
from safeguard.frontdoor.selectors import mash_queue
from safeguard.people.access import AccessDenied
from safeguard.people.models import Involvement
from safeguard.work.models import WorkItem, WorkKind, WorkStatus
from tests.factories import AgencyFactory, TeamFactory
from tests.frontdoor.conftest import concern_kwargs

TODAY = timezone.localdate


@pytest.fixture
def early_help_team(make_user):
    council = AgencyFactory(name="Test Council", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    team = TeamFactory(agency=council, name="Early help team", purpose=TeamPurpose.EARLY_HELP)
    manager = make_user(Role.PRACTITIONER, agency=council, first_name="Jordan", last_name="Hale")
    worker = make_user(Role.PRACTITIONER, agency=council, first_name="Ellis", last_name="Grant")
    TeamMembership.objects.create(team=team, user=manager, is_manager=True, since=TODAY())
    TeamMembership.objects.create(team=team, user=worker, is_manager=False, since=TODAY())
    team.manager, team.worker = manager, worker
    return team


@pytest.fixture
def mash_worker(make_user):
    return make_user(Role.MASH_WORKER, agency=AgencyFactory(name="Test MASH", is_mash=True))


@pytest.fixture
def decided(family, mash_worker, early_help_team):
    """A Level 2 "early help assessment" decision on a concern the school reported."""
    from safeguard.frontdoor.services import ChildDetails

    contact = frontdoor.contact_submit(
        by=family.lead, **concern_kwargs(children=[ChildDetails(person_id=family.older.pk)])
    )
    frontdoor.threshold_decide(
        by=mash_worker,
        contact=contact,
        level=2,
        outcome=Outcome.EARLY_HELP_ASSESSMENT,
        rationale="Emerging needs; the family wants help.",
        message_to_referrer="Early help will contact the family.",
    )
    return Episode.objects.get(source_reference=contact.reference)


class TestLeadAllocation:
    def test_the_early_help_team_is_asked_to_allocate_a_lead(self, decided, early_help_team):
        item = allocation_item(decided)
        assert item is not None
        assert item.team == early_help_team
        assert item.kind == WorkKind.ALLOCATE_LEAD
        assert item.assignee == early_help_team.manager
        assert item.subject_url == reverse("earlyhelp:allocate", args=[decided.pk])
        assert decided.lead_practitioner is None

    def test_the_team_can_open_the_child_at_once(self, decided, early_help_team, family):
        assert Involvement.objects.filter(
            person=family.older, agency=early_help_team.agency, ended__isnull=True
        ).exists()
        assert can_change_episode(early_help_team.manager, decided)

    def test_the_manager_allocates_and_the_item_closes(self, decided, early_help_team, family):
        item = allocation_item(decided)
        episode_lead_allocate(
            by=early_help_team.manager, episode=decided, lead=early_help_team.worker
        )
        decided.refresh_from_db()
        item.refresh_from_db()
        assert decided.lead_practitioner == early_help_team.worker
        assert decided.lead_agency == early_help_team.agency
        assert item.status == WorkStatus.DONE
        assert (
            Involvement.objects.get(
                person=family.older, agency=early_help_team.agency
            ).lead_practitioner
            == early_help_team.worker
        )
        assert can_change_episode(early_help_team.worker, decided)

    def test_only_a_manager_of_the_team_allocates(self, decided, early_help_team):
        with pytest.raises(AccessDenied):
            episode_lead_allocate(
                by=early_help_team.worker, episode=decided, lead=early_help_team.worker
            )

    def test_the_lead_must_be_in_the_team(self, decided, early_help_team, family):
        with pytest.raises(ValidationError) as caught:
            episode_lead_allocate(by=early_help_team.manager, episode=decided, lead=family.lead)
        assert "lead" in caught.value.message_dict

    def test_an_episode_with_a_lead_asks_for_nothing(self, episode):
        assert allocation_item(episode) is None


class TestAllocationPage:
    def test_the_manager_allocates_on_the_page(self, signed_in, decided, early_help_team):
        client = signed_in(early_help_team.manager)
        url = reverse("earlyhelp:allocate", args=[decided.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert b"Allocate a lead practitioner" in page.content
        assert b"Ellis Grant" in page.content
        empty = client.post(url, {})
        assert empty.status_code == 400
        assert b"Select the lead practitioner" in empty.content
        done = client.post(url, {"lead": early_help_team.worker.pk})
        assert done.status_code == 302
        decided.refresh_from_db()
        assert decided.lead_practitioner == early_help_team.worker
        assert client.get(url).status_code == 404  # nothing left to allocate

    @pytest.mark.parametrize("who", ["worker", "outsider", "school"])
    def test_nobody_else_opens_it(self, signed_in, decided, early_help_team, request, who):
        user = {
            "worker": early_help_team.worker,
            "outsider": request.getfixturevalue("outsider"),
            "school": request.getfixturevalue("family").lead,
        }[who]
        url = reverse("earlyhelp:allocate", args=[decided.pk])
        assert signed_in(user).get(url).status_code == 404

    def test_the_episode_page_says_a_lead_is_awaited(self, signed_in, decided, early_help_team):
        page = signed_in(early_help_team.manager).get(
            reverse("earlyhelp:detail", args=[decided.pk])
        )
        assert b"Waiting for Early help team to allocate one" in page.content
        assert reverse("earlyhelp:allocate", args=[decided.pk]).encode() in page.content


class TestSteppingUp:
    def _assessment(self, episode, lead):
        assessment = services.assessment_start(by=lead, episode=episode)
        return services.assessment_save(
            by=lead,
            assessment=assessment,
            complete=True,
            lead_practitioner=lead,
            assessment_date=TODAY(),
            family_view="Mum says the mornings are the hardest.",
            child_voice="Isla said she is hungry at school.",
            needs="Food, routines and school attendance.",
            plan="Breakfast club and a family support worker.",
        )

    def test_stepping_up_reports_a_concern_to_the_mash(self, family, episode, mash_worker):
        self._assessment(episode, family.lead)
        ContactDraft.objects.create(user=family.lead, data={"children": [], "answers": {"x": 1}})
        closed = services.episode_close(
            by=family.lead,
            episode=episode,
            reason="stepped_up",
            closed_on=TODAY(),
            note="Bruising seen twice this week.",
            step_up=StepUp(categories=["neglect", "physical_abuse"], consent="given"),
        )
        contact = Contact.objects.get(reference=closed.stepped_up_to)
        assert contact.submitted_via == Submission.EARLY_HELP
        assert set(contact.children.all()) == {family.older, family.younger}
        assert episode.reference in contact.what_happened
        assert "Bruising seen twice this week." in contact.what_happened
        assert "Food, routines and school attendance." in contact.what_happened
        assert contact.child_voice == "Isla said she is hungry at school."
        assert contact.family_knows == "Mum says the mornings are the hardest."
        assert contact.referrer == family.lead
        rows, _ = mash_queue(user=mash_worker)
        assert contact.reference in [row.contact.reference for row in rows]
        # The worker's own half-written concern is kept.
        assert ContactDraft.objects.filter(user=family.lead).exists()

    def test_stepping_up_needs_what_the_concern_is_about(self, family, episode):
        with pytest.raises(ValidationError) as caught:
            services.episode_close(
                by=family.lead, episode=episode, reason="stepped_up", closed_on=TODAY()
            )
        assert {"categories", "consent"} <= set(caught.value.message_dict)
        episode.refresh_from_db()
        assert episode.is_open
        assert not Contact.objects.exists()

    def test_other_closures_report_nothing(self, family, episode):
        services.episode_close(
            by=family.lead, episode=episode, reason="needs_met", closed_on=TODAY()
        )
        assert not Contact.objects.exists()

    def test_the_close_page_says_the_concern_was_sent(self, signed_in, family, episode):
        client = signed_in(family.lead)
        url = reverse("earlyhelp:close", args=[episode.pk])
        missing = client.post(
            url,
            {
                "reason": "stepped_up",
                "closed_on_day": TODAY().day,
                "closed_on_month": TODAY().month,
                "closed_on_year": TODAY().year,
            },
        )
        assert b"Select what the concern for the MASH is about" in missing.content
        response = client.post(
            url,
            {
                "reason": "stepped_up",
                "closed_on_day": TODAY().day,
                "closed_on_month": TODAY().month,
                "closed_on_year": TODAY().year,
                "note": "Worries grew.",
                "categories": ["neglect"],
                "consent": "not_asked",
                "no_consent_reason": "increase_risk",
            },
            follow=True,
        )
        episode.refresh_from_db()
        assert episode.stepped_up_to.startswith("MASH-")
        assert f"reference {episode.stepped_up_to}".encode() in response.content
        assert Assessment.objects.count() == 0
        assert WorkItem.objects.filter(kind=WorkKind.ALLOCATE_LEAD).count() == 0
