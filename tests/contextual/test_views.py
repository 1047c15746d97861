"""The contextual safeguarding pages: access, bad input, the police-only field, the network page and its PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from safeguard.contextual import services
from safeguard.contextual.models import Link, LinkKind

from .conftest import link, place

pytestmark = pytest.mark.django_db


class TestAccess:
    def test_an_analyst_sees_none_of_the_pages(self, signed_in, world):
        spot = place(world)
        client = signed_in(world.analyst)
        for url in (
            reverse("contextual:index"),
            reverse("contextual:places"),
            reverse("contextual:place", kwargs={"pk": spot.pk}),
            reverse("contextual:place-network", kwargs={"pk": spot.pk}),
            reverse("contextual:child", kwargs={"person_id": world.ava.pk}),
        ):
            assert client.get(url).status_code == 404, url

    def test_a_school_reports_concerns_but_does_not_see_places(self, signed_in, world):
        spot = place(world)
        client = signed_in(world.teacher)
        response = client.get(reverse("contextual:index"))
        assert b"Report a concern" in response.content
        assert client.get(reverse("contextual:place", kwargs={"pk": spot.pk})).status_code == 404


class TestPoliceOnlyField:
    def test_the_police_see_the_notes_and_social_care_gets_a_clear_refusal(self, signed_in, world):
        dee = services.person_of_concern_create(
            by=world.officer, name="Dee", intelligence_notes="Uses the Foss Islands car park"
        )
        client = signed_in(world.officer)
        page = client.get(reverse("contextual:person", kwargs={"pk": dee.pk}))
        assert b"Uses the Foss Islands car park" in page.content
        client = signed_in(world.social_worker)
        page = client.get(reverse("contextual:person", kwargs={"pk": dee.pk}))
        assert page.status_code == 200
        assert b"Foss Islands" not in page.content
        assert b"Not shown: police only" in page.content
        refused = client.get(reverse("contextual:police-only", kwargs={"pk": dee.pk}))
        assert refused.status_code == 403
        assert b"govuk-error-summary" in refused.content
        assert b"Foss Islands" not in refused.content

    def test_the_form_for_another_agency_has_no_police_only_field(self, signed_in, world):
        client = signed_in(world.social_worker)
        page = client.get(reverse("contextual:person-new"))
        assert b"intelligence_notes" not in page.content


class TestLinkForm:
    def _post(self, signed_in, world, **changes):
        spot = place(world)
        today = timezone.localdate() - dt.timedelta(days=1)
        data = {
            "kind": LinkKind.CHILD_PLACE,
            "child": str(world.ava.pk),
            "place": str(spot.pk),
            "summary": "Seen at the centre late at night",
            "source_agency": str(world.police.pk),
            "known_on_day": str(today.day),
            "known_on_month": str(today.month),
            "known_on_year": str(today.year),
            "source_evaluation": "1",
            "assessment": "B",
            "handling_code": "P",
        }
        data.update(changes)
        client = signed_in(world.officer)
        return client.post(reverse("contextual:link-new"), data)

    def test_a_complete_link_is_recorded_with_its_grade(self, signed_in, world):
        response = self._post(signed_in, world)
        assert response.status_code == 302
        assert Link.objects.get().grade == "1-B-P"

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"source_agency": ""}, b"Select the agency the information came from"),
            ({"source_evaluation": ""}, b"Select the source evaluation"),
            ({"assessment": "Z"}, b"Intelligence assessment must be A, B, C, D or E"),
            ({"handling_code": "C"}, b"Enter the conditions for sharing"),
            ({"place": ""}, b"Select the place"),
        ],
    )
    def test_bad_input_shows_the_error_summary_and_the_message_beside_the_field(
        self, signed_in, world, changes, message
    ):
        response = self._post(signed_in, world, **changes)
        assert response.status_code == 200
        assert b"govuk-error-summary" in response.content
        assert response.content.count(message) >= 2
        assert not Link.objects.exists()


class TestNetworkPage:
    def test_the_page_says_which_grade_it_used_and_has_the_table(self, signed_in, world):
        spot = place(world)
        link(
            world,
            LinkKind.CHILD_PLACE,
            child=world.ava,
            place=spot,
            source_evaluation="1",
            assessment="A",
        )
        link(
            world,
            LinkKind.CHILD_PLACE,
            child=world.ben,
            place=spot,
            source_evaluation="3",
            assessment="E",
        )
        client = signed_in(world.officer)
        page = client.get(
            reverse("contextual:place-network", kwargs={"pk": spot.pk}),
            {"steps": "1", "grade": "1-A"},
        )
        assert page.status_code == 200
        text = page.content.decode()
        assert "1-A or stronger" in text
        assert "Ava Tester" in text
        assert "Ben Tester" not in text
        assert "New links in the last 30 days" in text

    def test_bad_steps_or_grade_show_errors_not_a_server_error(self, signed_in, world):
        spot = place(world)
        client = signed_in(world.officer)
        page = client.get(
            reverse("contextual:place-network", kwargs={"pk": spot.pk}),
            {"steps": "9", "grade": "4-Z"},
        )
        assert page.status_code == 200
        assert b"govuk-error-summary" in page.content
        assert b"Choose 1 to 3 steps" in page.content
        assert b"Choose a grade from the list" in page.content

    def test_a_network_too_large_is_capped_with_a_plain_message(
        self, signed_in, world, monkeypatch
    ):
        from safeguard.contextual import selectors

        monkeypatch.setattr(selectors, "NETWORK_CAP", 2)
        spot = place(world)
        for child in (world.ava, world.ben, world.cal):
            link(world, LinkKind.CHILD_PLACE, child=child, place=spot)
        client = signed_in(world.officer)
        page = client.get(reverse("contextual:place-network", kwargs={"pk": spot.pk}))
        assert b"The network is too large to show in full: 4 people" in page.content
        assert b"govuk-error-summary" in page.content

    def test_the_case_conference_pdf_holds_the_table_the_gradings_and_the_watermark(
        self, signed_in, world
    ):
        spot = place(world)
        link(
            world,
            LinkKind.CHILD_PLACE,
            child=world.ava,
            place=spot,
            source_evaluation="1",
            assessment="A",
        )
        client = signed_in(world.officer)
        response = client.get(reverse("contextual:place-network-pdf", kwargs={"pk": spot.pk}))
        assert response["Content-Type"] == "application/pdf"
        text = "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "Ava Tester" in text
        assert "1-A-P" in text
        assert "Known directly to the source" in text
        assert "Pat Officer" in text
        assert f"{timezone.localdate():%-d %B %Y}" in text


class TestConcernPages:
    def test_a_reporter_gets_a_reference_and_the_team_triages(self, signed_in, world):
        client = signed_in(world.teacher)
        response = client.post(
            reverse("contextual:concern-new"),
            {
                "context_kind": "place",
                "where": "The number 6 bus",
                "what_happened": "Older men offering vapes",
            },
            follow=True,
        )
        assert b"Your reference number" in response.content
        from safeguard.contextual.models import ContextConcern

        concern = ContextConcern.objects.get()
        assert concern.reference.encode() in response.content
        # The confirmation is a page of its own: reloading it sends nothing twice, and its
        # panel is the only "Concern sent" (no success banner repeating it).
        again = client.get(response.redirect_chain[-1][0])
        assert b"Your reference number" in again.content
        assert b"govuk-notification-banner" not in response.content
        assert ContextConcern.objects.count() == 1
        client = signed_in(world.social_worker)
        page = client.post(
            reverse("contextual:concern", kwargs={"reference": concern.reference}),
            {"form": "triage", "outcome": "disruption_meeting"},
        )
        assert page.status_code == 302
        concern.refresh_from_db()
        assert concern.outcome == "disruption_meeting"

    def test_a_concern_without_where_shows_the_error(self, signed_in, world):
        client = signed_in(world.teacher)
        response = client.post(
            reverse("contextual:concern-new"), {"context_kind": "online", "what_happened": "Chat"}
        )
        assert b"govuk-error-summary" in response.content
        assert b"Say where or who the concern is about" in response.content
