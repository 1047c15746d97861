"""The partnership data set and meaningful measures (issue 15)."""
