"""Every change in the front door, by step: checked, audited, on the child's chronology, one transaction.

- :mod:`.contacts`: a concern reported to the Multi-Agency Safeguarding Hub (MASH),
  from the "Report a concern" pages and the partner API (:func:`contact_submit`);
- :mod:`.triage`: the MASH asks agencies what they know and decides the threshold;
- :mod:`.police`: police partner forms (:func:`police_form_submit`).
"""

from .contacts import (
    MASH_GRANT_DAYS,
    RE_REFERRAL_WINDOW,
    ChildDetails,
    contact_draft_discard,
    contact_draft_save,
    contact_receipt_text,
    contact_submit,
)
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
    information_request_answer,
    information_request_create,
    needs_sign_off,
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
    "contact_draft_discard",
    "contact_draft_save",
    "contact_receipt_text",
    "contact_submit",
    "information_request_answer",
    "information_request_create",
    "information_request_reply",
    "REQUEST_NAME",
    "needs_sign_off",
    "police_form_acknowledge",
    "police_form_work_create",
    "police_next_steps",
    "police_form_submit",
    "police_intelligence_user_set",
    "police_receipt_text",
    "threshold_decide",
    "threshold_return",
    "threshold_sign_off",
]
