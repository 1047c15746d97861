"""People's rights: subject access requests and retention of records (top of the stack)."""
