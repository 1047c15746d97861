import datetime as dt
import html
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.core.models import AuditEvent, Role
from safeguard.people.access import can_view_person
from safeguard.sharing import services
from safeguard.sharing.models import Alert, SafeguardingLead
from tests.sharing.conftest import PASSWORD

REASON = "Child arrived at A&E with injuries, out of hours, need history"


@pytest.fixture
def nurse(make_user, voluntary):
    return make_user(Role.PRACTITIONER, agency=voluntary)


@pytest.fixture
def nurse_lead(make_user, voluntary):
    lead = make_user(Role.PRACTITIONER, agency=voluntary, email="lead@example.invalid")
    SafeguardingLead.objects.create(agency=voluntary, user=lead)
    return lead


@pytest.fixture
def signed_in(fast_signed_in):
    return fast_signed_in


class TestBreakGlassOpen:
    def test_needs_the_password_again(self, nurse, pupil):
        with pytest.raises(ValidationError) as exc:
            services.break_glass_open(by=nurse, person=pupil, reason=REASON, password="wrong")
        assert "password" in exc.value.message_dict
        assert not can_view_person(nurse, pupil)
        assert AuditEvent.objects.filter(object_type="break_glass", outcome="denied").count() == 1

    def test_needs_a_real_reason(self, nurse, pupil):
        with pytest.raises(ValidationError):
            services.break_glass_open(by=nurse, person=pupil, reason="urgent", password=PASSWORD)

    def test_opens_for_24_hours_and_alerts_lead_and_lead_practitioner(
        self, nurse, nurse_lead, teacher, pupil, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            use = services.break_glass_open(
                by=nurse, person=pupil, reason=REASON, password=PASSWORD
            )
        assert can_view_person(nurse, pupil)
        assert use.grant.kind == "break_glass"
        assert use.grant.user_id == nurse.pk
        assert abs(use.grant.ends_at - use.grant.starts_at - dt.timedelta(hours=24)) < dt.timedelta(
            seconds=1
        )
        recipients = set(
            Alert.objects.filter(break_glass_use=use).values_list("recipient_id", flat=True)
        )
        assert recipients == {nurse_lead.pk, teacher.pk}
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert set(email.to) == {"lead@example.invalid", "teacher@example.invalid"}
        assert use.reference in email.subject
        # G8/G11: a reference only, no child data, no reason text.
        text = email.subject + email.body
        for canary in (pupil.given_name, pupil.family_name, "A&E", str(pupil.pk)):
            assert canary not in text
        later = timezone.now() + dt.timedelta(hours=24, minutes=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            assert not can_view_person(nurse, pupil)

    def test_someone_is_always_alerted(self, nurse, make_user, mash_agency, db):
        from tests.factories import PersonFactory

        manager = make_user(Role.MASH_MANAGER, agency=mash_agency)
        orphan = PersonFactory()
        use = services.break_glass_open(by=nurse, person=orphan, reason=REASON, password=PASSWORD)
        assert list(
            Alert.objects.filter(break_glass_use=use).values_list("recipient_id", flat=True)
        ) == [manager.pk]


class TestBreakGlassReview:
    def test_review_queue_shows_the_use_and_review_records_an_outcome(
        self, nurse, nurse_lead, pupil, signed_in
    ):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        client = signed_in(nurse_lead)
        page = client.get(reverse("sharing:reviews"))
        assert use.reference in page.content.decode()
        detail = client.get(reverse("sharing:review", args=[use.pk]))
        assert detail.status_code == 200
        # The reviewer has no access to the child: the name is not shown.
        assert pupil.family_name not in detail.content.decode()
        response = client.post(
            reverse("sharing:review", args=[use.pk]),
            {"outcome": "not_appropriate", "note": "Discuss at supervision", "end_access": "on"},
        )
        assert response.status_code == 302
        use.refresh_from_db()
        assert use.outcome == "not_appropriate"
        assert use.reviewed_by == nurse_lead
        assert not can_view_person(nurse, pupil)
        assert not Alert.objects.filter(break_glass_use=use, read_at__isnull=True).exists()

    def test_user_cannot_review_their_own_access(self, nurse, nurse_lead, pupil, signed_in):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        assert signed_in(nurse).get(reverse("sharing:review", args=[use.pk])).status_code == 404

    def test_bad_review_shows_errors(self, nurse, nurse_lead, pupil, signed_in):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        response = signed_in(nurse_lead).post(
            reverse("sharing:review", args=[use.pk]), {"outcome": "unclear"}
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()


class TestBreakGlassPages:
    def test_page_does_not_name_the_child_and_opens_the_record(
        self, nurse, nurse_lead, pupil, signed_in
    ):
        client = signed_in(nurse)
        url = reverse("sharing:break-glass", args=[pupil.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert pupil.family_name not in page.content.decode()
        assert client.get(reverse("people:detail", args=[pupil.pk])).status_code == 404
        wrong = client.post(url, {"reason": REASON, "password": "nope"})
        assert wrong.status_code == 200
        assert "The password is not correct" in wrong.content.decode()
        assert html.escape(REASON) in wrong.content.decode()
        done = client.post(url, {"reason": REASON, "password": PASSWORD})
        assert done.status_code == 302
        record = client.get(reverse("people:detail", args=[pupil.pk]))
        assert record.status_code == 200
        assert pupil.family_name in record.content.decode()

    def test_weekly_report_page_and_command(self, nurse, nurse_lead, pupil, make_user, signed_in):
        use = services.break_glass_open(by=nurse, person=pupil, reason=REASON, password=PASSWORD)
        year, week, _ = timezone.localdate().isocalendar()
        label = f"{year}-W{week:02d}"
        business = make_user(Role.BUSINESS_UNIT)
        page = signed_in(business).get(reverse("sharing:break-glass-report"), {"week": label})
        body = page.content.decode()
        assert use.reference in body
        assert pupil.family_name not in body
        bad = signed_in(business).get(reverse("sharing:break-glass-report"), {"week": "last week"})
        assert bad.status_code == 200
        assert "Enter a week like" in bad.content.decode()
        out = StringIO()
        call_command("break_glass_report", "--week", label, stdout=out)
        assert use.reference in out.getvalue()
        assert "1 uses, 0 reviewed" in out.getvalue()
        out = StringIO()
        call_command("break_glass_report", "--week", "2020-W01", stdout=out)
        assert "Total: 0 uses" in out.getvalue()

    def test_practitioner_cannot_see_the_report(self, nurse, signed_in):
        assert signed_in(nurse).get(reverse("sharing:break-glass-report")).status_code == 404


class TestBreakGlassFind:
    def test_exact_identifiers_lead_to_the_break_glass_page_without_naming_anyone(
        self, nurse, pupil, signed_in
    ):
        client = signed_in(nurse)
        url = reverse("sharing:break-glass-find")
        assert client.get(url).status_code == 200
        empty = client.post(url, {})
        assert "govuk-error-summary" in empty.content.decode()
        dob = pupil.date_of_birth
        data = {
            "given_name": pupil.given_name.upper(),
            "family_name": pupil.family_name,
            "date_of_birth_day": dob.day,
            "date_of_birth_month": dob.month,
            "date_of_birth_year": dob.year,
        }
        found = client.post(url, data)
        assert found.status_code == 302
        assert found["Location"] == reverse("sharing:break-glass", args=[pupil.pk])
        wrong = client.post(url, {**data, "family_name": "Quarterman"})
        assert wrong.status_code == 200
        assert "No single record matches" in wrong.content.decode()
        assert pupil.family_name not in wrong.content.decode().replace("Quarterman", "")
        assert AuditEvent.objects.filter(object_type="break_glass_find").count() == 2

    def test_bad_nhs_number_is_explained(self, nurse, signed_in):
        response = signed_in(nurse).post(reverse("sharing:break-glass-find"), {"nhs_number": "123"})
        assert "Enter a real NHS number" in response.content.decode()


class TestIsoWeeks:
    @given(st.dates(min_value=dt.date(2000, 1, 3), max_value=dt.date(2099, 12, 28)))
    @settings(max_examples=200, deadline=None)
    def test_every_day_falls_in_its_own_iso_week(self, day):
        from safeguard.sharing.selectors import iso_week_bounds

        year, week, _ = day.isocalendar()
        start, end = iso_week_bounds(f"{year}-W{week:02d}")
        noon = timezone.make_aware(
            dt.datetime.combine(day, dt.time(12)), timezone.get_default_timezone()
        )
        assert start <= noon < end
        assert end - start in (
            dt.timedelta(days=7),
            dt.timedelta(days=7, hours=1),
            dt.timedelta(days=6, hours=23),
        )

    @pytest.mark.parametrize("bad", ["", "2026", "2026-W54", "W12", "2026-Wxx"])
    def test_bad_weeks_are_refused(self, bad):
        from safeguard.sharing.selectors import iso_week_bounds

        with pytest.raises(ValueError, match="Enter a week"):
            iso_week_bounds(bad)
