"""Encryption at rest (issue 18): the state report and the People list on the large demo district
(10,000 staff, 200,000 time logs), from the plain file and from the same district encrypted with
`db encrypt` (SQLCipher 4, raw data key: no key derivation per connection). Target: encrypted within
1.3x of plain. Each figure is the median of 5 runs, plain and encrypted alternating, each on a database
opened fresh (the encrypted runs decrypt every page they read, as a coordinator's first report of the
day does), in wall and processor time (the machine is shared: processor time drifts less); also the
one-time costs: encrypting the file, and unlocking it (Argon2id at the moderate limits, once a process)."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from benchmarks.common import SCRATCH, demo_database

YEAR = "2025-2026"
PASSPHRASE = "benchmark passphrase"
RUNS = 5


def _timed(path: str, work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(wall, processor) seconds of opening the database fresh and running `work` in a read session."""
    from app.db import Database

    wall, cpu = time.perf_counter(), time.process_time()
    database = Database.open(path)
    try:
        with database.read() as session:
            work(session)
    finally:
        database.dispose()
    return time.perf_counter() - wall, time.process_time() - cpu


def _figures(plain: str, encrypted: str) -> dict[str, float]:
    """Plain and encrypted runs alternate (the shared machine's load drifts between them); medians."""
    from app.services.reports.state_report import compute
    from app.services.roster.people_list import list_people

    works = {"state_report": lambda s: compute(s, YEAR), "people": lambda s: list_people(s, YEAR)}
    found: dict[str, float] = {}
    for name, work in works.items():
        runs: dict[str, list[tuple[float, float]]] = {"plain": [], "encrypted": []}
        for _ in range(RUNS):
            runs["plain"].append(_timed(plain, work))
            runs["encrypted"].append(_timed(encrypted, work))
        for kind, timings in runs.items():
            found[f"{kind}_{name}_s"] = statistics.median(t[0] for t in timings)
            found[f"{kind}_{name}_cpu_s"] = statistics.median(t[1] for t in timings)
    return found


def run() -> dict[str, object]:
    from app import dbfiles, dbkeys

    plain = Path(demo_database("large", YEAR))
    encrypted = SCRATCH / "encrypted-large.sqlite3"
    shutil.copy(plain, encrypted)
    started = time.perf_counter()
    dbfiles.encrypt_in_place(encrypted, PASSPHRASE)
    encrypt_s = time.perf_counter() - started
    dbkeys.forget()
    passphrase_file = SCRATCH / "passphrase.txt"
    passphrase_file.write_text(PASSPHRASE + "\n", encoding="utf-8")
    dbkeys.set_passphrase_file(passphrase_file)
    started = time.perf_counter()
    dbkeys.data_key(encrypted)
    unlock_s = time.perf_counter() - started
    try:
        found = _figures(str(plain), str(encrypted))
    finally:
        dbkeys.set_passphrase_file(None)
    results: dict[str, object] = {key: round(value, 3) for key, value in found.items()}
    for name in ("state_report", "people"):
        results[f"ratio_{name}"] = round(found[f"encrypted_{name}_s"] / found[f"plain_{name}_s"], 2)
        results[f"ratio_{name}_cpu"] = round(found[f"encrypted_{name}_cpu_s"] / found[f"plain_{name}_cpu_s"], 2)
    results.update({"encrypt_file_s": round(encrypt_s, 1), "unlock_argon2id_s": round(unlock_s, 2),
                    "plain_file_mb": round(plain.stat().st_size / 1_000_000, 1),
                    "encrypted_file_mb": round(encrypted.stat().st_size / 1_000_000, 1)})
    return results
