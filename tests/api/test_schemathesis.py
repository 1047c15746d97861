"""The partner API against its own OpenAPI schema: no server errors, no schema violations."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from safeguard.api.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = get_wsgi_application()
# The coverage phase's hundreds of boundary cases take minutes; fuzzing alone (positive
# and negative data) keeps this test within its time budget.
schema.config.phases.coverage.enabled = (
    False  # requests go in-process through the whole middleware stack
)

# Schema-valid data the services still refuse (a future date of birth, a missing consent
# reason) is answered 422 with the reason, which this check would count as a failure.
CHECKS_EXCLUDED = [positive_data_acceptance]


@pytest.fixture
def api_auth(partner):
    # As Django's test client does: keep the test's database connection open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {partner[1]}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, api_auth):
    case.call_and_validate(headers=api_auth, excluded_checks=CHECKS_EXCLUDED)
