"""Every change in the front door, by step: checked, audited, on the child's chronology, one transaction.

- :mod:`.contacts`: a concern reported to the Multi-Agency Safeguarding Hub (MASH),
  from the "Report a concern" pages and the partner API (:func:`contact_submit`);
- :mod:`.triage`: the MASH asks agencies what they know and decides the threshold;
- :mod:`.mash_work`: a contact's urgency and deadline, and the MASH's work items;
- :mod:`.social_care`: Level 4 decisions handed to children's social care;
- :mod:`.challenge`: professional challenge of a decision, stage by stage;
- :mod:`.police`: police partner forms (:func:`police_form_submit`).
"""

from .challenge import (
    can_challenge,
    challenge_escalate,
    challenge_raise,
    challenge_resolve,
)
from .contacts import (
    MASH_GRANT_DAYS,
    RE_REFERRAL_WINDOW,
    ChildDetails,
    contact_draft_discard,
    contact_draft_save,
    contact_receipt_text,
    contact_submit,
)
from .mash_work import contact_deadline, contact_urgency_set, mash_team
from .police import (
    POLICE_PREFIX,
    police_form_acknowledge,
    police_form_submit,
    police_form_work_create,
    police_intelligence_user_set,
    police_next_steps,
    police_receipt_text,
)
from .requests import REQUEST_NAME, information_request_reply
from .triage import (
    SIGN_OFF_OUTCOMES,
    answers_awaited,
    information_answer_correct,
    information_request_answer,
    information_request_create,
    needs_sign_off,
    threshold_amend,
    threshold_decide,
    threshold_return,
    threshold_sign_off,
)

__all__ = [
    "ChildDetails",
    "MASH_GRANT_DAYS",
    "POLICE_PREFIX",
    "RE_REFERRAL_WINDOW",
    "SIGN_OFF_OUTCOMES",
    "answers_awaited",
    "can_challenge",
    "challenge_escalate",
    "challenge_raise",
    "challenge_resolve",
    "contact_deadline",
    "contact_draft_discard",
    "contact_draft_save",
    "contact_receipt_text",
    "contact_submit",
    "contact_urgency_set",
    "information_answer_correct",
    "information_request_answer",
    "information_request_create",
    "information_request_reply",
    "REQUEST_NAME",
    "mash_team",
    "needs_sign_off",
    "police_form_acknowledge",
    "police_form_work_create",
    "police_next_steps",
    "police_form_submit",
    "police_intelligence_user_set",
    "police_receipt_text",
    "threshold_amend",
    "threshold_decide",
    "threshold_return",
    "threshold_sign_off",
]
