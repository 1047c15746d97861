"""Every page naming a person, and every refusal, leaves an audit event."""

from __future__ import annotations

import pytest

from safeguard.core.models import AgencyKind, AuditAction, AuditEvent, Role

from ..factories import (
    AccessGrantFactory,
    AgencyFactory,
    HouseholdFactory,
    HouseholdMemberFactory,
    InvolvementFactory,
    PersonFactory,
)
from ..test_every_url import all_paths


def _events_of(response):
    return AuditEvent.objects.filter(request_id=response["X-Request-ID"])


@pytest.mark.django_db
class TestAuditGapsRefusals:
    """Finding: 8 of 17 kinds of refusal left no audit event."""

    def test_every_refused_page_leaves_exactly_one_refusal_event(
        self, signed_in, make_user, named_child
    ):
        outsider = make_user(Role.PRACTITIONER, agency=AgencyFactory())
        client = signed_in(outsider)
        refused = 0
        for path in all_paths(str(named_child.pk)):
            response = client.get(path)
            if response.status_code not in (403, 404):
                continue
            refused += 1
            denials = _events_of(response).filter(action=AuditAction.DENY)
            assert denials.count() == 1, f"{path}: {denials.count()} refusal events"
            assert denials.get().actor_id == outsider.pk
        assert refused > 20  # the walk did meet the refusals of many kinds of page

    def test_a_refusal_the_view_records_itself_is_not_recorded_twice(
        self, signed_in, make_user, named_child
    ):
        outsider = make_user(Role.PRACTITIONER, agency=AgencyFactory())
        response = signed_in(outsider).get(f"/people/{named_child.pk}/")
        assert response.status_code == 404
        denial = _events_of(response).get(action=AuditAction.DENY)
        assert denial.person_id == named_child.pk

    def test_a_role_without_the_permission_is_recorded_with_the_page(self, signed_in, make_user):
        analyst = make_user(Role.ANALYST)
        response = signed_in(analyst).get("/people/records/")
        assert response.status_code == 404
        denial = _events_of(response).get(action=AuditAction.DENY)
        assert denial.object_type == "page"
        assert denial.object_id == "/people/records/"
        assert "records:queue" in denial.reason

    def test_a_rate_limit_refusal_is_recorded(self, signed_in, practitioner, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/minute"}
        client = signed_in(practitioner)
        assert client.get("/people/?q=Smith").status_code == 200
        response = client.get("/people/?q=Smith")
        assert response.status_code == 429
        denial = _events_of(response).get(action=AuditAction.DENY)
        assert denial.object_type == "rate_limit"
        assert denial.actor_id == practitioner.pk

    def test_signed_out_visitors_leave_no_refusal_noise(self, client, named_child):
        client.get(f"/people/{named_child.pk}/")
        assert not AuditEvent.objects.filter(action=AuditAction.DENY).exists()


@pytest.fixture
def named_child(db):
    return PersonFactory(given_name="Quillon", family_name="Zebediah")


@pytest.mark.django_db
class TestAuditGapsPagesThatNamePeople:
    """Finding: pages named people with no audit event.

    My work, the share-request and revoke forms, police forms and the police queue, and
    relatives on the person page.
    """

    def test_my_work_records_each_child_it_names(self, signed_in, practitioner):
        children = [PersonFactory() for _ in range(3)]
        for person in children:
            InvolvementFactory(
                person=person, agency=practitioner.agency, lead_practitioner=practitioner
            )
        response = signed_in(practitioner).get("/")
        assert response.status_code == 200
        listed = _events_of(response).filter(action=AuditAction.LIST, object_type="my_work")
        # One event for the page, naming every child it shows (issue 19: an audit that scales).
        assert len(listed) == 1
        assert listed[0].people_named() == {p.pk for p in children}
        for person in children:
            assert AuditEvent.objects.about(person.pk).filter(object_type="my_work").exists()

    def test_the_person_page_records_the_relatives_it_names(self, signed_in, practitioner, child):
        from safeguard.people.models import Relationship, RelationshipKind

        household = HouseholdFactory()
        HouseholdMemberFactory(household=household, person=child)
        sister = PersonFactory(given_name="Sister")
        HouseholdMemberFactory(household=household, person=sister)
        lodger = PersonFactory(given_name="Lodger")
        HouseholdMemberFactory(household=household, person=lodger)
        Relationship.objects.create(person=sister, other=child, kind=RelationshipKind.SIBLING)
        response = signed_in(practitioner).get(f"/people/{child.pk}/")
        assert response.status_code == 200
        assert b"Sister" in response.content
        assert b"Lodger" not in response.content  # a household member the page does not name
        listed = _events_of(response).filter(object_type="person_relatives")
        assert [e.person_id for e in listed] == [sister.pk]
        assert _events_of(response).filter(action=AuditAction.VIEW, person_id=child.pk).count() == 1

    def test_the_share_request_form_records_the_person(self, signed_in, practitioner, child):
        response = signed_in(practitioner).get(f"/sharing/people/{child.pk}/request/")
        assert response.status_code == 200
        assert _events_of(response).filter(action=AuditAction.VIEW, person_id=child.pk).exists()

    def test_the_revoke_form_records_the_person(self, signed_in, practitioner, child):
        grant = AccessGrantFactory(person=child, granted_by=practitioner, agency=AgencyFactory())
        response = signed_in(practitioner).get(f"/sharing/grants/{grant.pk}/revoke/")
        assert response.status_code == 200, response.status_code
        assert _events_of(response).filter(action=AuditAction.VIEW, person_id=child.pk).exists()

    def test_the_police_queue_and_forms_record_each_form_shown(self, signed_in, make_user):
        from safeguard.frontdoor import services
        from safeguard.frontdoor.models import PoliceFormKind

        police = AgencyFactory(kind=AgencyKind.POLICE)
        referrer = make_user(Role.PRACTITIONER)
        sent = services.police_form_submit(
            by=referrer,
            kind=PoliceFormKind.WELFARE_CHECK,
            subject_name="Jo Example",
            subject_date_of_birth=None,
            location="York",
            details="Not seen for two days.",
            contact_name="Alex",
            contact_email="alex@example.invalid",
        )
        officer = make_user(Role.PRACTITIONER, agency=police)
        client = signed_in(officer)
        queue = client.get("/police/queue/")
        assert queue.status_code == 200
        assert sent.reference.encode() in queue.content
        listed = _events_of(queue).filter(action=AuditAction.LIST, object_type="police_form")
        assert [e.object_id for e in listed] == [sent.reference]
        detail = client.get(f"/police/forms/{sent.reference}/")
        assert detail.status_code == 200
        assert _events_of(detail).filter(action=AuditAction.VIEW, object_id=sent.reference).exists()
        receipt = signed_in(referrer).get(f"/police/sent/{sent.reference}/")
        assert receipt.status_code == 200
        assert (
            _events_of(receipt).filter(action=AuditAction.VIEW, object_id=sent.reference).exists()
        )
