"""Optimistic locking for the forms people edit: a save carries the version the person loaded and
is refused, naming who changed the record and when, if someone saved it since (unless the person
chose to overwrite). Services call `locked` to read the row, then `refuse_if_changed`."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from app.errors import StaleRecordError

T = TypeVar("T")
MISSING = 0  # the version a form holds for a record that did not exist yet when it was opened


def local_time(session: Session, moment: dt.datetime) -> str:
    """A moment as the district's clock shows it (e.g. 10:42), for messages."""
    from zoneinfo import ZoneInfo

    from app.services import settings

    return moment.astimezone(ZoneInfo(settings.get(session, "time_zone"))).strftime("%H:%M")


def locked(session: Session, cls: type[T], row_id: Any) -> T | None:
    """The row as committed now, locked until this unit of work ends (FOR UPDATE on a server), so
    nobody saves it between the version check and this save's own UPDATE."""
    return session.get(cls, row_id, with_for_update=True, populate_existing=True)


def locking(query: Select[Any]) -> Select[Any]:
    """`locked` for rows found by a query rather than by id (FOR UPDATE on a server)."""
    return query.with_for_update().execution_options(populate_existing=True)


def refuse_if_changed(session: Session, row: Any, loaded_version: int | None, what: str, *,
                      overwrite: bool = False) -> None:
    """StaleRecordError ("<what> was changed by alice at 10:42 since you opened it") when the row's
    version is not the one the person loaded; None (nothing loaded) and `overwrite` skip the check."""
    if loaded_version is None or overwrite or row.version == loaded_version:
        return
    raise StaleRecordError(what, changed_by=row.updated_by, changed_at=local_time(session, row.updated_at))
