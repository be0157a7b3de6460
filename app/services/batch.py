"""Work on many rows at once (imports, the state report of a large district)."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import (ARRAY, Column, ColumnElement, Connection, CursorResult, Dialect, Executable, String, Table,
                        any_, bindparam, func, insert, literal_column, select, type_coerce)
from sqlalchemy.sql.compiler import Compiled
from sqlalchemy.types import TypeEngine

P = ParamSpec("P")
T = TypeVar("T")


def cycle_collector_paused(function: Callable[P, T]) -> Callable[P, T]:
    """Run a batch with Python's cycle collector paused (process-wide, for its duration only).

    A batch makes tens of thousands of small objects (rows, values) that reference counting frees;
    each burst of them set off full collections that walked the whole heap (pandas, SQLAlchemy,
    Qt): about 0.5 s of a 10,000-row XLSX import, 0.2 s of a large district's state report.
    Nothing leaks: cycles made meanwhile are collected after.
    """

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> T:
        enabled = gc.isenabled()  # only the call that paused it resumes it (batches may overlap)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return paused


def insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]],
                decoders: Mapping[str, Callable[[Any], Any]] | None = None) -> None:
    """INSERT rows that all name the same columns, as `conn.execute(insert(table), rows)` does:
    the same bind processing (JSON, UUIDs, moments) and Python-side column defaults, but each
    column's processor is looked up once instead of SQLAlchemy assembling every row's parameters
    (a third of applying a 10,000-operation sync bundle), and a column that is NULL in every row
    and NULL when left out is left out (binding a value costs as much as SQLite storing it).
    `decoders`: per column, a function (None to None) that turns the rows' values into the
    column's Python values first (a sync operation's JSON form), run over the column like its
    processor rather than row by row."""
    if not rows:
        return
    dialect = conn.dialect
    processors = {name: _bind_processor(table.c[name].type, dialect) for name in rows[0]}
    given = _columns_of(rows)
    for name in [n for n, values in given.items() if values.count(None) == len(values)]:
        if _null_when_left_out(table.c[name], processors[name]) and len(given) > 1:
            del given[name]
    for name in [n for n in given if decoders and n in decoders]:
        given[name] = list(map(decoders[name], given[name]))
    defaults = {c.key: c.default for c in table.c
                if c.key not in rows[0] and c.default is not None and (c.default.is_scalar or c.default.is_callable)}
    compiled = insert(table).compile(dialect=dialect, column_keys=[*given, *defaults])
    names = list(compiled.positiontup or ()) if compiled.positional else [*given, *defaults]
    if compiled.insert_prefetch or set(names) != set(given) | set(defaults):
        conn.execute(insert(table), rows)  # a default or a name this shortcut does not handle
        return
    columns = [_processed(given[name], processors[name]) if name in given
               else _processed(_defaults(defaults[name], len(rows)), _bind_processor(table.c[name].type, dialect))
               for name in names]  # column by column: each processor runs over a whole column at C speed
    _execute(conn, compiled, names, columns)


def execute_many(conn: Connection, statement: Executable, rows: list[dict[str, Any]]) -> int:
    """Run a statement (an UPDATE, a DELETE) once per row of bind parameters, as
    `conn.execute(statement, rows)` does, each parameter's processor looked up once (an UPDATE of
    10,000 rows: 0.2 s less). A parameter a row does not name takes the statement's own value.
    Returns the number of rows the statement changed."""
    if not rows:
        return 0
    compiled = statement.compile(dialect=conn.dialect)
    names = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
    given = _columns_of(rows)

    def column(name: str) -> Sequence[Any]:
        process = _bind_processor(compiled.binds[name].type, conn.dialect)
        if name in given:
            return _processed(given[name], process)
        return _processed((compiled.binds[name].effective_value,), process) * len(rows)  # processed once

    return _execute(conn, compiled, names, [column(name) for name in names]).rowcount


def one_of(conn: Connection, column: Column[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values` with the values as ONE bound parameter, whatever their number: on SQLite a
    JSON array read by json_each (each value in its stored form), on PostgreSQL an array (= ANY).
    SQLAlchemy spends about 10 us binding each value of an IN list, and SQLite limits how many a
    statement takes: looking up the 10,000 rows of a sync bundle went from 0.25 s to 0.02 s."""
    if conn.dialect.name != "sqlite":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    process = _bind_processor(column.type, conn.dialect)
    return _stored_one_of(column, list(map(process, values)) if process else list(values))


def _stored_one_of(column: Column[Any], stored: list[Any]) -> ColumnElement[bool]:
    from app.db import json_text

    return column.in_(select(literal_column("value")).select_from(func.json_each(bindparam(None, json_text(stored)))))


def select_in(conn: Connection, key: Column[Any], keys: Sequence[Any],
              *columns: ColumnElement[Any]) -> list[tuple[Any, ...]]:
    """(key, *columns) of the rows whose `key` is one of `keys` (as one_of), on SQLite each key
    returned as the very object given rather than one made again from its stored form: making a
    UUID costs 2.5 us, and dict lookups by the same object skip UUID's Python-level __eq__."""
    process = _bind_processor(key.type, conn.dialect)
    if conn.dialect.name != "sqlite" or process is None:
        return [tuple(row) for row in conn.execute(select(key, *columns).where(one_of(conn, key, keys))).all()]
    given = {process(k): k for k in keys}
    query = select(type_coerce(key, String), *columns).where(_stored_one_of(key, list(given)))
    return [(given[stored], *rest) for stored, *rest in conn.execute(query).all()]  # .all(): one fetch


def _execute(conn: Connection, compiled: Compiled, names: list[str], columns: list[Sequence[Any]]) -> CursorResult[Any]:
    """One executemany of the processed columns, as rows in the driver's parameter style."""
    params: list[Any] = list(zip(*columns))
    if not compiled.positional:
        params = [dict(zip(names, values)) for values in params]
    return conn.exec_driver_sql(compiled.string, params)


def _columns_of(rows: list[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    """Column name -> its values, every row naming the columns of the first (in C: a third of
    the time of a comprehension per column)."""
    names = list(rows[0])
    if len(names) == 1:
        return {names[0]: tuple(row[names[0]] for row in rows)}
    return dict(zip(names, zip(*map(itemgetter(*names), rows))))


def _null_when_left_out(column: Column[Any], process: Callable[[Any], Any] | None) -> bool:
    no_default = column.default is None and column.server_default is None
    return no_default and not column.primary_key and (process is None or process(None) is None)


def _processed(values: Sequence[Any], process: Callable[[Any], Any] | None) -> Sequence[Any]:
    return list(map(process, values)) if process else values


def _defaults(default: Any, count: int) -> list[Any]:
    if default.is_scalar:
        return [default.arg] * count
    return [default.arg(None) for _row in range(count)]  # callables take an (unused) context


def _bind_processor(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    return column_type.dialect_impl(dialect).bind_processor(dialect)
