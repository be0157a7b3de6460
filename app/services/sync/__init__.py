"""Merging laptops through files: the change log (capture), merging, sealed bundles, owners and scope,
field copies for supervising practitioners, conflicts, identity and status.

May import: app.models (every feature's), app.db, the shared plumbing and app.services.audit (enrolment
and revocation are recorded in the trail); no other feature. At import it
registers the change log with the database layer, so app.db never imports a feature.
"""

from app import db

db.register_session_extension("app.services.sync.capture")
