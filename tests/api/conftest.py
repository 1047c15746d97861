import pytest

from safeguard.api.services import partner_token_create
from tests.factories import AgencyFactory


@pytest.fixture
def partner(db):
    agency = AgencyFactory(name="Partner School", slug="partner-school")
    AgencyFactory(name="API MASH", slug="api-mash", is_mash=True)
    record, token = partner_token_create(by=None, agency=agency, name="School MIS")
    return record, token


@pytest.fixture
def auth(partner):
    return {"HTTP_AUTHORIZATION": f"Bearer {partner[1]}"}
