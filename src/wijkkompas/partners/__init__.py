"""Partners, their involvement per area × opgave, commitments, core teams and balance warnings.

Tables in :mod:`.store`, use cases in :mod:`.service`, warnings in :mod:`.balance`.
"""
