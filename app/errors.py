"""Typed domain errors, each with a message a coordinator can act on."""

from __future__ import annotations

from dataclasses import dataclass


class MentorDeskError(Exception):
    """Base for errors the user should see as a message, not a traceback."""


class DatabaseError(MentorDeskError):
    """The database cannot be opened or migrated as asked."""


class DamagedDatabaseError(DatabaseError):
    """The database file fails SQLite's check; `path` and `detail` say which and how (the window offers
    its newest good backup)."""

    def __init__(self, message: str, path: object = None, detail: str = ""):
        super().__init__(message)
        self.path = path
        self.detail = detail


class DatabaseBusyError(DatabaseError):
    """Another window or command held the database's write lock for longer than a save waits (issue 19)."""


class UsageError(MentorDeskError):
    """A command was called the wrong way (exit code 2)."""


@dataclass(frozen=True)
class FieldProblem:
    """One broken rule on one field: what the UI shows beside the field, what imports write out."""

    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field} = {self.value!r}: {self.reason}" if self.value else f"{self.field}: {self.reason}"


class ValidationError(MentorDeskError):
    """One or more field problems on a record (row number given when it came from a file)."""

    def __init__(self, problems: list[FieldProblem], line: int | None = None):
        self.problems = problems
        self.line = line
        where = f"line {line}: " if line is not None else ""
        super().__init__(where + "; ".join(str(p) for p in problems))


class StaleRecordError(MentorDeskError):
    """Someone else saved the record since it was opened (optimistic locking)."""

    def __init__(self, what: str, changed_by: str | None = None, changed_at: str | None = None):
        self.what = what
        self.changed_by = changed_by
        self.changed_at = changed_at
        who = f" by {changed_by}" if changed_by else ""
        when = f" at {changed_at}" if changed_at else ""
        super().__init__(f"{what} was changed{who}{when} since you opened it — reload or overwrite.")
