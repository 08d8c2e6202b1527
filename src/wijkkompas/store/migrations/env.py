"""Alembic environment: always run with a connection handed in by ``upgrade_schema``."""

from __future__ import annotations

from alembic import context

from wijkkompas.database import metadata
from wijkkompas.store.postgis import include_object

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via upgrade_schema
    raise RuntimeError("Run migrations through wijkkompas.store.upgrade_schema(engine).")

context.configure(
    connection=connection,
    target_metadata=metadata(),
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()
