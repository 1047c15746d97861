"""The partner API drill (``make fuzz``): schemathesis with every check and every phase.

The quick version in ``make test`` is ``tests/api/test_schemathesis.py`` (6 examples an
operation, fuzzing phase only). Here the coverage phase (boundary values of every
field) runs too, with ``SAFEGUARD_FUZZ_EXAMPLES`` examples an operation (default 40):
positive and negative data, every check, no server error, no schema violation.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from safeguard.api.api import api
from safeguard.api.services import partner_token_create
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.drill, pytest.mark.timeout(3600)]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = get_wsgi_application()
# Schema-valid data the services refuse with a reason (a future date of birth) is a 422.
CHECKS_EXCLUDED = [positive_data_acceptance]


@pytest.fixture
def api_auth(db):
    agency = AgencyFactory(name="Fuzz School", slug="fuzz-school")
    AgencyFactory(name="Fuzz MASH", slug="fuzz-mash", is_mash=True)
    _, token = partner_token_create(by=None, agency=agency, name="Fuzz MIS")
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {token}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("SAFEGUARD_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema_under_hostile_input(case, api_auth):
    case.call_and_validate(headers=api_auth, excluded_checks=CHECKS_EXCLUDED)
