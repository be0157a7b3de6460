"""An upgrade killed at any point leaves the old revision or the new one, never between, and the file
opens, checks and upgrades afterwards (issue 19: pysqlite committed each DDL statement on its own,
so kills left files at 0004, 0008 or 0009, some with a half-copied batch table)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import db

ROOT = Path(__file__).resolve().parents[1]
FIRST_SCHEMA = ROOT / "tests" / "data" / "schema-0001.sqlite3"
RUNS, SEED = 20, 19


def _revision_and_tables(path: Path) -> tuple[str, set[str]]:
    conn = sqlite3.connect(path)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    return revision, tables


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked children (POSIX)")
def test_a_killed_upgrade_leaves_the_old_or_the_new_revision_and_upgrades_afterwards(tmp_path):
    env = {**os.environ, "MENTORDESK_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "fault_upgrade_worker.py"), str(FIRST_SCHEMA),
                           str(tmp_path), str(RUNS), str(SEED)], capture_output=True, text=True, env=env,
                          timeout=300, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].startswith("calibration") and len(lines) == RUNS + 1
    first, head = "0001_foundation", db.head_revision()
    seen: dict[str, int] = {}
    killed = 0
    for line in lines[1:]:
        name, _delay, outcome = line.rsplit(" ", 2)
        path = Path(name)
        killed += outcome == "killed"
        revision, tables = _revision_and_tables(path)
        seen[revision] = seen.get(revision, 0) + 1
        assert revision in (first, head), f"{line}: left at {revision}"
        assert not {t for t in tables if t.startswith("_alembic_tmp")}, line
        database = db.Database.open(str(path))  # opens and upgrades what the kill left
        try:
            result = db.check(database.engine)
        finally:
            database.dispose()
        assert result.ok and result.revision == head, (line, result.lines())
    assert killed >= RUNS // 2, lines  # most runs were cut off, not finished
    assert seen.get(first, 0) >= 3, seen  # the kills landed during upgrades, not only after them
