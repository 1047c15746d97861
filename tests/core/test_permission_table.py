"""The permission table, checked for every registered permission and every role.

The expected table below is the one place a reviewer reads who may do what. Every
permission registered by our apps' ``rules.py`` must have a row here: a new
permission without one fails :meth:`TestThePermissionTable.test_every_permission_has_an_expected_row`.

A row is either the set of roles that hold a permission, or, for a permission about
one thing (a person, an episode, a grant), a pair: the roles that hold it for a thing
the user may see, and for one they may not. Users work in the agency that runs the
Multi-Agency Safeguarding Hub (MASH) unless a row says otherwise for the police.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from safeguard.contextual.models import PersonOfConcern
from safeguard.core.models import AgencyKind, Role, TeamMembership
from safeguard.core.rules import table
from safeguard.earlyhelp.models import Episode, EpisodeChild
from safeguard.frontdoor.models import MashEnquiry, PoliceIntelligenceUser
from safeguard.learning.models import Cascade
from safeguard.rights.models import SubjectAccessRequest
from safeguard.sharing.models import Alert, BreakGlassUse
from tests.factories import (
    AccessGrantFactory,
    AgencyFactory,
    InvolvementFactory,
    PersonFactory,
    TeamFactory,
    WorkItemFactory,
)

pytestmark = pytest.mark.django_db

PR = Role.PRACTITIONER
MW = Role.MASH_WORKER
MM = Role.MASH_MANAGER
PC = Role.PANEL_CHAIR
AN = Role.ANALYST
BU = Role.BUSINESS_UNIT
SA = Role.SYSTEM_ADMINISTRATOR
ALL_ROLES = (PR, MW, MM, PC, AN, BU, SA)

NAMED = frozenset({PR, MW, MM, PC})  # roles that see named children
EDITING = frozenset({PR, MW, MM})
MASH = frozenset({MW, MM})
NONE: frozenset[str] = frozenset()

Row = frozenset[str] | tuple[frozenset[str], frozenset[str]]

# permission -> who holds it (in the MASH agency)
EXPECTED: dict[str, Row] = {
    "core.manage_accounts": frozenset({SA}),
    "people.see_personal_data": NAMED,
    "people.view_person": (NAMED, NONE),
    "people.view_whole_record": (NAMED, NONE),
    "people.change_person": (EDITING, NONE),
    "people.add_person": EDITING,
    "people.look_up_with_reason": MASH,
    "records.work_records": MASH,
    # Analysts and the business unit do not report as themselves (issue 10).
    "frontdoor.report_concern": NAMED,
    "frontdoor.submit_police_form": NAMED,
    "frontdoor.triage": MASH,
    "frontdoor.sign_off": frozenset({MM}),
    "frontdoor.see_police_queue": NONE,
    "frontdoor.see_intelligence": NONE,
    # Seen: a request for information to the user's agency; not seen: one to another agency.
    "frontdoor.answer_request": (EDITING, NONE),
    "earlyhelp.start_episode": EDITING,
    "earlyhelp.view_episode": (NAMED, NONE),
    "earlyhelp.change_episode": (EDITING, NONE),
    "sharing.record_decisions": EDITING,
    "sharing.share_about": (EDITING, NONE),
    "sharing.override_refusal": frozenset({MM}),
    "sharing.revoke_grant": (EDITING, NONE),
    "sharing.break_glass": NAMED,
    # Seen: a use the user was alerted about; not seen: one they were not (MASH managers review all).
    "sharing.review_break_glass": (NAMED, frozenset({MM})),
    "sharing.view_sharing_log": frozenset({MM, PC, BU}),
    "sharing.view_break_glass_report": frozenset({MM, PC, BU}),
    "sharing.use_requests": EDITING,
    "rights.handle_subject_access": frozenset({MM}),
    "rights.see_rights_register": frozenset({MM, BU}),
    # Seen: an open request about a person with no other link; not seen: a finished one.
    "rights.open_subject_access_request": (frozenset({MM}), NONE),
    # Seen: an open request someone else checked; not seen: a finished one.
    "rights.sign_off_subject_access": (frozenset({MM}), NONE),
    # Work follows team membership, not role: the user manages one team and is not in another.
    "work.view_team_queue": (frozenset(ALL_ROLES), NONE),
    "work.manage_team_work": (frozenset(ALL_ROLES), NONE),
    "work.act_on_item": (frozenset(ALL_ROLES), NONE),
    "work.see_team_queues": frozenset(ALL_ROLES),
    "work.manage_teams": frozenset({BU, SA}),
    # Seen: someone in the team the user manages; not seen: someone in another agency.
    "work.record_absence": (frozenset(ALL_ROLES), frozenset({BU})),
    # The public pages (issue 18): the business unit edits them; campaigns are for everyone.
    "directory.manage_services": frozenset({BU}),
    "directory.manage_news": frozenset({BU}),
    "directory.send_newsletter": frozenset({BU}),
    "directory.see_campaigns": frozenset(ALL_ROLES),
    "meetings.arrange_meetings": NAMED | {BU},
    "meetings.see_attendance_report": frozenset({PC, BU}),
    # Meetings follow invitations, not role: the user's agency is invited to one meeting.
    "meetings.see_meetings": frozenset(ALL_ROLES),
    # Seen: a meeting the user's agency is invited to; not seen: one it is not.
    "meetings.view_meeting": (frozenset(ALL_ROLES), NONE),
    # Seen: a meeting the user chairs; not seen: one their agency is only invited to.
    "meetings.run_meeting": (frozenset(ALL_ROLES), NONE),
    "insight.view_dataset": frozenset({AN, BU}),
    "learning.manage_learning": frozenset({BU, PC}),
    "learning.read_briefings": frozenset(ALL_ROLES),
    "learning.submit_case": frozenset(ALL_ROLES),
    # Seen: a cascade of the user's agency (they manage a team in it); not seen: another
    # agency's, which only the business unit and chairs may record for.
    "learning.act_for_agency": (frozenset(ALL_ROLES), frozenset({BU, PC})),
    "exploitation.record_missing": EDITING,
    # Seen: an episode (profile) about a child the agency works with; not seen: one it does not.
    "exploitation.view_missing_episode": (NAMED, NONE),
    "exploitation.change_missing_episode": (EDITING, NONE),
    "exploitation.keep_philomena_profile": (EDITING, NONE),
    "exploitation.view_philomena_profile": (NAMED, NONE),
    # Seen: a notice to the user's agency (school); not seen: one to another agency.
    "exploitation.open_school_notice": (NAMED, NONE),
    "exploitation.see_missing_reports": NAMED | {AN, BU},
    "exploitation.screen_children": EDITING,
    "exploitation.see_exploitation_work": NAMED,
    "exploitation.refer_to_nrm": EDITING,
    "exploitation.see_nrm_report": frozenset({MM, PC, BU}),
    # Health staff only (tests/exploitation/test_panel_views.py checks a health agency's roles).
    "exploitation.see_health_flags": NONE,
    "training.book": frozenset(ALL_ROLES),
    # Seen: someone in the team the user manages; not seen: someone in another agency.
    "training.book_for": (frozenset(ALL_ROLES), NONE),
    "training.manage": frozenset({BU}),
    "training.see_reports": frozenset({BU, AN}),
    # Seen: a session the user trains; not seen: one a colleague trains (the business unit runs all).
    "training.run_session": (frozenset(ALL_ROLES), frozenset({BU})),
    "hsb.record_concern": EDITING,
    "hsb.see_hsb": NAMED,
    "hsb.see_figures": frozenset({MM, BU, AN}),
    "hsb.manage_trained": frozenset({BU}),  # and managers of a harmful sexual behaviour team
    "hsb.view_child": (NAMED, NONE),
    # Seen: a child whose whole record the user sees; not seen: one they cannot see at all
    # (a share of chosen entries does not show it either: tests/hsb/test_exploitation.py).
    "hsb.see_child_pathways": (NAMED, NONE),
    # The Children in Need census is child-level: the business unit only, never an analyst.
    "insight.export_census": frozenset({BU}),
    "insight.enter_measures": frozenset({BU}),
    "insight.upload_comparison": frozenset({BU}),
    "insight.view_measures": frozenset({BU, AN}),
    # Contextual safeguarding (issue 14): police, social care (the MASH agency here) and youth
    # justice staff who see named children, and panel chairs; the police-only notes for the police.
    "contextual.see_contexts": NAMED,
    "contextual.record_intelligence": NAMED,
    "contextual.see_police_only": NONE,
    "contextual.report_context_concern": NAMED,
    "contextual.view_child_network": (NAMED, NONE),
    # Who read the police-only notes: managers (the user manages a team here) in the police
    # agency that holds them; never in social care.
    "contextual.see_police_only_reads": (NONE, NONE),
}

# Where a police user's answer differs from the MASH agency's.
EXPECTED_IN_POLICE: dict[str, Row] = {
    "frontdoor.triage": NONE,
    "frontdoor.sign_off": NONE,
    "frontdoor.see_police_queue": NAMED,
    "frontdoor.see_intelligence": NAMED,  # flagged as intelligence users below
    # The police never keep a Philomena profile, and read one only once an episode releases it.
    "exploitation.keep_philomena_profile": (NONE, NONE),
    "exploitation.view_philomena_profile": (NONE, NONE),
    "contextual.see_police_only": NAMED,
    # Seen: notes this police agency holds; not seen: notes another agency holds.
    "contextual.see_police_only_reads": (NAMED, NONE),
}


@dataclass
class Things:
    """For each object-level permission: one thing the user may see, one they may not."""

    pairs: dict[str, tuple[Any, Any]]


def _episode(child: Any, agency: Any, opener: Any, n: int) -> Episode:
    episode = Episode.objects.create(
        reference=f"EH-TABLE-{n}-{opener.pk}",
        lead_agency=agency,
        opened_on=timezone.localdate(),
        opened_by=opener,
    )
    EpisodeChild.objects.create(episode=episode, person=child, added_on=timezone.localdate())
    return episode


def _break_glass(person: Any, user: Any, n: int) -> BreakGlassUse:
    grant = AccessGrantFactory(person=person, user=user, granted_by=user, kind="break_glass")
    return BreakGlassUse.objects.create(
        reference=f"BG-TABLE-{n}-{user.pk}",
        grant=grant,
        person=person,
        user=user,
        agency=user.agency,
        reason="Child missing overnight, need the address history",
        opened_at=timezone.now(),
    )


def _sar(person: Any, by: Any, status: str, n: int) -> SubjectAccessRequest:
    today = timezone.localdate()
    return SubjectAccessRequest.objects.create(
        reference=f"SAR-TABLE-{n}-{by.pk}",
        person=person,
        requester_kind=SubjectAccessRequest.Requester.SUBJECT,
        requester_name="Ada Table",
        received_on=today,
        due_on=today + dt.timedelta(days=30),
        status=status,
        recorded_by=by,
    )


def _meeting(chair: Any, invited: Any, n: int) -> Any:
    from safeguard.meetings.kinds import kind
    from safeguard.meetings.models import Invitation, Meeting

    start = timezone.now() + dt.timedelta(days=n)
    meeting = Meeting.objects.create(
        reference=f"MTG-TABLE-{n}-{chair.pk}",
        kind=kind("strategy-meeting"),
        title="Strategy meeting",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        chair=chair,
    )
    if invited is not None:
        Invitation.objects.create(meeting=meeting, agency=invited)
    return meeting


def _missing(person: Any, by: Any, n: int) -> Any:
    from safeguard.exploitation.models import MissingEpisode

    now = timezone.now()
    return MissingEpisode.objects.create(
        reference=f"MIS-TABLE-{n}-{by.pk}",
        person=person,
        kind="missing_from_home",
        missing_since=now,
        reported_at=now,
        reported_by_name="A parent",
        reported_by_kind="parent",
        last_seen_where="Home",
        risk_level="medium",
        recording_agency=by.agency,
        recorded_by=by,
        created_at=now,
    )


def _profile(person: Any, by: Any) -> Any:
    from safeguard.exploitation.models import PhilomenaProfile

    return PhilomenaProfile.objects.create(
        person=person,
        kept_by=by.agency,
        description="Tall",
        updated_at=timezone.now(),
        updated_by=by,
    )


def _notice(episode: Any, school: Any) -> Any:
    from safeguard.exploitation.models import SchoolNotice

    now = timezone.now()
    return SchoolNotice.objects.create(
        episode=episode, school=school, event="missing", sent_at=now, due_by=now, contact="Call 101"
    )


def _training_session(trainer: Any) -> Any:
    from safeguard.training.models import Course, Mode, Session

    course, _ = Course.objects.get_or_create(
        slug="table-course", defaults={"title": "Table", "created_at": timezone.now()}
    )
    start = timezone.now() + dt.timedelta(days=7)
    return Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        mode=Mode.VIRTUAL,
        trainer=trainer,
        capacity=10,
        created_at=timezone.now(),
    )


def build_things(user: Any, colleague: Any, outsider: Any) -> Things:
    """Things about people the user's agency works with, and about people it does not."""
    seen = PersonFactory()
    InvolvementFactory(person=seen, agency=user.agency)
    unseen = PersonFactory()
    seen_use = _break_glass(PersonFactory(), outsider, 1)
    Alert.objects.create(
        recipient=user,
        kind=Alert.Kind.BREAK_GLASS,
        reference=seen_use.reference,
        break_glass_use=seen_use,
        created_at=timezone.now(),
    )
    unseen_use = _break_glass(PersonFactory(), outsider, 2)
    managed = TeamFactory(agency=user.agency)
    TeamMembership.objects.create(
        team=managed, user=user, is_manager=True, since=timezone.localdate()
    )
    TeamMembership.objects.create(team=managed, user=colleague, since=timezone.localdate())
    other_team = TeamFactory(agency=outsider.agency)
    TeamMembership.objects.create(team=other_team, user=outsider, since=timezone.localdate())
    invited_to = _meeting(colleague, user.agency, 1)
    seen_missing = _missing(seen, colleague, 1)
    return Things(
        pairs={
            "exploitation.view_missing_episode": (seen_missing, _missing(unseen, colleague, 2)),
            "exploitation.change_missing_episode": (seen_missing, _missing(unseen, colleague, 3)),
            "exploitation.keep_philomena_profile": (seen, unseen),
            "exploitation.view_philomena_profile": (
                _profile(seen, colleague),
                _profile(unseen, colleague),
            ),
            "exploitation.open_school_notice": (
                _notice(seen_missing, user.agency),
                _notice(seen_missing, outsider.agency),
            ),
            "meetings.view_meeting": (invited_to, _meeting(outsider, None, 2)),
            "meetings.run_meeting": (_meeting(user, None, 3), invited_to),
            "learning.act_for_agency": (
                Cascade(agency=user.agency),
                Cascade(agency=outsider.agency),
            ),
            "people.view_person": (seen, unseen),
            "hsb.view_child": (seen, unseen),
            "hsb.see_child_pathways": (seen, unseen),
            "contextual.view_child_network": (seen, unseen),
            "contextual.see_police_only_reads": (
                PersonOfConcern(notes_agency=user.agency),
                PersonOfConcern(notes_agency=outsider.agency),
            ),
            "people.view_whole_record": (seen, unseen),
            "people.change_person": (seen, unseen),
            "earlyhelp.view_episode": (
                _episode(seen, user.agency, colleague, 1),
                _episode(unseen, user.agency, colleague, 2),
            ),
            "earlyhelp.change_episode": (
                _episode(seen, user.agency, colleague, 3),
                _episode(unseen, user.agency, colleague, 4),
            ),
            "sharing.share_about": (seen, unseen),
            "sharing.revoke_grant": (
                AccessGrantFactory(person=seen, agency=outsider.agency, granted_by=colleague),
                AccessGrantFactory(person=unseen, agency=outsider.agency, granted_by=colleague),
            ),
            "sharing.review_break_glass": (seen_use, unseen_use),
            "frontdoor.answer_request": (
                MashEnquiry(agency=user.agency, question="Known to you?"),
                MashEnquiry(agency=outsider.agency, question="Known to you?"),
            ),
            "work.view_team_queue": (managed, other_team),
            "work.manage_team_work": (managed, other_team),
            "work.act_on_item": (WorkItemFactory(team=managed), WorkItemFactory(team=other_team)),
            "work.record_absence": (colleague, outsider),
            "training.book_for": (colleague, outsider),
            "training.run_session": (_training_session(user), _training_session(colleague)),
            "rights.open_subject_access_request": (
                _sar(PersonFactory(), colleague, SubjectAccessRequest.Status.RECEIVED, 1),
                _sar(PersonFactory(), colleague, SubjectAccessRequest.Status.COMPLETED, 2),
            ),
            "rights.sign_off_subject_access": (
                _sar(PersonFactory(), colleague, SubjectAccessRequest.Status.RECEIVED, 3),
                _sar(PersonFactory(), colleague, SubjectAccessRequest.Status.COMPLETED, 4),
            ),
        }
    )


def _answers(user: Any, things: Things, expected: dict[str, Row]) -> list[str]:
    """Every answer that differs from the table, in words."""
    wrong = []
    role = next(iter(user.role_codes()))
    for perm, row in expected.items():
        if isinstance(row, tuple):
            seen, unseen = things.pairs[perm]
            for label, obj, allowed in (("seen", seen, row[0]), ("not seen", unseen, row[1])):
                answer = user.has_perm(perm, obj)
                if answer != (role in allowed):
                    wrong.append(f"{perm} for a {role} ({label}): {answer}")
        else:
            answer = user.has_perm(perm)
            if answer != (role in row):
                wrong.append(f"{perm} for a {role}: {answer}")
    return wrong


class TestThePermissionTable:
    def test_every_permission_has_an_expected_row(self):
        registered = set(table())
        assert registered - set(EXPECTED) == set(), "add a row to EXPECTED for each new permission"
        assert set(EXPECTED) - registered == set(), "a row names a permission nobody registers"

    def test_object_permissions_are_checked_against_a_seen_and_an_unseen_thing(self):
        for perm, predicate in table().items():
            assert isinstance(EXPECTED[perm], tuple) == (predicate.num_args == 2), perm

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_each_role_in_the_mash_agency_gets_what_the_table_says(self, role, make_user):
        mash = AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_mash=True)
        user = make_user(role, agency=mash)
        colleague = make_user(PR, agency=mash)
        outsider = make_user(PR, agency=AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL))
        things = build_things(user, colleague, outsider)
        assert _answers(user, things, EXPECTED) == []

    @pytest.mark.parametrize("role", ALL_ROLES)
    def test_each_role_in_the_police_gets_what_the_table_says(self, role, make_user):
        police = AgencyFactory(kind=AgencyKind.POLICE)
        user = make_user(role, agency=police)
        PoliceIntelligenceUser.objects.create(user=user)
        colleague = make_user(PR, agency=police)
        outsider = make_user(PR, agency=AgencyFactory(kind=AgencyKind.EDUCATION_SCHOOL))
        things = build_things(user, colleague, outsider)
        assert _answers(user, things, EXPECTED | EXPECTED_IN_POLICE) == []

    def test_a_superuser_gets_nothing_the_table_does_not_give(self, make_user):
        user = make_user(AN, agency=AgencyFactory(), is_superuser=True)
        assert not user.has_perm("people.see_personal_data")
        assert not user.has_perm("people.view_person", PersonFactory())
        assert not user.has_perm("core.manage_accounts")

    def test_nobody_signed_out_holds_any_permission(self):
        from django.contrib.auth.models import AnonymousUser

        anonymous = AnonymousUser()
        for perm, predicate in table().items():
            obj = PersonFactory() if predicate.num_args == 2 and "person" in perm else None
            assert not anonymous.has_perm(perm, obj), perm

    def test_a_permission_about_a_thing_asked_without_one_is_refused(self, make_user):
        user = make_user(MM, agency=AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE))
        for perm, predicate in table().items():
            if predicate.num_args == 2:
                assert not user.has_perm(perm), perm
