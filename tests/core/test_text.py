"""Reasons must be real words; invisible and control characters never count or get stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from safeguard.core.errors import InvalidRequest
from safeguard.core.models import AgencyKind, AuditAction, AuditEvent, Role
from safeguard.core.text import has_control_characters, reason_clean, text_visible
from safeguard.people.access import can_view_person, mash_lookup_record
from safeguard.sharing import services as sharing_services

from ..factories import AgencyFactory, InvolvementFactory, PersonFactory

PASSWORD = "correct horse battery staple"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
# What a reviewer would read as nothing at all, or as no words.
INVISIBLE_REASONS = [
    ZERO_WIDTH * 10,
    "\u200b" * 40,
    " \u200b \u00ad \u2063 " * 10,
    "\x01\x02\x03\x04\x05" * 10,
    "1234567890 1234567890 !!!!",
    "x\u200bx\u200bx\u200bx\u200bx\u200bx\u200bx\u200bx\u200bx\u200bx\u200bx\u200bx",
]


class TestReasonClean:
    def test_invisible_characters_go_and_spaces_collapse(self):
        assert text_visible(" Checking\u200b  previous\tcontacts \ufeff") == (
            "Checking previous contacts"
        )

    def test_line_breaks_stay_but_blank_runs_shrink(self):
        assert text_visible("First line\r\n\r\n\r\nSecond  line") == "First line\n\nSecond line"

    def test_text_is_normalised_so_lookalike_spellings_match(self):
        assert text_visible("Zoe\u0308") == "Zo\u00eb"

    @pytest.mark.parametrize("text", INVISIBLE_REASONS)
    def test_a_reason_without_words_is_refused_in_plain_english(self, text):
        with pytest.raises(InvalidRequest) as refused:
            reason_clean(text, min_length=10, min_words=2)
        assert refused.value.errors["reason"] in {
            "Enter a reason",
            "Enter a reason in words",
            "Reason must be at least 10 characters",
        }

    def test_a_real_reason_is_kept_as_the_reader_sees_it(self):
        assert reason_clean("  Checking \u200bprevious contacts ", min_words=2) == (
            "Checking previous contacts"
        )

    def test_control_characters_are_found_but_line_breaks_and_tabs_are_fine(self):
        assert has_control_characters("Jay\x00den")
        assert has_control_characters("Jay\x1bden")
        assert has_control_characters("Jay\ud800den")
        assert not has_control_characters("Line one\nLine two\tand a tab\r\n")


@pytest.mark.django_db
class TestInvisibleReasonsAccepted:
    """Finding: invisible reasons accepted.

    Zero-width characters passed the break-glass, look-up and search-all reason checks.
    """

    @pytest.fixture
    def mash_worker(self, make_user):
        mash = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)
        return make_user(Role.MASH_WORKER, agency=mash)

    @pytest.fixture
    def stranger(self):
        school = AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL)
        child = PersonFactory(given_name="Zephyrine", family_name="Oddbody")
        InvolvementFactory(person=child, agency=school)
        return child

    @pytest.mark.parametrize("reason", INVISIBLE_REASONS)
    def test_break_glass_refuses_an_invisible_reason(self, make_user, stranger, reason):
        nurse = make_user(Role.PRACTITIONER, agency=AgencyFactory(kind=AgencyKind.VOLUNTARY))
        with pytest.raises(ValidationError) as refused:
            sharing_services.break_glass_open(
                by=nurse, person=stranger, reason=reason, password=PASSWORD
            )
        assert "reason" in refused.value.message_dict
        assert not can_view_person(nurse, stranger)

    @pytest.mark.parametrize("reason", INVISIBLE_REASONS)
    def test_look_up_refuses_an_invisible_reason(self, mash_worker, stranger, reason):
        with pytest.raises(InvalidRequest):
            mash_lookup_record(by=mash_worker, person=stranger, reason=reason)
        assert not can_view_person(mash_worker, stranger)

    def test_the_look_up_page_asks_for_a_reason_in_words(self, signed_in, mash_worker, stranger):
        client = signed_in(mash_worker)
        response = client.post(
            reverse("people:look-up", args=[stranger.pk]), {"reason": "\u200b" * 20}
        )
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
        assert "Enter why you need to look at this record" in response.content.decode()
        assert client.get(reverse("people:detail", args=[stranger.pk])).status_code == 404

    @pytest.mark.parametrize("reason", INVISIBLE_REASONS)
    def test_search_all_refuses_an_invisible_reason(self, signed_in, mash_worker, stranger, reason):
        response = signed_in(mash_worker).get(
            reverse("people:search"), {"q": "Zephyrine Oddbody", "reason": reason}
        )
        assert response.status_code == 200
        assert str(stranger.pk) not in response.content.decode()
        assert "There is a problem" in response.content.decode()
        assert not AuditEvent.objects.filter(action=AuditAction.SEARCH, reason=reason).exists()

    def test_a_padded_real_reason_is_stored_as_read(self, mash_worker, stranger):
        mash_lookup_record(
            by=mash_worker, person=stranger, reason="\u200bChecking  previous contacts\u200b"
        )
        event = AuditEvent.objects.get(action=AuditAction.ACCESS_REASON)
        assert event.reason == "Checking previous contacts"
