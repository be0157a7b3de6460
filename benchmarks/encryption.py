"""Encryption at rest (issue 18): the state report and the People list on the large demo district
(10,000 staff, 200,000 time logs), from the plain file and from the same district encrypted with
`db encrypt` (SQLCipher 4, raw data key: no key derivation per connection). Target: encrypted within
1.3x of plain. Each figure is the median of 3 runs on a database opened fresh, so the encrypted runs
decrypt pages as a coordinator's first report of the day does; also the one-time costs: encrypting
the file, and unlocking it (Argon2id at the moderate limits, once per process)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from benchmarks.common import SCRATCH, demo_database, median_seconds

YEAR = "2025-2026"
PASSPHRASE = "benchmark passphrase"


def _figures(path: str) -> tuple[float, float]:
    from app.db import Database
    from app.services.reports.state_report import compute
    from app.services.roster.people_list import list_people

    def fresh(work):  # type: ignore[no-untyped-def]
        def once() -> None:
            database = Database.open(path)
            try:
                with database.read() as session:
                    work(session)
            finally:
                database.dispose()
        return once

    report = median_seconds(fresh(lambda s: compute(s, YEAR)))
    people = median_seconds(fresh(lambda s: list_people(s, YEAR)))
    return report, people


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
        plain_report, plain_people = _figures(str(plain))
        enc_report, enc_people = _figures(str(encrypted))
    finally:
        dbkeys.set_passphrase_file(None)
    return {
        "plain_state_report_s": round(plain_report, 3), "encrypted_state_report_s": round(enc_report, 3),
        "ratio_state_report": round(enc_report / plain_report, 2),
        "plain_people_s": round(plain_people, 3), "encrypted_people_s": round(enc_people, 3),
        "ratio_people": round(enc_people / plain_people, 2),
        "encrypt_file_s": round(encrypt_s, 1), "unlock_argon2id_s": round(unlock_s, 2),
        "file_mb": round(encrypted.stat().st_size / 1_000_000, 1),
    }
