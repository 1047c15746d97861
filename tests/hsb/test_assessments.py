"""AIM assessments: age rules across birthdays, trained practitioners only, versions not scores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.hsb import assessments, training_check
from safeguard.hsb.assessments import age_problem, assessment_start, formulation_update
from safeguard.hsb.guidance import age_on
from safeguard.hsb.models import AimAssessment, AimTool, CaseType, Pathway, Role

from .conftest import record, train, years_ago

pytestmark = pytest.mark.django_db

FIELDS = {
    "sexual_behaviours": "Touching a younger pupil, repeated after warnings.",
    "non_sexual_behaviours": "Impulsive in class; some fights.",
    "development": "Language delay; young for his age.",
    "family_environment": "Parents separated last year; unsupervised phone at night.",
    "self_regulation": "Struggles when frustrated; calms with a trusted adult.",
    "formulation": "Behaviour grew from curiosity and lack of supervision online.",
    "plan": "Weekly sessions; parents' online safety plan; school supervision.",
}


def _pathway(p) -> Pathway:
    record(p)
    return Pathway.objects.get(person=p.leo, role=Role.HARMING)


def _start(p, pathway, tool=AimTool.AIM3, **kw):
    return assessment_start(
        by=kw.pop("by", p.yjs_worker),
        pathway=pathway,
        tool=tool,
        case_type=kw.pop("case_type", CaseType.PREVENTATIVE),
        started_on=kw.pop("started_on", timezone.localdate()),
        fields=kw.pop("fields", FIELDS),
    )


def _born(p, years: int, days: int) -> None:
    """Leo's birthday ``years`` ago, moved ``days`` later (positive: birthday not reached yet)."""
    p.leo.date_of_birth = years_ago(years) + dt.timedelta(days=days)
    p.leo.save(update_fields=["date_of_birth"])


class TestTheAgeRulesAcrossBirthdays:
    @pytest.mark.parametrize(
        ("tool", "years", "days", "allowed"),
        [
            (AimTool.AIM3, 10, 0, True),  # tenth birthday today
            (AimTool.AIM3, 10, 1, False),  # tenth birthday tomorrow: still 9
            (AimTool.AIM3, 19, 1, True),  # nineteenth birthday tomorrow: still 18
            (AimTool.AIM3, 19, 0, False),  # nineteenth birthday today
            (AimTool.AIM3_UNDER_12S, 13, 1, True),  # still 12
            (AimTool.AIM3_UNDER_12S, 13, 0, False),  # thirteen today
            (AimTool.AIM3_UNDER_12S, 10, 1, False),  # still 9
        ],
    )
    def test_an_assessment_outside_its_age_band_is_refused(self, p, tool, years, days, allowed):
        pathway = _pathway(p)
        train(p.yjs_worker, tool)
        _born(p, years, days)
        if allowed:
            assert _start(p, pathway, tool).tool == tool
        else:
            with pytest.raises(InvalidRequest) as caught:
                _start(p, pathway, tool)
            assert "is for children aged" in caught.value.errors["tool"]
            assert not AimAssessment.objects.exists()

    def test_the_partnership_sets_the_ages_in_settings(self, p, settings):
        settings.HSB_AIM_AGE_RULES = {"aim3": [12, 18]}
        pathway = _pathway(p)
        train(p.yjs_worker)
        _born(p, 11, 0)
        with pytest.raises(InvalidRequest, match="AIM3 is for children aged 12 to 18"):
            _start(p, pathway)

    @hypothesis_settings(max_examples=50, deadline=None)
    @given(
        born=st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2025, 12, 31)).filter(
            lambda d: (d.month, d.day) != (2, 29)
        ),
        years=st.integers(min_value=1, max_value=25),
    )
    def test_the_age_changes_exactly_on_the_birthday(self, born, years):
        birthday = born.replace(year=born.year + years)
        assert age_on(born, birthday) == years
        assert age_on(born, birthday - dt.timedelta(days=1)) == years - 1
        allowed_on_the_day = age_problem(AimTool.AIM3, born, birthday) is None
        assert allowed_on_the_day == (10 <= years <= 18)


class TestOnlyTrainedPractitioners:
    def test_an_untrained_practitioner_is_refused_and_nothing_is_saved(self, p):
        pathway = _pathway(p)
        with pytest.raises(InvalidRequest) as caught:
            _start(p, pathway)
        assert "not recorded as trained to use AIM3" in caught.value.errors["tool"]
        assert not AimAssessment.objects.exists()

    def test_training_in_one_tool_does_not_cover_another(self, p):
        pathway = _pathway(p)
        train(p.yjs_worker, AimTool.AIM_DIGITAL)
        with pytest.raises(InvalidRequest):
            _start(p, pathway, AimTool.AIM3)
        assert _start(p, pathway, AimTool.AIM_DIGITAL).tool == AimTool.AIM_DIGITAL

    def test_training_after_the_assessment_date_does_not_count(self, p):
        pathway = _pathway(p)
        train(p.yjs_worker, on=timezone.localdate())
        assert not training_check.is_trained(
            p.yjs_worker, AimTool.AIM3, timezone.localdate() - dt.timedelta(days=1)
        )
        assert training_check.is_trained(p.yjs_worker, AimTool.AIM3, timezone.localdate())
        assert _start(p, pathway).assessor == p.yjs_worker

    def test_someone_outside_the_hsb_service_cannot_assess(self, p):
        pathway = _pathway(p)
        train(p.social_worker)
        with pytest.raises(Forbidden):
            _start(p, pathway, by=p.social_worker)

    def test_the_managers_keep_the_list(self, p):
        row = assessments.trained_record(
            by=p.yjs_manager,
            user=p.yjs_worker,
            tool=AimTool.AIM3_UNDER_12S,
            trained_on=timezone.localdate(),
        )
        assert training_check.is_trained(p.yjs_worker, AimTool.AIM3_UNDER_12S, timezone.localdate())
        assert row.recorded_by == p.yjs_manager
        with pytest.raises(Forbidden):
            assessments.trained_record(
                by=p.yjs_worker,
                user=p.yjs_worker,
                tool=AimTool.AIM3,
                trained_on=timezone.localdate(),
            )


class TestACaseFormulationUpdatedAsThingsChange:
    def test_each_update_is_a_new_version_and_the_old_ones_are_kept(self, p):
        pathway = _pathway(p)
        train(p.yjs_worker)
        assessment = _start(p, pathway, case_type=CaseType.STATUTORY)
        changed = {**FIELDS, "formulation": "Progress: understands consent; new stress at home."}
        formulation_update(
            by=p.yjs_worker, assessment=assessment, what_changed="Dad moved out", fields=changed
        )
        versions = list(assessment.formulations.values_list("version", "formulation"))
        assert versions == [
            (2, "Progress: understands consent; new stress at home."),
            (1, FIELDS["formulation"]),
        ]

    def test_an_update_needs_to_say_what_changed(self, p):
        pathway = _pathway(p)
        train(p.yjs_worker)
        assessment = _start(p, pathway)
        with pytest.raises(InvalidRequest) as caught:
            formulation_update(
                by=p.yjs_worker, assessment=assessment, what_changed="", fields=FIELDS
            )
        assert "what_changed" in caught.value.errors
        assert assessment.formulations.count() == 1

    def test_the_page_shows_a_formulation_and_no_score(self, p, signed_in):
        pathway = _pathway(p)
        train(p.yjs_worker)
        assessment = _start(p, pathway)
        page = signed_in(p.yjs_worker).get(reverse("hsb:assessment", args=[assessment.pk]))
        text = page.content.decode()
        assert "Version 1 (current)" in text
        assert FIELDS["formulation"] in text
        assert "it gives no low, medium or high score" in text
        assert "High risk" not in text
        assert "Low risk" not in text

    def test_the_form_shows_an_untrained_practitioner_a_govuk_error(self, p, signed_in):
        pathway = _pathway(p)
        today = timezone.localdate()
        response = signed_in(p.yjs_worker).post(
            reverse("hsb:assessment-new", args=[pathway.pk]),
            {
                "tool": "aim3",
                "case_type": "preventative",
                "started_on_day": today.day,
                "started_on_month": today.month,
                "started_on_year": today.year,
                **FIELDS,
            },
        )
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert b"not recorded as trained to use AIM3" in response.content
        assert not AimAssessment.objects.exists()
