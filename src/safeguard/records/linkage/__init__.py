"""Record linkage: find the agencies' records that describe the same person.

``cleaning`` cleans input records, ``model`` trains, predicts, clusters and explains with
Splink (DuckDB or Spark) under the rule that families are not people, and ``synthetic``
makes up test people. See docs/linkage.md.
"""
