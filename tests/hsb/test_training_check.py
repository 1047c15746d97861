"""A practitioner is trained to use an AIM tool through the training record or the checked list."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.hsb.models import AimTool
from safeguard.hsb.training_check import is_trained
from safeguard.training.models import Skill, TrainingRecord

pytestmark = pytest.mark.django_db


class TestTrainedThroughTheTrainingRecord:
    def test_a_current_training_record_in_the_skill_counts_and_an_expired_one_does_not(
        self, practitioner
    ):
        day = dt.date(2026, 11, 30)
        skill, _ = Skill.objects.get_or_create(
            code="aim3", defaults={"name": "Using the AIM3 assessment", "renew_after_months": 36}
        )
        assert not is_trained(practitioner, AimTool.AIM3, day)
        TrainingRecord.objects.create(
            learner=practitioner,
            skill=skill,
            trained_on=day - dt.timedelta(days=30),
            expires_on=day + dt.timedelta(days=365),
        )
        assert is_trained(practitioner, AimTool.AIM3, day)
        assert not is_trained(practitioner, AimTool.AIM3_UNDER_12S, day)
        assert not is_trained(practitioner, AimTool.AIM3, day + dt.timedelta(days=400))
