"""People's permissions, built from THE access rule in ``people/access.py``.

The rule itself (who sees which person, and why) stays in ``access.py``; this module
names the permissions made from it, for the one permission table (see ``core.rules``).
"""

from __future__ import annotations

import rules

from .access import (
    can_create_person,
    can_edit_person,
    can_look_up_with_reason,
    can_view_person,
    can_view_whole_record,
    sees_personal_data,
)

rules.add_perm("people.see_personal_data", rules.predicate(sees_personal_data))
rules.add_perm("people.view_person", can_view_person)
rules.add_perm("people.view_whole_record", can_view_whole_record)
rules.add_perm("people.change_person", can_edit_person)
rules.add_perm("people.add_person", can_create_person)
rules.add_perm("people.look_up_with_reason", can_look_up_with_reason)
