"""Who is trained to use each AIM tool: ONE function, so the training app can take over later.

AIM assessments by practitioners without AIM-authorised training are invalid, so only
practitioners recorded as trained may complete one. The record is the training app's
(``safeguard.training.selectors.trained_in``: a training record in the skill, valid on
the day, from a partnership course). AIM training is often bought from the AIM Project
itself rather than run by the partnership, so the service manager's checked list
(:class:`AimTrainedPractitioner`) still counts too: either makes a practitioner trained.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from safeguard.training.selectors import trained_in

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
    if trained_in(user, SKILLS[AimTool(tool)], on):
        return True
    return (
        AimTrainedPractitioner.objects.filter(user=user, tool=tool, trained_on__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exists()
    )
