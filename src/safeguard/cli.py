"""The ``safeguard`` command: Django's management commands with Safeguard's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Run a management command, e.g. ``safeguard migrate`` or ``safeguard verify_audit``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguard.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
