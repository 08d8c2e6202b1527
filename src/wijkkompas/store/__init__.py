"""Persistence: SQLAlchemy models, engine factory and Alembic migrations."""

from wijkkompas.store.engine import make_engine, make_session_factory, upgrade_schema

__all__ = ["make_engine", "make_session_factory", "upgrade_schema"]
