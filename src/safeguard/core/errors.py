"""The one domain error type, so views and the API can answer every refusal the same way.

Services refuse with :class:`Forbidden` and reject bad input with :class:`InvalidRequest`;
views turn them into GOV.UK error messages and the API into JSON problems (RFC 9457).

``Forbidden`` is a :class:`PermissionError` and ``InvalidRequest`` a :class:`ValueError`, so
code written against the built-in exceptions keeps working while it moves over.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Something a service will not do, said in words a user can read."""

    status = 400
    title = "The request could not be completed"

    def __init__(self, message: str = "", *, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, str] = dict(errors or {})

    def __str__(self) -> str:
        return self.message or "; ".join(self.errors.values())


class Forbidden(DomainError, PermissionError):
    """The user may not do this (pages answer 'not found' or 'forbidden', as before)."""

    status = 403
    title = "You cannot do this"


class InvalidRequest(DomainError, ValueError):
    """The request itself is wrong: a missing reason, a date in the future, a repeated action.

    ``errors`` maps a form field's name to its message, for the inline message beside it.
    """

    status = 422
    title = "There is a problem with the request"
