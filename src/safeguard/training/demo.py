"""Demo data for training (filled in below)."""
