"""The fault suite's kills (issue 19, item 7): `kill -9` at seeded random points of a roster import, a sync
apply and a backup restore, each a real `mentordesk` command in a forked process
(tests/fault_kill_worker.py). After each kill the file is there, opens (after an unclean shutdown: a
quick_check first), passes integrity_check, and holds the rows of before or of after, never some of them;
a killed sync apply, run again, gives what the finished one gave.

The rest of the fault suite: an upgrade killed (tests/test_atomic_upgrade.py), a writer killed
(tests/test_unclean_shutdown.py), damaged files of each kind (tests/test_damaged_files.py), hostile files
for each importer (tests/test_import_fuzz.py), the command line's exit codes (tests/test_cli_errors.py)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import db
from app.cli import main

ROOT = Path(__file__).resolve().parents[1]
RUNS = {"import": 5, "sync": 5, "restore": 6}
SEED = 19

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="kills forked children (POSIX)")]


def _counts(path: Path) -> tuple[int, int, int]:
    """Educators, schools and induction enrolments: what an import, a bundle or a restore brings."""
    conn = sqlite3.connect(path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[return-value]
                     for table in ("educator", "school", "induction_enrollment"))
    finally:
        conn.close()


def _kill_runs(mode: str, tmp_path: Path, template: Path) -> tuple[Path, Path, list[tuple[Path, str]]]:
    env = {**os.environ, "MENTORDESK_HOME": str(tmp_path / "home"), "PYTHONPATH": str(ROOT),
           "MENTORDESK_UNENCRYPTED": "1"}
    env.pop("MENTORDESK_DB", None)
    work = tmp_path / mode
    work.mkdir()
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "fault_kill_worker.py"), mode, str(work),
                           str(RUNS[mode]), str(SEED), str(template)], capture_output=True, text=True, env=env,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("start ") and lines[1].startswith("calibration "), lines
    start = Path(lines[0].split(" ", 1)[1])
    finished = Path(lines[1].split(" ", 2)[2])
    runs = [(Path(name), outcome) for name, _delay, outcome in (line.rsplit(" ", 2) for line in lines[2:])]
    assert len(runs) == RUNS[mode], lines
    # cut off, not finished: at least a third of the runs (a busy machine lets some finish before their kill)
    assert sum(outcome == "killed" for _p, outcome in runs) >= max(1, RUNS[mode] // 3), lines
    return start, finished, runs


def _opens_and_checks(path: Path) -> None:
    """As the next command would: open (an unclean shutdown is checked first), then integrity_check."""
    database = db.Database.open(str(path), create=False)
    try:
        result = db.check(database.engine)
    finally:
        database.dispose()
    assert result.ok, (path, result.lines())


@pytest.mark.parametrize("mode", ["import", "sync"])
def test_a_killed_import_or_sync_apply_is_all_or_nothing_and_the_file_opens_and_checks(mode, tmp_path,
                                                                                        migrated_template, capsys):
    start, finished, runs = _kill_runs(mode, tmp_path, migrated_template)
    before, after = _counts(start), _counts(finished)
    assert after[0] == before[0] + 600  # the finished run brought every row (a second computation of "after")
    for path, outcome in runs:
        assert path.exists(), path
        assert _counts(path) in (before, after), (path, outcome, _counts(path))
        _opens_and_checks(path)
    if mode == "sync":  # a killed apply, run again, applies the whole bundle once
        for path, _outcome in [r for r in runs if _counts(r[0]) == before][:2]:
            code = main(["sync", "import", str(tmp_path / mode / "shared"), "--db", str(path)])
            capsys.readouterr()
            assert code == 0 and _counts(path) == after, path


def test_a_killed_restore_leaves_the_current_file_or_the_restored_one_never_none(tmp_path, migrated_template,
                                                                                capsys):
    start, finished, runs = _kill_runs("restore", tmp_path, migrated_template)
    before, after = _counts(start), _counts(finished)
    assert before[0] == 0 and after[0] == 600
    backup = tmp_path / "restore" / "full-backup.sqlite3"
    for path, outcome in runs:
        assert path.exists(), (path, outcome)  # never missing (it could be, between two renames)
        assert _counts(path) in (before, after), (path, outcome)
        _opens_and_checks(path)
        if _counts(path) == after:  # restored: what was there is kept aside, whole
            assert _counts(path.with_name(path.name + ".before-restore")) == before
        else:  # what a killed restore left behind (a half-made copy) does not stop the next one
            assert main(["db", "restore", str(backup), "--db", str(path)]) == 0
            capsys.readouterr()
            assert _counts(path) == after
            _opens_and_checks(path)


class _Killed(BaseException):
    """Stands for the process ending at this point (nothing after it runs)."""


def test_a_restore_stopped_at_each_of_its_file_steps_leaves_a_whole_database(tmp_path, migrated_template, monkeypatch):
    """Deterministic: the restore stopped just before each rename, link or removal it makes in turn. The old
    order (rename the current file aside, then the copy in) left no database at all at the second step."""
    import shutil

    from app import dbfiles

    full = tmp_path / "full.sqlite3"
    shutil.copy(migrated_template, full)
    from app.models import School

    database = db.Database.open(str(full))
    try:
        with database.unit_of_work() as s:
            s.add(School(name="Lincoln Elementary"))
    finally:
        database.dispose()
    backup = tmp_path / "backup.sqlite3"
    dbfiles.online_backup(full, backup)
    steps = 0
    while True:
        steps += 1
        folder = tmp_path / f"step{steps}"
        folder.mkdir()
        path = folder / "district.sqlite3"
        shutil.copy(migrated_template, path)
        before = _counts(path)
        calls = {"n": 0}

        def stop_at(real, steps=steps, calls=calls):  # type: ignore[no-untyped-def]
            def call(*args, **kwargs):  # type: ignore[no-untyped-def]
                calls["n"] += 1
                if calls["n"] == steps:
                    raise _Killed
                return real(*args, **kwargs)
            return call

        with monkeypatch.context() as m:
            for name in ("replace", "link", "unlink"):
                m.setattr(os, name, stop_at(getattr(os, name)))
            m.setattr(Path, "unlink", stop_at(Path.unlink))
            try:
                dbfiles.restore(path, backup)
                finished = True
            except _Killed:
                finished = False
        assert path.exists(), f"no database after stopping at file step {steps}"
        assert _counts(path) in (before, _counts(backup)), steps
        _opens_and_checks(path)
        if finished:
            break
    assert steps > 3  # it did stop at several steps before finishing
