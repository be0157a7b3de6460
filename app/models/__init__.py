"""SQLAlchemy models. Importing this package registers every table on `Base.metadata`.

Core tables are re-exported here; each capability's tables live in their own module in this
package, which is imported below so Alembic and the app always see the whole schema.
"""

import importlib
import pkgutil

from app.models.base import Base, Tracked, derived_id, utcnow
from app.models.district import School, SchoolYear, Setting
from app.models.people import Assignment, Educator, InductionEnrollment, MentorProfile

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

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
    "utcnow",
]
