"""The domain: rules, imports, matching, logs, scheduling, CAP, reports, sync. Never imports Qt.

One package per feature (see docs/architecture.md); the modules at this level are the plumbing they share.
"""

# Every session records its changes for sync: importing the sync package registers its change log with
# app.db (cheaply: the change log itself loads before the first session).
import app.services.sync  # noqa: F401, E402
# The audit trail records writes to confidential columns the same way (app.services.audit).
import app.services.audit  # noqa: F401, E402
