"""Kills real commands at random points (used by tests/test_fault_kills.py; run as a script, POSIX only).

`python fault_kill_worker.py MODE FOLDER RUNS SEED`, MODE one of:
- `import`: `mentordesk import roster` of a 600-row roster into a copy of an empty database;
- `sync`: `mentordesk sync import` of a coordinator's bundle (the same roster) into a copy of a
  field laptop's database;
- `restore`: `mentordesk db restore` of a backup holding the roster over a database without it.

Loads MentorDesk once and prepares the files with the real commands (in this process), then for each
run copies the starting database, forks a child that runs the command as `mentordesk` does
(`app.cli.main`) and SIGKILLs it after a delay drawn from a fixed seed, within how long one run takes
here (the faster of two calibration runs, not killed; a run that ends before its kill times the next
kills against itself, so a busy machine's slow first run does not let every later run finish). Prints `start PATH` (the starting file), `calibration SECONDS
PATH` (the finished run's file), then one line per run: the file, the delay, killed or finished.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import signal
import sys
import time
from pathlib import Path

ROWS = 600
SECRET = "correct horse battery staple"


def roster_csv(path: Path) -> Path:
    lines = ["employee_id,first_name,last_name,email,school,role,license_type,years_experience,hire_date"]
    schools = ["Lincoln Elementary", "Hale High School", "Sumner Middle School"]
    for i in range(ROWS):
        lines.append(f"K{i:05},First{i},Last{i},k{i}@district.org,{schools[i % 3]},teacher,Initial,{i % 5},"
                     f"2025-08-{10 + i % 15:02}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args: object) -> int:
    from app.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        return main([str(a) for a in args])


def prepare(mode: str, work: Path, template: Path) -> tuple[Path, list[str]]:
    """The starting database and the command's arguments (without --db)."""
    start = work / "start.sqlite3"
    shutil.copy(template, start)
    roster = roster_csv(work / "roster.csv")
    if mode == "import":
        return start, ["import", "roster", str(roster), "--year", "2025-2026"]
    if mode == "sync":
        secret = work / "secret.txt"
        secret.write_text(SECRET + "\n", encoding="utf-8")
        coordinator = work / "coordinator.sqlite3"
        shutil.copy(template, coordinator)
        assert cli("import", "roster", roster, "--year", "2025-2026", "--db", coordinator) == 0
        assert cli("sync", "setup", "--secret-file", secret, "--name", "Coordinator", "--db", coordinator) == 0
        assert cli("sync", "setup", "--secret-file", secret, "--name", "SP Rivera", "--db", start) == 0
        shared = work / "shared"
        assert cli("sync", "folder", shared, "--db", coordinator) == 0
        return start, ["sync", "import", str(shared)]
    if mode == "restore":
        full = work / "full.sqlite3"
        shutil.copy(template, full)
        assert cli("import", "roster", roster, "--year", "2025-2026", "--db", full) == 0
        backup = work / "full-backup.sqlite3"
        from app import dbfiles

        dbfiles.online_backup(full, backup)
        return start, ["db", "restore", str(backup)]
    raise SystemExit(f"unknown mode {mode}")


def run_in_child(args: list[str], db: Path) -> int:
    pid = os.fork()
    if pid == 0:  # the child: the command as `mentordesk` runs it, and out without any cleanup
        code = 99
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                code = cli(*args, "--db", db)
        finally:
            os._exit(code)
    return pid


def main(mode: str, folder: str, runs: int, seed: int, template: str) -> None:
    import alembic.command  # noqa: F401

    from app import cli as _cli  # noqa: F401 - loaded once, before the forks
    from app.cli import build_parser
    from app.models import load_all

    load_all()
    build_parser()  # imports every command's module
    work = Path(folder)
    start, args = prepare(mode, work, Path(template))
    print(f"start {start}", flush=True)
    calibration = work / "calibration.sqlite3"
    took = float("inf")
    for _ in range(2):  # the first run warms the caches: the kills are timed against the faster one
        shutil.copy(start, calibration)
        started = time.perf_counter()
        _, status = os.waitpid(run_in_child(args, calibration), 0)
        took = min(took, time.perf_counter() - started)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
    print(f"calibration {took:.3f} {calibration}", flush=True)
    rng = random.Random(seed)
    for run in range(runs):
        path = work / f"run{run:02}.sqlite3"
        shutil.copy(start, path)
        fraction = rng.uniform(0.1, 1.02)
        killed, elapsed = kill_after(run_in_child(args, path), took * fraction)
        if not killed:  # it finished first (a quiet moment): time the next kills against this run
            took = min(took, elapsed)
        print(f"{path} {took * fraction:.3f} {'killed' if killed else 'finished'}", flush=True)


def kill_after(pid: int, delay: float) -> tuple[bool, float]:
    """SIGKILL the child after `delay` seconds unless it ends first. Returns (killed, seconds it ran)."""
    started = time.perf_counter()
    while time.perf_counter() - started < delay:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return False, time.perf_counter() - started
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status), time.perf_counter() - started

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
