"""The person-linked data registry: every link to a person, in every app, is declared."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from safeguard.people import registry
from safeguard.people.models import Person


def person_links_in(all_models: list[type[models.Model]]) -> list[tuple[type[models.Model], str]]:
    """Every foreign key, one-to-one or many-to-many field to Person (reflection: tests only)."""
    found = []
    for model in all_models:
        for f in model._meta.get_fields():
            if (
                f.is_relation
                and f.concrete
                and not f.auto_created
                and f.related_model is Person
                and isinstance(f, models.ForeignKey | models.ManyToManyField)
            ):
                found.append((model, f.name))
    return found


def undeclared(all_models: list[type[models.Model]]) -> list[str]:
    """The person links no app has declared."""
    return [
        f"{model._meta.label}.{name}"
        for model, name in person_links_in(all_models)
        if registry.link_for(model, name) is None
    ]


class TestEveryPersonLinkIsDeclared:
    def test_every_link_to_a_person_in_the_project_is_declared(self):
        assert undeclared(list(apps.get_models())) == []

    def test_the_walk_finds_links_in_every_app(self):
        labels = {model._meta.app_label for model, _ in person_links_in(list(apps.get_models()))}
        assert {"people", "frontdoor", "earlyhelp", "sharing"} <= labels

    def test_every_declaration_names_a_real_link(self):
        real = {
            f"{model._meta.label}.{name}"
            for model, name in person_links_in(list(apps.get_models()))
        }
        assert {link.label for link in registry.links()} == real

    @isolate_apps("tests")
    def test_a_new_model_with_an_undeclared_person_link_fails_the_check(self):
        class MissingEpisode(models.Model):
            child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

            class Meta:
                app_label = "tests"

            def __str__(self) -> str:
                return str(self.child_id)

        assert undeclared([*apps.get_models(), MissingEpisode]) == ["tests.MissingEpisode.child"]

    def test_removing_a_declaration_fails_the_check(self):
        from safeguard.earlyhelp.models import EpisodeChild

        link = registry.link_for(EpisodeChild, "person")
        assert link is not None
        registry.unregister(link.label)
        try:
            assert undeclared(list(apps.get_models())) == ["earlyhelp.EpisodeChild.person"]
        finally:
            registry.register(link)
        assert undeclared(list(apps.get_models())) == []


class TestDeclarationsAreComplete:
    def test_every_link_says_what_subject_access_shows(self):
        for link in registry.links():
            assert link.subject_access.section, link.label
            assert link.subject_access.title, link.label
            assert link.subject_access.fields, link.label

    def test_anonymising_names_the_fields_it_blanks(self):
        from safeguard.earlyhelp.models import SupportRecord

        with pytest.raises(registry.RegistryError, match="which fields"):
            registry.register(
                registry.PersonLink(
                    model=SupportRecord,
                    field="child",
                    key="earlyhelp.support_records",
                    merge=registry.OnMerge.MOVE,
                    subject_access=registry.SubjectAccess("s", "t", "l"),
                    retention=registry.OnRetention.ANONYMISE,
                )
            )

    def test_a_kept_row_needs_a_reason_and_a_custom_merge_needs_handlers(self):
        from safeguard.people.models import OtherName

        base = {
            "model": OtherName,
            "field": "person",
            "key": "other_names",
            "subject_access": registry.SubjectAccess("s", "t", "l"),
            "retention": registry.OnRetention.ERASE,
        }
        with pytest.raises(registry.RegistryError, match="why"):
            registry.register(registry.PersonLink(merge=registry.OnMerge.KEEP, **base))
        with pytest.raises(registry.RegistryError, match="on_merge"):
            registry.register(registry.PersonLink(merge=registry.OnMerge.CUSTOM, **base))
