"""The synced tables as the change log sees them: which tables and columns travel, and how each
value is written in the log (JSON) and read back into the ORM. Capture writes with these, merge reads
with them; neither imports the other for them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from sqlalchemy import Date, DateTime, Numeric, Time, Uuid
from sqlalchemy.orm import Mapper

from app.models import Base, Tracked, load_all

ROW = "*"  # the column name of a whole-row (insert) operation
SKIPPED_COLUMNS = frozenset({"id", "version", "updated_at", "updated_by"})
APPLYING = "sync_applying"  # session.info flag: writes come from applied operations, not the user
FORCE = "sync_force"  # session.info: {(table, row id, column)} recorded even when the value is unchanged
CLOCK = "sync_clock"  # session.info: a () -> seconds callable (tests skew clocks)


# --- values: JSON in the log, Python in the ORM ---------------------------------------------------


def _codec(column_type: Any) -> tuple[Callable[[Any], Any], Callable[[Any], Any]]:
    """(encode, decode) for one column type; None passes through both."""
    if isinstance(column_type, Uuid):
        return (lambda v: None if v is None else str(v)), (lambda v: None if v is None else uuid.UUID(v))
    if isinstance(column_type, DateTime) or getattr(column_type, "impl", None).__class__ is DateTime:
        return _iso, (lambda v: None if v is None else dt.datetime.fromisoformat(v))
    if isinstance(column_type, Date):
        return _iso, (lambda v: None if v is None else dt.date.fromisoformat(v))
    if isinstance(column_type, Time):
        return _iso, (lambda v: None if v is None else dt.time.fromisoformat(v))
    if isinstance(column_type, Numeric) and getattr(column_type, "asdecimal", False):
        return (lambda v: None if v is None else str(v)), (lambda v: None if v is None else Decimal(v))
    return _same, _same


def _iso(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class SyncedTable:
    """A Tracked table's synced columns: column name -> (attribute key, encode, decode)."""

    name: str
    cls: type
    columns: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], Any]]]

    def encode_row(self, obj: Any) -> dict[str, Any]:
        data = obj.__dict__
        return {col: enc(data.get(key)) for col, (key, enc, _dec) in self.columns.items()}

    @cached_property
    def decoders(self) -> dict[str, Callable[[Any], Any]]:
        """The columns whose JSON form is not the ORM's value (ids, moments, dates, decimals)."""
        return {col: dec for col, (_key, _enc, dec) in self.columns.items() if dec is not _same}

    def decoder(self, column: str) -> Callable[[Any], Any]:
        return self.decoders.get(column, _same)

    def decoded(self, row: dict[str, Any]) -> dict[str, Any]:
        """A copy of a row of JSON-form values with the ORM's values."""
        decoders = self.decoders
        return {c: decoders[c](v) if c in decoders else v for c, v in row.items()}

    def key_of(self) -> dict[str, str]:
        return {key: col for col, (key, _e, _d) in self.columns.items()}


@cache
def synced_tables() -> dict[str, SyncedTable]:
    """Every Tracked table, by table name (the op-log tables are not Tracked)."""
    load_all()  # cached below: it must see the capability models this process has not imported yet
    tables: dict[str, SyncedTable] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if not issubclass(cls, Tracked) or mapper.local_table is None:
            continue
        tables[mapper.local_table.name] = SyncedTable(mapper.local_table.name, cls, _columns(mapper))
    return tables


def _columns(mapper: Mapper) -> dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], Any]]]:
    out = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.table is mapper.local_table and column.name not in SKIPPED_COLUMNS:
            out[column.name] = (prop.key, *_codec(column.type))
    return out


@cache
def table_of(cls: type) -> SyncedTable | None:
    name = getattr(getattr(cls, "__table__", None), "name", None)
    return synced_tables().get(name) if name else None


# --- hybrid logical clock -------------------------------------------------------------------------

