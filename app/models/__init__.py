"""SQLAlchemy models.

Each module here registers its tables on `Base.metadata` when it is imported, by the code that
uses it: the core classes re-exported below (district, people) on first use of their name, each
capability's (CAP, matching, scheduling, sync, time logs, reporting) from its own module.
Declaring every mapper costs about a third of a second, which the window must not pay before it
is first painted (benchmarks/startup.py).

Code that needs the whole schema (migrations, sync, grants, the schema checks) calls
`load_all()` first; the database layer also calls it before any flush (app/db.py), so the sync
change log always sees every table. No core model has a relationship to a capability model, so
queries on core tables work with only the core loaded.
"""

import importlib
import pkgutil
from typing import TYPE_CHECKING, Any

from app.models.base import Base, Tracked, derived_id, utcnow

if TYPE_CHECKING:
    from app.models.district import School, SchoolYear, Setting
    from app.models.people import Assignment, Educator, InductionEnrollment, MentorProfile

_CORE = {"School": "district", "SchoolYear": "district", "Setting": "district", "Assignment": "people",
         "Educator": "people", "InductionEnrollment": "people", "MentorProfile": "people"}
_all_loaded = False


def __getattr__(name: str) -> Any:
    """`from app.models import Educator` imports the core module that declares it (PEP 562)."""
    module = _CORE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
