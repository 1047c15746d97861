"""The data set's figures from small hand-built records, expected figures worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.core.models import AgencyKind
from safeguard.insight.engine import compute
from safeguard.insight.types import Period, Table

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")


def cells(table: Table) -> dict[str, tuple]:
    """Row label -> values, with the total under "Total"."""
    found = {row.label: row.values for row in table.rows}
    if table.total is not None:
        found["Total"] = table.total.values
    return found


@pytest.fixture
def front_door(partnership):
    """Five contacts received in July to September 2026 (the UK quarter), and two outside.

    - c0, GP, January 2025, referral (level 4) for Casey: too long ago to make c4 a re-referral.
    - c1, school, Monday 6 July 10:00 UK, decided 7 July 09:00 UK (in time), level 4, Alex.
    - c2, school, 6 July, decided 9 July (late), level 2, Billie.
    - c3, police, 30 June 23:30 UTC = 1 July 00:30 UK: in the quarter. The clock starts at
      08:30 on 1 July, so due 2 July 08:30 UK; decided 2 July 13:00 UK: late. Level 4, Alex.
    - c4, police, Saturday 1 August; the clock starts Monday 08:30, decided Monday 13:00: in
      time. Level 4, Casey.
    - c5, GP, 29 September, not decided, Dana.
    - c6, school, 30 September 23:30 UTC = 1 October 00:30 UK: the next quarter.
    """
    p = partnership
    alex, billie, casey, dana = (p.person() for _ in range(4))
    school, police, gp = (
        AgencyKind.EDUCATION_SCHOOL,
        AgencyKind.POLICE,
        AgencyKind.HEALTH_GP,
    )
    p.contact(kind=gp, received="2025-01-10 10:00", children=[casey],
              decided="2025-01-11 10:00", level=4)  # fmt: skip
    p.contact(kind=school, received="2026-07-06 09:00", children=[alex],
              decided="2026-07-07 08:00", level=4)  # fmt: skip
    p.contact(kind=school, received="2026-07-06 09:00", children=[billie],
              decided="2026-07-09 12:00", level=2)  # fmt: skip
    p.contact(kind=police, received="2026-06-30 23:30", children=[alex],
              decided="2026-07-02 12:00", level=4)  # fmt: skip
    p.contact(kind=police, received="2026-08-01 09:00", children=[casey],
              decided="2026-08-03 12:00", level=4)  # fmt: skip
    p.contact(kind=gp, received="2026-09-29 09:00", children=[dana])
    p.contact(kind=school, received="2026-09-30 23:30", children=[dana])
    return p


class TestFrontDoor:
    def test_contacts_and_referrals_are_counted_by_census_source_in_uk_time(self, front_door):
        table = compute(Q3, population=40_000).table("frontdoor.contacts_by_source")
        found = cells(table)
        assert table.columns == ("Contacts", "Referrals")
        assert found["2A: schools"] == (2, 1)  # c1 and c2; c6 is October in the UK
        assert found["6: police"] == (2, 2)  # c3 (1 July UK) and c4
        assert found["3A: GP"] == (1, 0)  # c5
        assert found["Total"] == (5, 3)

    def test_children_named_give_a_rate_per_10000_of_the_population(self, front_door):
        table = compute(Q3, population=40_000).table("frontdoor.children_in_contacts")
        # Alex, Billie, Casey, Dana: 4 children; 4 x 10,000 / 40,000 = 1.0
        assert table.rows[0].values == (4, 1.0)

    def test_decisions_are_counted_by_level_when_they_were_made(self, front_door):
        found = cells(compute(Q3).table("frontdoor.decisions_by_level"))
        assert found["Level 2: emerging need"] == (1, 25.0)
        assert found["Level 4: specialist need"] == (3, 75.0)
        assert found["Level 1: universal need"] == (0, 0.0)
        assert found["Total"] == (4, 100.0)

    def test_one_working_day_counts_office_hours_and_weekends(self, front_door):
        table = compute(Q3).table("frontdoor.decided_in_time")
        found = cells(table)
        assert found["Within one working day"] == (2, 50.0)  # c1 and c4
        assert found["Later"] == (2, 50.0)  # c2 and c3
        assert table.headline == 50.0

    def test_a_referral_within_365_days_of_another_for_the_child_is_a_re_referral(self, front_door):
        found = cells(compute(Q3).table("frontdoor.re_referrals"))
        # c1 (Alex; c3 decided five days before); c3 and c4 are first referrals.
        assert found["A child named had a referral in the 12 months before"] == (1, 33.3)
        assert found["No referral in the 12 months before"] == (2, 66.7)


class TestEarlyHelpAndSharing:
    def test_episodes_started_and_closed_by_reason(self, partnership):
        p = partnership
        p.early_help(opened="2026-07-10")
        p.early_help(opened="2026-01-01", closed="2026-08-15", reason="stepped_up")
        p.early_help(opened="2026-07-01", closed="2026-09-30", reason="needs_met")
        p.early_help(opened="2026-06-01", closed="2026-10-01", reason="declined")
        dataset = compute(Q3)
        assert dataset.table("earlyhelp.started").headline == 2
        closed = cells(dataset.table("earlyhelp.closed_by_reason"))
        assert closed["Stepped up to children's social care"] == (1, 50.0)
        assert closed["All needs met"] == (1, 50.0)
        assert closed["Family declined"] == (0, 0.0)
        stepped = cells(dataset.table("earlyhelp.stepped"))
        assert stepped == {
            "Stepped up to children's social care": (1,),
            "Stepped down to universal services": (0,),
        }

    def test_sharing_decisions_by_consent_and_decision(self, partnership):
        p = partnership
        child = p.person()
        p.sharing(decided="2026-07-03 10:00", decision="share", consent="given", child=child)
        p.sharing(decided="2026-08-03 10:00", decision="share", consent="given", child=child)
        p.sharing(decided="2026-09-03 10:00", decision="not_share", consent="refused", child=child)
        p.sharing(decided="2026-06-03 10:00", decision="share", consent="refused", child=child)
        found = cells(compute(Q3).table("sharing.decisions_by_consent"))
        assert found["Consent given"] == (2, 0, 2)
        assert found["Consent refused"] == (0, 1, 1)
        assert found["Total"] == (2, 1, 3)

    def test_meeting_attendance_by_agency_kind(self, partnership):
        p = partnership
        meeting = p.meeting(starts="2026-07-20 10:00", kind_name="Strategy meeting")
        p.invite(meeting, kind=AgencyKind.EDUCATION_SCHOOL, attendance="attended")
        p.invite(meeting, kind=AgencyKind.POLICE, attendance="apologies")
        found = cells(compute(Q3).table("meetings.attendance_by_agency"))
        # Attended, substitute, apologies, did not attend, not recorded, total
        assert found["Education: school"] == (1, 0, 0, 0, 0, 1)
        assert found["Police"] == (0, 0, 1, 0, 0, 1)
        assert found["Total"] == (1, 0, 1, 0, 0, 2)
        by_kind = cells(compute(Q3).table("meetings.attendance_by_kind"))
        assert by_kind["Strategy meeting"] == (1, 0, 1, 0, 0, 2)


class TestMissingAndExploitation:
    @pytest.fixture
    def children(self, partnership):
        p = partnership
        eli = p.person(sex="male", date_of_birth=dt.date(2008, 8, 21), ethnicity="white_british")
        fay = p.person(sex="female", date_of_birth=dt.date(2012, 9, 15), ethnicity="asian_indian")
        p.missing(child=eli, since="2026-07-05 20:00", returned="2026-07-06 12:00",
                  interview="completed", held="2026-07-08 12:00")  # fmt: skip
        p.missing(child=eli, since="2026-07-12 20:00", returned="2026-07-13 12:00",
                  interview="completed", held="2026-07-20 12:00")  # fmt: skip
        p.missing(child=eli, since="2026-07-19 20:00", returned="2026-07-20 12:00",
                  interview="declined")  # fmt: skip
        p.missing(child=fay, since="2026-08-20 20:00")
        p.screening(child=eli, on="2026-07-04")
        p.screening(child=eli, on="2026-08-04")
        p.screening(child=fay, on="2026-09-01")
        p.screening(child=p.person(), on="2026-09-30")  # the quarter's last day
        p.panel(child=eli, recorded="2026-07-10 10:00", exploitation="cce", level="moderate")
        p.panel(child=eli, recorded="2026-08-20 10:00", exploitation="cce", level="significant")
        p.panel(child=fay, recorded="2026-09-15 10:00", exploitation="cse", level="emerging")
        p.nrm(child=eli, referred="2026-07-01", exploitation="criminal", decided="2026-07-15")
        p.nrm(child=fay, referred="2026-08-01", exploitation="sexual", decided="2026-08-31")
        return eli, fay

    def test_missing_episodes_children_and_repeat_missing(self, children):
        dataset = compute(Q3, population=20_000)
        assert dataset.table("missing.episodes").headline == 4
        assert dataset.table("missing.children").rows[0].values == (2, 1.0)
        assert dataset.table("missing.repeat").headline == 1  # Eli, 3 episodes

    def test_return_interviews_within_72_hours(self, children):
        table = compute(Q3).table("missing.return_interviews")
        found = cells(table)
        # Three returns: one held after 48 hours, one after 7 days, one declined.
        assert found["Interview held within 72 hours"] == (1, 33.3)
        assert found["Interview held after 72 hours"] == (1, 33.3)
        assert found["Declined by the child"] == (1, 33.3)
        assert found["Total"] == (3, 100.0)
        assert table.headline == 33.3

    def test_children_screened_are_counted_once(self, children):
        # Eli twice, Fay, and a third child on 30 September.
        assert compute(Q3).table("exploitation.screened").rows[0].values[0] == 3

    def test_at_risk_uses_each_childs_latest_decision_in_the_period(self, children):
        dataset = compute(Q3)
        level = cells(dataset.table("exploitation.at_risk_by_level"))
        # columns: CSE, CCE, both, total
        assert level["Significant risk"] == (0, 1, 0, 1)  # Eli's August decision
        assert level["Moderate risk"] == (0, 0, 0, 0)
        assert level["Emerging risk"] == (1, 0, 0, 1)
        assert level["Total"] == (1, 1, 0, 2)
        sex = cells(dataset.table("exploitation.at_risk_by_sex"))
        assert sex["Male"] == (0, 1, 0, 1)
        assert sex["Female"] == (1, 0, 0, 1)
        age = cells(dataset.table("exploitation.at_risk_by_age"))
        # Eli is 17 on 20 August 2026 (18 the next day); Fay turns 14 on 15 September.
        assert age["16 to 17"] == (0, 1, 0, 1)
        assert age["14 to 15"] == (1, 0, 0, 1)
        ethnicity = cells(dataset.table("exploitation.at_risk_by_ethnicity"))
        assert ethnicity["White"] == (0, 1, 0, 1)
        assert ethnicity["Asian or Asian British"] == (1, 0, 0, 1)

    def test_nrm_referrals_and_median_days_to_a_decision(self, children):
        dataset = compute(Q3)
        referrals = cells(dataset.table("exploitation.nrm_referrals"))
        assert referrals["Criminal exploitation"] == (1,)
        assert referrals["Sexual exploitation"] == (1,)
        assert referrals["Total"] == (2,)
        # 14 and 30 days: the median is 22.
        assert dataset.table("exploitation.nrm_decision_days").rows[0].values == (2, 22.0)


class TestHarmfulSexualBehaviour:
    @pytest.fixture
    def concerns(self, partnership):
        p = partnership
        harry, ivy = p.person(), p.person()
        p.hsb(recorded="2026-07-02 12:00", level="problematic", noticed="2026-07-01 12:00",
              referred="2026-07-01 22:00", children=((harry, "harmed"),))  # fmt: skip
        p.hsb(recorded="2026-08-02 12:00", level="abusive", noticed="2026-08-01 12:00",
              referred="2026-08-02 08:00", children=((harry, "harming"), (ivy, "harmed")))  # fmt: skip
        p.hsb(recorded="2026-09-02 12:00", level="normal", noticed="2026-09-01 12:00")

    def test_concerns_both_roles_and_hours_to_referral(self, concerns):
        dataset = compute(Q3)
        levels = cells(dataset.table("hsb.concerns_by_level"))
        assert levels["Problematic"] == (1,)
        assert levels["Abusive"] == (1,)
        assert levels["Normal"] == (1,)
        assert levels["Total"] == (3,)
        assert dataset.table("hsb.both_roles").headline == 1  # Harry
        # 10 hours and 20 hours: the median is 15.
        assert dataset.table("hsb.time_to_referral").rows[0].values == (2, 15.0)

    def test_the_figures_agree_with_the_hsb_pages_own(self, concerns):
        from safeguard.hsb.selectors import figures  # noqa: PLC0415

        own = figures(Q3.start, Q3.last_day)
        dataset = compute(Q3)
        assert dataset.table("hsb.concerns_by_level").headline == own["concerns"]
        assert dataset.table("hsb.both_roles").headline == own["both_roles"]
        assert (
            dataset.table("hsb.time_to_referral").rows[0].values[1]
            == (own["referral_hours_median"])
        )
        assert (
            dataset.table("hsb.long_investigations").headline
            == (own["investigations_open_over_3_months"])
        )


class TestEmptyAndBadInput:
    def test_a_quarter_with_no_records_is_empty(self, partnership):
        dataset = compute(Period.parse("2019Q1"))
        assert dataset.empty
        assert dataset.table("frontdoor.decided_in_time").headline is None

    def test_a_population_of_zero_is_refused_with_a_reason(self, partnership):
        with pytest.raises(ValueError, match="child population must be more than 0"):
            compute(Q3, population=0)

    def test_the_population_comes_from_settings(self, partnership, settings):
        settings.INSIGHT_CHILD_POPULATION = 12_345
        assert compute(Q3).population == 12_345

    def test_contextual_figures_are_a_section_with_every_row_even_when_nothing_happened(
        self, partnership
    ):
        section = next(s for s in compute(Q3).sections if s.key == "contextual")
        assert section.note == ""
        table = compute(Q3).table("contextual.figures")
        assert len(table.rows) == 10  # places, persons, links... children at risk after
        assert all(row.values == (0,) for row in table.rows)


class TestContextualSafeguarding:
    def test_the_figures_match_the_record_worked_out_by_hand(self, contextual_record):
        table = compute(Q3).table("contextual.figures")
        found = {label: values[0] for label, values in cells(table).items()}
        assert found == {
            "Places recorded": 2,
            "Persons of concern recorded": 1,
            "Links recorded": 0,
            "Context concerns reported": 1,
            "Disruption actions agreed": 3,
            "Disruption actions completed": 2,
            "Networks disrupted": 1,
            "Operations disrupted": 1,
            "Children at risk before the actions completed": 6,
            "Children at risk after the actions completed": 1,
        }
        assert table.headline == 1  # networks disrupted

    def test_the_figures_agree_with_the_contextual_apps_own_count(self, contextual_record):
        from safeguard.contextual.selectors import figures  # noqa: PLC0415

        own = figures(Q3.start, Q3.last_day)
        table = compute(Q3).table("contextual.figures")
        assert [row.values[0] for row in table.rows] == list(own.values())
