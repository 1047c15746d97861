"""The person-linked data registry: every row about a person, and what happens to it.

Each app declares, in its own ``person_links.py`` (imported by its
``AppConfig.ready()``), every model field that points at a
:class:`~safeguard.people.models.Person` (a foreign key, a one-to-one field or a
many-to-many field) and says what four operations do with its rows:

* **merge** (:class:`OnMerge`): ``MOVE`` re-points the row at the survivor (rows
  that would duplicate the survivor's own row, named by ``unique_with``, are
  removed and kept in the merge so that an undo puts them back); ``KEEP`` leaves
  the row where it is, for the reason in ``merge_rule``; ``CUSTOM`` calls the
  app's own ``on_merge`` and ``on_unmerge`` handlers;
* **unmerge**: puts back exactly what the merge moved, by primary key;
* **subject access** (:class:`SubjectAccess`): the section of the copy, its
  plain-words title, what one row is called, the fields shown and which of them
  are information about someone else;
* **retention** (:class:`OnRetention`): ``ERASE`` deletes the rows with the
  person (for a many-to-many field: the linked rows no other person is left in),
  ``ANONYMISE`` unlinks them and blanks ``anonymise``, ``KEEP`` leaves them.

``people`` owns this module and imports no other domain app; merge
(``records``), subject access and retention use nothing else to find a
person's rows. A test fails when a link to ``Person`` anywhere is undeclared.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.db import models


class OnMerge(enum.StrEnum):
    """What a merge does with a row about the merged person."""

    MOVE = "move"
    KEEP = "keep"
    CUSTOM = "custom"


class OnRetention(enum.StrEnum):
    """What deleting a person under the retention rules does with a row about them."""

    ERASE = "erase"
    KEEP = "keep"
    ANONYMISE = "anonymise"


@dataclass(frozen=True)
class MergeStep:
    """One merge or unmerge, as a custom handler sees it."""

    survivor_id: Any
    merged_id: Any
    review_id: int | None = None
    moved: tuple[Any, ...] = ()


# A custom merge handler changes rows and returns what it changed (kept in
# ``PersonMerge.moved``); the unmerge handler receives it back in ``MergeStep.moved``.
MergeHandler = Callable[[MergeStep], list[Any]]
UnmergeHandler = Callable[[MergeStep], None]
# A value shown in a subject access copy: an attribute path ("agency.name") or a callable.
Getter = str | Callable[[Any], Any]


@dataclass(frozen=True)
class Shown:
    """One field of a row as a subject access copy shows it."""

    label: str
    get: Getter
    third_party: bool = False
    free_text: bool = False
    source: bool = False  # names who reported: withheld when the row protects its source


@dataclass(frozen=True)
class SubjectAccess:
    """Where a link's rows go in a subject access copy and how they read."""

    section: str
    title: str
    label: str
    fields: tuple[Shown, ...] = ()
    order: int = 100
    explanation: str = ""
    date: Getter = ""
    agency: Getter = ""
    third_party: bool = False
    # Row-level protection of a source (golden rule 5): true withholds every ``source`` field.
    protected: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class PersonLink:
    """One field that points at a person, and what merge, subject access and retention do."""

    model: type[models.Model]
    field: str
    key: str
    merge: OnMerge
    subject_access: SubjectAccess
    retention: OnRetention
    merge_rule: str = ""
    retention_rule: str = ""
    unique_with: tuple[str, ...] = ()
    on_merge: MergeHandler | None = None
    on_unmerge: UnmergeHandler | None = None
    anonymise: dict[str, Any] = dataclass_field(default_factory=dict)

    @property
    def label(self) -> str:
        """``app_label.Model.field``: how tests and documents name the link."""
        return f"{self.model._meta.label}.{self.field}"

    @property
    def is_many_to_many(self) -> bool:
        """Whether the field is a many-to-many field (its through model is declared too)."""
        return isinstance(self.model._meta.get_field(self.field), models.ManyToManyField)

    def rows_for(self, person_id: Any) -> models.QuerySet[Any]:
        """The rows of this link about one person."""
        return self.model._default_manager.filter(**{self.field: person_id})


class RegistryError(ValueError):
    """A declaration is wrong or duplicated."""


_LINKS: dict[str, PersonLink] = {}


def register(link: PersonLink) -> PersonLink:
    """Declare one person link (each app's ``person_links.py`` calls this at start-up)."""
    if link.merge is OnMerge.CUSTOM and (link.on_merge is None or link.on_unmerge is None):
        raise RegistryError(f"{link.label}: a custom merge needs on_merge and on_unmerge")
    if link.retention is OnRetention.ANONYMISE and not link.anonymise:
        raise RegistryError(f"{link.label}: say which fields anonymising blanks")
    if link.merge is OnMerge.KEEP and not link.merge_rule:
        raise RegistryError(f"{link.label}: say why a merge keeps these rows")
    for other in _LINKS.values():
        if other.key == link.key and other.label != link.label:
            raise RegistryError(f"{link.label}: key {link.key!r} is already {other.label}")
    link.model._meta.get_field(link.field)  # raises FieldDoesNotExist for a typo
    _LINKS[link.label] = link
    return link


def unregister(label: str) -> None:
    """Remove a declaration (tests only)."""
    _LINKS.pop(label, None)


def links() -> list[PersonLink]:
    """Every declared link, in the order the apps declared them."""
    return list(_LINKS.values())


def link_for(model: type[models.Model], field_name: str) -> PersonLink | None:
    """The declaration for one field, if there is one."""
    return _LINKS.get(f"{model._meta.label}.{field_name}")


def sections() -> Iterator[tuple[str, list[PersonLink]]]:
    """Subject access sections in order, each with the links whose rows it shows."""
    grouped: dict[str, list[PersonLink]] = {}
    for link in _LINKS.values():
        grouped.setdefault(link.subject_access.section, []).append(link)
    yield from sorted(
        grouped.items(),
        key=lambda item: (min(link.subject_access.order for link in item[1]), item[0]),
    )
