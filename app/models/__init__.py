"""SQLAlchemy models.

Importing this package registers the core tables (district, people) on `Base.metadata`; each
capability's tables (CAP, matching, scheduling, sync, time logs, reporting) live in their own
module here and register when that module is imported, by the code that uses them. Declaring
every mapper costs about a third of a second, which the window must not pay before it is first
painted (benchmarks/startup.py).

Code that needs the whole schema (migrations, sync, grants, the schema checks) calls
`load_all()` first; the database layer also calls it before any flush (app/db.py), so the sync
change log always sees every table. No core model has a relationship to a capability model, so
queries on core tables work with only the core loaded.
"""

import importlib
import pkgutil

from app.models.base import Base, Tracked, derived_id, utcnow
from app.models.district import School, SchoolYear, Setting
from app.models.people import Assignment, Educator, InductionEnrollment, MentorProfile

_all_loaded = False


def load_all() -> None:
    """Import every model module in this package, so Base.metadata and the mapper registry hold
    the whole schema. Cheap after the first call."""
    global _all_loaded
    if _all_loaded:
        return
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    _all_loaded = True


__all__ = [
    "Assignment",
    "Base",
    "Educator",
    "InductionEnrollment",
    "MentorProfile",
    "School",
    "SchoolYear",
    "Setting",
    "Tracked",
    "derived_id",
    "load_all",
    "utcnow",
]
