"""Sync: bundles of 10,000 operations exported and applied between two replica files: 10,000 new
educators (one operation each, carrying 22 fields), then 10,000 field edits (one field of each).
Targets: apply <= 1 s, export <= 0.5 s. Also the bundle's and the log's bytes per operation, and
applying against inserting the same rows directly (through the ORM, and raw). An apply is timed
into fresh copies three times and the best kept (this shared machine's speed swings by up to
1.7x from minute to minute)."""

from __future__ import annotations

import time

from benchmarks.common import SCRATCH, fresh_database

ROWS = 10_000
GROUP_KEY = bytes(range(32))


def _replica(name: str, setup: bool = True):  # type: ignore[no-untyped-def]
    from app.db import Database
    from app.services.sync.identity import setup as sync_setup

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


def _edit_every_room(database) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from app.models import Educator

    with database.unit_of_work() as session:
        for i, person in enumerate(session.scalars(select(Educator))):
            person.room = f"R{i}"


def _export(source, name: str):  # type: ignore[no-untyped-def]
    from app.services.sync.bundles import export_bundle

    bundle = SCRATCH / name
    bundle.unlink(missing_ok=True)
    started = time.perf_counter()
    with source.unit_of_work() as session:
        done = export_bundle(session, bundle)
    return bundle, done, time.perf_counter() - started


def _best_apply(name: str, bundle, before=None) -> float:  # type: ignore[no-untyped-def]
    """The best of three applies, each into a fresh replica (that has had `before` first)."""
    from app.services.sync.bundles import import_bundle

    times = []
    for attempt in range(3):
        target = _replica(f"{name}-{attempt}")
        if before is not None:
            with target.unit_of_work() as session:
                import_bundle(session, before)
        started = time.perf_counter()
        with target.unit_of_work() as session:
            applied = import_bundle(session, bundle)
        times.append(time.perf_counter() - started)
        assert applied.new == ROWS, applied
        target.dispose()
    return min(times)


def run() -> dict[str, object]:
    direct_s = _insert(_replica("sync-direct", setup=False))
    raw_s = _insert_raw(_replica("sync-raw", setup=False))
    source = _replica("sync-source")
    captured_s = _insert(source)
    bundle, done, export_s = _export(source, "sync-10k.mdsync")
    apply_s = _best_apply("sync-target", bundle)
    _edit_every_room(source)
    edits, edits_done, edits_export_s = _export(source, "sync-10k-edits.mdsync")
    edits_apply_s = _best_apply("sync-edits-target", edits, before=bundle)
    log_bytes = _log_bytes(source)
    source.dispose()
    return {
        "ops": done.ops,
        "insert_direct_s": round(direct_s, 2),
        "insert_with_capture_s": round(captured_s, 2),
        "export_s": round(export_s, 2),
        "apply_s": round(apply_s, 2),
        "apply_to_direct_ratio": round(apply_s / direct_s, 2),
        "insert_raw_s": round(raw_s, 2),
        "apply_to_raw_ratio": round(apply_s / raw_s, 2),
        "edit_ops": edits_done.ops,
        "edits_export_s": round(edits_export_s, 2),
        "edits_apply_s": round(edits_apply_s, 2),
        "bundle_bytes_per_op": round(done.size / done.ops, 1),
        "log_bytes_per_op": round(log_bytes / (done.ops + edits_done.ops), 1) if log_bytes else "n/a",
    }
