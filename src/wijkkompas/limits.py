"""The longest text the app accepts per kind of field.

``Text`` columns and JSON definitions have no length in the database, and SQLite enforces no
``VARCHAR`` length at all, so the write services check text here (the web's body limit of
1 MB is a second, coarser bound). A longer value is refused with :class:`ConfigError`
(422 on the web) naming the field, its length and the limit.

    >>> check_length("Wijkteam Zuid", "naam", NAME)
    'Wijkteam Zuid'
"""

from __future__ import annotations

from wijkkompas.errors import ConfigError

NAME = 200  #: names: partners, core teams and their members, targets, pilots, scenarios
LABEL = 100  #: short labels: a member's role, a reference label
TEXT = 10_000  #: free text: notes, mandates, commitments, decisions, descriptions
REASON = 2_000  #: the reason given for a change (audit trail)
PASSWORD = 1_024  #: a password (argon2 hashes whatever it gets: keep that bounded)


def check_length(value: str | None, field: str, limit: int) -> str | None:
    """``value`` unchanged, or :class:`ConfigError` when it has more than ``limit``
    characters."""
    if isinstance(value, str) and len(value) > limit:
        raise ConfigError(f"{field}: te lang ({len(value)} tekens; maximaal {limit})")
    return value
