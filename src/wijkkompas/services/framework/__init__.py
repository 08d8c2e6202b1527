"""Scoring use cases and the afwegingskader pages: overview, what-if, saved versions, rank
intervals and the ranking/profile downloads."""
