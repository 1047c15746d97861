"""Finding (issue 10): the MASH's reasons reached the referrer through the child's chronology.

The decision form promises the referrer "will not see your reasons". The rationale and the
agencies' answers are for the Multi-Agency Safeguarding Hub (MASH) and children's social care
only; the referrer (and every other agency with access) reads the outcome written for them.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from safeguard.api.services import partner_token_create
from safeguard.core.models import AgencyKind, Role
from safeguard.frontdoor import services
from safeguard.frontdoor.models import Contact, Outcome
from safeguard.frontdoor.services import ChildDetails
from safeguard.people.access import chronology_visible_to
from safeguard.people.models import ChronologyEvent, Visibility
from tests.api.test_partner_api import CONCERN
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory

from .conftest import concern_kwargs

RATIONALE = "CANARY-RATIONALE mother disclosed a new partner with a violent history"
MESSAGE = "CANARY-MESSAGE the family will be offered support from a family worker"


@pytest.fixture
def pupil(referrer):
    child = PersonFactory(given_name="Kai", family_name="Reasonstest")
    InvolvementFactory(person=child, agency=referrer.agency)
    return child


@pytest.fixture
def social_worker(make_user):
    csc = AgencyFactory(name="Children's Social Care", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    return make_user(Role.PRACTITIONER, agency=csc)


@pytest.fixture
def decided(referrer, mash_worker, mash_manager, pupil, police_agency, social_worker):  # noqa: PLR0917
    InvolvementFactory(person=pupil, agency=social_worker.agency)
    contact = services.contact_submit(
        by=referrer, **concern_kwargs(children=[ChildDetails(person_id=pupil.pk)])
    )
    enquiry = services.information_request_create(
        by=mash_worker, contact=contact, agency=police_agency, question="What do you know?"
    )
    services.information_request_answer(
        by=mash_worker, request=enquiry, answer="CANARY-ANSWER two call-outs last month"
    )
    services.threshold_decide(
        by=mash_worker,
        contact=contact,
        level=3,
        outcome=Outcome.TARGETED_INTERVENTION,
        rationale=RATIONALE,
        message_to_referrer=MESSAGE,
    )
    # Level 3 needs a manager's sign-off before the referrer is told (issue 9).
    services.threshold_sign_off(by=mash_manager, contact=Contact.objects.get(pk=contact.pk))
    return contact


class TestTheSchoolNeverSeesTheMashsReasons:
    def test_the_rationale_is_for_the_mash_and_social_care_only(self, decided, pupil):
        # Proposed, then signed off: each entry carries the reasons, each for the MASH only.
        reasons = ChronologyEvent.objects.filter(
            person=pupil, source_type="frontdoor.threshold_decision"
        )
        assert reasons.exists()
        assert {r.detail for r in reasons} == {RATIONALE}
        assert {r.visibility for r in reasons} == {Visibility.MASH_AND_SOCIAL_CARE}
        outcome = ChronologyEvent.objects.get(
            person=pupil, source_type="frontdoor.decision_outcome"
        )
        assert outcome.detail == MESSAGE
        assert outcome.visibility == Visibility.EVERYONE
        answers = ChronologyEvent.objects.filter(
            person=pupil, source_type="frontdoor.information_request"
        )
        assert {a.visibility for a in answers} == {Visibility.MASH_AND_SOCIAL_CARE}

    def test_the_school_reads_the_outcome_not_the_reasons(
        self, decided, pupil, referrer, signed_in
    ):
        client = signed_in(referrer)
        page = client.get(reverse("people:detail", args=[pupil.pk])).content.decode()
        assert MESSAGE in page
        assert "CANARY-RATIONALE" not in page
        assert "replied to the Multi-Agency Safeguarding Hub" not in page
        for side in ("people:viewers", "sharing:person"):
            body = client.get(reverse(side, args=[pupil.pk])).content.decode()
            assert "CANARY-RATIONALE" not in body
            assert "CANARY-ANSWER" not in body

    def test_the_mash_and_social_care_read_the_reasons(
        self, decided, pupil, mash_worker, social_worker, signed_in
    ):
        for user in (mash_worker, social_worker):
            page = signed_in(user).get(reverse("people:detail", args=[pupil.pk])).content.decode()
            assert "CANARY-RATIONALE" in page
            assert MESSAGE in page

    def test_the_police_who_answered_do_not_read_the_reasons(
        self, decided, pupil, police_agency, make_user
    ):
        InvolvementFactory(person=pupil, agency=police_agency)
        officer = make_user(Role.PRACTITIONER, agency=police_agency)
        titles = " ".join(e.detail for e in chronology_visible_to(officer, pupil))
        assert "CANARY-RATIONALE" not in titles
        assert MESSAGE in titles

    def test_the_partner_api_gives_the_referrer_the_outcome_not_the_reasons(
        self, referrer, mash_worker, mash_agency
    ):
        _, token = partner_token_create(by=None, agency=referrer.agency, name="School MIS")
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        body = CONCERN
        client = Client()
        made = client.post(
            "/api/v1/frontdoor/concerns", json.dumps(body), content_type="application/json", **auth
        )
        assert made.status_code == 201, made.content
        reference = made.json()["reference"]
        services.threshold_decide(
            by=mash_worker,
            contact=Contact.objects.get(reference=reference),
            level=2,
            outcome=Outcome.SIGNPOST,
            rationale=RATIONALE,
            message_to_referrer=MESSAGE,
        )
        status = client.get(f"/api/v1/frontdoor/status/{reference}", **auth)
        assert status.status_code == 200
        assert MESSAGE in status.content.decode()
        assert "CANARY-RATIONALE" not in status.content.decode()


class TestAConcernDraftForgetsAChildWhoseAccessEnded:
    """Finding (issue 10, smaller): a concern draft kept showing a child after access was revoked."""

    def test_the_draft_stops_naming_the_child(self, referrer, make_user, signed_in):
        from safeguard.frontdoor.models import ContactDraft
        from safeguard.people.access import access_grant_revoke
        from tests.factories import AccessGrantFactory

        child = PersonFactory(given_name="Ottilie", family_name="Draftforget")
        granter = make_user(Role.PRACTITIONER)
        grant = AccessGrantFactory(person=child, agency=referrer.agency, granted_by=granter)
        client = signed_in(referrer)
        url = reverse("frontdoor:report-children")
        client.post(url, {"action": "add", "person_id": str(child.pk)})
        assert "Draftforget" in client.get(url).content.decode()

        access_grant_revoke(by=granter, grant=grant, reason="Share ended")
        page = client.get(url).content.decode()
        assert "Ottilie" not in page
        assert "Draftforget" not in page
        assert ContactDraft.objects.get(user=referrer).data["children"] == []
