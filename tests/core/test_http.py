"""The shared POST helper: a refusal the user can act on is shown on the form."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from safeguard.core.errors import Forbidden, InvalidRequest
from safeguard.core.http import form_post


class NoteForm(forms.Form):
    reason = forms.CharField()


def _request():
    request = RequestFactory().post("/somewhere/", {"reason": "Because"})
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def _refuse(data):
    raise Forbidden("Only the named chair can close this meeting.")


def _invalid(data):
    raise InvalidRequest(errors={"reason": "Say why in more words"})


class TestFormPost:
    def test_a_saved_form_redirects_with_its_message(self):
        request = _request()
        response = form_post(
            request,
            NoteForm(request.POST),
            lambda data: data["reason"],
            done="Saved",
            then="/next/",
        )
        assert response is not None
        assert response.status_code == 302
        assert response["Location"] == "/next/"

    def test_bad_input_from_the_service_lands_beside_its_field(self):
        request = _request()
        form = NoteForm(request.POST)
        assert form_post(request, form, _invalid, done="Saved", then="/next/") is None
        assert form.errors["reason"] == ["Say why in more words"]

    def test_a_refusal_reaches_the_403_page_unless_the_page_asks_to_show_it(self):
        request = _request()
        with pytest.raises(Forbidden):
            form_post(request, NoteForm(request.POST), _refuse, done="Saved", then="/next/")

    def test_a_refusal_the_page_asks_for_is_shown_on_the_form_and_nothing_redirects(self):
        request = _request()
        form = NoteForm(request.POST)
        response = form_post(request, form, _refuse, done="Saved", then="/next/", refusals=True)
        assert response is None
        assert form.non_field_errors() == ["Only the named chair can close this meeting."]
