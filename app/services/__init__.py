"""The domain: rules, imports, matching, logs, scheduling, CAP, reports, sync. Never imports Qt."""
