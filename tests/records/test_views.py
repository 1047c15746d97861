import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from safeguard.core.models import AuditEvent, Role
from safeguard.people.access import mash_lookup_record
from safeguard.records.models import AgencyRecord, LinkReview, LinkStatus, PersonMerge, RecordImport
from safeguard.records.services import person_merge, records_import_file
from tests.factories import PersonFactory

from .helpers import csv_bytes, xlsx_bytes

DOB = dt.date(2015, 4, 3)


@pytest.fixture
def queued(mash_worker, police):
    william = PersonFactory(given_name="William", family_name="Taylor", date_of_birth=DOB)
    records_import_file(
        by=mash_worker,
        agency=police,
        file_name="x.csv",
        content=csv_bytes(
            [["N1", "Billy", "Taylor", "04/03/2015", "M", "3 Old Road", "YO1 1AA", ""]]
        ),
    )
    # The MASH may see William: it recorded why (pages name no one outside its access).
    mash_lookup_record(by=mash_worker, person=william, reason="Checking the police extract matches")
    return LinkReview.objects.get(), william


class TestAccess:
    @pytest.mark.parametrize(
        "role", [Role.PRACTITIONER, Role.ANALYST, Role.PANEL_CHAIR, Role.SYSTEM_ADMINISTRATOR]
    )
    def test_everyone_but_mash_staff_gets_page_not_found(self, make_user, signed_in, queued, role):
        review, _ = queued
        client = signed_in(make_user(role))
        for url in (
            reverse("records:queue"),
            reverse("records:review", args=[review.pk]),
            reverse("records:import-upload"),
        ):
            assert client.get(url).status_code == 404
        assert (
            client.post(
                reverse("records:review", args=[review.pk]), {"decision": "same"}
            ).status_code
            == 404
        )
        review.refresh_from_db()
        assert review.status == "open"

    def test_signed_out_people_are_sent_to_sign_in(self, client, db):
        response = client.get(reverse("records:queue"))
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]


class TestQueue:
    def test_the_queue_lists_open_matches_in_a_fixed_number_of_queries(
        self, signed_in, mash_worker, queued, django_assert_max_num_queries
    ):
        client = signed_in(mash_worker)
        # 21: the page's one audit event naming everyone listed adds one insert of the names
        # on PostgreSQL; the bound stays the same whatever the queue's length.
        with django_assert_max_num_queries(21):
            response = client.get(reverse("records:queue"))
        assert response.status_code == 200
        assert b"Multi-Agency Safeguarding Hub (MASH)" in response.content
        assert b"Billy Taylor" in response.content
        assert b"William Taylor" in response.content
        assert b"80%" in response.content
        assert AuditEvent.objects.filter(action="list", object_type="link_review_queue").exists()

    def test_the_review_shows_both_records_with_differences_marked_in_words(
        self, signed_in, mash_worker, queued, django_assert_max_num_queries
    ):
        review, william = queued
        client = signed_in(mash_worker)
        with django_assert_max_num_queries(25):
            response = client.get(reverse("records:review", args=[review.pk]))
        html = response.content.decode()
        assert "<mark>Billy</mark>" in html
        assert "<mark>William</mark>" in html
        assert "Different" in html
        assert "Same" in html
        assert "North Yorkshire Police record" in html
        assert "Nickname or exact" in html  # the match weights explanation
        assert "Confirm: same person" in html
        assert "Not the same person" in html
        assert AuditEvent.objects.filter(
            action="view", object_type="link_review", person_id=william.pk
        ).exists()

    def test_confirming_links_and_returns_to_the_queue(self, signed_in, mash_worker, queued):
        review, william = queued
        client = signed_in(mash_worker)
        response = client.post(
            reverse("records:review", args=[review.pk]),
            {"decision": "same", "reason": "Same school"},
            follow=True,
        )
        assert b"Linked as the same person" in response.content
        assert AgencyRecord.objects.get().person == william
        assert b"Undo link" in response.content

    def test_a_post_without_a_decision_shows_an_error(self, signed_in, mash_worker, queued):
        review, _ = queued
        response = signed_in(mash_worker).post(
            reverse("records:review", args=[review.pk]), {"reason": "x"}
        )
        assert response.status_code == 200
        assert b"Choose whether these are the same person" in response.content
        assert b"govuk-error-summary" in response.content

    def test_unlinking_needs_a_reason(self, signed_in, mash_worker, queued):
        review, william = queued
        client = signed_in(mash_worker)
        client.post(reverse("records:review", args=[review.pk]), {"decision": "same"})
        record = AgencyRecord.objects.get()
        url = reverse("records:unlink", args=[record.pk])
        response = client.post(url, {"reason": ""})
        assert b"Enter why you are undoing this" in response.content
        client.post(url, {"reason": "A different child"})
        record.refresh_from_db()
        assert record.person != william
        assert record.link_status == LinkStatus.NEW_PERSON


class TestUnmergePage:
    def test_a_merge_is_undone_from_its_page(self, signed_in, mash_worker):
        kept = PersonFactory(given_name="Ava")
        dup = PersonFactory(given_name="Ava")
        merge = person_merge(by=mash_worker, survivor=kept, merged=dup)
        mash_lookup_record(by=mash_worker, person=kept, reason="Checking the merge was right")
        client = signed_in(mash_worker)
        url = reverse("records:merge-undo", args=[merge.pk])
        assert b"Undo the merge" in client.get(url).content
        response = client.post(url, {"reason": "Twins, not one child"}, follow=True)
        assert b"separate people again" in response.content
        assert not PersonMerge.objects.get().is_active


class TestImportJourney:
    def test_upload_map_preview_confirm(self, signed_in, mash_worker, police):
        PersonFactory(given_name="William", family_name="Taylor", date_of_birth=DOB)
        client = signed_in(mash_worker)
        rows = [
            ["N1", "William", "Taylor", "03/04/2015", "M", "", "YO1 1AA", ""],
            ["N2", "=cmd|' /C calc'!A0", "Evil", "bad date", "M", "", "", ""],
            ["N3", "Leo", "Hill", "01/02/2012", "M", "", "", ""],
        ]
        upload = SimpleUploadedFile("police.csv", csv_bytes(rows), content_type="text/csv")
        response = client.post(
            reverse("records:import-upload"), {"agency": police.pk, "file": upload}
        )
        record_import = RecordImport.objects.get()
        assert response["Location"] == reverse("records:import-map", args=[record_import.pk])
        assert bytes(record_import.content)  # kept in the database until confirmed

        page = client.get(response["Location"])
        html = page.content.decode()
        assert '<option value="family_name" selected>' in html  # the guess for "Surname"
        assert "For example: William" in html
        data = {
            f"column_{i}": v
            for i, v in enumerate(
                [
                    "agency_record_id",
                    "given_name",
                    "family_name",
                    "date_of_birth",
                    "sex",
                    "address",
                    "postcode",
                    "nhs_number",
                ]
            )
        }
        response = client.post(page.request["PATH_INFO"], data)
        assert response["Location"] == reverse("records:import-preview", args=[record_import.pk])

        preview = client.get(response["Location"]).content.decode()
        assert "2 of 3 rows can be imported" in preview
        assert "&#x27;bad date&#x27; is not a date we can read" in preview
        assert "=cmd|" not in preview or "&#x27;" in preview

        done = client.post(reverse("records:import-preview", args=[record_import.pk]), follow=True)
        assert b"Import complete" in done.content
        record_import.refresh_from_db()
        assert record_import.status == "imported"
        assert bytes(record_import.content) == b""  # the file is not kept once imported
        assert record_import.summary["created"] == 2
        assert record_import.summary["auto_linked"] == 1

        problems = client.get(reverse("records:import-problems", args=[record_import.pk]))
        assert problems["Content-Disposition"].startswith("attachment")
        assert b"Row,Column,Problem" in problems.content

    def test_a_mapping_without_a_reference_is_refused_with_an_error_summary(
        self, signed_in, mash_worker, police
    ):
        client = signed_in(mash_worker)
        upload = SimpleUploadedFile("p.xlsx", xlsx_bytes([["N1", "Ava", "Smith"]]))
        response = client.post(
            reverse("records:import-upload"), {"agency": police.pk, "file": upload}
        )
        response = client.post(response["Location"], {"column_0": "", "column_1": "given_name"})
        assert response.status_code == 200
        assert b"Choose the column that holds the agency&#x27;s own reference" in response.content

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("notes.txt", b"hello", b"must be a CSV or an Excel workbook"),
            ("fake.xlsx", b"Ref,Name\n1,Ava", b"not a real Excel workbook"),
            ("big.csv", b"a," * (3 * 1024 * 1024), b"smaller than 5 MB"),
        ],
    )
    def test_wrong_files_are_refused_with_the_reason(  # noqa: PLR0917
        self, signed_in, mash_worker, police, name, content, message
    ):
        client = signed_in(mash_worker)
        upload = SimpleUploadedFile(name, content)
        response = client.post(
            reverse("records:import-upload"), {"agency": police.pk, "file": upload}
        )
        assert response.status_code == 200
        assert message in response.content
        assert b"govuk-error-summary" in response.content
        assert not RecordImport.objects.exists()


class TestIdentitiesWithoutAReason:
    """Finding: identities without a reason.

    The link review, unlink and possible-match pages named people outside the MASH's
    access with no recorded reason, and unlink worked on anyone.
    """

    @pytest.fixture
    def unseen(self, mash_worker, police):
        william = PersonFactory(given_name="William", family_name="Taylor", date_of_birth=DOB)
        records_import_file(
            by=mash_worker,
            agency=police,
            file_name="x.csv",
            content=csv_bytes(
                [["N1", "Billy", "Taylor", "04/03/2015", "M", "3 Old Road", "YO1 1AA", ""]]
            ),
        )
        return LinkReview.objects.get(), william

    def test_the_queue_does_not_name_a_possible_match_outside_access(
        self, signed_in, mash_worker, unseen
    ):
        _, william = unseen
        response = signed_in(mash_worker).get(reverse("records:queue"))
        assert response.status_code == 200
        assert b"William Taylor" not in response.content
        assert b"Someone your agency is not working with" in response.content
        assert b"Billy Taylor" in response.content  # the imported record itself
        assert not AuditEvent.objects.filter(
            object_type="link_review_queue", person_id=william.pk
        ).exists()

    def test_the_review_asks_why_before_naming_anyone_and_records_the_reason(
        self, signed_in, mash_worker, unseen
    ):
        review, william = unseen
        client = signed_in(mash_worker)
        url = reverse("records:review", args=[review.pk])
        response = client.get(url)
        assert response.status_code == 200
        assert b"William" not in response.content
        assert b"Record why you need to look" in response.content
        response = client.post(url, {"give_access_reason": "1", "reason": "x"})
        assert b"govuk-error-summary" in response.content
        assert b"William" not in response.content
        response = client.post(
            url,
            {"give_access_reason": "1", "reason": "Checking the police extract matches"},
            follow=True,
        )
        assert b"<mark>William</mark>" in response.content
        event = AuditEvent.objects.get(action="access_reason", person_id=william.pk)
        assert event.reason == "Checking the police extract matches"
        assert event.actor_id == mash_worker.pk

    def test_a_decision_cannot_be_posted_without_a_reason_first(
        self, signed_in, mash_worker, unseen
    ):
        review, _ = unseen
        signed_in(mash_worker).post(
            reverse("records:review", args=[review.pk]), {"decision": "same", "reason": "x y"}
        )
        review.refresh_from_db()
        assert review.status == LinkReview.Status.OPEN

    def test_unlink_asks_why_and_the_service_refuses_without_access(
        self, signed_in, mash_worker, police
    ):
        from safeguard.people.access import AccessDenied
        from safeguard.records.services import record_unlink

        someone = PersonFactory(given_name="Rowena", family_name="Quist")
        record = AgencyRecord.objects.create(
            agency=police,
            agency_record_id="Q1",
            given_name="Rowena",
            family_name="Quist",
            content_hash="h",
            person=someone,
            link_status=LinkStatus.CONFIRMED,
        )
        client = signed_in(mash_worker)
        url = reverse("records:unlink", args=[record.pk])
        response = client.get(url)
        assert b"Rowena" not in response.content
        assert b"Record why you need to look" in response.content
        client.post(url, {"reason": "A different child"})
        record.refresh_from_db()
        assert record.person == someone
        with pytest.raises(AccessDenied):
            record_unlink(by=mash_worker, record=record, reason="A different child")
        mash_lookup_record(by=mash_worker, person=someone, reason="Checking this link is right")
        client.post(url, {"reason": "A different child"})
        record.refresh_from_db()
        assert record.link_status == LinkStatus.NEW_PERSON

    def test_undoing_a_merge_asks_why_first(self, signed_in, mash_worker):
        kept = PersonFactory(given_name="Zelda")
        dup = PersonFactory(given_name="Zelda")
        merge = person_merge(by=mash_worker, survivor=kept, merged=dup)
        response = signed_in(mash_worker).get(reverse("records:merge-undo", args=[merge.pk]))
        assert b"Zelda" not in response.content
        assert b"Record why you need to look" in response.content
