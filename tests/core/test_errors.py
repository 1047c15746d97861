"""The one domain error type: what users see when a service refuses or rejects a request."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from safeguard.core.errors import DomainError, Forbidden, InvalidRequest
from safeguard.core.middleware import DomainErrorMiddleware
from safeguard.people.access import AccessDenied


class TestTheErrorTypes:
    def test_old_names_are_the_same_refusal(self):
        assert AccessDenied is Forbidden
        assert issubclass(Forbidden, PermissionError)
        assert issubclass(InvalidRequest, ValueError)
        assert issubclass(Forbidden, DomainError)

    def test_the_message_reads_as_written(self):
        assert str(InvalidRequest("Give a reason for undoing the merge")) == (
            "Give a reason for undoing the merge"
        )
        problem = InvalidRequest(errors={"reason": "Enter a reason"})
        assert str(problem) == "Enter a reason"
        assert problem.errors == {"reason": "Enter a reason"}


@pytest.mark.django_db
class TestAnUncaughtDomainErrorIsNeverAServerError:
    def _answer(self, exc: Exception):
        request = RequestFactory().get("/somewhere/")
        return DomainErrorMiddleware(lambda r: None).process_exception(request, exc)  # type: ignore[arg-type]

    def test_a_refusal_reads_like_page_not_found(self):
        response = self._answer(Forbidden("You cannot change this record."))
        assert response.status_code == 404
        assert "You cannot change this record." not in response.content.decode()

    def test_a_bad_request_is_a_400_page(self):
        assert self._answer(InvalidRequest("This merge has already been undone")).status_code == 400

    def test_other_errors_are_left_alone(self):
        assert self._answer(RuntimeError("boom")) is None
