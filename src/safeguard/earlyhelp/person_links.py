"""What early help holds about a person: the children in episodes and the support they had.

Imported by ``EarlyhelpConfig.ready()``; see ``safeguard.people.registry``.
"""

from __future__ import annotations

from safeguard.people.registry import (
    OnMerge,
    OnRetention,
    PersonLink,
    Shown,
    SubjectAccess,
    register,
)

from .models import Episode, EpisodeChild, FamilyConsent, SupportRecord
from .taf import taf_meetings


def _assessments(episode: Episode) -> str:
    return "\n".join(
        f"{a.get_status_display()} assessment"
        + (f" of {a.assessment_date:%d %B %Y}" if a.assessment_date else "")
        + f". Family's view: {a.family_view or '-'}. Child's voice: {a.child_voice or '-'}."
        + f" Needs: {a.needs or '-'}. Strengths: {a.strengths or '-'}. Plan: {a.plan or '-'}."
        for a in episode.assessments.order_by("created_at")
    )


def _meetings(episode: Episode) -> str:
    return "\n".join(
        f"{m.get_kind_display()} on {m.held_on:%d %B %Y}: {m.progress}"
        for m in reversed(taf_meetings().for_episodes([episode.pk]))
    )


_EPISODES = "earlyhelp.episodes"
_TITLE = "Early help"

# --- Episode.children (through EpisodeChild): the episode itself -------------------------------
register(
    PersonLink(
        model=Episode,
        field="children",
        key="early_help_episodes",
        merge=OnMerge.KEEP,
        merge_rule="Kept: the episode follows its EpisodeChild rows, which move.",
        subject_access=SubjectAccess(
            section=_EPISODES,
            title=_TITLE,
            label="Early help episode",
            order=50,
            explanation="Periods of early help for your family: assessments, meetings and the plan.",
            date="opened_on",
            agency="lead_agency.name",
            fields=(
                Shown("Reference", "reference"),
                Shown("Lead agency", "lead_agency.name"),
                Shown("Lead practitioner", "lead_practitioner"),
                Shown("Status", "get_status_display"),
                Shown("Opened", "opened_on"),
                Shown("Why it was opened", "reason", free_text=True),
                Shown("Early Help Assessments", _assessments, third_party=True, free_text=True),
                Shown(
                    "Team Around the Family meetings", _meetings, third_party=True, free_text=True
                ),
                Shown("Closed", "closed_on"),
                Shown("Why it closed", "get_closure_reason_display"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule=(
            "An episode no other child is left in is deleted with its assessments, meetings and "
            "support; an episode for brothers or sisters too is kept for them."
        ),
    )
)

# --- EpisodeChild: the child's place in the episode ------------------------------------------
register(
    PersonLink(
        model=EpisodeChild,
        field="person",
        key="earlyhelp.episode_children",
        merge=OnMerge.MOVE,
        unique_with=("episode",),
        merge_rule=(
            "Moved; where the survivor is already in the same episode the merged person's row is "
            "removed (and put back by an undo), so no episode is left with a hidden child."
        ),
        subject_access=SubjectAccess(
            section=_EPISODES,
            title=_TITLE,
            label="Child in an early help episode",
            order=50,
            date="added_on",
            fields=(
                Shown("Episode reference", "episode.reference"),
                Shown("Added", "added_on"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    )
)

# --- SupportRecord.child: support an agency gave the child -----------------------------------
register(
    PersonLink(
        model=SupportRecord,
        field="child",
        key="earlyhelp.support_records",
        merge=OnMerge.MOVE,
        subject_access=SubjectAccess(
            section=_EPISODES,
            title=_TITLE,
            label="Support given",
            order=50,
            date="started",
            agency="agency.name",
            fields=(
                Shown("Agency", "agency.name"),
                Shown("Episode reference", "episode.reference"),
                Shown("What support", "description", free_text=True),
                Shown("From", "started"),
                Shown("To", "ended"),
            ),
        ),
        retention=OnRetention.ANONYMISE,
        anonymise={"child": None, "description": ""},
        retention_rule=(
            "The family's record of support keeps the agency and dates but loses the child and "
            "the description (the episode itself goes when no child is left in it)."
        ),
    )
)

# --- FamilyConsent.person: who agreed to early help, refused or withdrew ---------------------
register(
    PersonLink(
        model=FamilyConsent,
        field="person",
        key="earlyhelp.family_consents",
        merge=OnMerge.MOVE,
        merge_rule="Moved: the consent was given or refused by the surviving person.",
        subject_access=SubjectAccess(
            section=_EPISODES,
            title=_TITLE,
            label="Your consent to early help",
            order=50,
            date="decided_on",
            fields=(
                Shown("Episode reference", "episode.reference"),
                Shown("As", "get_capacity_display"),
                Shown("Answer", "get_decision_display"),
                Shown("How", "get_method_display"),
                Shown("Agreed to the assessment", "to_assessment"),
                Shown("Agreed to sharing", "to_sharing"),
                Shown("Withdrawn", "withdrawn_on"),
            ),
        ),
        retention=OnRetention.ERASE,
        retention_rule="Deleted with the person.",
    )
)
