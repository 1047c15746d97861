"""Agency records: import an agency's extract, link each record to one person, review, merge, unmerge.

``parsing`` reads and checks uploaded files, ``scoring`` asks the linkage
engine how likely two records are to be the same person, ``services`` makes
every change (audited, one transaction each) and ``selectors`` reads.
"""
