import random

import pytest

from safeguard.frontdoor import demo
from safeguard.frontdoor.models import Contact, ContactStatus, PoliceForm, ThresholdDecision
from safeguard.people.demo import DemoState, build_agencies_and_accounts, build_families


def make_state(seed=3):
    state = DemoState(rng=random.Random(seed), children=300)
    build_agencies_and_accounts(state)
    build_families(state)
    return state


@pytest.mark.django_db
def test_demo_has_a_year_of_contacts_at_every_level():
    state = make_state()
    saved = state.rng.getstate()
    demo.build(state)
    assert Contact.objects.count() >= 20
    assert set(ThresholdDecision.objects.values_list("level", flat=True)) == {1, 2, 3, 4}
    assert Contact.objects.filter(is_re_referral=True).exists()
    assert (
        Contact.objects.filter(
            status__in=[ContactStatus.RECEIVED, ContactStatus.AWAITING_SIGN_OFF]
        ).count()
        >= 10
    )
    assert PoliceForm.objects.count() >= 8
    first = sorted(Contact.objects.values_list("reference", flat=True))
    state.rng.setstate(saved)
    demo.build(state)
    assert sorted(Contact.objects.values_list("reference", flat=True)) == first  # deterministic


@pytest.mark.django_db
def test_demo_puts_requests_and_police_forms_in_the_police_queue():
    from safeguard.core.models import Team
    from safeguard.frontdoor.models import MashEnquiry, PoliceFormKind
    from safeguard.work.demo import build_teams
    from safeguard.work.models import Priority, WorkItem, WorkKind

    state = make_state(seed=5)
    build_teams(state)
    demo.build(state)
    police = Team.objects.get(slug="police-safeguarding")
    waiting = WorkItem.objects.filter(team=police, kind=WorkKind.ANSWER_REQUEST)
    assert waiting.exists()
    assert MashEnquiry.objects.filter(
        agency=police.agency, answered_by=state.users["police.officer"]
    ).exists()
    forms = WorkItem.objects.filter(team=police, kind=WorkKind.ACTION_POLICE_FORM)
    assert forms.count() == PoliceForm.objects.filter(status="received").count() > 0
    assert forms.filter(priority=Priority.IMMEDIATE).exists()
    assert PoliceForm.objects.filter(kind=PoliceFormKind.MISSING_PERSON, status="received").exists()
    demo.build(state)  # a rebuild does not double the queue
    assert WorkItem.objects.filter(team=police, kind=WorkKind.ACTION_POLICE_FORM).count() == (
        PoliceForm.objects.filter(status="received").count()
    )


def test_demo_mash_work_urgency_and_hand_offs():
    from safeguard.core.models import User
    from safeguard.frontdoor import demo_mash
    from safeguard.frontdoor.models import DecisionVersion, Urgency, outcome_allowed
    from safeguard.frontdoor.selectors import mash_queue
    from safeguard.work import demo as work_demo
    from safeguard.work.models import WorkItem, WorkKind

    state = make_state()
    work_demo.build_teams(state)
    demo.build(state)
    demo_mash.build(state)
    demo_mash.build_hand_off(state)
    # Every decision is one the table allows.
    assert all(
        outcome_allowed(d.level, d.outcome)
        for d in ThresholdDecision.objects.only("level", "outcome")
    )
    open_items = WorkItem.objects.open().filter(subject_type="frontdoor.contact")
    for contact in Contact.objects.filter(
        status__in=[ContactStatus.RECEIVED, ContactStatus.GATHERING]
    ):
        assert (
            open_items.filter(
                subject_id=contact.reference,
                kind__in=[WorkKind.DECIDE_CONTACT, WorkKind.REDO_DECISION],
                due_at=contact.decision_due_at,
            ).exists()
            or open_items.filter(subject_id=contact.reference, kind=WorkKind.REDO_DECISION).exists()
        )
    assert (
        open_items.filter(kind=WorkKind.SIGN_OFF_DECISION).count()
        == Contact.objects.filter(status=ContactStatus.AWAITING_SIGN_OFF).count()
    )
    assert DecisionVersion.objects.filter(ended="sent_back").exists()
    assert open_items.filter(
        kind=WorkKind.SECTION_47_STRATEGY, team__slug="csc-assessment"
    ).exists()
    # The queue starts with immediate danger, one amber and one red.
    rows, _ = mash_queue(user=User.objects.get(username="mash.worker"))
    immediate = [r for r in rows if r.contact.urgency == Urgency.IMMEDIATE]
    assert rows[: len(immediate)] == immediate
    assert {"amber", "red"} <= {r.rag for r in immediate}
