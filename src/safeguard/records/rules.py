"""Agency records permissions: import, the linkage review queue, merge and unmerge.

Part of the one permission table (see ``core.rules``).
"""

from __future__ import annotations

import rules

from safeguard.people.access import is_mash

# Multi-Agency Safeguarding Hub (MASH) staff import records, decide matches, merge and undo.
rules.add_perm("records.work_records", rules.predicate(is_mash))
