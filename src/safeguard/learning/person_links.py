"""What learning holds about a person: the children a case review is about.

Imported by ``LearningConfig.ready()``; see ``safeguard.people.registry``.
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

from .models import ReviewChild


def _kind(row: ReviewChild) -> str:
    return row.review.get_kind_display()


register(
    PersonLink(
        model=ReviewChild,
        field="person",
        key="learning.review_children",
        merge=OnMerge.MOVE,
        merge_rule="Moved: the review follows the child.",
        subject_access=SubjectAccess(
            section="learning.reviews",
            title="Case reviews",
            label="A case review that looked at what happened to you",
            order=80,
            explanation=(
                "The partnership reviews cases to learn how agencies can work better "
                "together. Anything it publishes calls you by a made-up name."
            ),
            date="added_at",
            agency="review.submitted_by_agency.name",
            fields=(
                Shown("Review", "review.reference"),
                Shown("Kind of review", _kind),
                Shown("Made-up name used", "pseudonym"),
            ),
        ),
        retention=OnRetention.ANONYMISE,
        anonymise={"person": None},
        retention_rule=(
            "The review keeps its pseudonym (Child A) for its published learning; the link "
            "to the child is removed."
        ),
    )
)
