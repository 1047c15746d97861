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
