"""Demo data for meetings (filled in below)."""
