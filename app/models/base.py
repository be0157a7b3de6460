"""Declarative base and the conventions every table follows (DESIGN.md, "Data conventions").

- UUID primary keys made by the application, so rows made on different laptops never collide.
- `created_at` / `updated_at` in UTC, `version` (optimistic locking and sync comparison),
  `deleted_at` tombstones instead of deletes.
- A naming convention so every constraint has a stable name on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Integer, MetaData, String, TypeDecorator, Uuid, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import operators
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Namespace for ids derived from district identifiers (employee id, school name, year label),
# so two laptops importing the same roster make the same rows.
DISTRICT_NAMESPACE = uuid.UUID("6f1c2d7e-8a8b-5c1e-9d0a-4d656e746f72")


def derived_id(kind: str, key: str) -> uuid.UUID:
    """Stable UUID for a row identified by a district key (e.g. kind='educator', key=employee id)."""
    return uuid.uuid5(DISTRICT_NAMESPACE, f"{kind}:{key.strip().lower()}")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _in_utc(value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime refused: give moments a time zone (UTC)")
    return value.astimezone(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A moment in UTC. Refuses naive datetimes; returns aware ones on every backend.

    SQLite silently drops the offset of DateTime(timezone=True); storing UTC and re-attaching
    it on the way out makes SQLite and PostgreSQL behave the same.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        value = _in_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Any) -> Any:
        general = super().bind_processor(dialect)
        if dialect.name != "sqlite":
            return general

        def stored_text(value: dt.datetime | None) -> str | None:
            # A UTC moment (nearly all of them) straight to SQLite's DATETIME storage format
            # ("YYYY-MM-DD HH:MM:SS.ffffff"), in C: the general path took 8 us a value, a quarter
            # of inserting 10,000 synced rows. Tested equal to SQLAlchemy's own text.
            if type(value) is dt.datetime and value.tzinfo is dt.timezone.utc:
                return value.isoformat(" ", "microseconds")[:26]  # without the "+00:00"
            return general(value)

        return stored_text

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tracked:
    """Mixin for user-edited tables: UUID key, timestamps, version stamp, tombstone.

    `version` is SQLAlchemy's version_id_col: every UPDATE checks and bumps it, so two people
    saving the same row cannot silently overwrite each other (StaleDataError for the second).
    """

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Who saved the row last (the session's actor: a server login or this computer's user), so a
    # stale save can say "changed by X at 10:42".
    updated_by: Mapped[str | None] = mapped_column(String(120), nullable=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def tombstone(self) -> None:
        """Delete the row the way sync can see: mark it, never remove it."""
        self.deleted_at = utcnow()


@compiles(CheckConstraint, "sqlite")
def _enum_check_as_comparisons(constraint: CheckConstraint, compiler: Any, **kw: Any) -> str:
    """On SQLite, an enum's CHECK (role IN ('teacher', ...)) is written role = 'teacher' OR ...,
    which means the same. SQLite builds a temporary b-tree for an IN list each time it checks a
    row: the three checks of `educator` took a third of inserting 10,000 educators (0.12 s)."""
    text = constraint.sqltext
    right = getattr(text, "right", None)
    if getattr(text, "operator", None) is operators.in_op and getattr(right, "expanding", False) \
            and isinstance(right.value, (list, tuple)) and right.value:
        comparisons = or_(*(text.left == literal(value) for value in right.value))
        body = compiler.sql_compiler.process(comparisons, include_table=False, literal_binds=True)
        return (compiler.define_constraint_preamble(constraint, **kw) + f"CHECK ({body})"
                + compiler.define_constraint_deferrability(constraint))
    return compiler.visit_check_constraint(constraint, **kw)


def enum_column(values: tuple[str, ...], name: str, **kw: Any) -> Any:
    """A portable string enum: VARCHAR plus a named CHECK constraint (no native ENUM types)."""
    from sqlalchemy import Enum

    return mapped_column(
        Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)) + 4),
        **kw,
    )


def short_text(length: int = 200) -> String:
    return String(length)
