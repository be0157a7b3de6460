"""Sync: a bundle of 10,000 operations (10,000 new educators) exported and applied between two
replica files. Targets: apply <= 1 s, export <= 0.5 s. Also the bundle's and the log's bytes per
operation, and applying against inserting the same rows directly (through the ORM, and raw)."""

from __future__ import annotations

import time

from benchmarks.common import SCRATCH, fresh_database

ROWS = 10_000
GROUP_KEY = bytes(range(32))


def _replica(name: str, setup: bool = True):  # type: ignore[no-untyped-def]
    from app.db import Database
    from app.services.sync_identity import setup as sync_setup

    database = Database.open(fresh_database(name))
    if setup:
        with database.unit_of_work() as session:
            sync_setup(session, "", name=name, group_key=GROUP_KEY)
    return database


def _people() -> list[dict[str, object]]:
    from app.models import derived_id

    return [dict(id=derived_id("educator", f"B{i:05d}"), employee_id=f"B{i:05d}", first_name=f"First{i}",
                 last_name=f"Last{i}", email=f"b{i}@example.org", grades=["3", "4"], subjects=["Mathematics"],
                 years_experience=i % 30, room=str(100 + i % 300)) for i in range(ROWS)]


def _insert(database) -> float:  # type: ignore[no-untyped-def]
    """The same rows through the ORM, as the app's forms and importers write."""
    from app.models import Educator

    started = time.perf_counter()
    with database.unit_of_work() as session:
        session.add_all(Educator(**person) for person in _people())
    return time.perf_counter() - started


def _insert_raw(database) -> float:  # type: ignore[no-untyped-def]
    """The floor: one executemany of the same rows, their stored forms made by the column types
    (batch.insert_rows, which the apply uses for new rows too), no log, no checks."""
    from app.models import Educator
    from app.services.batch import insert_rows

    started = time.perf_counter()
    with database.unit_of_work() as session:
        insert_rows(session.connection(), Educator.__table__, _people())
    return time.perf_counter() - started


def _log_bytes(database) -> int | None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    try:
        with database.engine.connect() as conn:
            return conn.execute(text("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE '%sync_op%'")).scalar()
    except Exception:  # noqa: BLE001 - SQLite built without dbstat
        return None


def run() -> dict[str, object]:
    from app.services.sync_bundles import export_bundle, import_bundle

    direct_s = _insert(_replica("sync-direct", setup=False))
    raw_s = _insert_raw(_replica("sync-raw", setup=False))
    source = _replica("sync-source")
    captured_s = _insert(source)
    bundle = SCRATCH / "sync-10k.mdsync"
    bundle.unlink(missing_ok=True)
    started = time.perf_counter()
    with source.unit_of_work() as session:
        done = export_bundle(session, bundle)
    export_s = time.perf_counter() - started
    target = _replica("sync-target")
    started = time.perf_counter()
    with target.unit_of_work() as session:
        applied = import_bundle(session, bundle)
    apply_s = time.perf_counter() - started
    assert applied.new == ROWS, applied
    log_bytes = _log_bytes(source)
    for database in (source, target):
        database.dispose()
    return {
        "ops": done.ops,
        "insert_direct_s": round(direct_s, 2),
        "insert_with_capture_s": round(captured_s, 2),
        "export_s": round(export_s, 2),
        "apply_s": round(apply_s, 2),
        "apply_to_direct_ratio": round(apply_s / direct_s, 2),
        "insert_raw_s": round(raw_s, 2),
        "apply_to_raw_ratio": round(apply_s / raw_s, 2),
        "bundle_bytes_per_op": round(done.size / done.ops, 1),
        "log_bytes_per_op": round(log_bytes / done.ops, 1) if log_bytes else "n/a",
    }
