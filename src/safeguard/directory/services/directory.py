"""Writes to the services directory: one service from the form, or a whole Open Referral UK file."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from safeguard.core.audit import audit_record
from safeguard.core.errors import DomainError
from safeguard.core.models import AuditAction

from ..events import DirectoryEvent
from ..models import Organisation, Phone, Service, ServiceArea, ServiceContact
from ..openreferral import ParsedService, parse_services
from ._common import require


class ImportRefused(DomainError):
    """The file had problems; nothing was imported. ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("The file was not imported: " + "; ".join(problems[:3]))
        self.problems = problems


def _area_names(value: str | list[str]) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else value
    return [a.strip()[:200] for a in items if a.strip()]


@transaction.atomic
def service_save(
    *,
    by: Any,
    service: Service | None,
    organisation_name: str,
    name: str,
    description: str,
    status: str,
    minimum_age: int | None,
    maximum_age: int | None,
    maximum_age_with_disability: int | None = None,
    needs: list[str],
    areas: str | list[str],
    application_process: str,
    eligibility_description: str = "",
    url: str = "",
    email: str = "",
    phone: str = "",
) -> Service:
    """Add or change a service as the business unit types it (areas one per line)."""
    require(by, "directory.manage_services")
    organisation = Organisation.objects.filter(name__iexact=organisation_name.strip()).first()
    if organisation is None:
        organisation = Organisation.objects.create(name=organisation_name.strip()[:200])
    creating = service is None
    service = service or Service(organisation=organisation)
    service.organisation = organisation
    for key, value in {
        "name": name,
        "description": description,
        "status": status,
        "minimum_age": minimum_age,
        "maximum_age": maximum_age,
        "maximum_age_with_disability": maximum_age_with_disability,
        "needs": list(dict.fromkeys(needs)),
        "application_process": application_process,
        "eligibility_description": eligibility_description,
        "url": url,
        "email": email,
    }.items():
        setattr(service, key, value)
    service.save()
    wanted = _area_names(areas)
    service.areas.exclude(name__in=wanted).delete()
    have = set(service.areas.values_list("name", flat=True))
    ServiceArea.objects.bulk_create(
        [ServiceArea(service=service, name=a) for a in wanted if a not in have]
    )
    first_phone = service.phones.first()
    if phone.strip():
        if first_phone is None:
            Phone.objects.create(service=service, number=phone.strip()[:40])
        elif first_phone.number != phone.strip():
            first_phone.number = phone.strip()[:40]
            first_phone.save(update_fields=["number"])
    elif first_phone is not None:
        first_phone.delete()
    audit_record(
        by=by,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE,
        object_type=DirectoryEvent.DIRECTORY_SERVICE,
        object_id=service.pk,
        changes={"name": service.name, "status": service.status},
    )
    return service


@transaction.atomic
def service_delete(*, by: Any, service: Service) -> None:
    """Take a service out of the directory for good (marking it inactive is usually better)."""
    require(by, "directory.manage_services")
    pk = service.pk
    name = service.name
    service.delete()
    audit_record(
        by=by,
        action=AuditAction.DELETE,
        object_type=DirectoryEvent.DIRECTORY_SERVICE,
        object_id=pk,
        changes={"name": name},
    )


def _save_parsed(parsed: ParsedService) -> bool:
    """Save one checked service with its areas, contacts and phones; True when it is new."""
    org = parsed.organisation
    Organisation.objects.update_or_create(
        id=org["id"],
        defaults={k: org[k] for k in ("name", "description", "email", "website")},
    )
    created = not Service.objects.filter(pk=parsed.id).exists()
    service, _ = Service.objects.update_or_create(
        id=parsed.id, defaults={**parsed.fields, "organisation_id": org["id"]}
    )
    service.areas.all().delete()
    service.contacts.all().delete()
    service.phones.all().delete()
    ServiceArea.objects.bulk_create([ServiceArea(service=service, **a) for a in parsed.areas])
    for contact in parsed.contacts:
        phones = contact.pop("phones")
        saved = ServiceContact.objects.create(service=service, **contact)
        Phone.objects.bulk_create([Phone(contact=saved, **p) for p in phones])
    Phone.objects.bulk_create([Phone(service=service, **p) for p in parsed.phones])
    return created


def _clashes(services: list[ParsedService]) -> list[str]:
    """Ids in the file that already belong to another service's area, contact or phone."""
    ours = {s.id for s in services}
    problems = []
    checks = [
        (ServiceArea, "service area", [a["id"] for s in services for a in s.areas]),
        (ServiceContact, "contact", [c["id"] for s in services for c in s.contacts]),
    ]
    for model, label, ids in checks:
        for row in model.objects.filter(pk__in=ids).exclude(service_id__in=ours):  # type: ignore[attr-defined]
            problems.append(f"The {label} id {row.pk} already belongs to another service")
    phone_ids = [p["id"] for s in services for p in s.phones] + [
        p["id"] for s in services for c in s.contacts for p in c["phones"]
    ]
    for phone in Phone.objects.filter(pk__in=phone_ids).select_related("contact"):
        owner = phone.service_id or (phone.contact.service_id if phone.contact else None)
        if owner not in ours:
            problems.append(f"The phone id {phone.pk} already belongs to another service")
    return problems


@transaction.atomic
def directory_import(*, by: Any, content: bytes | str, file_name: str = "") -> dict[str, int]:
    """Import an Open Referral UK file: every service in it is added or updated, or none is.

    Services already in the directory that the file does not mention are left as they are.
    Raises :class:`ImportRefused` with the list of problems when the file is not right.
    """
    require(by, "directory.manage_services")
    parsed = parse_services(content)
    problems = parsed.errors or _clashes(parsed.services)
    if problems:
        raise ImportRefused(problems)
    created = updated = 0
    for service in parsed.services:
        if _save_parsed(service):
            created += 1
        else:
            updated += 1
    audit_record(
        by=by,
        action=AuditAction.CREATE,
        object_type=DirectoryEvent.DIRECTORY_IMPORT,
        object_id=file_name[:64],
        changes={"created": created, "updated": updated},
    )
    return {"created": created, "updated": updated}
