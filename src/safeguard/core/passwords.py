"""Password rules beyond Django's: long passphrases allowed, nothing absurd."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    """Allow passphrases of at least 64 characters, but refuse megabyte-long input."""

    maximum = 256

    def validate(self, password: str, user: object = None) -> None:
        """Refuse passwords longer than the maximum."""
        if len(password) > self.maximum:
            raise ValidationError(
                f"Password must be {self.maximum} characters or fewer.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        """Explain the rule."""
        return f"Your password can be up to {self.maximum} characters long."
