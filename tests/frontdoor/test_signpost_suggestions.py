"""A signposting decision suggests the directory's services that fit each child (issue 18)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.directory import services as directory
from safeguard.frontdoor.models import Outcome
from safeguard.frontdoor.services import ChildDetails, threshold_decide
from tests.directory.conftest import YORK_FILE

pytestmark = pytest.mark.django_db


def _aged(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=30)


@pytest.fixture
def york(db):
    directory.directory_import(by=None, content=YORK_FILE.read_bytes())


def _decided(submit, mash_worker, outcome, level, categories):
    contact = submit(
        children=[ChildDetails(given_name="Kai", family_name="Testchild", date_of_birth=_aged(14))],
        categories=categories,
    )
    threshold_decide(
        by=mash_worker,
        contact=contact,
        level=level,
        outcome=outcome,
        rationale="Needs can be met by a local service.",
        message_to_referrer="Thank you: we have given the family details of a service.",
    )
    return contact


def test_a_signposting_decision_lists_services_that_fit_the_childs_age_and_concerns(
    york, submit, mash_worker, signed_in
):
    contact = _decided(submit, mash_worker, Outcome.SIGNPOST, 2, ["going_missing"])
    page = signed_in(mash_worker).get(reverse("frontdoor:contact", args=[contact.reference]))
    text = page.content.decode()
    assert "Services that may fit" in text
    assert "Kai Testchild</strong> (aged 14)" in text
    assert "North Yorkshire SOS+" in text
    assert "Ivison Trust Parent Liaison Officer" in text
    assert "Emergency Duty Team" not in text.split("Services that may fit")[1]


def test_other_outcomes_suggest_nothing(york, submit, mash_worker, signed_in):
    contact = _decided(submit, mash_worker, Outcome.EARLY_HELP_ASSESSMENT, 2, ["going_missing"])
    page = signed_in(mash_worker).get(reverse("frontdoor:contact", args=[contact.reference]))
    assert "Services that may fit" not in page.content.decode()
