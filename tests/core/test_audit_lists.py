"""One audit event per list: it names everyone shown, and the chain covers the names.

"Who has looked at this record" still finds the list for each person named (issue 19:
an audit that scales).
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from safeguard.core.audit import audit_record, checkpoint_write, verify_chain
from safeguard.core.models import AuditAction, AuditEvent, AuditSubject
from safeguard.people.events import PeopleEvent

from ..audit_triggers import audit_triggers
from ..factories import InvolvementFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _search_shows_three(signed_in, practitioner):
    children = [PersonFactory(given_name="Zebedee") for _ in range(3)]
    for person in children:
        InvolvementFactory(person=person, agency=practitioner.agency)
    response = signed_in(practitioner).get(reverse("people:search"), {"q": "Zebedee"})
    assert response.status_code == 200
    return children


class TestAListPageWritesOneEvent:
    def test_a_search_showing_three_children_writes_one_event_naming_all_three(
        self, signed_in, practitioner
    ):
        children = _search_shows_three(signed_in, practitioner)
        listed = AuditEvent.objects.filter(action=AuditAction.LIST)
        assert listed.count() == 1
        event = listed.get()
        assert event.people_named() == {c.pk for c in children}
        assert event.changes == {"shown": 3}
        assert verify_chain()[1] is None

    def test_each_child_s_who_has_looked_page_shows_the_search(self, signed_in, practitioner):
        children = _search_shows_three(signed_in, practitioner)
        for child in children:
            page = signed_in(practitioner).get(reverse("people:viewers", args=[child.pk]))
            assert page.status_code == 200
            assert practitioner.username in page.content.decode()
            assert AuditEvent.objects.about(child.pk).filter(action=AuditAction.LIST).count() == 1

    def test_a_list_of_one_is_recorded_about_that_child_and_indexed_like_any_list(
        self, practitioner
    ):
        child = PersonFactory()
        event = audit_record(
            by=practitioner,
            action=AuditAction.LIST,
            object_type=PeopleEvent.SEARCH_RESULT,
            people=[child.pk],
        )
        assert event.person_id == child.pk
        assert list(AuditSubject.objects.values_list("person_id", flat=True)) == [child.pk]
        assert list(AuditEvent.objects.about(child.pk)) == [event]

    def test_subject_access_lists_the_search_for_every_child_it_named(
        self, signed_in, practitioner
    ):
        from safeguard.rights.subject_access import _disclosure_log

        children = _search_shows_three(signed_in, practitioner)
        for child in children:
            items = _disclosure_log(child)
            assert any(
                "search result" in field.value
                for item in items
                for field in item.fields
                if field.label == "What they did"
            )


class TestTheNamesAreTamperEvident:
    def _list_event(self, practitioner):
        children = PersonFactory.create_batch(3)
        event = audit_record(
            by=practitioner,
            action=AuditAction.LIST,
            object_type=PeopleEvent.SEARCH_RESULT,
            people=[c.pk for c in children],
        )
        audit_record(by=practitioner, action=AuditAction.VIEW, object_type=PeopleEvent.PERSON)
        return event, children

    def test_removing_a_name_breaks_the_chain_at_that_event(self, practitioner):
        event, children = self._list_event(practitioner)
        audit_triggers(enable=False)
        try:
            AuditSubject.objects.filter(event=event, person_id=children[1].pk).delete()
        finally:
            audit_triggers(enable=True)
        _, problem = verify_chain()
        assert problem is not None
        assert problem.sequence == event.sequence
        assert "altered" in problem.message

    def test_adding_a_name_breaks_the_chain_at_that_event(self, practitioner):
        event, _ = self._list_event(practitioner)
        AuditSubject.objects.create(event=event, person_id=PersonFactory().pk)
        _, problem = verify_chain()
        assert problem is not None
        assert problem.sequence == event.sequence

    def test_a_checkpoint_refuses_to_sign_a_chain_whose_names_were_changed(self, practitioner):
        event, _ = self._list_event(practitioner)
        AuditSubject.objects.create(event=event, person_id=PersonFactory().pk)
        with pytest.raises(ValueError, match="broken chain"):
            checkpoint_write()

    def test_the_names_cannot_be_changed_or_removed(self, practitioner):
        # A transactional test elsewhere may have left the triggers off (PostgreSQL keeps
        # ALTER TABLE across tests): switch them on inside this test's own transaction.
        audit_triggers(enable=True)
        event, children = self._list_event(practitioner)
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditSubject.objects.filter(event=event).delete()
        with pytest.raises(DatabaseError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE core_auditsubject SET person_id = person_id")
        assert AuditSubject.objects.filter(event=event).count() == 3
