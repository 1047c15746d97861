"""Audits, moderation, governance, and the annual report read back from its PDF and Word files.

Audits collect findings from each agency; school self-assessments are moderated.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.exploitation.models import MissingEpisode
from safeguard.learning import services
from safeguard.learning.annual_report import annual_report, financial_year
from safeguard.learning.models import AuditKind, AuditStatus, LocalReviewDecision, ReviewKind
from safeguard.work.models import WorkItem, WorkKind, WorkStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _audit(p, kind=AuditKind.MULTI_AGENCY, voice="Ask each child what a good day looks like."):
    return services.audit_request(
        by=p.business,
        kind=kind,
        title="Neglect audit",
        terms_of_reference="Ten cases of neglect from the last year.",
        voice_plan=voice,
        sample="EH-1, EH-2",
        due_on=timezone.localdate() + dt.timedelta(days=30),
        agencies=[p.csc, p.school],
    )


class TestAudits:
    def test_a_multi_agency_audit_must_say_how_the_childs_voice_is_captured(self, partnership):
        with pytest.raises(InvalidRequest) as caught:
            _audit(partnership, voice="  ")
        assert "voice_plan" in caught.value.errors
        assert not WorkItem.objects.filter(kind=WorkKind.AUDIT_FINDINGS).exists()

    def test_each_agency_gets_the_request_in_its_queue_and_sends_its_findings(self, partnership):
        p = partnership
        audit = _audit(p)
        items = WorkItem.objects.filter(kind=WorkKind.AUDIT_FINDINGS)
        assert {i.team.agency for i in items} == {p.csc, p.school}
        finding = audit.findings.get(agency=p.school)
        with pytest.raises(Forbidden):
            services.finding_submit(by=p.worker, finding=finding, findings="Not ours")
        services.finding_submit(by=p.teacher, finding=finding, findings="Records were clear.")
        finding.work_item.refresh_from_db()
        assert finding.work_item.status == WorkStatus.DONE

    def test_an_audit_closes_only_when_every_agency_has_sent_findings(self, partnership):
        p = partnership
        audit = _audit(p)
        services.finding_submit(
            by=p.teacher, finding=audit.findings.get(agency=p.school), findings="Clear records"
        )
        with pytest.raises(InvalidRequest, match="1 agency has not sent findings"):
            services.audit_close(by=p.business, audit=audit, good_practice="", learning_points="x")
        services.finding_submit(
            by=p.worker, finding=audit.findings.get(agency=p.csc), findings="Drift in plans"
        )
        services.audit_close(
            by=p.business, audit=audit, good_practice="", learning_points="Review plans monthly"
        )
        assert audit.status == AuditStatus.CLOSED

    def test_a_school_self_assessment_needs_a_rating_and_a_reason_to_moderate_it_down(
        self, partnership
    ):
        p = partnership
        audit = _audit(p, kind=AuditKind.SCHOOL_SELF_ASSESSMENT, voice="")
        finding = audit.findings.get(agency=p.school)
        with pytest.raises(InvalidRequest) as caught:
            services.finding_submit(by=p.teacher, finding=finding, findings="All standards met")
        assert "rating" in caught.value.errors
        services.finding_submit(
            by=p.teacher, finding=finding, findings="All standards met", rating="green"
        )
        with pytest.raises(InvalidRequest) as caught:
            services.finding_moderate(by=p.business, finding=finding, rating="amber", note="")
        assert "note" in caught.value.errors
        services.finding_moderate(
            by=p.business, finding=finding, rating="amber", note="Training records incomplete"
        )
        finding.refresh_from_db()
        assert finding.rating == "green"
        assert finding.moderated_rating == "amber"


class TestGovernance:
    def test_modifiable_factors_cannot_exceed_the_reviews_completed(self, partnership):
        with pytest.raises(InvalidRequest) as caught:
            services.child_death_summary_set(
                by=partnership.business,
                year=2026,
                notifications=10,
                reviews_completed=4,
                modifiable_factors=5,
            )
        assert "modifiable_factors" in caught.value.errors

    def test_a_contribution_is_corrected_not_duplicated(self, partnership):
        p = partnership
        services.contribution_set(by=p.business, year=2026, agency=p.csc, amount=Decimal("100"))
        again = services.contribution_set(
            by=p.business, year=2026, agency=p.csc, amount=Decimal("150.50")
        )
        assert again.amount_pounds == Decimal("150.50")
        assert type(again).objects.count() == 1


class TestTheAnnualReport:
    def _year_of_work(self, p):
        today = timezone.localdate()
        year = today.year if today.month >= 4 else today.year - 1
        start, _ = financial_year(year)
        aware = max(start, today - dt.timedelta(days=40))
        review = services.review_open(
            by=p.business,
            kind=ReviewKind.SERIOUS_INCIDENT,
            title="A review",
            summary="",
            agency=p.csc,
            aware_on=aware,
        )
        services.review_notified(by=p.business, review=review, notified_on=aware)
        services.review_rapid_review_done(
            by=p.business,
            review=review,
            done_on=min(today, aware + dt.timedelta(days=40)),
            decision=LocalReviewDecision.NO_LOCAL_REVIEW,
        )
        services.review_child_link(by=p.chair, review=review, person=p.child)
        services.contribution_set(by=p.business, year=year, agency=p.csc, amount=Decimal("25000"))
        services.contribution_set(
            by=p.business, year=year, agency=p.school, amount=Decimal("1500.50")
        )
        services.child_death_summary_set(
            by=p.business,
            year=year,
            notifications=12,
            reviews_completed=9,
            modifiable_factors=3,
            themes="Safer sleep",
            learning="",
        )
        services.you_said_we_did_add(
            by=p.business,
            heard_on=today,
            from_whom="Young people at the youth council",
            you_said="Meetings talk about us without us.",
            we_did="Young people now attend the first 10 minutes.",
        )
        return year

    def test_the_figures_come_from_the_record(self, partnership):
        year = self._year_of_work(partnership)
        report = annual_report(year)
        text = "\n".join(p for s in report.sections for p in s.paragraphs)
        assert "considered 1 case this year, 1 serious incident among them" in text
        assert "1 of 1 serious incident notifications reached the national panel" in text
        assert "Partners contributed £26,500.50 in total." in text
        assert "received 12 notifications and completed 9 reviews; 3 found modifiable" in text
        assert "The partnership ran 0 training sessions with 0 attendees" in text

    def test_the_word_and_pdf_files_open_and_name_no_child(self, partnership, signed_in):
        p = partnership
        year = self._year_of_work(p)
        client = signed_in(p.business)
        docx = client.get(f"/learning/annual-report/report.docx?year={year}")
        document = Document(io.BytesIO(docx.content))
        words = "\n".join(par.text for par in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert "annual report" in words
        assert "Partners contributed £26,500.50 in total." in words
        assert "Young people at the youth council" in cells
        pdf = client.get(f"/learning/annual-report/report.pdf?year={year}")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Child death reviews" in text
        assert "The partnership data set" in words
        assert "counts of 1 to 5 are shown as c" in words
        assert "The partnership data set" in text
        for output in (words + cells, text):
            assert "Rosalind" not in output
            assert "Quenby" not in output
            assert "9434765919" not in output.replace(" ", "")

    def test_the_data_set_section_shows_the_years_figures_with_small_counts_hidden(
        self, partnership, signed_in
    ):
        p = partnership
        year = self._year_of_work(p)
        start, _ = financial_year(year)
        moment = timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=1), dt.time(10)))
        for number in range(7):
            child = PersonFactory(given_name=f"Ottoline{number}", family_name="Pemberly")
            MissingEpisode.objects.create(
                reference=f"MIS-{number}", person=child, kind="missing_from_home",
                missing_since=moment, reported_at=moment, reported_by_name="A parent",
                reported_by_kind="parent", last_seen_where="Home", risk_level="medium",
                recording_agency=p.csc, recorded_by=p.business, created_at=moment,
            )  # fmt: skip
        PersonFactory(given_name="Unused", family_name="Child")
        docx = signed_in(p.business).get(f"/learning/annual-report/report.docx?year={year}")
        document = Document(io.BytesIO(docx.content))
        words = "\n".join(par.text for par in document.paragraphs)
        assert "Missing episodes" in words.splitlines()  # each table's caption
        rows = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
        assert ["Missing episodes", "7"] in rows  # 7 is published as it stands
        assert ["Children missing", "7", "1.6"] in rows  # rate per 10,000 of 44,000
        assert ["Children screened", "0", "0.0"] in rows
        assert "The partnership data set" in words
        text = words + "\n".join(c for row in rows for c in row)
        assert "Ottoline" not in text
        assert "Pemberly" not in text

    def test_a_practitioner_cannot_open_the_annual_report(self, partnership, signed_in):
        assert signed_in(partnership.worker).get("/learning/annual-report/").status_code == 404
