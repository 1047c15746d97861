"""The long drills run only when asked: ``make drills`` (SAFEGUARD_DRILLS=1), not in ``make test``."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("SAFEGUARD_DRILLS") == "1":
        return
    skip = pytest.mark.skip(reason="a long drill: run with `make drills` (SAFEGUARD_DRILLS=1)")
    for item in items:
        if item.get_closest_marker("drill"):
            item.add_marker(skip)
