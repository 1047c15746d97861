"""Early help that signposts the family suggests the directory's services that fit each child."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguard.directory import services as directory
from safeguard.earlyhelp import services
from safeguard.earlyhelp.models import ClosureReason, FamilyConsent
from safeguard.frontdoor.services import contact_submit
from tests.directory.conftest import YORK_FILE
from tests.frontdoor.conftest import concern_kwargs

from ..factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def york(db):
    directory.directory_import(by=None, content=YORK_FILE.read_bytes())


@pytest.fixture
def from_the_mash(family):
    """Early help for a 14-year-old, opened from a MASH contact about going missing."""
    AgencyFactory(name="Test MASH", slug="test-mash", is_mash=True)
    today = timezone.localdate()
    family.older.date_of_birth = today.replace(year=today.year - 14) - dt.timedelta(days=30)
    family.older.save(update_fields=["date_of_birth"])
    contact = contact_submit(by=family.lead, **concern_kwargs(categories=["going_missing"]))
    return services.early_help_episode_open(
        by=family.lead, children=[family.older], source_reference=contact.reference
    )


def _page(signed_in, family, episode) -> str:
    response = signed_in(family.lead).get(reverse("earlyhelp:detail", args=[episode.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_closing_stepped_down_lists_services_that_fit_the_childs_age_and_concerns(
    york, family, from_the_mash, signed_in
):
    services.episode_close(
        by=family.lead,
        episode=from_the_mash,
        reason=ClosureReason.STEPPED_DOWN,
        closed_on=timezone.localdate(),
    )
    text = _page(signed_in, family, from_the_mash)
    assert "Services that may fit" in text
    assert "Isla Brennan</strong> (aged 14)" in text
    suggested = text.split("Services that may fit")[1]
    assert "North Yorkshire SOS+" in suggested
    assert "Ivison Trust Parent Liaison Officer" in suggested
    assert "Emergency Duty Team" not in suggested


def test_a_family_that_declines_and_is_signposted_sees_the_same_suggestions(
    york, family, from_the_mash, signed_in
):
    services.family_consent_record(
        by=family.lead,
        episode=from_the_mash,
        person=family.parent,
        decision=FamilyConsent.Decision.REFUSED,
        decided_on=timezone.localdate(),
        method=FamilyConsent.Method.IN_PERSON,
        next_step=FamilyConsent.NextStep.UNIVERSAL,
    )
    text = _page(signed_in, family, from_the_mash)
    assert "North Yorkshire SOS+" in text.split("Services that may fit")[1]


def test_open_early_help_and_other_closures_suggest_nothing(york, family, from_the_mash, signed_in):
    assert "Services that may fit" not in _page(signed_in, family, from_the_mash)
    services.episode_close(
        by=family.lead,
        episode=from_the_mash,
        reason=ClosureReason.NEEDS_MET,
        closed_on=timezone.localdate(),
    )
    assert "Services that may fit" not in _page(signed_in, family, from_the_mash)
