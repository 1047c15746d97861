"""Helpers the directory's services share."""

from __future__ import annotations

from typing import Any

from safeguard.core.errors import Forbidden


def require(by: Any, perm: str) -> None:
    """Refuse unless the user holds the permission.

    ``by=None`` is the command line (``safeguard openreferral``, the demo): whoever runs
    commands on the server already holds everything.
    """
    if by is not None and not by.has_perm(perm):
        raise Forbidden("You cannot change the partnership's public pages.")
