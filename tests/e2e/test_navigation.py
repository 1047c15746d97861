"""The header names the partnership; the service navigation fits one line at 1280 pixels.

For every role, with account settings and sign out in the account menu; one item is current.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from safeguard.core.models import AgencyKind, Role, TeamMembership
from safeguard.frontdoor.models import PoliceIntelligenceUser
from tests.factories import AgencyFactory, TeamFactory, UserFactory

from .axe import assert_accessible

pytestmark = pytest.mark.e2e


def _users():
    mash = AgencyFactory(
        kind=AgencyKind.CHILDRENS_SOCIAL_CARE,
        is_mash=True,
        name="City of York Council Multi-Agency Safeguarding Hub",
    )
    police = AgencyFactory(kind=AgencyKind.POLICE, name="North Yorkshire Police")
    team = TeamFactory(agency=mash, name="Multi-Agency Safeguarding Hub team")
    police_team = TeamFactory(agency=police, name="Police safeguarding hub")
    manager = UserFactory(
        username="nav.manager", roles=[Role.MASH_MANAGER, Role.MASH_WORKER], agency=mash
    )
    officer = UserFactory(username="nav.officer", roles=[Role.PRACTITIONER], agency=police)
    PoliceIntelligenceUser.objects.create(user=officer)
    today = timezone.localdate()
    TeamMembership.objects.create(team=team, user=manager, is_manager=True, since=today)
    TeamMembership.objects.create(team=police_team, user=officer, is_manager=True, since=today)
    return [
        manager,
        officer,
        UserFactory(username="nav.practitioner", roles=[Role.PRACTITIONER], agency=mash),
        UserFactory(username="nav.chair", roles=[Role.PANEL_CHAIR], agency=mash),
        UserFactory(username="nav.business", roles=[Role.BUSINESS_UNIT], agency=mash),
        UserFactory(username="nav.analyst", roles=[Role.ANALYST], agency=mash),
        UserFactory(username="nav.admin", roles=[Role.SYSTEM_ADMINISTRATOR], agency=mash),
    ]


def test_the_navigation_fits_one_line_for_every_role(page, sign_in, settings):
    settings.PARTNERSHIP_NAME = "City of York Safeguarding Children Partnership"
    page.set_viewport_size({"width": 1280, "height": 800})
    for user in _users():
        sign_in(page, user)
        page.goto("/")
        header = page.locator("header")
        assert "City of York Safeguarding Children Partnership" in header.inner_text()
        tops = page.locator(".govuk-service-navigation__item").evaluate_all(
            "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
        )
        assert tops
        assert len(set(tops)) == 1, f"{user.username}: navigation wraps onto {len(set(tops))} lines"
        assert page.locator("[aria-current=page]").count() == 1
        account = page.get_by_role("navigation", name="Your account")
        assert account.get_by_role("link", name="Account and two-factor sign-in").is_visible()
        assert_accessible(page)
        account.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/signed-out/**")
