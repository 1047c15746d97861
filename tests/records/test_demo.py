import datetime as dt
import random

import pytest

from safeguard.core.models import AgencyKind
from safeguard.people.demo import DEMO_EXTENSIONS, DemoState
from safeguard.records import demo as records_demo
from safeguard.records.models import AgencyRecord, LinkReview, LinkStatus
from tests.factories import AgencyFactory, PersonFactory, valid_nhs_number

NAMES = ["William", "Elizabeth", "Thomas", "Jessica", "Samuel", "Daniel", "James", "Rebecca"]


@pytest.fixture
def state(db, monkeypatch):
    monkeypatch.setattr(records_demo, "linkage_model_train", lambda: None)
    agencies = {
        "ysth": AgencyFactory(slug="ysth", kind=AgencyKind.HEALTH_HOSPITAL),
        "nyp": AgencyFactory(slug="nyp", kind=AgencyKind.POLICE),
        "fulford-school": AgencyFactory(slug="fulford-school", kind=AgencyKind.EDUCATION_SCHOOL),
    }
    children = [
        PersonFactory(
            given_name=name,
            family_name=f"Family{n}",
            date_of_birth=dt.date(2012, 1 + n % 12, 3 + n),
            nhs_number=valid_nhs_number(n),
            sex="male",
        )
        for n, name in enumerate(NAMES * 2)
    ]
    return DemoState(
        rng=random.Random(1), children=len(children), agencies=agencies, children_made=children
    )


def test_the_demo_extension_is_registered():
    assert (40, records_demo.build) in DEMO_EXTENSIONS


def test_demo_records_come_from_three_agencies_some_linked_some_waiting(state):
    records_demo.build(state)
    slugs = set(AgencyRecord.objects.values_list("agency__slug", flat=True))
    assert slugs == {"ysth", "nyp", "fulford-school"}
    statuses = set(AgencyRecord.objects.values_list("link_status", flat=True))
    assert LinkStatus.AUTO_LINKED in statuses
    assert LinkStatus.AWAITING_REVIEW in statuses
    assert LinkReview.objects.filter(kind="record", status="open").exists()
    # Three children were recorded twice: the queue asks whether to merge them.
    assert LinkReview.objects.filter(kind="people", status="open").count() == 3


def test_the_demo_records_are_the_same_every_time(state):
    records_demo.build(state)
    first = sorted(
        AgencyRecord.objects.values_list("agency_record_id", "given_name", "date_of_birth_text")
    )
    state.rng = random.Random(1)
    records_demo.build(state)
    assert (
        sorted(
            AgencyRecord.objects.values_list("agency_record_id", "given_name", "date_of_birth_text")
        )
        == first
    )
