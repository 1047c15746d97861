"""Fixtures for the directory tests: the York services file, a business unit user."""

from __future__ import annotations

from pathlib import Path

import pytest

from safeguard.core.models import Role
from safeguard.directory import services

YORK_FILE = (
    Path(__file__).parents[2] / "src" / "safeguard" / "directory" / "data" / "york_services.json"
)


@pytest.fixture
def business_unit(make_user):
    return make_user(Role.BUSINESS_UNIT)


@pytest.fixture
def york(db):
    """The strategy's seven services, imported from the Open Referral UK file the demo uses."""
    services.directory_import(by=None, content=YORK_FILE.read_bytes(), file_name="york.json")
