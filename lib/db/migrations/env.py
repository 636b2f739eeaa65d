"""Alembic environment: runs on the connection handed over by lib.db.engine.migrate."""

from alembic import context

from lib.db.schema import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # `alembic` command line: use the configured URL
    from lib.db.engine import get_engine

    with get_engine().begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
