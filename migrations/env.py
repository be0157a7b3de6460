"""Alembic environment. Run from code (app/db.py) with an absolute script location."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from app.models import Base, load_all

load_all()  # importing app.models declares no table by itself; compare against every table

config = context.config
target_metadata = Base.metadata


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # Tables the app does not own (e.g. left by a newer schema) are not ours to drop.
    return not (type_ == "table" and reflected and compare_to is None and name not in target_metadata.tables)


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"), hide_parameters=True)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch ALTERs copy and drop tables; with foreign keys enforced SQLite refuses to drop a
            # parent table. Turn enforcement off for the migration (it cannot change inside a
            # transaction) and check every reference afterwards instead.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
            include_object=_include_object,
            # One transaction for the whole upgrade, on SQLite too (Alembic's default there is one
            # per revision, so a kill left the file between revisions: issue 19). app.db gives SQLite
            # an engine that really begins that transaction before DDL.
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"migration left broken references: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
