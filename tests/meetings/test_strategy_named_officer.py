"""QA wave 2: a strategy meeting accepts a named police officer as the police.

A strategy meeting must invite the police (and the other agencies its kind requires).
Inviting the officer who knows the child invites their agency too, so it satisfies the
rule; inviting someone from another kind of agency still does not.
"""

from __future__ import annotations

import pytest

from safeguard.core.errors import InvalidRequest
from safeguard.meetings import services

from .conftest import at, next_weekday

pytestmark = pytest.mark.django_db


def _arrange(p, *, agencies, people):
    return services.meeting_arrange(
        by=p.chair,
        kind=p.strategy,
        title="Strategy discussion",
        starts_at=at(next_weekday()),
        agencies=agencies,
        people=people,
    )


class TestAStrategyMeetingWithANamedOfficer:
    def test_inviting_a_named_police_officer_counts_as_inviting_the_police(
        self, partnership, signed_in
    ):
        p = partnership
        meeting = _arrange(p, agencies=[p.csc], people=[p.officer])
        invitation = meeting.invitations.get(agency=p.police)
        assert invitation.person == p.officer
        page = signed_in(p.officer).get(f"/meetings/{meeting.reference}/")
        assert page.status_code == 200
        assert "Strategy discussion" in page.text

    def test_a_named_person_from_another_kind_of_agency_is_not_the_police(self, partnership):
        p = partnership
        with pytest.raises(InvalidRequest) as refused:
            _arrange(p, agencies=[p.csc], people=[p.teacher])
        assert "must invite Police" in str(refused.value)

    def test_no_police_at_all_is_still_refused(self, partnership):
        p = partnership
        with pytest.raises(InvalidRequest) as refused:
            _arrange(p, agencies=[p.csc, p.school], people=[])
        assert "must invite Police" in str(refused.value)
