"""The audit trail (issue 18): who wrote, exported, decrypted or re-keyed confidential data; never the data.

May import: app.models, app.db and the shared plumbing; no feature (every feature may import this one, and
the command line and the window record their exports through it). At import it registers its flush hook
with the database layer (as sync does), so app.db never imports a feature.
"""

from app import db

db.register_session_extension("app.services.audit.trail")
