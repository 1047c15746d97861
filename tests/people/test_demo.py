"""The demo partnership: synthetic, deterministic, and loadable again and again."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone

from safeguard.core.audit import verify_chain
from safeguard.core.models import User
from safeguard.people.demo import ACCOUNTS, seed_demo
from safeguard.people.models import Person


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for config in apps.get_app_configs()
        if config.name.startswith("safeguard.") and config.label != "core"
        for model in config.get_models()
    }


@pytest.mark.django_db
def test_the_demo_loads_twice_with_the_same_partnership_and_an_intact_audit_chain(settings):
    settings.DEMO_MODE = True
    seed_demo(children=40, seed=3)
    first = _counts()
    names = sorted(Person.objects.values_list("given_name", "family_name", "date_of_birth"))
    seed_demo(children=40, seed=3)
    assert _counts() == first
    assert sorted(Person.objects.values_list("given_name", "family_name", "date_of_birth")) == names
    assert first["people.Person"] > 40
    assert set(User.objects.values_list("username", flat=True)) >= {a[0] for a in ACCOUNTS}
    assert User.objects.get(username="social.worker").check_password("safeguard-demo")
    _, problem = verify_chain()
    assert problem is None


@pytest.mark.django_db
def test_demo_accounts_have_no_usable_password_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    seed_demo(children=5, seed=1)
    assert not User.objects.get(username="social.worker").has_usable_password()


@pytest.mark.django_db
def test_the_demo_shows_whole_merges_across_apps_and_one_undone(settings):
    from safeguard.people.demo import DEMO_EXTENSIONS
    from safeguard.records import merges_demo
    from safeguard.records.models import PersonMerge

    assert (70, merges_demo.build) in DEMO_EXTENSIONS
    settings.DEMO_MODE = True
    seed_demo(children=40, seed=3)
    standing = PersonMerge.objects.filter(unmerged_at__isnull=True)
    undone = PersonMerge.objects.filter(unmerged_at__isnull=False)
    assert standing.count() == merges_demo.MERGED
    assert undone.count() == 1
    for merge in standing:
        moved_apps = {key.split(".")[0] for key, ids in merge.moved.items() if ids and "." in key}
        assert len(moved_apps & {"frontdoor", "earlyhelp", "sharing", "meetings"}) >= 2, merge.moved
        assert merges_demo._apps_holding(merge.merged) == set()
        assert len(merges_demo._apps_holding(merge.survivor)) >= 2
    merge = undone.get()
    assert len(merges_demo._apps_holding(merge.merged)) >= 2
    assert merge.unmerge_reason.startswith("Not the same child")


@pytest.mark.django_db
def test_demo_relationships_read_the_right_way_from_both_sides(settings):
    """Issue 10, finding 4: every demo child's adults are their parents, never their children."""
    from safeguard.people.models import INVERSE_RELATIONSHIP, Relationship, RelationshipKind
    from safeguard.people.selectors import relatives_of

    settings.DEMO_MODE = True
    seed_demo(children=20, seed=3)
    rows = list(Relationship.objects.select_related("person", "other"))
    stored = {(r.person_id, r.other_id, r.kind) for r in rows}
    for r in rows:
        inverse = INVERSE_RELATIONSHIP[RelationshipKind(r.kind)]
        assert (r.other_id, r.person_id, inverse) in stored
        if r.parental_responsibility:
            assert r.kind in RelationshipKind.responsibility_kinds()
    today = timezone.localdate()
    for r in rows:
        if r.kind != RelationshipKind.PARENT:
            continue
        child, parent = r.other, r.person
        assert child.age_on(today) < parent.age_on(today)
        mine = [x for x in rows if child.pk in (x.person_id, x.other_id)]
        names = {(rel.person.pk, rel.kind) for rel in relatives_of(child.pk, mine)}
        assert (parent.pk, RelationshipKind.PARENT) in names
        assert (parent.pk, RelationshipKind.CHILD) not in names
