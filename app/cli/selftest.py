"""`mentordesk --selftest`: prove a frozen build is whole (DESIGN.md, public command line).

Uses a temporary folder for everything, migrates a fresh database with the bundled migrations,
writes a small demo district, renders a PDF and checks the file is whole, hashes and encrypts a few bytes, sorts and upper-cases text through Qt
(the bundled ICU data, which the Linux build trims to English), and opens the main window with the bundled Qt
plugins (offscreen when there is no screen). Prints each step; exit 0 when all pass.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def selftest() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mentordesk-selftest-") as folder:
        os.environ["MENTORDESK_HOME"] = folder
        try:
            for step in (_database, _pdf, _text, _holidays, _hashes, _window):
                print(f"selftest: {step(Path(folder))}")
        except Exception as exc:  # noqa: BLE001 - report any failure as the exit code
            print(f"selftest FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    print(f"selftest: ok in {time.perf_counter() - started:.1f} s")
    return 0


def _database(folder: Path) -> str:
    from app import db
    from app.services.demo.district import build_demo

    database = db.Database.open(str(folder / "selftest.sqlite3"), encrypt=False)  # a throwaway file; no keyring asked
    try:
        with database.unit_of_work() as session:
            summary = build_demo(session, size="small", seed=1)
        result = db.check(database.engine)
    finally:
        database.dispose()
    if not result.ok:
        raise RuntimeError("; ".join(result.problems))
    return f"database migrated to {result.head}; {summary}"


def _pdf(folder: Path) -> str:
    from app.services.pdf import PdfDocument

    path = folder / "selftest.pdf"
    doc = PdfDocument(path, title="MentorDesk self-test", district="Demo")
    doc.table(["Check", "Result"], [["PDF rendering", "ok"]])
    doc.save()
    data = path.read_bytes()
    if not (data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]):
        raise RuntimeError("the PDF is incomplete")
    return f"PDF written ({len(data)} bytes)"


def _text(folder: Path) -> str:
    from functools import cmp_to_key

    from PySide6.QtCore import QCollator, QLocale

    locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    collator = QCollator(locale)
    names = sorted(["Zoe", "\u00c9mile", "adam", "emily", "Ava"], key=cmp_to_key(collator.compare))
    if names != ["adam", "Ava", "\u00c9mile", "emily", "Zoe"]:
        raise RuntimeError(f"Qt sorted names as {names}")
    upper = locale.toUpper("stra\u00dfe \u00e9cole")
    if upper != "STRASSE \u00c9COLE":
        raise RuntimeError(f"Qt upper-cased text as {upper!r}")
    return "text sorted and upper-cased by Qt (ICU)"


def _hashes(_folder: Path) -> str:
    """SHA-1 and SHA-256 (sync bundles, import fingerprints) and libsodium (keys): a build without OpenSSL's
    `_hashlib` must fall back to Python's own hashes."""
    import hashlib

    import nacl.hash
    import nacl.secret
    import nacl.utils

    if hashlib.sha256(b"abc").hexdigest()[:16] != "ba7816bf8f01cfea" or hashlib.sha1(b"abc").hexdigest()[:8] != "a9993e36":
        raise RuntimeError("SHA-1 or SHA-256 gave a wrong digest")
    box = nacl.secret.SecretBox(nacl.utils.random(32))
    if box.decrypt(box.encrypt(b"selftest")) != b"selftest" or len(nacl.hash.blake2b(b"x")) != 64:
        raise RuntimeError("libsodium did not round-trip")
    return "hashes and libsodium work"


def _holidays(_folder: Path) -> str:
    """Massachusetts holidays: the `holidays` package loads its countries by name, which a frozen build must keep."""
    import datetime as dt

    from app.services.scheduling.school_days import state_holidays

    found = state_holidays(dt.date(2027, 4, 1), dt.date(2027, 4, 30))
    if dt.date(2027, 4, 19) not in found:  # Patriots' Day: the third Monday of April
        raise RuntimeError("no Patriots' Day among the Massachusetts holidays")
    return "Massachusetts holidays found (Patriots' Day)"


def _window(folder: Path) -> str:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.db import Database
    from app.ui.application import build_window, make_qapp

    app = make_qapp(["mentordesk"])
    database = Database.open(str(folder / "selftest.sqlite3"))
    try:
        window, _ = build_window(database, synchronous=True)
        window.show()
        app.processEvents()
        shown = window.isVisible()
        window.close()
    finally:
        database.dispose()
    if not shown:
        raise RuntimeError("the main window did not show")
    return f"main window opened (Qt platform {app.platformName()})"
