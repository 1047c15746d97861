from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.core.models import AuditEvent
from safeguard.earlyhelp import services
from safeguard.earlyhelp.models import Assessment, Episode, SupportRecord
from safeguard.earlyhelp.taf import taf_meetings

from ..factories import AgencyFactory, ChronologyEventFactory
from .conftest import agree

LONG = "x" * 100_000
SCRIPT = "<script>alert('x')</script>"


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def _today() -> dt.date:
    return timezone.localdate()


def _urls(episode: Episode, assessment: Assessment | None = None) -> list[str]:
    urls = [
        reverse("earlyhelp:detail", args=[episode.pk]),
        reverse("earlyhelp:taf", args=[episode.pk]),
        reverse("earlyhelp:support", args=[episode.pk]),
        reverse("earlyhelp:support-add", args=[episode.pk]),
        reverse("earlyhelp:change", args=[episode.pk]),
        reverse("earlyhelp:close", args=[episode.pk]),
    ]
    if assessment is not None:
        urls.append(reverse("earlyhelp:assessment", args=[episode.pk, assessment.pk]))
    return urls


class TestAccessToPages:
    def test_every_page_works_for_the_lead(self, family, episode, signed_in):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        client = signed_in(family.lead)
        for url in [*_urls(episode, assessment), reverse("earlyhelp:list")]:
            response = client.get(url)
            assert response.status_code == 200, url

    def test_every_page_is_not_found_for_an_outsider(self, family, episode, outsider, signed_in):
        assessment = services.assessment_start(by=family.lead, episode=episode)
        client = signed_in(outsider)
        for url in _urls(episode, assessment):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {}).status_code in (404, 405), url
        assert (
            client.post(reverse("earlyhelp:assessment-start", args=[episode.pk])).status_code == 404
        )
        assert AuditEvent.objects.filter(action="deny", object_id=str(episode.pk)).exists()
        list_page = client.get(reverse("earlyhelp:list"))
        assert episode.reference not in list_page.content.decode()

    def test_an_analyst_sees_no_early_help_pages(self, family, episode, make_user, signed_in):
        from safeguard.core.models import Role

        client = signed_in(make_user(Role.ANALYST, agency=family.school))
        assert client.get(reverse("earlyhelp:list")).status_code == 404
        assert client.get(reverse("earlyhelp:detail", args=[episode.pk])).status_code == 404

    def test_signed_out_people_are_sent_to_sign_in(self, client, episode):
        response = client.get(reverse("earlyhelp:detail", args=[episode.pk]))
        assert response.status_code == 302

    def test_viewing_the_episode_is_audited_for_each_child(self, family, episode, signed_in):
        signed_in(family.lead).get(reverse("earlyhelp:detail", args=[episode.pk]))
        viewed = AuditEvent.objects.filter(action="view", object_type="early_help_episode")
        assert {e.person_id for e in viewed} == {family.older.pk, family.younger.pk}

    def test_the_list_shows_my_families_with_overdue_reviews(self, family, episode, signed_in):
        Episode.objects.filter(pk=episode.pk).update(review_due=_today() - dt.timedelta(days=3))
        page = signed_in(family.lead).get(reverse("earlyhelp:list") + "?status=overdue")
        html = page.content.decode()
        assert episode.reference in html
        assert "Review overdue" in html
        assert "Team Around the Family (TAF)" in html


class TestStartEarlyHelp:
    def test_find_the_child_and_start(self, family, signed_in):
        client = signed_in(family.lead)
        found = client.get(reverse("earlyhelp:find-child"), {"q": "Isla Brennan"})
        assert reverse("earlyhelp:open", args=[family.older.pk]) in found.content.decode()
        form = client.get(reverse("earlyhelp:open", args=[family.older.pk]))
        assert "Theo Brennan" in form.content.decode()  # the brother is offered too
        assert "Keira Brennan" not in form.content.decode()  # an adult is not
        response = client.post(
            reverse("earlyhelp:open", args=[family.older.pk]),
            {
                "children": [str(family.older.pk), str(family.younger.pk)],
                "reason": "Help with mornings",
            },
        )
        episode = Episode.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("earlyhelp:detail", args=[episode.pk])

    def test_empty_answers_give_errors(self, family, signed_in):
        response = signed_in(family.lead).post(
            reverse("earlyhelp:open", args=[family.older.pk]), {"reason": ""}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert "Select at least one child" in html
        assert "Enter why the family needs early help" in html

    def test_a_child_you_cannot_see_is_not_found(self, family, outsider, signed_in):
        response = signed_in(outsider).get(reverse("earlyhelp:open", args=[family.older.pk]))
        assert response.status_code == 404


class TestAssessmentForm:
    @pytest.fixture
    def page(self, family, episode, signed_in):
        client = signed_in(family.lead)
        response = client.post(reverse("earlyhelp:assessment-start", args=[episode.pk]))
        assessment = Assessment.objects.get()
        assert response["Location"] == reverse(
            "earlyhelp:assessment", args=[episode.pk, assessment.pk]
        )
        return client, reverse("earlyhelp:assessment", args=[episode.pk, assessment.pk]), assessment

    def test_the_form_is_prefilled(self, family, episode, page):
        ChronologyEventFactory(person=family.older, title="Attendance below 90% this term")
        client, url, _ = page
        # The draft was started before this event; a new episode's assessment would include it.
        html = client.get(url).content.decode()
        assert "Isla Brennan" in html
        assert "Fulford Test School (Pupil)" in html

    def test_save_as_draft_keeps_everything(self, family, page):
        client, url, assessment = page
        response = client.post(
            url, {"action": "draft", "needs": "Routines", "lead_practitioner": family.lead.pk}
        )
        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.needs == "Routines"
        assert assessment.is_draft

    def test_completing_without_the_childs_voice_keeps_what_was_typed(self, family, page):
        client, url, assessment = page
        data = {
            "action": "complete",
            "lead_practitioner": family.lead.pk,
            **_date("assessment_date", _today()),
            "family_view": "Mum wants help",
            "needs": SCRIPT,
            "plan": "Weekly check-ins",
        }
        response = client.post(url, data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in html
        assert "Enter what the child said and what life is like for them" in html
        assert 'href="#id_child_voice"' in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
        assert SCRIPT not in html
        assessment.refresh_from_db()
        assert assessment.is_draft
        assert assessment.needs == SCRIPT  # the draft kept it

    def test_complete(self, family, page):
        client, url, assessment = page
        data = {
            "action": "complete",
            "lead_practitioner": family.lead.pk,
            **_date("assessment_date", _today()),
            "family_view": "Mum wants help",
            "child_voice": "Said mornings are shouty",
            "needs": "Routines",
            "plan": "Weekly check-ins",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        assessment.refresh_from_db()
        assert assessment.status == Assessment.Status.COMPLETED
        # A completed assessment is read-only.
        html = client.get(url).content.decode()
        assert "Said mornings are shouty" in html
        assert "Save as draft" not in html
        assert client.post(url, data).status_code == 404

    @pytest.mark.parametrize(
        ("parts", "message"),
        [
            (
                {
                    "assessment_date_day": "31",
                    "assessment_date_month": "2",
                    "assessment_date_year": "2025",
                },
                "Date of the assessment must be a real date",
            ),
            (
                {
                    "assessment_date_day": "1",
                    "assessment_date_month": "1",
                    "assessment_date_year": "2999",
                },
                "Date of the assessment must be today or in the past",
            ),
            (
                {
                    "assessment_date_day": "1",
                    "assessment_date_month": "",
                    "assessment_date_year": "2025",
                },
                "Date of the assessment must include a month",
            ),
            (
                {
                    "assessment_date_day": "aa",
                    "assessment_date_month": "1",
                    "assessment_date_year": "2025",
                },
                "Date of the assessment must be a real date",
            ),
        ],
    )
    def test_bad_dates(self, page, parts, message):
        client, url, _ = page
        response = client.post(url, {"action": "draft", "needs": "Kept", **parts})
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert f'value="{parts["assessment_date_year"]}"' in html  # what was typed is kept
        assert "Kept" in html

    @pytest.mark.parametrize(
        "field", ["already_known", "family_view", "child_voice", "needs", "strengths", "plan"]
    )
    def test_very_long_text_is_refused_and_other_answers_saved(self, page, field):
        client, url, assessment = page
        other = "strengths" if field != "strengths" else "needs"
        response = client.post(url, {"action": "draft", field: LONG, other: "Kept answer"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "must be 10,000 characters or fewer" in html
        assessment.refresh_from_db()
        assert getattr(assessment, other) == "Kept answer"

    def test_a_lead_not_in_the_list_is_refused(self, page, outsider):
        client, url, _ = page
        response = client.post(url, {"action": "draft", "lead_practitioner": outsider.pk})
        assert "Select a lead practitioner from the list" in response.content.decode()


class TestTafForm:
    def _good(self, family):
        return {
            "kind": "first",
            **_date("held_on", _today()),
            "agencies": [family.school.pk],
            "progress": "Attendance is up",
            "child_voice": "Said school is better",
            **_date("next_review_due", _today() + dt.timedelta(weeks=6)),
        }

    def test_records_a_meeting(self, family, episode, signed_in):
        response = signed_in(family.lead).post(
            reverse("earlyhelp:taf", args=[episode.pk]), self._good(family)
        )
        assert response.status_code == 302
        (meeting,) = taf_meetings().for_episodes([episode.pk])
        assert meeting.agency_ids == [family.school.pk]

    def test_empty_form_lists_every_required_answer(self, family, episode, signed_in):
        html = (
            signed_in(family.lead)
            .post(reverse("earlyhelp:taf", args=[episode.pk]), {})
            .content.decode()
        )
        for message in (
            "Select whether this was the first meeting or a review",
            "Enter the date of the meeting",
            "Select at least one agency that took part",
            "Enter what progress the family has made",
            "Enter what the child said about how things are now",
            "Enter the date the next review is due",
        ):
            assert message in html

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (
                _date("held_on", dt.date(2999, 1, 1)),
                "Date of the meeting must be today or in the past",
            ),
            (
                {"held_on_day": "30", "held_on_month": "2"},
                "Date of the meeting must be a real date",
            ),
            (
                _date("next_review_due", dt.date(2020, 1, 1)),
                "Date the next review is due must be today or in the future",
            ),
            ({"progress": LONG}, "must be 10,000 characters or fewer"),
            ({"agencies": ["999999"]}, "Select a valid choice"),
            ({"kind": "party"}, "Select a valid choice"),
        ],
    )
    def test_bad_input(self, family, episode, signed_in, change, message):
        data = {**self._good(family), **change}
        response = signed_in(family.lead).post(reverse("earlyhelp:taf", args=[episode.pk]), data)
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert "Said school is better" in html
        assert not taf_meetings().exists(episode)

    def test_a_review_more_than_6_months_away_is_refused_by_the_service(
        self, family, episode, signed_in
    ):
        data = {**self._good(family), **_date("next_review_due", _today() + dt.timedelta(days=300))}
        html = (
            signed_in(family.lead)
            .post(reverse("earlyhelp:taf", args=[episode.pk]), data)
            .content.decode()
        )
        assert "The next review must be within 6 months of the meeting" in html

    def test_script_is_shown_escaped(self, family, episode, signed_in):
        client = signed_in(family.lead)
        client.post(
            reverse("earlyhelp:taf", args=[episode.pk]), {**self._good(family), "progress": SCRIPT}
        )
        html = client.get(reverse("earlyhelp:detail", args=[episode.pk])).content.decode()
        assert SCRIPT not in html
        assert "&lt;script&gt;" in html


class TestSupportAndCentralRecord:
    def test_add_support_and_see_it_on_the_central_record(self, family, episode, signed_in):
        housing = AgencyFactory(name="Test Housing")
        client = signed_in(family.lead)
        response = client.post(
            reverse("earlyhelp:support-add", args=[episode.pk]),
            {
                "agency": housing.pk,
                "child": str(family.younger.pk),
                "description": "Rent plan",
                **_date("started", _today()),
            },
        )
        assert response.status_code == 302
        html = client.get(reverse("earlyhelp:support", args=[episode.pk])).content.decode()
        assert "Test Housing" in html
        assert "Rent plan" in html
        assert "Fulford Test School" in html

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"agency": ""}, "Select the agency that gave the support"),
            ({"description": ""}, "Enter what support was given"),
            ({"description": LONG}, "must be 10,000 characters or fewer"),
            (
                _date("started", dt.date(2999, 1, 1)),
                "Date the support started must be today or in the past",
            ),
            (
                {**_date("started", dt.date(2025, 3, 1)), **_date("ended", dt.date(2025, 2, 1))},
                "The date the support ended must be on or after the date it started",
            ),
            ({"child": "not-a-child"}, "Select a child in this family"),
        ],
    )
    def test_bad_input(self, family, episode, signed_in, change, message):
        data = {
            "agency": family.school.pk,
            "description": "Mentoring <b>kept</b>",
            **_date("started", _today()),
        }
        data.update(change)
        response = signed_in(family.lead).post(
            reverse("earlyhelp:support-add", args=[episode.pk]), data
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert not SupportRecord.objects.exists()

    def test_the_central_record_page_has_a_bounded_number_of_queries(
        self, family, episode, signed_in, django_assert_max_num_queries
    ):
        client = signed_in(family.lead)

        def add(n):
            for i in range(n):
                agency = AgencyFactory()
                agree(family, episode, agencies=[agency])
                services.support_record_add(
                    by=family.lead,
                    episode=episode,
                    agency=agency,
                    description=f"Support {i}",
                    started=_today(),
                    child=family.older,
                )
                services.taf_meeting_record(
                    by=family.lead,
                    episode=episode,
                    held_on=_today(),
                    next_review_due=_today() + dt.timedelta(weeks=6),
                    progress="ok",
                    agencies=[agency, family.school],
                )

        add(2)
        url = reverse("earlyhelp:support", args=[episode.pk])
        client.get(url)
        with django_assert_max_num_queries(30) as small:
            client.get(url)
        add(15)
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(url)
        assert response.content.decode().count("Support 1") >= 7


class TestChangeAndClose:
    def test_close_with_a_reason(self, family, episode, signed_in):
        client = signed_in(family.lead)
        response = client.post(
            reverse("earlyhelp:close", args=[episode.pk]),
            {"reason": "moved_away", **_date("closed_on", _today()), "note": "Moved to Leeds"},
        )
        assert response.status_code == 302
        episode.refresh_from_db()
        assert episode.closure_reason == "moved_away"
        html = client.get(reverse("earlyhelp:detail", args=[episode.pk])).content.decode()
        assert "Moved away" in html
        assert "Close early help</a>" not in html
        assert client.get(reverse("earlyhelp:close", args=[episode.pk])).status_code == 404

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Select why early help is closing"),
            ({"reason": "bored"}, "Select why early help is closing"),
            (
                _date("closed_on", dt.date(2999, 1, 1)),
                "Date early help closed must be today or in the past",
            ),
            ({"note": LONG}, "must be 10,000 characters or fewer"),
        ],
    )
    def test_bad_closure(self, family, episode, signed_in, data, message):
        response = signed_in(family.lead).post(reverse("earlyhelp:close", args=[episode.pk]), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        episode.refresh_from_db()
        assert episode.is_open

    def test_closing_before_it_started_is_refused(self, family, episode, signed_in):
        data = {
            "reason": "needs_met",
            **_date("closed_on", episode.opened_on - dt.timedelta(days=1)),
        }
        html = (
            signed_in(family.lead)
            .post(reverse("earlyhelp:close", args=[episode.pk]), data)
            .content.decode()
        )
        assert "must be on or after the day it started" in html

    def test_record_a_change(self, family, episode, signed_in):
        client = signed_in(family.lead)
        bad = client.post(reverse("earlyhelp:change", args=[episode.pk]), {"summary": SCRIPT})
        assert "Enter the date of the change" in bad.content.decode()
        assert "&lt;script&gt;" in bad.content.decode()
        good = client.post(
            reverse("earlyhelp:change", args=[episode.pk]),
            {"summary": "New partner moved in", **_date("happened_on", _today())},
        )
        assert good.status_code == 302
        assert (
            "New partner moved in"
            in client.get(reverse("earlyhelp:detail", args=[episode.pk])).content.decode()
        )


class TestListQueries:
    def test_the_list_has_a_bounded_number_of_queries(
        self, family, signed_in, django_assert_max_num_queries
    ):
        from ..factories import (
            HouseholdFactory,
            HouseholdMemberFactory,
            InvolvementFactory,
            PersonFactory,
        )

        def add(n):
            for _ in range(n):
                household = HouseholdFactory()
                kids = [PersonFactory(), PersonFactory()]
                for kid in kids:
                    HouseholdMemberFactory(household=household, person=kid)
                InvolvementFactory(person=kids[0], agency=family.school)
                services.early_help_episode_open(by=family.lead, children=kids)

        client = signed_in(family.lead)
        add(2)
        url = reverse("earlyhelp:list") + "?status=all"
        client.get(url)
        with django_assert_max_num_queries(30) as small:
            client.get(url)
        add(10)
        with django_assert_max_num_queries(len(small.captured_queries)) as big:
            response = client.get(url)
        assert response.content.decode().count("EH-") >= 12
        # Who the user may see is worked out once in each query of episodes, not twice
        # (children seen, then children hidden): at 20,000 children on PostgreSQL that was
        # most of the list's time.
        episode_queries = [
            q["sql"] for q in big.captured_queries if 'FROM "earlyhelp_episode"' in q["sql"]
        ]
        assert episode_queries
        for sql in episode_queries:
            assert sql.count('FROM "people_person"') == 1, sql


class TestMyWork:
    def test_home_page_counts_my_families_and_overdue_reviews(self, family, episode, signed_in):
        Episode.objects.filter(pk=episode.pk).update(review_due=_today() - dt.timedelta(days=1))
        html = signed_in(family.lead).get(reverse("home")).content.decode()
        assert "Your agency supports 1 family through early help" in html
        assert "1 Team Around the Family review is overdue" in html
        assert "Isla" not in html.split("Early help</h2>")[1]

    def test_the_early_help_counts_take_one_query_however_many_families(
        self, family, episode, signed_in, django_assert_max_num_queries
    ):
        from ..factories import InvolvementFactory, PersonFactory

        client = signed_in(family.lead)
        client.get(reverse("home"))
        with django_assert_max_num_queries(60) as one_family:
            client.get(reverse("home"))
        for _ in range(4):
            child = PersonFactory()
            InvolvementFactory(person=child, agency=family.school)
            opened = services.early_help_episode_open(by=family.lead, children=[child])
            Episode.objects.filter(pk=opened.pk).update(review_due=_today() - dt.timedelta(days=1))
        with django_assert_max_num_queries(len(one_family.captured_queries)) as five:
            html = client.get(reverse("home")).content.decode()
        assert "Your agency supports 5 families through early help" in html
        assert "4 Team Around the Family reviews are overdue" in html
        counting = [q for q in five.captured_queries if 'FROM "earlyhelp_episode"' in q["sql"]]
        assert len(counting) == 1, [q["sql"][:200] for q in counting]
