"""Who is trained to use each AIM tool: ONE function, so the training app can take over later.

AIM assessments by practitioners without AIM-authorised training are invalid, so only
practitioners recorded as trained may complete one. Until the training app (issue 17)
lands, the record is a checked list kept in this app (:class:`AimTrainedPractitioner`,
kept by the Youth Justice Service's harmful sexual behaviour service manager). The
lead will replace the body of :func:`is_trained` with
``safeguard.training.selectors.trained_in(user, SKILLS[tool], on)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from .models import AimTool, AimTrainedPractitioner

# The training app's skill code for each AIM tool.
SKILLS = {
    AimTool.AIM3: "aim3",
    AimTool.AIM3_UNDER_12S: "aim3_under_12s",
    AimTool.AIM_DIGITAL: "aim_digital",
}


def is_trained(user: Any, tool: str, on: dt.date) -> bool:
    """Whether the user was trained to use the AIM tool on the day (and the training still held)."""
    if user is None or not getattr(user, "pk", None) or tool not in SKILLS:
        return False
    return (
        AimTrainedPractitioner.objects.filter(user=user, tool=tool, trained_on__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exists()
    )
