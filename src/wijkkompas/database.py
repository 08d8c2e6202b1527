"""The whole database schema: the store's tables and those the domain packages declare.

The store knows only its own tables (areas, indicators, observations, import runs, accounts);
each domain package declares its tables on the same :class:`~wijkkompas.store.models.Base` in its
own ``store`` module. What needs *every* table — backups, the data version of the caches, Alembic
autogenerate and the schema test — asks :func:`metadata`, which sits above the domains, so the
store never imports a domain.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from wijkkompas import audit
from wijkkompas.agenda import store as agenda_store
from wijkkompas.budgeting import store as budgeting_store
from wijkkompas.means import store as means_store
from wijkkompas.monitor import store as monitor_store
from wijkkompas.partners import store as partners_store
from wijkkompas.residents import store as residents_store
from wijkkompas.store import accounts, models

#: Every module that declares tables, store first (foreign keys point that way).
TABLE_MODULES = (models, accounts, audit, agenda_store, monitor_store, partners_store,
                 means_store, residents_store, budgeting_store)


def metadata() -> MetaData:
    """The metadata that holds every table of a wijkkompas database."""
    return models.Base.metadata
