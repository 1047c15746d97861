"""Demo data for learning: the business unit's team, reviews in every state, briefings, plans.

Runs after teams and children exist (order 88). A serious incident whose
notification is due, one whose rapid review is under way, a local review with its
learning published and a 7 point briefing some agencies have cascaded; two action
plans, one signed off, one continuing with red, amber and green actions.
"""

from __future__ import annotations

import datetime as dt

from safeguard.core.models import Agency, Team, TeamMembership, TeamPurpose
from safeguard.people.demo import DemoState, register_demo_extension

from . import services
from .models import LocalReviewDecision, ReviewKind, Subgroup, Theme
from .seeds import reference_data_seed


@register_demo_extension(order=88)
def build_learning(state: DemoState) -> None:
    """Reviews, a published briefing and action plans, made through the services."""
    reference_data_seed()
    business = state.users.get("business.unit")
    if business is None:
        return
    team, _ = Team.objects.get_or_create(
        slug="partnership-business-unit",
        defaults={
            "agency": business.agency,
            "name": "Partnership business unit",
            "purpose": TeamPurpose.PARTNERSHIP,
        },
    )
    TeamMembership.objects.get_or_create(
        team=team,
        user=business,
        defaults={"is_manager": True, "since": state.today - dt.timedelta(days=400)},
    )
    today = state.today
    themes = {t.slug: t for t in Theme.objects.all()}
    police = Agency.objects.filter(slug="nyp").first() or business.agency
    school = Agency.objects.filter(slug="fulford-school").first() or business.agency
    csc = business.agency

    services.review_open(
        by=business,
        kind=ReviewKind.SERIOUS_INCIDENT,
        title="Serious injury to a non-mobile baby",
        summary="A baby was taken to hospital with injuries. Agencies had seen the family.",
        agency=csc,
        aware_on=today - dt.timedelta(days=2),
        themes=[themes[s] for s in ("non-mobile-babies", "engaging-fathers") if s in themes],
    )
    rapid = services.review_open(
        by=business,
        kind=ReviewKind.SERIOUS_INCIDENT,
        title="Exploitation of a 15 year old through county lines",
        summary="Repeated missing episodes before the child was found far from home.",
        agency=police,
        aware_on=today - dt.timedelta(days=20),
        themes=[themes[s] for s in ("exploitation", "repeat-referrals") if s in themes],
    )
    services.review_notified(by=business, review=rapid, notified_on=today - dt.timedelta(days=16))
    local = services.review_open(
        by=business,
        kind=ReviewKind.SERIOUS_INCIDENT,
        title="Harmful sexual behaviour between siblings",
        summary="Concerns were known to several agencies; referral came late.",
        agency=school,
        aware_on=today - dt.timedelta(days=200),
        themes=[
            themes[s] for s in ("harmful-sexual-behaviour", "professional-challenge") if s in themes
        ],
    )
    services.review_notified(by=business, review=local, notified_on=today - dt.timedelta(days=197))
    services.review_rapid_review_done(
        by=business,
        review=local,
        done_on=today - dt.timedelta(days=180),
        decision=LocalReviewDecision.LOCAL_REVIEW,
    )
    services.review_publish(
        by=business,
        review=local,
        learning_summary=(
            "Child A's school saw worrying behaviour months before a referral. Agencies did not "
            "share what they knew, and Child B's voice was not heard. Refer at the time of the "
            "concern and invite every agency to strategy meetings."
        ),
    )
    briefing = services.briefing_save(
        by=business,
        briefing=None,
        title="Harmful sexual behaviour: learning from a local review",
        review=local,
        background="A local child safeguarding practice review about two siblings, Child A and Child B.",
        good_practice="The school's designated safeguarding lead kept clear records.",
        learning_points="Refer at the time of concern. A child can be both harmed and harming.",
        recommendations="Use the harmful sexual behaviour continuum in every referral.",
        next_steps="Every agency to discuss this briefing in team meetings within 28 days.",
        reflective_questions="How would your team know a child was both harmed and harming?",
        resources="The partnership's harmful sexual behaviour pathway; AIM3 training.",
    )
    services.briefing_publish(by=business, briefing=briefing)
    confirmed = 0
    for cascade in briefing.cascades.select_related("agency"):
        member = (
            TeamMembership.objects.filter(
                team__agency=cascade.agency, team__receives_for_agency=True
            )
            .select_related("user")
            .first()
        )
        if member is not None and confirmed < 3:
            services.cascade_confirm(
                by=member.user, cascade=cascade, how_used="Discussed in the weekly team meeting."
            )
            confirmed += 1

    done = services.plan_create(
        by=business,
        title="Actions from the sibling review",
        subgroup=Subgroup.CASE_REVIEW,
        review=local,
    )
    action = services.plan_action_add(
        by=business,
        plan=done,
        description="Add the continuum to the referral form.",
        owner_agency=csc,
        due_on=today,
    )
    services.plan_action_complete(by=business, action=action, evidence="New form live in October.")
    services.plan_sign_off(by=business, plan=done)
    continuing = services.plan_create(
        by=business, title="Exploitation audit actions", subgroup=Subgroup.EXPLOITATION
    )
    for agency, days, text in (
        (police, 10, "Brief every response officer on return home interviews."),
        (school, 60, "Check all pupils missing education are known to the exploitation panel."),
        (csc, 20, "Audit 10 cases for the child's voice in screening."),
    ):
        services.plan_action_add(
            by=business,
            plan=continuing,
            description=text,
            owner_agency=agency,
            due_on=today + dt.timedelta(days=days),
        )


@register_demo_extension(order=89)
def build_audits_and_governance(state: DemoState) -> None:
    """An audit under way, a moderated school self-assessment, the log, money and child deaths."""
    from decimal import Decimal

    from .models import AuditKind

    business = state.users.get("business.unit")
    if business is None:
        return
    today = state.today
    agencies = {a.slug: a for a in Agency.objects.filter(active=True)}
    taking_part = [
        agencies[s] for s in ("cyc-csc", "nyp", "hcv", "fulford-school") if s in agencies
    ]
    services.audit_request(
        by=business,
        kind=AuditKind.MULTI_AGENCY,
        title="Neglect: are we hearing the child?",
        terms_of_reference="Ten cases of neglect open to early help or social care this year.",
        voice_plan="Practitioners ask each child what a good day and a bad day look like.",
        sample="Ten cases chosen at random from the early help and social care lists.",
        due_on=today + dt.timedelta(days=21),
        agencies=taking_part,
    )
    school = agencies.get("fulford-school")
    dsl = state.users.get("school.dsl")
    if school is not None and dsl is not None:
        self_assessment = services.audit_request(
            by=business,
            kind=AuditKind.SCHOOL_SELF_ASSESSMENT,
            title="School safeguarding self-assessment (section 175)",
            terms_of_reference="Every school completes the partnership's section 175 standards.",
            voice_plan="",
            sample="Every school's own policies and training records.",
            due_on=today + dt.timedelta(days=60),
            agencies=[school],
        )
        finding = self_assessment.findings.get(agency=school)
        services.finding_submit(
            by=dsl,
            finding=finding,
            findings="All standards met; two governors still to complete training.",
            rating="green",
        )
        services.finding_moderate(
            by=business, finding=finding, rating="amber", note="Governor training is a standard."
        )
    services.you_said_we_did_add(
        by=business,
        heard_on=today - dt.timedelta(days=60),
        from_whom="Young people at the youth council",
        you_said="Meetings about us happen without us.",
        we_did="Young people are invited to the first part of their review meetings.",
    )
    year = today.year if today.month >= 4 else today.year - 1
    for slug, amount in (("cyc-csc", "98000"), ("nyp", "42000"), ("hny-icb", "42000")):
        if slug in agencies:
            services.contribution_set(
                by=business, year=year, agency=agencies[slug], amount=Decimal(amount)
            )
    services.child_death_summary_set(
        by=business,
        year=year - 1,
        notifications=14,
        reviews_completed=11,
        modifiable_factors=4,
        themes="Safer sleep; road safety.",
        learning="Safer sleep advice at every health visitor contact.",
    )


@register_demo_extension(order=90)
def build_boards(state: DemoState) -> None:
    """Members, priorities and a work plan for the Executive and the exploitation subgroup."""
    from .models import Board, PlanItemStatus

    business = state.users.get("business.unit")
    if business is None:
        return
    agencies = {a.slug: a for a in Agency.objects.filter(active=True)}
    year = state.today.year
    executive = Board.objects.get(slug="executive")
    exploitation = Board.objects.get(slug="exploitation")
    for board, slug, name, role in (
        (executive, "cyc-csc", "Morgan Ashby", "Director of Children's Services"),
        (executive, "nyp", "Chris Dale", "Assistant Chief Constable"),
        (executive, "hny-icb", "Sam Okafor", "Chief Nurse"),
        (exploitation, "nyp", "Jordan Reeve", "Detective Inspector"),
        (exploitation, "cyc-csc", "Helen Moorcroft", "Chair of the risk panel"),
    ):
        if slug in agencies:
            services.board_member_add(
                by=business, board=board, agency=agencies[slug], name=name, role=role
            )
    csc = agencies.get("cyc-csc")
    if csc is None:
        return
    for board, title, work in (
        (executive, "Prevent: early help reaches families sooner", "Publish the early help offer"),
        (
            exploitation,
            "Pursue: disrupt places where children are exploited",
            "Monthly hotspot review",
        ),
    ):
        priority = services.board_priority_add(by=business, board=board, year=year, title=title)
        item = services.work_plan_item_add(
            by=business,
            board=board,
            description=work,
            owner_agency=csc,
            due_on=state.today + dt.timedelta(days=90),
            priority=priority,
        )
        services.work_plan_item_status(by=business, item=item, status=PlanItemStatus.ON_TRACK)
