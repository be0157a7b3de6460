"""The command line's error contract (issue 19), run as people run it: a real `mentordesk` process.

Exit 0 success, 1 rejected input or a refused file, 2 usage, 3 an unexpected error, which prints one
line naming the log; the log holds the traceback but no row values (engines hide bound parameters).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mentordesk(home: Path, *args: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MENTORDESK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    env.pop("MENTORDESK_DB", None)
    return subprocess.run([sys.executable, "-m", "app.cli", *map(str, args)], check=False, capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


@pytest.fixture
def db_file(migrated_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "district.sqlite3"
    shutil.copy(migrated_template, path)
    return path


def test_an_unexpected_error_is_one_line_exit_3_and_its_traceback_is_logged_without_row_values(db_file, tmp_path):
    """A failing INSERT (a trigger refuses every new educator): the user sees one line; the log has the
    traceback, the statement with its placeholders, and none of the row's values."""
    conn = sqlite3.connect(db_file)
    conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON educator BEGIN SELECT RAISE(ABORT, 'refused'); END")
    conn.commit()
    conn.close()
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id,first_name,last_name,email\nZQ777123,Zebulon,Quixotic,zq@example.org\n",
                      encoding="utf-8")
    home = tmp_path / "home"
    done = mentordesk(home, "import", "roster", roster, "--year", "2025-2026", "--db", db_file)
    log = (home / "logs" / "mentordesk.log").read_text(encoding="utf-8")
    assert done.returncode == 3, done.stderr
    assert done.stderr.splitlines() == [f"MentorDesk hit an unexpected problem; details in {home / 'logs' / 'mentordesk.log'}"]
    assert "Traceback" not in done.stdout + done.stderr
    assert "Traceback (most recent call last)" in log and "IntegrityError" in log and "INSERT INTO educator" in log
    assert "command import roster started" in log and "exit 3" in log
    for value in ("ZQ777123", "Zebulon", "Quixotic", "zq@example.org"):
        assert value not in done.stdout + done.stderr + log


def test_usage_errors_exit_2_rejected_input_exits_1_and_success_0_with_the_log_written(db_file, tmp_path):
    home = tmp_path / "home"
    assert mentordesk(home, "report", "state", "--year", "2030", "--out", tmp_path / "x.json", "--db", db_file).returncode == 2
    assert mentordesk(home, "report", "state", "--no-such-option", "--db", db_file).returncode == 2
    roster = tmp_path / "bad.csv"
    roster.write_text("employee_id,first_name,last_name,years_experience\nE1,Ana,Silva,-4\n", encoding="utf-8")
    rejected = mentordesk(home, "import", "roster", roster, "--year", "2025-2026", "--db", db_file)
    assert rejected.returncode == 1 and "rejected: line 2" in rejected.stdout and "Traceback" not in rejected.stderr
    ok = mentordesk(home, "db", "check", "--db", db_file)
    assert ok.returncode == 0 and "integrity: ok" in ok.stdout
    log = (home / "logs" / "mentordesk.log").read_text(encoding="utf-8")
    assert "command db check finished: exit 0" in log and "command import roster finished: exit 1" in log
    assert "Silva" not in log


def test_engines_hide_bound_parameters_from_error_messages(db_file):
    """The security half: an IntegrityError's message (what reaches a log) names no value."""
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from app import db

    engine = db.make_engine(str(db_file))
    try:
        with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
            conn.execute(text("INSERT INTO school (id, name) VALUES (:id, :name)"), {"id": None, "name": "Secret Name"})
    finally:
        engine.dispose()
    assert "Secret Name" not in str(caught.value) and "hidden" in str(caught.value)


def test_a_native_crash_after_a_command_started_is_written_to_the_log(db_file, tmp_path):
    """faulthandler: the installed `mentordesk` (main() with no argv) sends native crashes to the log."""
    home = tmp_path / "home"
    script = ("import sys, faulthandler\n"
              f"sys.argv = ['mentordesk', 'db', 'check', '--db', {str(db_file)!r}]\n"
              "from app.cli import main\n"
              "main()\n"
              "faulthandler._sigsegv()\n")
    env = {**os.environ, "MENTORDESK_HOME": str(home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode != 0
    log = (home / "logs" / "mentordesk.log").read_text(encoding="utf-8")
    assert "command db check finished: exit 0" in log and "Fatal Python error: Segmentation fault" in log


def test_logged_tracebacks_blank_the_values_python_quotes():
    from app.logs import safe_traceback

    try:
        try:
            int("Quixotic")
        except ValueError as exc:
            raise KeyError("Zebulon") from exc
    except KeyError as exc:
        text = safe_traceback(exc)
    assert "ValueError: invalid literal for int() with base 10: '…'" in text and "KeyError: '…'" in text
    assert "Quixotic" not in text.replace('int("Quixotic")', "") and "Zebulon" not in text.replace(
        'KeyError("Zebulon")', "")
