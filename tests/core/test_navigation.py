"""The service navigation marks exactly one link as the current page."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from safeguard.core.models import Role
from safeguard.navigation import _current_href, navigation


class TestOneCurrentItem:
    def test_a_page_under_two_links_marks_only_the_longer_one(self):
        hrefs = ["/", "/people/", "/people/records/", "/early-help/"]
        assert _current_href("/people/records/42/", hrefs) == "/people/records/"
        assert _current_href("/people/7/", hrefs) == "/people/"
        assert _current_href("/", hrefs) == "/"
        assert _current_href("/sign-in/", hrefs) is None

    @pytest.mark.django_db
    def test_the_match_records_queue_is_the_only_current_item_for_a_mash_worker(self, make_user):
        worker = make_user(Role.MASH_WORKER)
        request = RequestFactory().get("/people/records/")
        request.user = worker
        items = navigation(request)["nav_items"]
        assert [item["text"] for item in items if item["active"]] == ["Match records"]


@pytest.mark.django_db
class TestTeamsAndMeetingsInTheNavigation:
    """The two links asked in one query agree with the permission table."""

    def test_the_links_follow_the_permission_table(self, make_user, rf):
        from django.utils import timezone

        from safeguard.core.models import Role, TeamMembership
        from safeguard.navigation import navigation
        from tests.factories import TeamFactory

        member = make_user(Role.PRACTITIONER)
        TeamMembership.objects.create(team=TeamFactory(), user=member, since=timezone.localdate())
        outsider = make_user(Role.PRACTITIONER)
        for user in (member, outsider):
            request = rf.get("/")
            request.user = user
            texts = {item["text"] for item in navigation(request)["nav_items"]}
            assert ("Team queues" in texts) == user.has_perm("work.see_team_queues")
            assert ("Meetings" in texts) == user.has_perm("meetings.see_meetings")
        assert user.has_perm("work.see_team_queues") is False
        assert member.has_perm("work.see_team_queues") is True
