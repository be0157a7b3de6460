"""Files at rest (issue 18): on POSIX every file MentorDesk writes in its folders is 0600 and the
folders 0700, whatever the umask; backups are pruned (the newest `backup_keep`, and one a month for
a year). Real files: the database with its -wal and -shm while open, backups, CAP drafts and
forms, a field copy, an errors file; the pruning on a fake clock."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from app import db, paths
from app.db import Database

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes; Windows keeps profile ACLs")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask():
    """The usual desktop umask (files 0644): what MentorDesk must not rely on."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_a_new_database_its_wal_and_shm_and_the_data_folder_are_private(migrated_template):
    database = Database.open(paths.default_db_url())
    try:
        with database.unit_of_work() as session:
            from app.models import Educator, derived_id

            session.add(Educator(id=derived_id("educator", "E1"), employee_id="E1", first_name="Ann", last_name="Lee"))
        folder = paths.data_dir()
        file = folder / paths.DB_FILENAME
        wal, shm = Path(f"{file}-wal"), Path(f"{file}-shm")
        assert wal.exists() and shm.exists()  # open, in WAL mode
        assert {p.name: mode(p) for p in (file, wal, shm)} == {p.name: 0o600 for p in (file, wal, shm)}
        assert mode(folder) == 0o700
        assert mode(paths.log_dir()) == 0o700 and mode(paths.config_dir()) == 0o700
    finally:
        database.dispose()


def test_a_database_and_folder_left_open_by_an_older_version_are_tightened(tmp_path, migrated_template):
    folder = Path(os.environ["MENTORDESK_HOME"]) / "data"
    folder.mkdir(parents=True, mode=0o755)
    file = folder / paths.DB_FILENAME
    shutil.copy(migrated_template, file)
    os.chmod(file, 0o644)
    database = Database.open(str(file))
    database.dispose()
    assert mode(file) == 0o600
    assert mode(paths.data_dir()) == 0o700


def test_a_backup_is_private_and_old_ones_are_pruned_to_the_setting(migrated_template):
    from app.services import settings

    file = paths.data_dir() / paths.DB_FILENAME
    shutil.copy(migrated_template, file)
    database = Database.open(str(file))
    try:
        with database.unit_of_work() as session:
            settings.set_value(session, "backup_keep", 3)
        start = dt.datetime(2026, 3, 1, 9, 0)
        made = [db.backup_sqlite(database.engine, "manual", now=start + dt.timedelta(days=day)) for day in range(0, 50, 7)]
    finally:
        database.dispose()
    folder = paths.backup_dir()
    assert mode(folder) == 0o700
    left = sorted(folder.iterdir())
    # Three newest (April 5, 12, 19) and the newest of March (the 29th); April's newest is among the three.
    assert [p.name.split("-manual-")[1][:8] for p in left] == ["20260329", "20260405", "20260412", "20260419"]
    assert set(left) <= set(made) and all(mode(p) == 0o600 for p in left)
    with Database.open(str(left[-1])).read() as session:  # a backup is a whole database
        assert settings.get(session, "backup_keep") == 3


def test_pruning_keeps_the_newest_ten_and_one_a_month_for_a_year(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    first = dt.datetime(2024, 1, 3, 8, 30)
    names = {}
    for day in range(0, 800, 4):  # every four days for two years and two months
        when = first + dt.timedelta(days=day)
        path = folder / f"mentordesk-before-upgrade-{when:%Y%m%d-%H%M%S-%f}.sqlite3"
        path.write_bytes(b"x")
        names[path] = when
    other = folder / "other-before-upgrade-20240103-083000-000000.sqlite3"  # another database's: not counted
    other.write_bytes(b"x")
    now = first + dt.timedelta(days=799, hours=1)  # 2026-03-12
    deleted = db.prune_backups(folder, "mentordesk", ".sqlite3", now=now)
    left = {names[p] for p in folder.iterdir() if p in names}
    newest = sorted(names.values())[-10:]
    by_month: dict[tuple[int, int], dt.datetime] = {}
    for when in sorted(names.values()):
        by_month[(when.year, when.month)] = when
    months = [(2025, m) for m in range(4, 13)] + [(2026, m) for m in range(1, 4)]  # April 2025 to March 2026
    assert left == set(newest) | {by_month[m] for m in months}
    assert len(left) == 10 + 10  # the ten newest (Feb 1 to Mar 9, 2026) hold February's and March's newest
    assert len(deleted) == len(names) - len(left) and other.exists()
    assert min(left) == by_month[(2025, 4)]  # nothing older than a year


def test_cap_drafts_forms_field_copies_and_errors_files_in_the_data_folder_are_private(tmp_path, migrated_template):
    from app.services.cap import drafts
    from app.services.cap.forms import forms_folder
    from app.services.pdf import PdfDocument
    from app.services.tabular import ImportReport, write_errors

    draft = drafts.save_draft("observation-1", {"reinforcement": "clear routines"})
    assert mode(draft) == 0o600 and mode(draft.parent) == 0o700
    form = PdfDocument(forms_folder("2025-2026") / "form.pdf", title="CAP form")
    form.paragraph("Confidential")
    assert mode(form.save()) == 0o600
    assert mode(paths.data_dir() / "cap-forms") == 0o700 and mode(forms_folder("2025-2026")) == 0o700
    elsewhere = PdfDocument(tmp_path / "shared" / "report.pdf", title="Report")
    elsewhere.paragraph("A report the person saved elsewhere")
    assert mode(elsewhere.save()) == 0o644  # the person's umask decides outside MentorDesk's folders
    report = ImportReport(source="in.csv", columns=["a"])
    assert mode(write_errors(report, paths.data_dir() / "roster-errors.csv")) == 0o600


def test_a_field_copy_is_private(tmp_path, migrated_template):
    from app.services.sync import fieldcopy
    from tests.test_sync_support import Replica, cap_district

    coordinator = Replica(tmp_path, "coordinator", template=migrated_template)
    try:
        cap_district(coordinator)
        with coordinator.db.unit_of_work() as session:
            made = fieldcopy.make_field_copy(session, coordinator.db.engine, "SP1", tmp_path / "usb" / "sp1.sqlite3")
    finally:
        coordinator.close()
    assert mode(made.path) == 0o600
