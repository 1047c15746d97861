"""Open Referral UK (HSDS 3.0, UK profile) JSON: services out, and files in with every problem listed.

Out: :func:`service_full` is a fully nested service, as ``/services/{id}`` answers and
the export file holds (a JSON array of them); :func:`service_list_item` is the
one-to-one fields a ``/services`` page lists. Optional fields without a value are
left out, never sent as null or empty (the Open Referral UK compliance rule).

In: :func:`parse_services` reads a file (an array of fully nested services, or a paged
answer with ``contents``) and returns either the services ready to save or a list of
what is wrong with it, in plain English, every problem at once. Nothing is saved
here; ``services.directory_import`` saves all or nothing.

Our extensions ride on HSDS ``attributes``: each need a service helps with is an
attribute with a term of the ``safeguard-needs`` taxonomy, and the raised upper age
for a disabled young person is an attribute of the ``safeguard-eligibility`` taxonomy
whose ``value`` is the age. Attributes of any other taxonomy are ignored on import.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from . import needs as need_list
from .models import Organisation, Service, ServiceStatus

HSDS_VERSION = "HSDS 3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
ELIGIBILITY_TAXONOMY = "safeguard-eligibility"
DISABILITY_AGE_CODE = "maximum_age_with_disability"
DISABILITY_AGE_TERM_ID = str(
    uuid.uuid5(uuid.UUID("6f1c2f6e-5a0e-4d53-9a55-3c1d3b6f2a10"), DISABILITY_AGE_CODE)
)
STATUSES = [value for value, _label in ServiceStatus.choices]
MAX_AGE = 120


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    """Set an optional field only when it has a value."""
    if value is not None and value not in ("", []):
        target[key] = value


def _attribute_id(service_id: Any, term_id: str) -> str:
    return str(uuid.uuid5(uuid.UUID(str(service_id)), term_id))


def organisation_json(org: Organisation) -> dict[str, Any]:
    """An organisation's own fields."""
    data: dict[str, Any] = {"id": str(org.id), "name": org.name}
    _put(data, "description", org.description)
    _put(data, "email", org.email)
    _put(data, "website", org.website)
    return data


def service_list_item(service: Service) -> dict[str, Any]:
    """The service's one-to-one fields, as a ``/services`` page lists them."""
    data: dict[str, Any] = {
        "id": str(service.id),
        "organization_id": str(service.organisation_id),
        "name": service.name,
    }
    _put(data, "description", service.description)
    _put(data, "url", service.url)
    _put(data, "email", service.email)
    data["status"] = service.status
    _put(data, "eligibility_description", service.eligibility_description)
    _put(data, "minimum_age", service.minimum_age)
    _put(data, "maximum_age", service.maximum_age)
    _put(data, "application_process", service.application_process)
    return data


def _phone(phone: Any, owner_key: str, owner_id: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": str(phone.id), owner_key: str(owner_id), "number": phone.number}
    _put(data, "description", phone.description)
    return data


def service_full(service: Service) -> dict[str, Any]:
    """The fully nested service (``/services/{id}`` and the export file)."""
    sid = str(service.id)
    data = service_list_item(service)
    data["organization"] = organisation_json(service.organisation)
    data["service_areas"] = [
        {"id": str(a.id), "service_id": sid, "name": a.name}
        | ({"description": a.description} if a.description else {})
        for a in service.areas.all()
    ]
    data["contacts"] = []
    for contact in service.contacts.all():
        item: dict[str, Any] = {"id": str(contact.id), "service_id": sid, "name": contact.name}
        _put(item, "title", contact.title)
        _put(item, "email", contact.email)
        item["phones"] = [_phone(p, "contact_id", contact.id) for p in contact.phones.all()]
        data["contacts"].append(item)
    data["phones"] = [_phone(p, "service_id", sid) for p in service.phones.all()]
    attributes = []
    for code in service.needs:
        need = need_list.BY_CODE.get(code)
        if need is None:
            continue
        attributes.append(
            {
                "id": _attribute_id(sid, need.term_id),
                "link_id": sid,
                "link_type": "need",
                "link_entity": "service",
                "taxonomy_term_id": need.term_id,
                "taxonomy_term": {
                    "id": need.term_id,
                    "code": need.code,
                    "name": need.label,
                    "taxonomy": need_list.NEEDS_TAXONOMY,
                },
            }
        )
    if service.maximum_age_with_disability is not None:
        attributes.append(
            {
                "id": _attribute_id(sid, DISABILITY_AGE_TERM_ID),
                "link_id": sid,
                "link_type": "eligibility",
                "link_entity": "service",
                "taxonomy_term_id": DISABILITY_AGE_TERM_ID,
                "value": str(service.maximum_age_with_disability),
                "taxonomy_term": {
                    "id": DISABILITY_AGE_TERM_ID,
                    "code": DISABILITY_AGE_CODE,
                    "name": "Maximum age for a disabled young person",
                    "taxonomy": ELIGIBILITY_TAXONOMY,
                },
            }
        )
    data["attributes"] = attributes
    return data


def taxonomy_terms() -> list[dict[str, Any]]:
    """Our needs taxonomy's terms, as ``/taxonomy_terms`` lists them."""
    return [
        {
            "id": need.term_id,
            "code": need.code,
            "name": need.label,
            "description": need.label,
            "taxonomy": need_list.NEEDS_TAXONOMY,
        }
        for need in need_list.NEEDS
    ]


# Import ----------------------------------------------------------------------------------


@dataclass
class ParsedService:
    """One service from a file, checked and ready to save."""

    id: uuid.UUID
    organisation: dict[str, Any]
    fields: dict[str, Any]
    areas: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    phones: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Parsed:
    """What a file holds: the services, or the list of what is wrong with it."""

    services: list[ParsedService]
    errors: list[str]


class _Checker:
    """Collects every problem in a file, each naming the service it is in."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.seen_ids: dict[str, str] = {}

    def add(self, where: str, problem: str) -> None:
        self.errors.append(f"{where}: {problem}")

    def text(self, obj: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.add(where, f"the {key.replace('_', ' ')} is missing")
            return ""
        if not isinstance(value, str):
            self.add(where, f"the {key.replace('_', ' ')} must be text")
            return ""
        if "\x00" in value:
            # PostgreSQL cannot store a NUL character in text: refused here, not a crash later.
            self.add(where, f"the {key.replace('_', ' ')} holds a NUL character (code 0)")
            return ""
        return value.strip()

    def uuid(self, obj: dict[str, Any], key: str, where: str, kind: str) -> uuid.UUID | None:
        value = obj.get(key)
        if value is None or value == "":
            self.add(where, f"the {key.replace('_', ' ')} is missing")
            return None
        try:
            parsed = uuid.UUID(str(value))
        except ValueError:
            self.add(where, f"the {key.replace('_', ' ')} {str(value)[:60]!r} is not a UUID")
            return None
        if key == "id":
            earlier = self.seen_ids.get(f"{kind}:{parsed}")
            if earlier is not None and earlier != where:
                self.add(where, f"the id {parsed} is used twice in the file (also {earlier})")
            self.seen_ids[f"{kind}:{parsed}"] = where
        return parsed

    def email(self, obj: dict[str, Any], key: str, where: str) -> str:
        value = self.text(obj, key, where)
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.add(where, f"the {key} {value[:60]!r} is not an email address")
                return ""
        return value

    def url(self, obj: dict[str, Any], key: str, where: str) -> str:
        value = self.text(obj, key, where)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.add(where, f"the {key} {value[:60]!r} is not a web address")
                return ""
        return value

    def age(self, obj: dict[str, Any], key: str, where: str) -> int | None:
        value = obj.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
            self.add(where, f"the {key.replace('_', ' ')} must be a whole number of years")
            return None
        if not 0 <= value <= MAX_AGE:
            self.add(where, f"the {key.replace('_', ' ')} must be between 0 and {MAX_AGE}")
            return None
        return int(value)

    def objects(self, obj: dict[str, Any], key: str, where: str) -> list[dict[str, Any]]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(where, f"{key.replace('_', ' ')} must be a list of objects")
            return []
        return value


def _phones(check: _Checker, items: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    phones = []
    for n, item in enumerate(items, start=1):
        here = f"{where}, phone {n}"
        pid = check.uuid(item, "id", here, "phone")
        number = check.text(item, "number", here, required=True)
        if pid and number:
            phones.append(
                {
                    "id": pid,
                    "number": number[:40],
                    "description": check.text(item, "description", here),
                }
            )
    return phones


def _needs_and_ages(
    check: _Checker, attrs: list[dict[str, Any]], where: str
) -> tuple[list[str], int | None]:
    codes: list[str] = []
    disability_age = None
    for n, attr in enumerate(attrs, start=1):
        here = f"{where}, attribute {n}"
        term = attr.get("taxonomy_term") if isinstance(attr.get("taxonomy_term"), dict) else {}
        taxonomy = term.get("taxonomy") if isinstance(term, dict) else None
        term_id = str(attr.get("taxonomy_term_id") or (term or {}).get("id") or "")
        if taxonomy == need_list.NEEDS_TAXONOMY or term_id in need_list.BY_TERM_ID:
            need = need_list.BY_TERM_ID.get(term_id) or need_list.BY_CODE.get(
                str((term or {}).get("code") or "")
            )
            if need is None:
                check.add(
                    here,
                    f"the need {str((term or {}).get('code') or term_id)[:60]!r} is not one we know",
                )
            elif need.code not in codes:
                codes.append(need.code)
        elif taxonomy == ELIGIBILITY_TAXONOMY or term_id == DISABILITY_AGE_TERM_ID:
            disability_age = check.age(
                {"maximum age with a disability": attr.get("value")},
                "maximum age with a disability",
                here,
            )
    return codes, disability_age


def _service(check: _Checker, raw: Any, n: int) -> ParsedService | None:
    if not isinstance(raw, dict):
        check.add(f"Service {n}", "must be an object with the service's fields")
        return None
    name = raw.get("name") if isinstance(raw.get("name"), str) else ""
    where = f"Service {n}" + (f" ({name.strip()[:60]})" if name and name.strip() else "")
    sid = check.uuid(raw, "id", where, "service")
    check.text(raw, "name", where, required=True)
    status = check.text(raw, "status", where, required=True)
    if status and status not in STATUSES:
        check.add(where, f"the status {status[:40]!r} must be one of {', '.join(STATUSES)}")
    org_raw = raw.get("organization")
    organisation: dict[str, Any] = {}
    if not isinstance(org_raw, dict):
        check.add(where, "the organization (who runs the service) is missing")
    else:
        ohere = f"{where}, organization"
        oid = check.uuid(org_raw, "id", ohere, "organisation-" + where)
        organisation = {
            "id": oid,
            "name": check.text(org_raw, "name", ohere, required=True)[:200],
            "description": check.text(org_raw, "description", ohere),
            "email": check.email(org_raw, "email", ohere),
            "website": check.url(org_raw, "website", ohere),
        }
        if (
            raw.get("organization_id") not in (None, "")
            and oid
            and str(raw.get("organization_id")) != str(oid)
        ):
            check.add(where, "the organization id does not match the organization's own id")
    minimum = check.age(raw, "minimum_age", where)
    maximum = check.age(raw, "maximum_age", where)
    if minimum is not None and maximum is not None and minimum > maximum:
        check.add(where, "the minimum age is more than the maximum age")
    codes, disability_age = _needs_and_ages(check, check.objects(raw, "attributes", where), where)
    fields = {
        "name": name.strip()[:200] if name else "",
        "description": check.text(raw, "description", where),
        "url": check.url(raw, "url", where),
        "email": check.email(raw, "email", where),
        "status": status,
        "eligibility_description": check.text(raw, "eligibility_description", where),
        "minimum_age": minimum,
        "maximum_age": maximum,
        "maximum_age_with_disability": disability_age,
        "needs": codes,
        "application_process": check.text(raw, "application_process", where),
    }
    areas = []
    for i, area in enumerate(check.objects(raw, "service_areas", where), start=1):
        here = f"{where}, service area {i}"
        aid = check.uuid(area, "id", here, "area")
        area_name = check.text(area, "name", here, required=True)
        if aid and area_name:
            areas.append(
                {
                    "id": aid,
                    "name": area_name[:200],
                    "description": check.text(area, "description", here),
                }
            )
    contacts = []
    for i, contact in enumerate(check.objects(raw, "contacts", where), start=1):
        here = f"{where}, contact {i}"
        cid = check.uuid(contact, "id", here, "contact")
        contact_name = check.text(contact, "name", here, required=True)
        item = {
            "id": cid,
            "name": contact_name[:200],
            "title": check.text(contact, "title", here)[:200],
            "email": check.email(contact, "email", here),
            "phones": _phones(check, check.objects(contact, "phones", here), here),
        }
        if cid and contact_name:
            contacts.append(item)
    phones = _phones(check, check.objects(raw, "phones", where), where)
    if sid is None:
        return None
    return ParsedService(
        id=sid,
        organisation=organisation,
        fields=fields,
        areas=areas,
        contacts=contacts,
        phones=phones,
    )


MAX_FILE_BYTES = 5 * 1024 * 1024


def _not_a_number(token: str) -> Any:
    """NaN and Infinity: Python reads them, standard JSON (and Open Referral UK) does not."""
    raise ValueError(f"{token} is not a number in JSON")


def _finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(f"{token[:20]} is too large a number")
    return value


def parse_services(content: bytes | str) -> Parsed:
    """Read an Open Referral UK file and check every service in it (nothing is saved)."""
    if isinstance(content, bytes):
        if len(content) > MAX_FILE_BYTES:
            return Parsed([], ["The file is larger than 5 MB: split it into smaller files"])
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Parsed([], ["The file is not text in UTF-8: save it as UTF-8 and try again"])
    try:
        data = json.loads(content, parse_constant=_not_a_number, parse_float=_finite)
    except (ValueError, RecursionError) as exc:
        # ValueError covers the JSONDecodeError of broken syntax, and also what Python's
        # reader raises for JSON it could read but we refuse: NaN and Infinity (not JSON
        # in the standard), numbers too large for a float, integers over 4,300 digits.
        where = (
            f" (line {exc.lineno}, column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        return Parsed(
            [],
            [f"The file is not valid JSON{where}: check it was exported as Open Referral UK JSON"],
        )
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    if not isinstance(data, list):
        return Parsed(
            [], ["The file must hold a list of services (or a page of them with 'contents')"]
        )
    if not data:
        return Parsed([], ["The file holds no services"])
    check = _Checker()
    services = [
        s for n, raw in enumerate(data, start=1) if (s := _service(check, raw, n)) is not None
    ]
    return Parsed(services if not check.errors else [], check.errors)
