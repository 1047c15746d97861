"""Person pages: search, the person page, who has looked, adding and changing a person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AuditAction, AuditEvent, Role
from safeguard.people.models import OtherName, Person, Relationship, RelationshipKind

from ..factories import ChronologyEventFactory, InvolvementFactory, PersonFactory, valid_nhs_number

BAD_SEARCHES = [
    ("' OR 1=1; DROP TABLE people_person; --", None),
    ('"; SELECT * FROM core_user --', None),
    ("x" * 10_000, "Search must be 200 characters or fewer"),
    ("31/02/2015", "is not a real date"),
    ("0000000001", "Enter a real NHS number"),
    ("943 476 5918", "Enter a real NHS number"),
    ("%_%", None),
    ("\x00", None),
    ("<script>alert(1)</script>", None),
]


@pytest.mark.django_db
class TestSearch:
    @pytest.mark.parametrize(("query", "message"), BAD_SEARCHES)
    def test_bad_input_gives_a_clear_answer_never_an_error(
        self, signed_in, practitioner, child, query, message
    ):
        response = signed_in(practitioner).get(reverse("people:search"), {"q": query})
        assert response.status_code == 200
        body = response.content.decode()
        assert "<script>alert(1)</script>" not in body
        if message:
            assert "There is a problem" in body
            assert message in body
            assert 'class="govuk-input govuk-input--error"' in body
        assert Person.objects.filter(pk=child.pk).exists()

    def test_a_misspelt_name_still_finds_the_child(self, signed_in, practitioner, child):
        response = signed_in(practitioner).get(reverse("people:search"), {"q": "Jaden Smyth"})
        assert str(child.pk) in response.content.decode()

    def test_a_nickname_finds_the_child(self, signed_in, practitioner, agency):
        william = PersonFactory(given_name="William", family_name="Ackroyd")
        InvolvementFactory(person=william, agency=agency)
        response = signed_in(practitioner).get(reverse("people:search"), {"q": "Billy Ackroyd"})
        assert str(william.pk) in response.content.decode()

    def test_another_name_finds_the_child(self, signed_in, practitioner, child):
        OtherName.objects.create(
            person=child, kind=OtherName.Kind.PREVIOUS, given_name="Jayden", family_name="Pickering"
        )
        response = signed_in(practitioner).get(reverse("people:search"), {"q": "Jayden Pickering"})
        assert str(child.pk) in response.content.decode()

    def test_date_of_birth_postcode_and_nhs_number_each_find_the_child(
        self, signed_in, practitioner, child
    ):
        child.nhs_number = valid_nhs_number(7)
        child.current_postcode = "YO24 3AB"
        child.save()
        client = signed_in(practitioner)
        for query in ("17/05/2014", "2014-05-17", "yo24 3ab", child.nhs_number, "Smith 17/05/2014"):
            response = client.get(reverse("people:search"), {"q": query})
            assert str(child.pk) in response.content.decode(), query

    def test_every_child_shown_is_recorded_as_listed(self, signed_in, practitioner, child):
        signed_in(practitioner).get(reverse("people:search"), {"q": "Jayden"})
        event = AuditEvent.objects.get(action=AuditAction.LIST)
        assert event.person_id == child.pk
        assert event.actor_id == practitioner.pk


@pytest.mark.django_db
class TestPersonPage:
    def test_shows_details_relationships_involvements_and_chronology(
        self, signed_in, practitioner, child, agency
    ):
        mother = PersonFactory(
            given_name="Leanne", family_name="Smith", date_of_birth=dt.date(1990, 1, 1)
        )
        Relationship.objects.create(person=child, other=mother, kind=RelationshipKind.CHILD)
        ChronologyEventFactory(person=child, title="Attendance below 90% this term", agency=agency)
        body = (
            signed_in(practitioner).get(reverse("people:detail", args=[child.pk])).content.decode()
        )
        assert "Jayden Smith" in body
        assert "Leanne Smith" in body
        assert agency.name in body
        assert "Attendance below 90% this term" in body
        assert "moj-timeline" in body

    def test_each_view_is_audited_and_shown_on_who_has_looked(self, signed_in, practitioner, child):
        client = signed_in(practitioner)
        client.get(reverse("people:detail", args=[child.pk]))
        assert (
            AuditEvent.objects.filter(
                action=AuditAction.VIEW, person_id=child.pk, actor_id=practitioner.pk
            ).count()
            == 1
        )
        body = client.get(reverse("people:viewers", args=[child.pk])).content.decode()
        assert practitioner.username in body
        assert "Viewed" in body

    def test_sensitive_events_stay_hidden_without_a_grant_naming_them(
        self, signed_in, practitioner, child
    ):
        ChronologyEventFactory(
            person=child,
            title="Seen with older males near the station",
            record_type="police_intelligence",
        )
        ChronologyEventFactory(person=child, title="School nurse drop-in", record_type="general")
        body = (
            signed_in(practitioner).get(reverse("people:detail", args=[child.pk])).content.decode()
        )
        assert "School nurse drop-in" in body
        assert "older males" not in body

    def test_queries_do_not_grow_with_the_number_of_events(
        self, signed_in, practitioner, child, django_assert_max_num_queries
    ):
        for n in range(10):
            other = PersonFactory(given_name=f"Relative{n}")
            Relationship.objects.create(person=child, other=other, kind=RelationshipKind.SIBLING)
        client = signed_in(practitioner)
        url = reverse("people:detail", args=[child.pk])
        counts = []
        for total in (10, 100, 1000):
            ChronologyEventFactory.create_batch(total - child.chronology.count(), person=child)
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1] == counts[2]
        # 26: the page's audit is now one view event and ONE event naming the 10 relatives
        # (was 11 events), whose name rows take one more INSERT (issue 19: audit that scales).
        # 25: whether the user may change the record reuses the access rule's answer that
        # opened the page, instead of asking the rule again (issue 19: hot pages profiled).
        with django_assert_max_num_queries(25) as one_view:
            response = client.get(url)
        assert "Change details" in response.content.decode()
        access_checks = [
            q
            for q in one_view.captured_queries
            if q["sql"].startswith('SELECT 1 AS "a" FROM "people_involvement"')
        ]
        assert len(access_checks) == 1, [q["sql"][:150] for q in access_checks]

    def test_chronology_is_paged(self, signed_in, practitioner, child):
        ChronologyEventFactory.create_batch(120, person=child)
        client = signed_in(practitioner)
        first = client.get(reverse("people:detail", args=[child.pk])).content.decode()
        assert "Page 1 of 3" in first
        last = client.get(
            reverse("people:detail", args=[child.pk]), {"page": "99"}
        ).content.decode()
        assert "Page 3 of 3" in last
        odd = client.get(reverse("people:detail", args=[child.pk]), {"page": "x' OR 1=1"})
        assert odd.status_code == 200


VALID_PERSON = {
    "given_name": "Ruby",
    "family_name": "Lister",
    "date_of_birth_day": "3",
    "date_of_birth_month": "3",
    "date_of_birth_year": "2016",
    "sex": "female",
    "ethnicity": "not_known",
    "postcode": "YO31 7AB",
    "address_line_1": "12 Haxby Road",
}


@pytest.mark.django_db
class TestAddPerson:
    def test_a_person_is_added_with_an_involvement_and_an_audit_event(
        self, signed_in, practitioner
    ):
        response = signed_in(practitioner).post(reverse("people:create"), VALID_PERSON)
        person = Person.objects.get(family_name="Lister")
        assert response.status_code == 302
        assert person.involvements.get().agency == practitioner.agency
        assert person.current_postcode == "YO31 7AB"
        assert AuditEvent.objects.filter(
            action=AuditAction.CREATE, person_id=person.pk, object_type="person"
        ).exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"given_name": ""}, "Enter a given name"),
            (
                {"date_of_birth_day": "31", "date_of_birth_month": "2"},
                "Date of birth must be a real date",
            ),
            ({"date_of_birth_month": ""}, "Date of birth must include a month"),
            (
                {"date_of_birth_year": str(timezone.localdate().year + 1)},
                "Date of birth must be today or in the past",
            ),
            ({"date_of_birth_year": "16"}, "Year must include 4 numbers"),
            ({"date_of_birth_year": "1066"}, "Date of birth must be after"),
            ({"nhs_number": "943 476 5918"}, "Enter a real NHS number"),
            ({"unique_pupil_number": "B123456789012"}, "Enter a real Unique Pupil Number"),
            ({"postcode": "NOT A POSTCODE"}, "Enter a real postcode"),
            ({"given_name": "x" * 10_000}, "Given name must be 100 characters or fewer"),
            ({"send": "y" * 100_000}, "must be 10,000 characters or fewer"),
            ({"sex": "robot"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_is_explained_and_what_was_typed_is_kept(
        self, signed_in, practitioner, changes, message
    ):
        data = {**VALID_PERSON, "family_name": "Keep-This-Name", **changes}
        response = signed_in(practitioner).post(reverse("people:create"), data)
        body = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in body
        assert message in body
        assert "Keep-This-Name" in body
        assert not Person.objects.filter(family_name="Keep-This-Name").exists()

    def test_html_in_a_name_is_shown_escaped(self, signed_in, practitioner):
        client = signed_in(practitioner)
        client.post(
            reverse("people:create"), {**VALID_PERSON, "given_name": "<script>alert(1)</script>"}
        )
        person = Person.objects.get(family_name="Lister")
        body = client.get(reverse("people:detail", args=[person.pk])).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body

    def test_roles_without_personal_data_cannot_add_people(self, signed_in, make_user):
        analyst = make_user(Role.ANALYST)
        assert signed_in(analyst).get(reverse("people:create")).status_code == 404


@pytest.mark.django_db
class TestChangePerson:
    def test_a_change_records_before_and_after(self, signed_in, practitioner, child):
        data = {**VALID_PERSON, "given_name": "Jayden", "family_name": "Smith-Lister"}
        data.pop("postcode")
        data.pop("address_line_1")
        response = signed_in(practitioner).post(reverse("people:edit", args=[child.pk]), data)
        assert response.status_code == 302
        event = AuditEvent.objects.filter(action=AuditAction.UPDATE, person_id=child.pk).get()
        assert event.changes["family_name"] == {"before": "Smith", "after": "Smith-Lister"}
