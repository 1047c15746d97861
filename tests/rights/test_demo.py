"""The rights demo: its old records are due for review whatever the random draw."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from safeguard.people.demo import DemoState
from safeguard.rights.demo import _old_record
from safeguard.rights.retention import CHILD, _item_for

from ..factories import AgencyFactory


@pytest.mark.django_db
def test_each_old_childhood_record_is_a_child_record_due_for_deletion_for_any_seed():
    """At 300 children (seed 1) the demo stopped: the draw made an "old child" an adult."""
    agency = AgencyFactory()
    today = timezone.localdate()
    for seed in range(60):
        state = DemoState(rng=random.Random(seed), children=0, agencies={"cyc-csc": agency})
        for years_old, closed_years_ago in ((27, 9), (26, 8), (25, 7)):
            born = today.replace(year=today.year - years_old) - dt.timedelta(
                days=state.rng.randrange(20, 300)
            )
            person = _old_record(
                state,
                born=born,
                work_ended=today.replace(year=today.year - closed_years_ago),
                slug="cyc-csc",
                child=True,
            )
            assert _item_for(CHILD, str(person.pk)), (seed, years_old)
