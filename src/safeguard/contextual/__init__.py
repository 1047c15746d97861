"""Contextual safeguarding: places, persons of concern, graded links and networks (issue 14)."""
