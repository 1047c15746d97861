"""Demo data for harmful sexual behaviour (filled in below)."""
