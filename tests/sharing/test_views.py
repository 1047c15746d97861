import csv

# ruff: noqa: PLR0917
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AuditEvent, Role
from safeguard.sharing import services
from safeguard.sharing.models import SharingDecision, SharingRequest
from safeguard.sharing.views import csv_safe
from tests.factories import PersonFactory
from tests.sharing.test_services import share


def share_form(agency, **overrides):
    ends = timezone.localdate() + dt.timedelta(days=10)
    data = {
        "recipient_agency": str(agency.pk),
        "purpose": "safeguarding_assessment",
        "decision": "share",
        "consent": "given",
        "lawful_basis": "public_task_safeguarding",
        "judgement": "Needed for the strategy discussion tomorrow.",
        "summary": "Attendance and pastoral notes.",
        "ends_on_day": str(ends.day),
        "ends_on_month": str(ends.month),
        "ends_on_year": str(ends.year),
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in(fast_signed_in):
    return fast_signed_in


class TestSharePage:
    def test_share_with_an_agency_in_one_action(
        self, teacher, officer, pupil, police, school_events, signed_in
    ):
        client = signed_in(teacher)
        url = reverse("sharing:share", args=[pupil.pk])
        page = client.get(url)
        assert page.status_code == 200
        assert "CANARY-GENERAL-EVENT" in page.content.decode()
        response = client.post(url, share_form(police, items=[str(school_events["general"].pk)]))
        assert response.status_code == 302
        decision = SharingDecision.objects.get()
        assert decision.items[0]["id"] == str(school_events["general"].pk)
        assert signed_in(officer).get(reverse("people:detail", args=[pupil.pk])).status_code == 200
        sharing = client.get(reverse("sharing:person", args=[pupil.pk])).content.decode()
        assert decision.reference in sharing
        assert "Active" in sharing

    def test_bad_input_shows_errors_and_keeps_what_was_typed(
        self, teacher, pupil, police, signed_in
    ):
        response = signed_in(teacher).post(
            reverse("sharing:share", args=[pupil.pk]),
            share_form(police, consent="not_sought", judgement="Typed judgement <b>kept</b>"),
        )
        body = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in body
        assert "one of the three lawful reasons" in body
        assert "Typed judgement &lt;b&gt;kept&lt;/b&gt;" in body
        assert SharingDecision.objects.count() == 0

    def test_missing_fields_never_500(self, teacher, pupil, signed_in):
        response = signed_in(teacher).post(
            reverse("sharing:share", args=[pupil.pk]), {"recipient_agency": "x"}
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()

    def test_someone_without_access_gets_not_found_and_it_is_audited(
        self, officer, pupil, signed_in
    ):
        for name in ("sharing:share", "sharing:person", "sharing:request-create"):
            assert signed_in(officer).get(reverse(name, args=[pupil.pk])).status_code == 404
        assert AuditEvent.objects.filter(action="deny", person_id=pupil.pk).count() == 3


class TestPersonPage:
    def test_lists_active_ended_and_revoked_grants(
        self, teacher, pupil, police, voluntary, signed_in, django_assert_max_num_queries
    ):
        active = share(teacher, pupil, police)
        revoked = share(teacher, pupil, voluntary)
        services.sharing_grant_revoke(by=teacher, grant=revoked.grant, reason="No longer needed")
        ended = share(teacher, pupil, voluntary)
        ended.grant.ends_at = timezone.now() - dt.timedelta(minutes=1)
        ended.grant.starts_at = timezone.now() - dt.timedelta(days=1)
        ended.grant.save()
        share(teacher, pupil, police, decision="not_share", summary="", ends_on=None)
        client = signed_in(teacher)
        with django_assert_max_num_queries(25):
            body = client.get(reverse("sharing:person", args=[pupil.pk])).content.decode()
        assert "1 active, 1 ended, 1 revoked" in body
        assert "Not shared with" in body
        assert active.reference in body

    def test_revoke_over_http_refuses_the_next_request(
        self, teacher, officer, pupil, police, signed_in
    ):
        decision = share(teacher, pupil, police)
        officer_client = signed_in(officer)
        assert officer_client.get(reverse("people:detail", args=[pupil.pk])).status_code == 200
        url = reverse("sharing:grant-revoke", args=[decision.grant.pk])
        assert signed_in(officer).get(url).status_code == 404
        missing = signed_in(teacher).post(url, {"reason": ""})
        assert "govuk-error-summary" in missing.content.decode()
        assert signed_in(teacher).post(url, {"reason": "Enquiry closed"}).status_code == 302
        assert officer_client.get(reverse("people:detail", args=[pupil.pk])).status_code == 404


class TestRequests:
    def test_request_answered_by_a_decision_and_overdue_shows_on_both_sides(
        self, teacher, officer, pupil, police, school, signed_in
    ):
        share(teacher, pupil, police)  # police can see the child, so they may ask
        request = services.information_request_create(
            by=officer,
            person=pupil,
            to_agency=school,
            purpose="criminal_investigation",
            asked="Attendance for the last term",
            due_date=timezone.localdate(),
        )
        SharingRequest.objects.filter(pk=request.pk).update(
            due_date=timezone.localdate() - dt.timedelta(days=2)
        )
        for user in (teacher, officer):
            body = signed_in(user).get(reverse("sharing:requests")).content.decode()
            assert request.reference in body
            assert "Overdue" in body
        answer_url = reverse("sharing:share", args=[pupil.pk]) + f"?request={request.pk}"
        page = signed_in(teacher).get(answer_url)
        assert "Attendance for the last term" in page.content.decode()
        data = share_form(police, request=str(request.pk), purpose="criminal_investigation")
        assert signed_in(teacher).post(answer_url, data).status_code == 302
        request.refresh_from_db()
        assert request.status == "answered"
        assert SharingDecision.objects.get(request=request).decision == "share"
        body = signed_in(officer).get(reverse("sharing:requests")).content.decode()
        assert "Overdue" not in body

    def test_request_form_errors(self, teacher, pupil, signed_in):
        response = signed_in(teacher).post(
            reverse("sharing:request-create", args=[pupil.pk]), {"asked": ""}
        )
        assert response.status_code == 200
        assert "govuk-error-summary" in response.content.decode()

    def test_agency_without_access_can_answer_a_request_but_sees_no_records(
        self, teacher, officer, pupil, police, school_events, signed_in
    ):
        request = services.information_request_create(
            by=teacher,
            person=pupil,
            to_agency=police,
            purpose="safeguarding_assessment",
            asked="Any police contact with the family?",
            due_date=timezone.localdate() + dt.timedelta(days=1),
        )
        page = signed_in(officer).get(
            reverse("sharing:share", args=[pupil.pk]) + f"?request={request.pk}"
        )
        assert page.status_code == 200
        assert "CANARY" not in page.content.decode()
        response = signed_in(officer).post(
            reverse("sharing:share", args=[pupil.pk]) + f"?request={request.pk}",
            share_form(
                police.__class__.objects.get(pk=teacher.agency_id),
                decision="not_share",
                summary="",
                judgement="No police record held about this child.",
            ),
        )
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == "answered"


class TestSharingLog:
    def test_only_oversight_roles_see_the_log(self, teacher, make_user, signed_in):
        assert signed_in(teacher).get(reverse("sharing:log")).status_code == 404
        assert signed_in(make_user(Role.ANALYST)).get(reverse("sharing:log-csv")).status_code == 404
        for role in (Role.BUSINESS_UNIT, Role.PANEL_CHAIR, Role.MASH_MANAGER):
            assert signed_in(make_user(role)).get(reverse("sharing:log")).status_code == 200

    def test_filters_and_names_no_child(
        self, teacher, pupil, police, voluntary, make_user, signed_in
    ):
        shared = share(teacher, pupil, police)
        refused = share(
            teacher,
            pupil,
            voluntary,
            decision="not_share",
            consent="refused",
            summary="",
            ends_on=None,
        )
        client = signed_in(make_user(Role.BUSINESS_UNIT))
        body = client.get(reverse("sharing:log")).content.decode()
        assert shared.reference in body
        assert refused.reference in body
        assert pupil.family_name not in body
        body = client.get(reverse("sharing:log"), {"consent": "refused"}).content.decode()
        assert refused.reference in body
        assert shared.reference not in body
        body = client.get(reverse("sharing:log"), {"agency": str(police.pk)}).content.decode()
        assert shared.reference in body
        assert refused.reference not in body
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        body = client.get(
            reverse("sharing:log"),
            {
                "date_from_day": tomorrow.day,
                "date_from_month": tomorrow.month,
                "date_from_year": tomorrow.year,
            },
        ).content.decode()
        assert shared.reference not in body
        bad = client.get(
            reverse("sharing:log"),
            {"date_from_day": "40", "date_from_month": "1", "date_from_year": "2026"},
        )
        assert bad.status_code == 200
        assert "govuk-error-summary" in bad.content.decode()

    def test_csv_is_formula_safe_and_audited(self, teacher, pupil, police, make_user, signed_in):
        share(teacher, pupil, police)
        police.name = '=HYPERLINK("http://evil")'
        police.save()
        response = signed_in(make_user(Role.MASH_MANAGER)).get(reverse("sharing:log-csv"))
        text = response.content.decode()
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[1][3].startswith("'=")
        assert pupil.family_name not in text
        assert AuditEvent.objects.filter(action="export", object_type="sharing_log").count() == 1

    @pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=x"])
    def test_csv_safe_prefixes_dangerous_cells(self, value):
        assert csv_safe(value).startswith("'")

    def test_log_queries_are_bounded(self, teacher, police, make_user, signed_in):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.factories import InvolvementFactory

        client = signed_in(make_user(Role.BUSINESS_UNIT))
        teacher_client = signed_in(teacher)

        def counts():
            found = []
            for c, name in (
                (client, "sharing:log"),
                (client, "sharing:log-csv"),
                (teacher_client, "sharing:requests"),
            ):
                with CaptureQueriesContext(connection) as ctx:
                    assert c.get(reverse(name)).status_code == 200
                found.append(len(ctx))
            return found

        def add(n):
            for _ in range(n):
                person = PersonFactory()
                InvolvementFactory(person=person, agency=teacher.agency)
                share(teacher, person, police)
                services.information_request_create(
                    by=teacher,
                    person=person,
                    to_agency=police,
                    purpose="education",
                    asked="Anything known?",
                    due_date=timezone.localdate(),
                )

        add(2)
        few = counts()
        add(10)
        many = counts()
        assert few == many
        assert max(many) <= 20


class TestEveryUrlNeedsSignIn:
    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("sharing:index", []),
            ("sharing:requests", []),
            ("sharing:log", []),
            ("sharing:log-csv", []),
            ("sharing:reviews", []),
            ("sharing:break-glass-report", []),
        ],
    )
    def test_signed_out_is_sent_to_sign_in(self, client, name, args, db):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert "sign-in" in response["Location"]

    def test_analyst_and_administrator_see_no_sharing_pages_about_children(
        self, make_user, pupil, signed_in
    ):
        for role in (Role.ANALYST, Role.SYSTEM_ADMINISTRATOR):
            client = signed_in(make_user(role))
            for name in (
                "sharing:person",
                "sharing:share",
                "sharing:break-glass",
                "sharing:request-create",
            ):
                assert client.get(reverse(name, args=[pupil.pk])).status_code == 404
            assert client.get(reverse("sharing:requests")).status_code == 404


class TestAntiExfiltration:
    def test_too_many_exports_in_an_hour_are_refused(self, make_user, signed_in, settings):
        from safeguard.sharing import views

        client = signed_in(make_user(Role.BUSINESS_UNIT))
        for _ in range(views.EXPORTS_PER_HOUR):
            assert client.get(reverse("sharing:log-csv")).status_code == 200
        refused = client.get(reverse("sharing:log-csv"))
        assert refused.status_code == 429
        assert AuditEvent.objects.filter(action="deny", object_type="sharing_log").count() == 1
