"""Information sharing: decisions, consent, grants, break-glass, subject access, retention."""
