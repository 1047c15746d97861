"""The Children in Need census export: the census's shape and codes, and only for the business unit."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguard.core.errors import Forbidden
from safeguard.core.models import AgencyKind, AuditEvent, Role
from safeguard.frontdoor.models import Contact, ContactChild, Submission, ThresholdDecision
from safeguard.insight import census
from safeguard.insight.services import cin_census_export
from safeguard.insight.types import Period
from tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db

YEAR = Period.financial_year(2026)
UK = census.UK


def refer(
    child,
    *,
    by,
    agency,
    on: dt.date,
    level: int,
    outcome: str,
    categories=("neglect",),
    via=Submission.WEB,
):
    """A contact about the child, decided on the day at the level with the outcome."""
    moment = dt.datetime.combine(on, dt.time(10, 0), tzinfo=UK)
    contact = Contact.objects.create(
        reference=f"C-{Contact.objects.count() + 1}",
        received_at=moment - dt.timedelta(hours=2),
        submitted_via=via,
        referrer=by,
        referrer_agency=agency,
        referrer_name="Referrer",
        referrer_email="referrer@example.org",
        categories=list(categories),
        what_happened="Something happened.",
        child_voice="They said so.",
        consent="given",
        decision_due_at=moment + dt.timedelta(days=1),
        status="decided",
    )
    ContactChild.objects.create(contact=contact, person=child)
    ThresholdDecision.objects.create(
        contact=contact,
        level=level,
        outcome=outcome,
        rationale="Because.",
        message_to_referrer="Thank you.",
        decided_by=by,
        decided_at=moment,
    )
    return contact


@pytest.fixture
def record(make_user):
    """Three children referred at level 4 in 2026-27, one at level 2, one the year before."""
    mash = make_user(Role.MASH_WORKER)
    police = AgencyFactory(kind=AgencyKind.POLICE)
    school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL)
    ava = PersonFactory(
        given_name="Ava",
        date_of_birth=dt.date(2014, 5, 17),
        sex="female",
        ethnicity="white_british",
        unique_pupil_number="E816200125001",
    )
    noah = PersonFactory(
        given_name="Noah", date_of_birth=dt.date(2023, 1, 2), sex="male", ethnicity="black_african"
    )
    isla = PersonFactory(
        given_name="Isla", date_of_birth=dt.date(2010, 9, 1), sex="unknown", send="Autism"
    )
    leo = PersonFactory(given_name="Leo")
    mia = PersonFactory(given_name="Mia")
    refer(
        ava,
        by=mash,
        agency=police,
        on=dt.date(2026, 5, 6),
        level=4,
        outcome="section_47",
        categories=("physical_abuse",),
    )
    refer(ava, by=mash, agency=school, on=dt.date(2026, 9, 1), level=4, outcome="section_17")
    refer(
        noah,
        by=mash,
        agency=school,
        on=dt.date(2026, 7, 8),
        level=4,
        outcome="section_17",
        categories=("parental_mental_health",),
    )
    refer(
        isla,
        by=mash,
        agency=school,
        on=dt.date(2026, 10, 12),
        level=4,
        outcome="section_17",
        categories=("online_harm",),
        via=Submission.EARLY_HELP,
    )
    refer(leo, by=mash, agency=school, on=dt.date(2026, 6, 1), level=2, outcome="signpost")
    refer(mia, by=mash, agency=school, on=dt.date(2026, 3, 30), level=4, outcome="section_17")
    return {"ava": ava, "noah": noah, "isla": isla, "leo": leo, "mia": mia}


def children_by_id(content: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(content)  # noqa: S314 - our own export
    return {
        child.findtext("ChildIdentifiers/LAchildID"): child
        for child in root.findall("Children/Child")
    }


class TestTheCensusExport:
    def test_the_children_referred_at_level_four_in_the_year_are_in_it_and_pass_the_checks(
        self, record, make_user
    ):
        content = cin_census_export(by=make_user(Role.BUSINESS_UNIT), year=YEAR)

        assert census.census_problems(content, YEAR) == []
        found = children_by_id(content)
        expected = {census.la_child_id(record[name].pk) for name in ("ava", "noah", "isla")}
        assert set(found) == expected
        root = ET.fromstring(content)  # noqa: S314 - our own export
        assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2027-03-31"
        assert root.findtext("Header/CollectionDetails/Year") == "2027"
        # No name, ever: the census is identifiers and codes.
        assert b"Ava" not in content
        assert b"Family" not in content

    def test_each_childs_referral_assessment_and_enquiry_are_worked_out_from_the_record(
        self, record, make_user
    ):
        found = children_by_id(cin_census_export(by=make_user(Role.BUSINESS_UNIT), year=YEAR))

        ava = found[census.la_child_id(record["ava"].pk)]
        assert ava.findtext("ChildIdentifiers/UPN") == "E816200125001"
        assert ava.findtext("ChildIdentifiers/Sex") == "F"
        assert ava.findtext("ChildCharacteristics/Ethnicity") == "WBRI"
        (episode,) = ava.findall("CINdetails")  # one open episode from the first referral
        assert episode.findtext("CINreferralDate") == "2026-05-06"
        assert episode.findtext("ReferralSource") == "6"  # police
        assert episode.findtext("PrimaryNeedCode") == "N1"  # abuse or neglect
        assert episode.findtext("Assessments/AssessmentActualStartDate") == "2026-05-06"
        assert episode.findtext("Section47/S47ActualStartDate") == "2026-05-06"
        # 15 working days after Wednesday 6 May 2026, with the late May bank holiday (25 May).
        assert episode.findtext("Section47/InitialCPCtarget") == "2026-05-28"

        noah = found[census.la_child_id(record["noah"].pk)]
        assert noah.findtext("ChildIdentifiers/UPNunknown") == "UN2"  # not yet of school age
        assert noah.findtext("CINdetails/PrimaryNeedCode") == "N3"
        assert noah.findtext("CINdetails/ReferralSource") == "2A"  # a school
        assert noah.find("CINdetails/Section47") is None

        isla = found[census.la_child_id(record["isla"].pk)]
        assert isla.findtext("ChildIdentifiers/Sex") == "U"
        assert isla.findtext("ChildCharacteristics/Ethnicity") == "NOBT"
        assert isla.findtext("ChildCharacteristics/Disabilities/Disability") == "DDA"
        assert isla.findtext("CINdetails/ReferralSource") == "5D"  # stepped up from early help

    def test_the_export_is_audited_naming_every_child(self, record, make_user):
        unit = make_user(Role.BUSINESS_UNIT)
        cin_census_export(by=unit, year=YEAR)

        event = AuditEvent.objects.filter(object_type="cin_census").get()
        assert event.action == "export"
        assert event.actor_id == unit.pk
        named = {str(pk) for pk in event.subjects.values_list("person_id", flat=True)}
        assert named == {str(record[name].pk) for name in ("ava", "noah", "isla")}

    def test_an_analyst_is_refused(self, record, make_user):
        with pytest.raises(Forbidden):
            cin_census_export(by=make_user(Role.ANALYST), year=YEAR)

    def test_a_quarter_is_not_a_census_year(self, make_user):
        from safeguard.core.errors import InvalidRequest

        with pytest.raises(InvalidRequest):
            cin_census_export(by=make_user(Role.BUSINESS_UNIT), year=Period.quarter(2026, 3))


class TestTheShapeChecks:
    def test_bad_codes_and_dates_are_each_named(self):
        child = census.CensusChild(
            la_child_id="BAD-ID",
            person_id="x",
            date_of_birth=None,
            sex="X",
            ethnicity="ZZZ",
            upn="",
            has_send=False,
            referrals=[census.Referral(dt.date(2026, 5, 1), "99", "section_17")],
        )
        content = census.census_xml(YEAR, [child], la_code="816")

        problems = census.census_problems(content, YEAR)
        assert any("child ID" in p for p in problems)
        assert any("date of birth" in p for p in problems)
        assert any("sex must be" in p for p in problems)
        assert any("ethnicity" in p for p in problems)
        assert any("source of referral" in p for p in problems)

    def test_a_unique_pupil_number_with_the_wrong_check_letter_is_named(self):
        child = census.CensusChild(
            la_child_id="ABC1",
            person_id="x",
            date_of_birth=dt.date(2014, 1, 1),
            sex="F",
            ethnicity="WBRI",
            upn="A816200125001",
            has_send=False,
            referrals=[census.Referral(dt.date(2026, 5, 1), "6", "section_17")],
        )

        problems = census.census_problems(census.census_xml(YEAR, [child], la_code="816"), YEAR)
        assert problems == ["Child 1: the Unique Pupil Number is not valid (check letter)."]
        assert census.upn_valid("E816200125001")

    def test_a_file_that_is_not_xml_is_refused(self):
        assert census.census_problems(b"not xml", YEAR)[0].startswith("The file is not")


class TestTheCommand:
    def test_the_business_unit_writes_the_file(self, record, make_user, tmp_path: Path):
        unit = make_user(Role.BUSINESS_UNIT)
        out = tmp_path / "cin.xml"

        call_command("cin_census", "--year", "2026-27", "--out", str(out), "--user", unit.username)

        assert census.census_problems(out.read_bytes(), YEAR) == []
        assert len(children_by_id(out.read_bytes())) == 3

    def test_an_analyst_gets_no_file(self, record, make_user, tmp_path: Path):
        analyst = make_user(Role.ANALYST)
        out = tmp_path / "cin.xml"

        with pytest.raises(CommandError, match="business unit"):
            call_command(
                "cin_census", "--year", "2026-27", "--out", str(out), "--user", analyst.username
            )
        assert not out.exists()
        assert list(tmp_path.iterdir()) == []
