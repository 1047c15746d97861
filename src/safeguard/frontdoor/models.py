"""Front door: concerns, MASH triage, threshold decisions, police partner forms."""
