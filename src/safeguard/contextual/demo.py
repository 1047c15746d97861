"""Demo data for contextual safeguarding (filled in below)."""
