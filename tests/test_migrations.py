"""Migrations: the released schema upgrades on open (after a backup), upgrade -> downgrade ->
upgrade keeps every row, a newer database is refused, and the db commands report it all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from app import db, paths
from app.models import Assignment, Educator, InductionEnrollment, MentorProfile, School, SchoolYear
from app.errors import DatabaseError
from tests.legacy_schema import IDS, populate_0001

DATA = Path(__file__).parent / "data"
CORE = (School, SchoolYear, Educator, InductionEnrollment, MentorProfile, Assignment)


def _ids(database: db.Database) -> dict[str, set]:
    with database.read() as s:
        return {model.__tablename__: set(s.scalars(select(model.id))) for model in CORE}


def _assert_legacy_rows(database: db.Database) -> None:
    with database.read() as s:
        pair = s.get(Assignment, IDS["assignment"])
        assert (pair.mentor.full_name, pair.mentee.full_name) == ("Rosa Pereira", "Jonah Kelly")
        assert pair.private_reason == "hold-harmless note"
        assert pair.mentee.grades == ["6", "7"] and pair.school_year.label == "2025-2026"
        assert s.scalar(select(func.count(Educator.id))) == 3


def test_the_released_file_upgrades_on_open_after_a_backup(tmp_path):
    path = tmp_path / "district.sqlite3"
    shutil.copy(DATA / "schema-0001.sqlite3", path)
    database = db.Database.open(str(path))
    try:
        assert db.current_revision(database.engine) == db.head_revision()
        _assert_legacy_rows(database)
    finally:
        database.dispose()
    backups = list(paths.backup_dir().glob("district-before-upgrade-*.sqlite3"))
    assert len(backups) == 1
    assert db.current_revision(db.make_engine(str(backups[0]))) == "0001_foundation"


def test_enum_checks_of_a_released_file_become_comparisons_that_still_refuse_bad_values(tmp_path):
    """SQLite builds a b-tree for a CHECK's IN list on every row it checks (a third of inserting
    educators): revision 0010 writes them as comparisons, which must refuse the same values."""
    path = tmp_path / "district.sqlite3"
    shutil.copy(DATA / "schema-0001.sqlite3", path)
    in_lists = "SELECT name FROM sqlite_master WHERE sql LIKE '%CHECK (% IN (%'"
    with db.make_engine(str(path)).connect() as conn:
        assert "educator" in conn.execute(text(in_lists)).scalars().all()
    database = db.Database.open(str(path))
    try:
        with database.engine.connect() as conn:
            assert conn.execute(text(in_lists)).scalars().all() == []
            ddl = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'educator'")).scalar()
            assert "CHECK (role = 'teacher' OR role = 'administrator' OR role = 'specialist')" in ddl
            assert conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = 'ix_educator_school_id'")).scalar()
        with pytest.raises(IntegrityError, match="CHECK constraint failed"), database.unit_of_work() as session:
            session.execute(text("UPDATE educator SET role = 'principal'"))
        with database.unit_of_work() as session:
            session.execute(text("UPDATE educator SET license_type = NULL, role = 'specialist'"))
        _assert_legacy_rows(database)
    finally:
        database.dispose()


def test_upgrade_from_the_released_schema_on_each_backend(empty_db_url):
    engine = db.make_engine(empty_db_url)
    populate_0001(engine)
    engine.dispose()
    database = db.Database.open(empty_db_url)
    try:
        _assert_legacy_rows(database)
    finally:
        database.dispose()


@pytest.mark.slow
def test_upgrade_downgrade_upgrade_finds_every_row(empty_db_url):
    from app.services.demo.district import build_demo

    database = db.Database.open(empty_db_url)
    with database.unit_of_work() as session:
        build_demo(session, size="small", seed=5, year_label="2025-2026")
        if not session.scalar(select(func.count(Assignment.id))):  # before matching adds them to the demo
            year = session.scalars(select(SchoolYear)).one()
            mentor, mentee = session.scalars(select(Educator).limit(2)).all()
            session.add(Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=year.first_day))
    before = _ids(database)
    assert all(before.values())
    db.downgrade(database.engine, "0001_foundation")
    assert db.current_revision(database.engine) == "0001_foundation"
    db.upgrade(database.engine)
    assert _ids(database) == before
    database.dispose()


def test_a_database_from_a_newer_version_is_refused_untouched(db_url):
    engine = db.make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="newer MentorDesk"):
        db.Database.open(db_url)
    engine = db.make_engine(db_url)
    assert db.current_revision(engine) == "9999_future"
    engine.dispose()


def test_db_upgrade_and_check_commands(tmp_path, capsys):
    from app.cli import main

    path = tmp_path / "old.sqlite3"
    shutil.copy(DATA / "schema-0001.sqlite3", path)
    assert main(["db", "check", "--db", str(path)]) == 1
    assert "schema: 0001_foundation" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "0001_foundation ->" in out and "backup:" in out
    assert main(["db", "check", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "integrity: ok" in out and f"schema: {db.head_revision()}" in out


def test_db_check_names_the_backend_and_whether_the_connection_is_encrypted(run_cli, backend):
    code, out, _ = run_cli("db", "check")
    assert code == 0 and f"backend: {backend}" in out and "integrity: ok" in out
    if backend == "postgresql":  # .ci/start-postgres.sh gives the server a certificate
        assert "TLS" in out.splitlines()[0]


def test_a_database_inside_a_cloud_synced_folder_is_refused(tmp_path):
    path = tmp_path / "OneDrive - Bay Colony" / "mentordesk.sqlite3"
    path.parent.mkdir()
    with pytest.raises(DatabaseError, match="synced folder"):
        db.Database.open(str(path))
    assert not path.exists()  # refused before anything was written
